// Small shared lookups of the analyses: a slice as a SliceRef, the lanes of one
// host thread, and which GPU-lane slices are device work.

import type { SliceRef } from '../../src/model/analysisTypes';
import type { LaneIndex } from '../index/laneIndex';
import type { TraceIndex } from '../index/traceIndex';

export function sliceRef(index: TraceIndex, lane: LaneIndex, k: number): SliceRef {
  return {
    key: index.keyOf(lane, k),
    laneId: lane.info.id,
    eventIdx: k,
    name: index.nameOf(lane, k),
    category: index.catOf(lane, k),
    kind: lane.info.kind,
    startNs: lane.start[k],
    durNs: lane.dur[k],
    row: lane.row[k],
  };
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
