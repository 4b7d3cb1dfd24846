// Small shared lookups of the analyses: a slice as a SliceRef, the lanes of one
// host thread, and which GPU-lane slices are device work.

import type { SliceRef } from '../../src/model/analysisTypes';
import type { EventColumns, LaneIndex } from '../index/laneIndex';
import type { TraceIndex } from '../index/traceIndex';
import { firstAtOrAfter } from '../index/sortedSearch';

export function sliceRef(index: TraceIndex, lane: LaneIndex, k: number): SliceRef {
  return refOf(index, lane, k, lane, k, index.keyOf(lane, k));
}

/** Event j of `cols` as a SliceRef: event k of its lane, whose key is `key`. */
function refOf(index: TraceIndex, lane: LaneIndex, k: number, cols: EventColumns, j: number, key: string): SliceRef {
  return {
    key,
    laneId: lane.info.id,
    eventIdx: k,
    name: index.nameOf(cols, j),
    category: index.catOf(cols, j),
    kind: lane.info.kind,
    startNs: cols.start[j],
    durNs: cols.dur[j],
    row: cols.row[j],
  };
}

/**
 * sliceRef of event k of a lane, which starts at startNs, reading only the lane's chunks around that
 * instant where it offers them (LaneIndex.parts: an index folder's big lane), not the whole lane. Those
 * chunks hold every event starting then (their ends are no earlier): the key's ordinal is the lane's.
 */
export function sliceRefAt(index: TraceIndex, lane: LaneIndex, k: number, startNs: number): SliceRef {
  const parts = lane.parts?.(startNs, startNs);
  if (!parts) return sliceRef(index, lane, k);
  // Per name, the events before k starting at startNs.
  const before = new Map<number, number>();
  for (const { cols, first } of parts) {
    for (let j = firstAtOrAfter(cols.start, startNs); j < cols.start.length && cols.start[j] === startNs; j++) {
      const ordinal = before.get(cols.name[j]) ?? 0;
      if (first + j === k) return refOf(index, lane, k, cols, j, index.sliceKey(lane, startNs, cols.name[j], ordinal));
      before.set(cols.name[j], ordinal + 1);
    }
  }
  return sliceRef(index, lane, k);
}

const threadCache = new WeakMap<TraceIndex, Map<string, LaneIndex[]>>();

/** The slice lanes of one thread (pid/tid), any kind. */
export function threadLanes(index: TraceIndex, pid: string, tid: string): LaneIndex[] {
  let byThread = threadCache.get(index);
  if (!byThread) {
    byThread = new Map();
    for (const lane of index.lanes.values()) {
      const t = `${lane.info.pid}|${lane.info.tid}`;
      const list = byThread.get(t) ?? [];
      list.push(lane);
      byThread.set(t, list);
    }
    threadCache.set(index, byThread);
  }
  return byThread.get(`${pid}|${tid}`) ?? [];
}

/** GPU-lane categories that are not work: projected user ranges, profiler ranges, waits on events. */
const NOT_DEVICE_WORK = new Set(['gpu_user_annotation', 'cuda_profiler_range', 'cuda_sync']);

/**
 * GPU-lane slices that occupy the device: kernels, memcpy, memset; not the projected user ranges, syncs
 * nor a recorder's own summary lanes (LaneInfo.summary: XLA Ops, Ascend Overlap Analysis, …).
 */
export function isDeviceWork(index: TraceIndex, lane: Pick<LaneIndex, 'info' | 'instant' | 'cat'>, k: number): boolean {
  return lane.info.kind === 'gpu' && !lane.info.summary && lane.instant[k] === 0 && !NOT_DEVICE_WORK.has(index.catOf(lane, k));
}

/** The GPU lanes (one per device + stream); not a recorder's summary lanes. */
export function gpuLanes(index: TraceIndex): LaneIndex[] {
  return [...index.lanes.values()].filter((l) => l.info.kind === 'gpu' && !l.info.summary);
}
