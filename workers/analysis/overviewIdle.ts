// Idle time per stream split by its cause, as HTA's idle time breakdown defines it
// (breakdown_analysis.py): each gap on a stream is charged to the operation after it —
// host wait when that operation's launch call began after the stream went idle (the host was
// late), else kernel wait when the gap is shorter than the threshold (launch overhead of
// back-to-back kernels), else other (waits on events, other streams, synchronisation).

import type { StreamIdle } from '../../src/model/overviewTypes';
import type { GpuOp } from './overview';

/**
 * HTA's default consecutive_kernel_delay is 30, compared with its timestamps in µs (its docstring
 * says ns; run it and the gaps it calls kernel wait are up to 30 µs).
 */
export const DEFAULT_KERNEL_WAIT_NS = 30_000;

/** `ops`: one stream's operations in start order, the i-th with its launch call's start (null: none found). */
export function streamIdle(ops: readonly GpuOp[], launchStart: (i: number) => number | null, kernelWaitNs: number): Omit<StreamIdle, 'laneId' | 'device' | 'stream'> {
  const out = { hostWaitNs: 0, kernelWaitNs: 0, otherNs: 0 };
  let prevEnd = -Infinity;
  for (const [i, op] of ops.entries()) {
    const gap = op.start - prevEnd;
    if (gap > 0 && Number.isFinite(gap)) {
      const launch = launchStart(i);
      if (launch !== null && launch > prevEnd) out.hostWaitNs += gap;
      else if (gap < kernelWaitNs) out.kernelWaitNs += gap;
      else out.otherNs += gap;
    }
    prevEnd = Math.max(prevEnd, op.end);
  }
  return out;
}
