// Where a trace's GPU time goes, as HTA defines it (breakdown_analysis.py: temporal and kernel
// type breakdowns; communication_analysis.py: communication–computation overlap), from the
// operations' intervals by type. Pure: intervals in, figures out.

import type { GpuOpType, KernelTypeTime, TraceOverview } from '../../src/model/overviewTypes';
import { mergeIntervalColumns, type MergedIntervals } from './gpuBusy';
import { concatTyped } from '../../src/model/concatTyped';

/** HTA's order of kernel types, which is also the order of names in an overlap label. */
export const GPU_OP_TYPES: readonly GpuOpType[] = ['computation', 'communication', 'memory'];

/** The time figures of a TraceOverview. */
export type TimeBreakdown = Pick<TraceOverview, 'startNs' | 'endNs' | 'spanNs' | 'idleNs' | 'computeNs' | 'nonComputeNs' | 'overlapPct' | 'kernelTypes'>;

function length(m: MergedIntervals): number {
  let n = 0;
  for (let i = 0; i < m.start.length; i++) n += m.end[i] - m.start[i];
  return n;
}

/**
 * Time per exact set of types running at once: a sweep over each type's union (sorted and
 * disjoint within a type, so a type is either on or off between two boundaries), merging the
 * types' boundaries in time order.
 */
function typeCombinations(merged: MergedIntervals[]): Map<number, number> {
  // Per type, its next boundary: 2i is interval i's start, 2i + 1 its end.
  const next = merged.map(() => 0);
  const timeOf = (t: number) => {
    const b = next[t];
    const m = merged[t];
    return b >= 2 * m.start.length ? Infinity : b & 1 ? m.end[b >> 1] : m.start[b >> 1];
  };
  const byMask = new Map<number, number>();
  let mask = 0;
  let prev = -Infinity;
  for (;;) {
    let t = -1;
    let time = Infinity;
    for (let u = 0; u < merged.length; u++) {
      const at = timeOf(u);
      if (at < time) [t, time] = [u, at];
    }
    if (t < 0) break;
    if (mask > 0 && time > prev) byMask.set(mask, (byMask.get(mask) ?? 0) + time - prev);
    mask ^= 1 << t;
    next[t]++;
    prev = time;
  }
  return byMask;
}

/** Intervals as two columns: interval i is [start[i], end[i]]. */
export interface IntervalColumns {
  start: number[];
  end: number[];
}

/** `intervals[t]`: the operations of type GPU_OP_TYPES[t]. */
export function timeBreakdown(intervals: IntervalColumns[]): TimeBreakdown {
  const merged = intervals.map((c) => mergeIntervalColumns(c.start, c.end));
  // The union of every type's union: the same disjoint intervals as merging all operations at once.
  const all = mergeIntervalColumns(concatTyped(Float64Array, merged.map((m) => m.start)), concatTyped(Float64Array, merged.map((m) => m.end)));
  const n = all.start.length;
  const startNs = n ? all.start[0] : null;
  const endNs = n ? all.end[n - 1] : null;
  const spanNs = n ? all.end[n - 1] - all.start[0] : 0;
  const idleNs = spanNs - length(all);
  const computeNs = length(merged[0]);
  const byMask = typeCombinations(merged);
  const commNs = length(merged[1]);
  const overlapPct = commNs > 0 ? (100 * (byMask.get(0b011) ?? 0) + 100 * (byMask.get(0b111) ?? 0)) / commNs : null;
  const kernelTypes: KernelTypeTime[] = [...byMask]
    .map(([mask, ns]) => {
      const types = GPU_OP_TYPES.filter((_, t) => mask & (1 << t));
      return { types, label: types.join(' overlapping '), ns };
    })
    .sort((x, y) => y.ns - x.ns);
  return { startNs, endNs, spanNs, idleNs, computeNs, nonComputeNs: spanNs - computeNs - idleNs, overlapPct, kernelTypes };
}
