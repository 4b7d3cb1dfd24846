// Hover and click resolve against the last drawn query results, so pointer
// feedback never waits for a worker round-trip.

import type { CounterSamples, LaneSlices } from '../model/types';
import type { Layout, LaneRow } from './laneLayout';

export interface Viewport {
  startNs: number;
  endNs: number;
}

export interface SliceHit {
  kind: 'slice';
  laneId: string;
  /** Index into the LaneSlices arrays. */
  index: number;
  eventIdx: number;
  row: number;
  startNs: number;
  endNs: number;
  nameId: number;
  count: number;
  instant: boolean;
  /** From a tile: the covered share of the item's buckets; absent for exact slices. */
  busy?: number;
}

export interface CounterHit {
  kind: 'counter';
  laneId: string;
  tNs: number;
  values: { series: string; value: number }[];
}

export type Hit = SliceHit | CounterHit;

export interface HitData {
  /** Global-axis slices by lane id. */
  slices: ReadonlyMap<string, LaneSlices>;
  counters: ReadonlyMap<string, CounterSamples>;
}

/**
 * @param x canvas-local x in CSS px (0 = viewport start)
 * @param y content y in CSS px (same space as layout rows, i.e. including scroll)
 */
export function hitTest(layout: Layout, data: HitData, vp: Viewport, widthPx: number, x: number, y: number): Hit | null {
  const row = findRow(layout, y);
  if (!row) return null;
  const nsPerPx = (vp.endNs - vp.startNs) / widthPx;
  const t = vp.startNs + x * nsPerPx;
  if (row.lane.kind === 'counter') {
    const c = data.counters.get(row.id);
    if (!c || !c.t.length) return null;
    const i = lastAtOrBefore(c.t, t);
    if (i < 0) return null;
    return { kind: 'counter', laneId: row.id, tNs: c.t[i], values: c.series.map((s, k) => ({ series: s, value: c.values[k][i] })) };
  }
  const s = data.slices.get(row.id);
  if (!s) return null;
  const r = Math.floor((y - row.y - row.padTop) / row.rowHeight);
  if (r < 0 || r >= row.visibleRows) return null;
  const tol = 2 * nsPerPx;
  const instantTol = 4 * nsPerPx;
  let best = -1;
  let bestScore = Infinity;
  for (let i = 0; i < s.start.length; i++) {
    if (s.row[i] !== r) continue;
    const isInstant = s.instant[i] === 1;
    const tl = isInstant ? instantTol : tol;
    if (s.start[i] - tl > t || s.end[i] + tl < t) continue;
    const inside = s.start[i] <= t && s.end[i] >= t;
    // Prefer real events over merged buckets, exact containment over tolerance, then the nearest.
    const dist = inside ? 0 : Math.min(Math.abs(s.start[i] - t), Math.abs(s.end[i] - t));
    const score = (s.eventIdx[i] < 0 ? 2 : 0) + (inside ? 0 : 1) + dist / (tl + 1e-9) * 0.5;
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  }
  if (best < 0) return null;
  return {
    kind: 'slice',
    laneId: row.id,
    index: best,
    eventIdx: s.eventIdx[best],
    row: r,
    startNs: s.start[best],
    endNs: s.end[best],
    nameId: s.nameId[best],
    count: s.count[best],
    instant: s.instant[best] === 1,
    ...(s.busy && s.busy[best] >= 0 ? { busy: s.busy[best] } : {}),
  };
}

export function findRow(layout: Layout, y: number): LaneRow | null {
  const rows = layout.rows;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rows[mid];
    if (y < r.y) hi = mid - 1;
    else if (y >= r.y + r.height) lo = mid + 1;
    else return r.type === 'lane' ? r : null;
  }
  return null;
}

function lastAtOrBefore(arr: Float64Array, t: number): number {
  let lo = 0;
  let hi = arr.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] <= t) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}
