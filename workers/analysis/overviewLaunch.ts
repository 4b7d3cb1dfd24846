// Kernel launch statistics as HTA defines them (cuda_kernel_analysis.py: cuda_kernel_launch_stats):
// per device operation started by a launch call of the table below, the launch delay (device
// start − end of the call, clipped at 0), short kernels and runtime outliers. Not the details
// panel's "launch latency" (device start − call start).

import type { LaunchStats } from '../../src/model/overviewTypes';

/**
 * Runtime calls that start one kernel, memcpy or memset (HTA's list: CUDA and MTIA; HIP's twins
 * added for ROCm traces). cudaGraphLaunch is not here: one call starts a whole graph.
 */
export const KERNEL_LAUNCH_CALLS: ReadonlySet<string> = new Set([
  'cudaLaunchKernel',
  'cudaLaunchKernelExC',
  'cudaMemcpyAsync',
  'cudaMemsetAsync',
  'runFunction - job_prep_and_submit_for_execution',
  'hipLaunchKernel',
  'hipExtLaunchKernel',
  'hipMemcpyAsync',
  'hipMemsetAsync',
]);

/** HTA's cut-offs: runtime calls over 50 µs are outliers, so are launch delays over 100 µs. */
export const RUNTIME_CUTOFF_NS = 50_000;
export const LAUNCH_DELAY_CUTOFF_NS = 100_000;

export interface LaunchPair {
  callStart: number;
  callDur: number;
  opStart: number;
  opDur: number;
}

export function launchStats(pairs: readonly LaunchPair[]): LaunchStats {
  let sum = 0;
  let max = -Infinity;
  let delayOutliers = 0;
  let shortKernels = 0;
  let runtimeOutliers = 0;
  for (const p of pairs) {
    const delay = Math.max(0, p.opStart - (p.callStart + p.callDur));
    sum += delay;
    max = Math.max(max, delay);
    if (delay > LAUNCH_DELAY_CUTOFF_NS) delayOutliers++;
    if (p.callDur <= RUNTIME_CUTOFF_NS && p.opDur < p.callDur) shortKernels++;
    if (p.callDur > RUNTIME_CUTOFF_NS) runtimeOutliers++;
  }
  const n = pairs.length;
  return { launches: n, meanDelayNs: n ? sum / n : null, maxDelayNs: n ? max : null, delayOutliers, shortKernels, runtimeOutliers };
}
