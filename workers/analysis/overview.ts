// The Overview of one trace: HTA-grade figures over its GPU operations (kernels, memcpy, memset
// and other recorders' device work as the lane table classifies it; never gpu_user_annotation),
// in a range or the whole trace. Kernel types come from the one kernel-class table.

import type { OverviewQuery, StreamIdle, TraceOverview } from '../../src/model/overviewTypes';
import { laneParts, type EventColumns, type LaneIndex } from '../index/laneIndex';
import type { TraceIndex } from '../index/traceIndex';
import { launchCallOf } from './correlation';
import { kernelClassOf } from './kernelClass';
import { DEFAULT_KERNEL_WAIT_NS, StreamIdleSum } from './overviewIdle';
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

/**
 * A stream lane's GPU operations overlapping [a, b] in start order, each clipped to it: `visit`
 * gets its columns (`cols[j]`, event k of the lane) and clipped span. The lane is walked part by part.
 */
function forEachGpuOp(index: TraceIndex, lane: LaneIndex, a: number, b: number, visit: (cols: EventColumns, j: number, k: number, start: number, end: number) => void): void {
  for (const { cols, first } of laneParts(lane, a, b)) {
    for (let j = 0; j < cols.start.length; j++) {
      const s = cols.start[j];
      if (s > b) return;
      const e = s + cols.dur[j];
      if (e < a || (e === a && e > s) || (s === b && e > s) || !isDeviceWork(index, cols, j)) continue;
      visit(cols, j, first + j, Math.max(a, s), Math.min(b, e));
    }
  }
}

/** Per stream lane, its GPU operations overlapping [a, b] in start order, clipped to it. */
export function gpuOpsIn(index: TraceIndex, a = -Infinity, b = Infinity): { lane: LaneIndex; ops: GpuOp[] }[] {
  const out: { lane: LaneIndex; ops: GpuOp[] }[] = [];
  for (const lane of gpuLanes(index)) {
    const ops: GpuOp[] = [];
    forEachGpuOp(index, lane, a, b, (_cols, _j, k, start, end) => ops.push({ lane, k, start, end }));
    if (ops.length) out.push({ lane, ops });
  }
  return out;
}

/** Each stream's operations are visited once, in order, and kept only as their types' intervals. */
export function overview(index: TraceIndex, q: OverviewQuery = {}): TraceOverview {
  const a = q.startNs ?? -Infinity;
  const b = q.endNs ?? Infinity;
  // Plain number columns, not an array per operation: a big trace has millions of them.
  const intervals: IntervalColumns[] = GPU_OP_TYPES.map(() => ({ start: [], end: [] }));
  const pairs: LaunchPairs = { callStart: [], callDur: [], opStart: [], opDur: [] };
  const kernelWaitNs = q.kernelWaitNs ?? DEFAULT_KERNEL_WAIT_NS;
  const idleByStream: StreamIdle[] = [];
  let ops = 0;
  for (const lane of gpuLanes(index)) {
    const idle = new StreamIdleSum(kernelWaitNs);
    let n = 0;
    forEachGpuOp(index, lane, a, b, (cols, j, k, start, end) => {
      n++;
      const type = intervals[GPU_OP_TYPES.indexOf(kernelClassOf(index.nameOf(cols, j)).hta)];
      type.start.push(start);
      type.end.push(end);
      const call = launchCallOf(index, lane, k);
      if (call && cols.start[j] >= a && KERNEL_LAUNCH_CALLS.has(index.raw.strings.get(call.name))) {
        pairs.callStart.push(call.start);
        pairs.callDur.push(call.dur);
        pairs.opStart.push(cols.start[j]);
        pairs.opDur.push(cols.dur[j]);
      }
      idle.add(start, end, call ? call.start : null);
    });
    if (!n) continue;
    ops += n;
    idleByStream.push({ laneId: lane.info.id, device: lane.info.pid, stream: lane.info.tid, ...idle.figures() });
  }
  return { ...timeBreakdown(intervals), idleByStream, launch: launchStats(pairs), ops };
}
