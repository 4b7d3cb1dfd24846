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

/**
 * For each time, the deepest slice enclosing it (the first of its row if two touch there),
 * or −1: one sweep over the lane in start order with a heap of the slices begun so far,
 * deepest row on top, the ended ones dropped as they surface. O((n + q) log n), where a
 * scan of every row per time was O(q × rows).
 */
export function deepestEnclosingAll(lane: LaneIndex, times: Float64Array): Int32Array {
  const out = new Int32Array(times.length).fill(-1);
  if (!times.length) return out;
  const order = Int32Array.from(times, (_, j) => j).sort((a, b) => times[a] - times[b]);
  const { start, dur, row, instant } = lane;
  // Heap of lane indices: deeper row first, then the earlier slice.
  const heap = new Int32Array(start.length);
  let size = 0;
  const above = (a: number, b: number) => row[a] > row[b] || (row[a] === row[b] && a < b);
  const push = (k: number) => {
    let c = size++;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!above(k, heap[p])) break;
      heap[c] = heap[p];
      c = p;
    }
    heap[c] = k;
  };
  const pop = () => {
    const last = heap[--size];
    let c = 0;
    for (;;) {
      let m = 2 * c + 1;
      if (m >= size) break;
      if (m + 1 < size && above(heap[m + 1], heap[m])) m++;
      if (!above(heap[m], last)) break;
      heap[c] = heap[m];
      c = m;
    }
    heap[c] = last;
  };
  let next = 0;
  for (const j of order) {
    const t = times[j];
    for (; next < start.length && start[next] <= t; next++) if (instant[next] === 0) push(next);
    // Times only grow: a slice ended before this one has ended for every later one too.
    while (size > 0 && start[heap[0]] + dur[heap[0]] < t) pop();
    if (size > 0) out[j] = heap[0];
  }
  return out;
}

/** The deepest non-instant slice starting exactly at t, or −1 (ties at a start: parents come first). */
export function deepestStartingAt(lane: LaneIndex, t: number): number {
  let best = -1;
  for (let k = firstStartingAt(lane, t); k < lane.start.length && lane.start[k] === t; k++) {
    if (lane.instant[k] === 0 && (best < 0 || lane.row[k] >= lane.row[best])) best = k;
  }
  return best;
}
