// Idle GPU gaps: per device, the stretches longer than a threshold with no kernel,
// memcpy or memset, between the device's first and last operation; each with what
// the host's Python was doing meanwhile.

import type { HostFrame, IdleGap } from '../../src/model/analysisTypes';
import type { TraceIndex } from '../index/traceIndex';
import { deviceIntervals, idleWithin } from './gpuBusy';
import { nestSlices } from '../index/nesting';
import { gpuLanes } from './sliceRef';

export const DEFAULT_GAP_THRESHOLD_NS = 1e6;
const HOST_FRAMES = 3;

/**
 * The longest Python frames inside [a, b]. A frame whose own child covers (almost) all
 * of its time in the gap is only a wrapper (thread.run → main → …) and is skipped,
 * so what remains says where the time actually went.
 */
export function hostFramesIn(index: TraceIndex, a: number, b: number, limit = HOST_FRAMES): HostFrame[] {
  const frames: (HostFrame & { row: number })[] = [];
  for (const lane of index.lanes.values()) {
    if (lane.info.kind !== 'python') continue;
    const clipped = new Map<number, number>();
    const widestChild = new Map<number, number>();
    // Python frames alone: a frame whose one cpu_op fills it is still where the time went.
    const nest = nestSlices([lane], a, b);
    for (let i = 0; i < nest.event.length; i++) {
      const d = nest.clipped[i];
      if (d <= 0) continue;
      clipped.set(nest.event[i], d);
      const p = nest.parent[i];
      if (p >= 0) widestChild.set(nest.event[p], Math.max(widestChild.get(nest.event[p]) ?? 0, d));
    }
    for (const [k, d] of clipped) {
      if ((widestChild.get(k) ?? 0) >= d * 0.98) continue;
      frames.push({ name: index.nameOf(lane, k), laneId: lane.info.id, eventIdx: k, overlapNs: d, row: lane.row[k] });
    }
  }
  frames.sort((x, y) => y.overlapNs - x.overlapNs || x.row - y.row);
  return frames.slice(0, limit).map(({ row: _row, ...f }) => f);
}

export function idleGaps(index: TraceIndex, thresholdNs = DEFAULT_GAP_THRESHOLD_NS): IdleGap[] {
  const lanesByDevice = new Map<string, string[]>();
  for (const l of gpuLanes(index)) lanesByDevice.set(l.info.pid, [...(lanesByDevice.get(l.info.pid) ?? []), l.info.id]);
  const gaps: IdleGap[] = [];
  for (const [device, m] of deviceIntervals(index)) {
    if (m.start.length < 2) continue;
    for (const [s, e] of idleWithin(m, m.start[0], m.end[m.end.length - 1])) {
      if (e - s <= thresholdNs) continue;
      gaps.push({ device, startNs: s, durNs: e - s, laneIds: lanesByDevice.get(device) ?? [], host: hostFramesIn(index, s, e) });
    }
  }
  return gaps.sort((x, y) => x.startNs - y.startNs || x.device.localeCompare(y.device));
}
