// "Where does the time go?" for a time range: per lane kind and name, the count,
// total, self, min and max time of the slices in the range (durations clipped to
// the range), plus the top GPU kernels and each device's busy / idle time.
// Total is thread time (summed over lanes); share is wall time: the union of the
// name's intervals over all lanes ÷ the range, so it never passes 100 %.

import type { ClassTotal, KernelTotal, RangeQuery, RangeStats, StatsRow } from '../../src/model/analysisTypes';
import type { EventColumns, LaneIndex } from '../index/laneIndex';
import type { TraceIndex } from '../index/traceIndex';
import { correlationMap } from './correlation';
import { busyWithin, deviceBusy, deviceIntervals } from './gpuBusy';
import { clippedDuration, nestingGroups, walkNesting } from '../index/nesting';
import { LaneCursor, MergedCursors } from '../index/nestingOrder';
import { isDeviceWork } from './sliceRef';
import { kernelClass } from './kernelClass';

/**
 * A stats row being summed, with the union of its clipped intervals so far (for the share): the
 * intervals come in start order (shareOfRows), so the union is one open interval and a running sum.
 */
interface RowTotals {
  row: StatsRow;
  unionStart: number;
  unionEnd: number;
  busy: number;
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
  const rowIdOf = (kind: string, name: number) => {
    let code = kindCodes.get(kind);
    if (code === undefined) kindCodes.set(kind, (code = kindCodes.size));
    return code * 2 ** 32 + name;
  };
  const kernels = new Map<string, KernelTotal & { latencySum: number; latencyCount: number }>();
  const corr = correlationMap(index);
  // Async operations are spans between a begin and an end, not time a thread spent (one never
  // ended runs to the trace's end): they are no thread time (the Slices tab lists them).
  const counted = (l: LaneIndex) => !l.info.async && (!wanted || wanted.has(l.info.id));
  // Whole groups, wanted or not, so a lane's self time does not depend on which lanes are in view.
  for (const group of nestingGroups(index.lanes.values())) {
    if (!group.some((l) => l.info.kind === 'gpu' || counted(l))) continue;
    // Per open slice, its stats row: a frame inside a frame of the same row (recursion) adds
    // to the count and self time but not again to the total (as profilers do).
    walkNesting<RowTotals | null>(group, a, b, {
      open(l, cols, j, k, clipped, open) {
        const lane = group[l];
        let acc: RowTotals | null = null;
        if (counted(lane)) {
          const kind = lane.info.kind;
          const id = rowIdOf(kind, cols.name[j]);
          acc = rowOfName.get(id) ?? null;
          if (!acc) {
            const name = index.nameOf(cols, j);
            const key = `${kind}|${name}`;
            acc = rows.get(key) ?? null;
            if (!acc) {
              const row: StatsRow = { kind, name, count: 0, totalNs: 0, selfNs: 0, minNs: Infinity, maxNs: 0, share: 0 };
              if (isDeviceWork(index, cols, j)) row.kernelClass = kernelClass(name);
              rows.set(key, (acc = { row, unionStart: 0, unionEnd: -Infinity, busy: 0 }));
            }
            rowOfName.set(id, acc);
          }
          const row = acc.row;
          row.count++;
          if (!open.holds(acc)) row.totalNs += clipped;
          if (clipped < row.minNs) row.minNs = clipped;
          if (clipped > row.maxNs) row.maxNs = clipped;
        }
        // The kernel chart covers every GPU lane, in view or not: it answers for the device.
        if (lane.info.kind === 'gpu' && isDeviceWork(index, cols, j)) {
          const name = index.nameOf(cols, j);
          let kt = kernels.get(name);
          if (!kt) kernels.set(name, (kt = { name, cls: kernelClass(name), count: 0, totalNs: 0, share: 0, meanLatencyNs: null, latencySum: 0, latencyCount: 0 }));
          kt.count++;
          kt.totalNs += clipped;
          const id = corr.ids.get(lane)?.[k] ?? NaN;
          const launch = Number.isNaN(id) ? undefined : corr.api.firstCall(id);
          if (launch) {
            kt.latencySum += cols.start[j] - launch.start;
            kt.latencyCount++;
          }
        }
        return acc;
      },
      close(acc, self) {
        if (acc) acc.row.selfNs += self;
      },
    });
  }
  shareOfRows([...index.lanes.values()].filter(counted), a, b, (cols, j) => rowOfName.get(rowIdOf(cols.info.kind, cols.name[j]))!, rows.values());
  const out: StatsRow[] = [];
  for (const { row, busy } of rows.values()) {
    row.share = busy / span;
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

/**
 * Each row's busy time in [a, b]: the union of its slices' clipped intervals over all the lanes (wall
 * time, so overlapping threads count once), as busyWithin would sum the merged intervals. One walk over
 * every lane's slices in start order (each lane read chunk by chunk when it offers parts), so a
 * row's union is one open interval: memory is per row, not per slice.
 */
function shareOfRows(lanes: readonly LaneIndex[], a: number, b: number, rowOf: (cols: EventColumns, j: number) => RowTotals, rows: Iterable<RowTotals>): void {
  const merged = new MergedCursors(lanes.map((lane, l) => new LaneCursor(lane, l, 0, a, b)));
  // (A row's union starts empty: it ends at −∞.)
  const closeUnion = (acc: RowTotals) => {
    if (acc.unionEnd > a && acc.unionStart < b) acc.busy += Math.min(b, acc.unionEnd) - Math.max(a, acc.unionStart);
  };
  for (let c = merged.next(); c; c = merged.next()) {
    const clipped = clippedDuration(c.start, c.end, a, b);
    if (clipped <= 0) continue;
    const acc = rowOf(c.cols, c.j);
    const from = Math.max(a, c.start);
    const to = from + clipped;
    if (from <= acc.unionEnd) acc.unionEnd = Math.max(acc.unionEnd, to);
    else {
      closeUnion(acc);
      acc.unionStart = from;
      acc.unionEnd = to;
    }
  }
  for (const acc of rows) closeUnion(acc);
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
