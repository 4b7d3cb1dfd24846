// Where a trace's GPU time goes, as HTA defines it (breakdown_analysis.py: temporal and kernel
// type breakdowns; communication_analysis.py: communication–computation overlap), from the
// operations' intervals by type. Pure: intervals in, figures out.

import type { GpuOpType, KernelTypeTime, TraceOverview } from '../../src/model/overviewTypes';
import { mergeIntervals, type MergedIntervals } from './gpuBusy';

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
 * Time per exact set of types running at once: a sweep over each type's union (disjoint within a
 * type, so a type is either on or off between two boundaries).
 */
function typeCombinations(merged: MergedIntervals[]): Map<number, number> {
  const edges: [number, number][] = [];
  merged.forEach((m, t) => {
    for (let i = 0; i < m.start.length; i++) edges.push([m.start[i], 1 << t], [m.end[i], -(1 << t)]);
  });
  edges.sort((x, y) => x[0] - y[0]);
  const byMask = new Map<number, number>();
  let mask = 0;
  for (let i = 0; i < edges.length; i++) {
    mask += edges[i][1];
    const next = i + 1 < edges.length ? edges[i + 1][0] : edges[i][0];
    if (mask > 0 && next > edges[i][0]) byMask.set(mask, (byMask.get(mask) ?? 0) + next - edges[i][0]);
  }
  return byMask;
}

/** `intervals[t]`: [start, end] of the operations of type GPU_OP_TYPES[t]. */
export function timeBreakdown(intervals: [number, number][][]): TimeBreakdown {
  const merged = intervals.map((list) => mergeIntervals([...list]));
  const all = mergeIntervals(intervals.flat());
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
