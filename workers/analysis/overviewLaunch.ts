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

/** Launch call ↔ operation pairs as columns (pair i: callStart[i], callDur[i], opStart[i], opDur[i]). */
export interface LaunchPairs {
  callStart: number[];
  callDur: number[];
  opStart: number[];
  opDur: number[];
}

export function launchStats(pairs: LaunchPairs): LaunchStats {
  let sum = 0;
  let max = -Infinity;
  let delayOutliers = 0;
  let shortKernels = 0;
  let runtimeOutliers = 0;
  const n = pairs.callStart.length;
  for (let i = 0; i < n; i++) {
    const callDur = pairs.callDur[i];
    const delay = Math.max(0, pairs.opStart[i] - (pairs.callStart[i] + callDur));
    sum += delay;
    max = Math.max(max, delay);
    if (delay > LAUNCH_DELAY_CUTOFF_NS) delayOutliers++;
    if (callDur <= RUNTIME_CUTOFF_NS && pairs.opDur[i] < callDur) shortKernels++;
    if (callDur > RUNTIME_CUTOFF_NS) runtimeOutliers++;
  }
  return { launches: n, meanDelayNs: n ? sum / n : null, maxDelayNs: n ? max : null, delayOutliers, shortKernels, runtimeOutliers };
}
