// The Overview of one trace: HTA-grade figures over its GPU operations (kernels, memcpy, memset
// and other recorders' device work as the lane table classifies it; never gpu_user_annotation),
// in a range or the whole trace. Kernel types come from the one kernel-class table.

import type { OverviewQuery, StreamIdle, TraceOverview } from '../../src/model/overviewTypes';
import type { LaneIndex } from '../index/laneIndex';
import type { TraceIndex } from '../index/traceIndex';
import { launchCallOf } from './correlation';
import { kernelClassOf } from './kernelClass';
import { DEFAULT_KERNEL_WAIT_NS, streamIdle } from './overviewIdle';
import { KERNEL_LAUNCH_CALLS, launchStats, type LaunchPair } from './overviewLaunch';
import { GPU_OP_TYPES, timeBreakdown } from './overviewTime';
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
  const intervals: [number, number][][] = GPU_OP_TYPES.map(() => []);
  const pairs: LaunchPair[] = [];
  const launchStart = new Map<GpuOp, number | null>();
  let ops = 0;
  for (const { lane, ops: list } of streams) {
    ops += list.length;
    for (const op of list) {
      intervals[GPU_OP_TYPES.indexOf(kernelClassOf(index.nameOf(lane, op.k)).hta)].push([op.start, op.end]);
      const call = launchCallOf(index, lane, op.k);
      launchStart.set(op, call ? call[0].start[call[1]] : null);
      if (call && lane.start[op.k] >= a && KERNEL_LAUNCH_CALLS.has(index.nameOf(call[0], call[1]))) {
        pairs.push({ callStart: call[0].start[call[1]], callDur: call[0].dur[call[1]], opStart: lane.start[op.k], opDur: lane.dur[op.k] });
      }
    }
  }
  const kernelWaitNs = q.kernelWaitNs ?? DEFAULT_KERNEL_WAIT_NS;
  const idleByStream: StreamIdle[] = streams.map(({ lane, ops: list }) => ({
    laneId: lane.info.id,
    device: lane.info.pid,
    stream: lane.info.tid,
    ...streamIdle(list, (op) => launchStart.get(op) ?? null, kernelWaitNs),
  }));
  return { ...timeBreakdown(intervals), idleByStream, launch: launchStats(pairs), ops };
}
