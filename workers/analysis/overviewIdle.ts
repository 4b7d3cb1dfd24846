// Idle time per stream split by its cause, as HTA's idle time breakdown defines it
// (breakdown_analysis.py): each gap on a stream is charged to the operation after it —
// host wait when that operation's launch call began after the stream went idle (the host was
// late), else kernel wait when the gap is shorter than the threshold (launch overhead of
// back-to-back kernels), else other (waits on events, other streams, synchronisation).

import type { StreamIdle } from '../../src/model/overviewTypes';

/**
 * HTA's default consecutive_kernel_delay is 30, compared with its timestamps in µs (its docstring
 * says ns; run it and the gaps it calls kernel wait are up to 30 µs).
 */
export const DEFAULT_KERNEL_WAIT_NS = 30_000;

/** One stream's idle time by cause, summed over its operations given in start order (`add`). */
export class StreamIdleSum {
  private hostWaitNs = 0;
  private kernelWaitNs = 0;
  private otherNs = 0;
  private prevEnd = -Infinity;

  constructor(private readonly kernelWaitThresholdNs: number) {}

  /** The next operation, [start, end], with its launch call's start (null: none found). */
  add(start: number, end: number, launchStart: number | null): void {
    const gap = start - this.prevEnd;
    if (gap > 0 && Number.isFinite(gap)) {
      if (launchStart !== null && launchStart > this.prevEnd) this.hostWaitNs += gap;
      else if (gap < this.kernelWaitThresholdNs) this.kernelWaitNs += gap;
      else this.otherNs += gap;
    }
    this.prevEnd = Math.max(this.prevEnd, end);
  }

  figures(): Omit<StreamIdle, 'laneId' | 'device' | 'stream'> {
    return { hostWaitNs: this.hostWaitNs, kernelWaitNs: this.kernelWaitNs, otherNs: this.otherNs };
  }
}
