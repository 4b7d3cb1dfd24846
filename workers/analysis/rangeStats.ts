// "Where does the time go?" for a time range: per lane kind and name, the count,
// total, self, min and max time of the slices in the range (durations clipped to
// the range), plus the top GPU kernels and each device's busy / idle time.
// Total is thread time (summed over lanes); share is wall time: the union of the
// name's intervals over all lanes ÷ the range, so it never passes 100 %.

import type { ClassTotal, KernelTotal, RangeQuery, RangeStats, StatsRow } from '../../src/model/analysisTypes';
import type { LaneIndex } from '../index/laneIndex';
import type { TraceIndex } from '../index/traceIndex';
import { correlationMap } from './correlation';
import { busyWithin, deviceBusy, deviceIntervals, mergeIntervalColumns } from './gpuBusy';
import { nestingGroups, nestSlices } from '../index/nesting';
import { isDeviceWork } from './sliceRef';
import { kernelClass } from './kernelClass';

/** A stats row being summed, with its clipped intervals (for the share's union) as two columns. */
interface RowTotals {
  row: StatsRow;
  spanStart: number[];
  spanEnd: number[];
}

export function rangeStats(index: TraceIndex, q: RangeQuery): RangeStats {
  const a = q.startNs;
  const b = q.endNs;
  const span = Math.max(1, b - a);
  const wanted = q.laneIds ? new Set(q.laneIds) : null;
  const rows = new Map<string, RowTotals>();
  // The row of a (lane kind, name id), found without building the name's key per slice.
  const rowOfName = new Map<number, RowTotals>();
  const kindCodes = new Map<string, number>();
  const kernels = new Map<string, KernelTotal & { latencySum: number; latencyCount: number }>();
  const corr = correlationMap(index);
  // Async operations are spans between a begin and an end, not time a thread spent (one never
  // ended runs to the trace's end): they are no thread time (the Slices tab lists them).
  const counted = (l: LaneIndex) => !l.info.async && (!wanted || wanted.has(l.info.id));
  // Whole groups, wanted or not, so a lane's self time does not depend on which lanes are in view.
  for (const group of nestingGroups(index.lanes.values())) {
    if (!group.some((l) => l.info.kind === 'gpu' || counted(l))) continue;
    const nest = nestSlices(group, a, b);
    // Per slice, its stats row: a frame inside a frame of the same row (recursion) adds
    // to the count and self time but not again to the total (as profilers do).
    const rowOf: (RowTotals | null)[] = new Array(nest.event.length).fill(null);
    const recursive = (row: RowTotals, p: number) => {
      for (; p >= 0; p = nest.parent[p]) if (rowOf[p] === row) return true;
      return false;
    };
    for (let i = 0; i < nest.event.length; i++) {
      const lane = group[nest.lane[i]];
      const k = nest.event[i];
      const clipped = nest.clipped[i];
      if (counted(lane)) {
        const kind = lane.info.kind;
        let code = kindCodes.get(kind);
        if (code === undefined) kindCodes.set(kind, (code = kindCodes.size));
        const id = code * 2 ** 32 + lane.name[k];
        let acc = rowOfName.get(id);
        if (!acc) {
          const name = index.nameOf(lane, k);
          const key = `${kind}|${name}`;
          acc = rows.get(key);
          if (!acc) {
            const row: StatsRow = { kind, name, count: 0, totalNs: 0, selfNs: 0, minNs: Infinity, maxNs: 0, share: 0 };
            if (isDeviceWork(index, lane, k)) row.kernelClass = kernelClass(name);
            rows.set(key, (acc = { row, spanStart: [], spanEnd: [] }));
          }
          rowOfName.set(id, acc);
        }
        const row = acc.row;
        rowOf[i] = acc;
        row.count++;
        if (!recursive(acc, nest.parent[i])) row.totalNs += clipped;
        row.selfNs += nest.self[i];
        if (clipped < row.minNs) row.minNs = clipped;
        if (clipped > row.maxNs) row.maxNs = clipped;
        if (clipped > 0) {
          const from = Math.max(a, lane.start[k]);
          acc.spanStart.push(from);
          acc.spanEnd.push(from + clipped);
        }
      }
      // The kernel chart covers every GPU lane, in view or not: it answers for the device.
      if (lane.info.kind === 'gpu' && isDeviceWork(index, lane, k)) {
        const name = index.nameOf(lane, k);
        let kt = kernels.get(name);
        if (!kt) kernels.set(name, (kt = { name, cls: kernelClass(name), count: 0, totalNs: 0, share: 0, meanLatencyNs: null, latencySum: 0, latencyCount: 0 }));
        kt.count++;
        kt.totalNs += clipped;
        const id = corr.ids.get(lane)?.[k] ?? NaN;
        const launch = Number.isNaN(id) ? undefined : corr.api.first(id);
        if (launch) {
          kt.latencySum += lane.start[k] - launch[0].start[launch[1]];
          kt.latencyCount++;
        }
      }
    }
  }
  const out: StatsRow[] = [];
  for (const { row, spanStart, spanEnd } of rows.values()) {
    row.share = busyWithin(mergeIntervalColumns(spanStart, spanEnd), a, b) / span;
    out.push(row);
  }
  out.sort((x, y) => y.totalNs - x.totalNs || x.name.localeCompare(y.name));
  let busy = 0;
  for (const m of deviceIntervals(index).values()) busy += busyWithin(m, a, b);
  const kernelList: KernelTotal[] = [...kernels.values()]
    .map(({ latencySum, latencyCount, ...k }) => ({ ...k, share: busy > 0 ? k.totalNs / busy : 0, meanLatencyNs: latencyCount ? latencySum / latencyCount : null }))
    .sort((x, y) => y.totalNs - x.totalNs || x.name.localeCompare(y.name));
  return { startNs: a, endNs: b, rows: out, kernels: kernelList, classes: classTotals(kernelList), devices: deviceBusy(index, a, b) };
}

/** Kernel totals summed per class, largest first. */
export function classTotals(kernels: readonly KernelTotal[]): ClassTotal[] {
  const byClass = new Map<string, ClassTotal>();
  for (const k of kernels) {
    const c = byClass.get(k.cls) ?? { cls: k.cls, count: 0, totalNs: 0, share: 0 };
    c.count += k.count;
    c.totalNs += k.totalNs;
    c.share += k.share;
    byClass.set(k.cls, c);
  }
  return [...byClass.values()].sort((x, y) => y.totalNs - x.totalNs || x.cls.localeCompare(y.cls));
}
