// "Where does the time go?" for a time range: per lane kind and name, the count,
// total, self, min and max time of the slices in the range (durations clipped to
// the range), plus the top GPU kernels and each device's busy / idle time.

import type { KernelTotal, RangeQuery, RangeStats, StatsRow } from '../../src/model/analysisTypes';
import { firstEndingAfter, type LaneIndex } from '../index/laneIndex';
import type { TraceIndex } from '../index/traceIndex';
import { correlationMap } from './correlation';
import { busyWithin, deviceBusy, deviceIntervals } from './gpuBusy';
import { isDeviceWork } from './sliceRef';

/** Event indices of one row that overlap [a, b] (instants at a or b included), in start order. */
export function rowSlicesIn(lane: LaneIndex, row: number, a: number, b: number): number[] {
  const list = lane.rows[row];
  const out: number[] = [];
  for (let p = firstEndingAfter(lane, list, a); p < list.length; p++) {
    const k = list[p];
    if (lane.start[k] > b || (lane.start[k] === b && lane.dur[k] > 0)) break;
    out.push(k);
  }
  return out;
}

/**
 * Clipped duration, clipped self time and parent (−1 = none) of every slice of a lane
 * that overlaps [a, b], row by row (parents are visited before their children).
 */
export function laneTimesIn(lane: LaneIndex, a: number, b: number, visit: (k: number, clipped: number, self: number, parent: number) => void): void {
  const clip = (k: number) => Math.max(0, Math.min(b, lane.start[k] + lane.dur[k]) - Math.max(a, lane.start[k]));
  let parents = lane.rows.length ? rowSlicesIn(lane, 0, a, b) : [];
  let parentOf = new Int32Array(parents.length).fill(-1);
  for (let r = 0; r < lane.rows.length; r++) {
    const children = r + 1 < lane.rows.length ? rowSlicesIn(lane, r + 1, a, b) : [];
    // Two pointers: each child nests in at most one slice of this row.
    const covered = new Float64Array(parents.length);
    const childParent = new Int32Array(children.length).fill(-1);
    let p = 0;
    children.forEach((c, i) => {
      while (p < parents.length && lane.start[parents[p]] + lane.dur[parents[p]] < lane.start[c] + lane.dur[c]) p++;
      if (p < parents.length && lane.start[parents[p]] <= lane.start[c]) {
        covered[p] += clip(c);
        childParent[i] = parents[p];
      }
    });
    parents.forEach((k, i) => {
      const d = clip(k);
      visit(k, d, Math.max(0, d - covered[i]), parentOf[i]);
    });
    parents = children;
    parentOf = childParent;
  }
}

export function rangeStats(index: TraceIndex, q: RangeQuery): RangeStats {
  const a = q.startNs;
  const b = q.endNs;
  const span = Math.max(1, b - a);
  const wanted = q.laneIds ? new Set(q.laneIds) : null;
  const rows = new Map<string, StatsRow>();
  const kernels = new Map<string, KernelTotal & { latencySum: number; latencyCount: number }>();
  const corr = correlationMap(index);
  for (const lane of index.lanes.values()) {
    const inView = !wanted || wanted.has(lane.info.id);
    const gpu = lane.info.kind === 'gpu';
    if (!inView && !gpu) continue;
    // Parent links of this lane, to spot recursion: a frame inside a frame of the same
    // name adds to the count and self time but not again to the total (as profilers do).
    const parentOf = inView ? new Int32Array(lane.start.length) : null;
    const recursive = (k: number, p: number) => {
      for (; p >= 0; p = parentOf![p]) if (lane.name[p] === lane.name[k]) return true;
      return false;
    };
    laneTimesIn(lane, a, b, (k, clipped, self, parent) => {
      const name = index.nameOf(lane, k);
      if (parentOf) {
        parentOf[k] = parent;
        const key = `${lane.info.kind}|${name}`;
        let row = rows.get(key);
        if (!row) rows.set(key, (row = { kind: lane.info.kind, name, count: 0, totalNs: 0, selfNs: 0, minNs: Infinity, maxNs: 0, share: 0 }));
        row.count++;
        if (!recursive(k, parent)) row.totalNs += clipped;
        row.selfNs += self;
        row.minNs = Math.min(row.minNs, clipped);
        row.maxNs = Math.max(row.maxNs, clipped);
      }
      // The kernel chart covers every GPU lane, in view or not: it answers for the device.
      if (gpu && isDeviceWork(index, lane, k)) {
        let kt = kernels.get(name);
        if (!kt) kernels.set(name, (kt = { name, count: 0, totalNs: 0, share: 0, meanLatencyNs: null, latencySum: 0, latencyCount: 0 }));
        kt.count++;
        kt.totalNs += clipped;
        const id = corr.ids.get(lane)?.[k] ?? NaN;
        const launch = Number.isNaN(id) ? undefined : corr.api.get(id)?.[0];
        if (launch) {
          kt.latencySum += lane.start[k] - launch[0].start[launch[1]];
          kt.latencyCount++;
        }
      }
    });
  }
  const out = [...rows.values()];
  for (const r of out) r.share = r.totalNs / span;
  out.sort((x, y) => y.totalNs - x.totalNs || x.name.localeCompare(y.name));
  let busy = 0;
  for (const m of deviceIntervals(index).values()) busy += busyWithin(m, a, b);
  const kernelList: KernelTotal[] = [...kernels.values()]
    .map(({ latencySum, latencyCount, ...k }) => ({ ...k, share: busy > 0 ? k.totalNs / busy : 0, meanLatencyNs: latencyCount ? latencySum / latencyCount : null }))
    .sort((x, y) => y.totalNs - x.totalNs || x.name.localeCompare(y.name));
  return { startNs: a, endNs: b, rows: out, kernels: kernelList, devices: deviceBusy(index, a, b) };
}
