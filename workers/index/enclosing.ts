// Nesting queries inside one lane: which slices enclose a time or an interval.
// Rows hold non-overlapping slices sorted by start (so ends are sorted too),
// which makes "the slice of row r covering t" one binary search per row.

import { firstEndingAfter, firstStartingAt, type LaneIndex } from './laneIndex';

/** The slice of `row` that covers [s, e] (start ≤ s, end ≥ e), or −1. Instants never enclose. */
export function coveringInRow(lane: LaneIndex, row: number, s: number, e: number): number {
  const list = lane.rows[row];
  if (!list) return -1;
  for (let p = firstEndingAfter(lane, list, e); p < list.length; p++) {
    const k = list[p];
    if (lane.start[k] > s) return -1;
    if (lane.instant[k] === 0 && lane.start[k] + lane.dur[k] >= e) return k;
  }
  return -1;
}

/** Every slice enclosing [s, e], outermost first (one per row at most). */
export function enclosingStack(lane: LaneIndex, s: number, e: number = s): number[] {
  const out: number[] = [];
  for (let r = 0; r < lane.rows.length; r++) {
    const k = coveringInRow(lane, r, s, e);
    if (k >= 0) out.push(k);
  }
  return out;
}

/** The deepest slice enclosing t, or −1. */
export function deepestEnclosing(lane: LaneIndex, t: number): number {
  for (let r = lane.rows.length - 1; r >= 0; r--) {
    const k = coveringInRow(lane, r, t, t);
    if (k >= 0) return k;
  }
  return -1;
}

/** The deepest non-instant slice starting exactly at t, or −1 (ties at a start: parents come first). */
export function deepestStartingAt(lane: LaneIndex, t: number): number {
  let best = -1;
  for (let k = firstStartingAt(lane, t); k < lane.start.length && lane.start[k] === t; k++) {
    if (lane.instant[k] === 0 && (best < 0 || lane.row[k] >= lane.row[best])) best = k;
  }
  return best;
}
