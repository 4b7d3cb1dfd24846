// GPU busy time per device: the union of its kernel, memcpy and memset intervals
// over all its streams (overlapping streams count once). Built once per trace as
// merged, sorted intervals, so any range costs two binary searches.

import type { DeviceBusy } from '../../src/model/analysisTypes';
import { firstAtOrAfter } from '../index/sortedSearch';
import type { TraceIndex } from '../index/traceIndex';
import { laneParts } from '../index/laneIndex';
import { gpuLanes, isDeviceWork } from './sliceRef';

export interface MergedIntervals {
  start: Float64Array;
  end: Float64Array;
}

const cache = new WeakMap<TraceIndex, Map<string, MergedIntervals>>();

/** Sorted, disjoint busy intervals per device (device = the GPU lanes' pid). */
export function deviceIntervals(index: TraceIndex): Map<string, MergedIntervals> {
  let byDevice = cache.get(index);
  if (byDevice) return byDevice;
  // Two number columns per device, not a pair per operation (a big trace has millions); lanes walked part by part.
  const raw = new Map<string, { start: number[]; end: number[] }>();
  for (const lane of gpuLanes(index)) {
    const list = raw.get(lane.info.pid) ?? { start: [], end: [] };
    for (const { cols } of laneParts(lane)) {
      for (let k = 0; k < cols.start.length; k++) {
        if (!isDeviceWork(index, cols, k)) continue;
        list.start.push(cols.start[k]);
        list.end.push(cols.start[k] + cols.dur[k]);
      }
    }
    raw.set(lane.info.pid, list);
  }
  byDevice = new Map();
  for (const [device, list] of [...raw].sort((a, b) => a[0].localeCompare(b[0], undefined, { numeric: true }))) byDevice.set(device, mergeIntervalColumns(list.start, list.end));
  cache.set(index, byDevice);
  return byDevice;
}

/** Intervals as two columns (interval i: start[i] to end[i], in any order) as sorted, disjoint ones. */
export function mergeIntervalColumns(start: ArrayLike<number>, end: ArrayLike<number>): MergedIntervals {
  const n = start.length;
  const order = new Uint32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (i > 0 && start[i] < start[i - 1]) sorted = false;
  }
  // Callers mostly hand intervals already in start order: no sort then.
  if (!sorted) order.sort((x, y) => start[x] - start[y]);
  const outStart: number[] = [];
  const outEnd: number[] = [];
  for (let j = 0; j < n; j++) {
    const s = start[order[j]];
    const e = end[order[j]];
    const last = outEnd.length - 1;
    if (last >= 0 && s <= outEnd[last]) outEnd[last] = Math.max(outEnd[last], e);
    else {
      outStart.push(s);
      outEnd.push(e);
    }
  }
  return { start: Float64Array.from(outStart), end: Float64Array.from(outEnd) };
}

/** Busy ns of merged intervals inside [a, b]. */
export function busyWithin(m: MergedIntervals, a: number, b: number): number {
  let busy = 0;
  for (let i = firstAtOrAfter(m.end, a, true); i < m.start.length && m.start[i] < b; i++) busy += Math.min(b, m.end[i]) - Math.max(a, m.start[i]);
  return busy;
}

/** The idle stretches of merged intervals inside [a, b], as [start, end] pairs. */
export function idleWithin(m: MergedIntervals, a: number, b: number): [number, number][] {
  const out: [number, number][] = [];
  let t = a;
  for (let i = firstAtOrAfter(m.end, a, true); i < m.start.length && m.start[i] < b; i++) {
    if (m.start[i] > t) out.push([t, m.start[i]]);
    t = Math.max(t, m.end[i]);
  }
  if (t < b) out.push([t, b]);
  return out;
}

export function deviceBusy(index: TraceIndex, a: number, b: number): DeviceBusy[] {
  return [...deviceIntervals(index)].map(([device, m]) => {
    const busyNs = busyWithin(m, a, b);
    return { device, busyNs, idleNs: Math.max(0, b - a - busyNs) };
  });
}
