// The Overview of one trace: HTA-grade figures over its GPU operations (kernels, memcpy, memset
// and other recorders' device work as the lane table classifies it; never gpu_user_annotation),
// in a range or the whole trace. Kernel types come from the one kernel-class table.

import type { OverviewQuery, StreamIdle, TraceOverview } from '../../src/model/overviewTypes';
import type { LaneIndex } from '../index/laneIndex';
import type { TraceIndex } from '../index/traceIndex';
import { launchCallOf } from './correlation';
import { kernelClassOf } from './kernelClass';
import { DEFAULT_KERNEL_WAIT_NS, streamIdle } from './overviewIdle';
import { KERNEL_LAUNCH_CALLS, launchStats, type LaunchPairs } from './overviewLaunch';
import { GPU_OP_TYPES, timeBreakdown, type IntervalColumns } from './overviewTime';
import { gpuLanes, isDeviceWork } from './sliceRef';

/** One GPU operation, clipped to the range. */
export interface GpuOp {
  lane: LaneIndex;
  k: number;
  start: number;
  end: number;
}

/** Per stream lane, its GPU operations overlapping [a, b] in start order, clipped to it. */
export function gpuOpsIn(index: TraceIndex, a = -Infinity, b = Infinity): { lane: LaneIndex; ops: GpuOp[] }[] {
  const out: { lane: LaneIndex; ops: GpuOp[] }[] = [];
  for (const lane of gpuLanes(index)) {
    const ops: GpuOp[] = [];
    for (let k = 0; k < lane.start.length && lane.start[k] <= b; k++) {
      const s = lane.start[k];
      const e = s + lane.dur[k];
      if (e < a || (e === a && e > s) || (s === b && e > s) || !isDeviceWork(index, lane, k)) continue;
      ops.push({ lane, k, start: Math.max(a, s), end: Math.min(b, e) });
    }
    if (ops.length) out.push({ lane, ops });
  }
  return out;
}

export function overview(index: TraceIndex, q: OverviewQuery = {}): TraceOverview {
  const a = q.startNs ?? -Infinity;
  const b = q.endNs ?? Infinity;
  const streams = gpuOpsIn(index, a, b);
  // Plain number columns, not an array per operation: a big trace has millions of them.
  const intervals: IntervalColumns[] = GPU_OP_TYPES.map(() => ({ start: [], end: [] }));
  const pairs: LaunchPairs = { callStart: [], callDur: [], opStart: [], opDur: [] };
  const launchStarts: Float64Array[] = [];
  let ops = 0;
  for (const { lane, ops: list } of streams) {
    ops += list.length;
    const launchStart = new Float64Array(list.length);
    for (const [i, op] of list.entries()) {
      const type = intervals[GPU_OP_TYPES.indexOf(kernelClassOf(index.nameOf(lane, op.k)).hta)];
      type.start.push(op.start);
      type.end.push(op.end);
      const call = launchCallOf(index, lane, op.k);
      launchStart[i] = call ? call[0].start[call[1]] : NaN;
      if (call && lane.start[op.k] >= a && KERNEL_LAUNCH_CALLS.has(index.nameOf(call[0], call[1]))) {
        pairs.callStart.push(call[0].start[call[1]]);
        pairs.callDur.push(call[0].dur[call[1]]);
        pairs.opStart.push(lane.start[op.k]);
        pairs.opDur.push(lane.dur[op.k]);
      }
    }
    launchStarts.push(launchStart);
  }
  const kernelWaitNs = q.kernelWaitNs ?? DEFAULT_KERNEL_WAIT_NS;
  const idleByStream: StreamIdle[] = streams.map(({ lane, ops: list }, s) => ({
    laneId: lane.info.id,
    device: lane.info.pid,
    stream: lane.info.tid,
    ...streamIdle(list, (i) => (Number.isNaN(launchStarts[s][i]) ? null : launchStarts[s][i]), kernelWaitNs),
  }));
  return { ...timeBreakdown(intervals), idleByStream, launch: launchStats(pairs), ops };
}
