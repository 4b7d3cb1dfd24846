// The one definition of nesting and self time that Statistics, the Call tree, Idle gaps
// and the details panel share. A host thread's Python and CPU lanes nest together (a
// cpu_op runs inside the Python frame that called it); any other lane nests alone.
// Nesting follows the slices' full spans, so a range changes how much of each slice
// counts, never who holds whom. Self time = clipped duration minus the union of the
// clipped direct children; it is never clamped, so double counting would show.

import type { LaneKind } from '../../src/model/types';
import { firstEndingAfter, type LaneIndex } from './laneIndex';

/** Kinds that nest together per thread, and which holds the other on equal spans. */
const THREAD_STACK_ORDER: Partial<Record<LaneKind, number>> = { python: 0, cpu: 1 };

/** The slices of a lane group overlapping a range, in nesting order (parents first). */
export interface Nesting {
  /** Per slice: which lane of the group, and its event index there. */
  lane: Int32Array;
  event: Int32Array;
  clipped: Float64Array;
  self: Float64Array;
  /** Position of the direct parent in these arrays, −1 at the top. */
  parent: Int32Array;
}

/** Whether a lane's slices nest with the other host lanes of its thread (an async lane holds operations, not a thread's stack). */
export function isThreadStackLane(lane: LaneIndex): boolean {
  return !lane.info.async && THREAD_STACK_ORDER[lane.info.kind] !== undefined;
}

function threadKey(lane: LaneIndex): string {
  return `${lane.info.trace}|${lane.info.pid}|${lane.info.tid}`;
}

/** The lanes that nest together: each thread's Python + CPU lanes, every other lane alone. */
export function nestingGroups(lanes: Iterable<LaneIndex>): LaneIndex[][] {
  const threads = new Map<string, LaneIndex[]>();
  const groups: LaneIndex[][] = [];
  for (const lane of lanes) {
    if (!isThreadStackLane(lane)) {
      groups.push([lane]);
      continue;
    }
    let g = threads.get(threadKey(lane));
    if (!g) {
      threads.set(threadKey(lane), (g = []));
      groups.push(g);
    }
    g.push(lane);
  }
  return groups;
}

/** The lanes a slice of `lane` nests with (itself included). */
export function nestingGroupOf(lanes: Iterable<LaneIndex>, lane: LaneIndex): LaneIndex[] {
  if (!isThreadStackLane(lane)) return [lane];
  const key = threadKey(lane);
  return [...lanes].filter((l) => isThreadStackLane(l) && threadKey(l) === key);
}

/** The run of one row's list (in start order) overlapping [a, b], instants at a or b included: positions [from, to). */
function rowRunIn(lane: LaneIndex, list: Int32Array, a: number, b: number): [number, number] {
  const from = firstEndingAfter(lane, list, a);
  let to = from;
  for (; to < list.length; to++) {
    const k = list[to];
    if (lane.start[k] > b || (lane.start[k] === b && lane.dur[k] > 0)) break;
  }
  return [from, to];
}

/** Nesting, clipped time and self time of the group's slices that overlap [a, b]. */
export function nestSlices(lanes: LaneIndex[], a: number, b: number): Nesting {
  // Typed columns throughout (a big trace's host thread has millions of slices): each row's
  // overlapping slices are a run of its list, counted first, then copied.
  const runs: number[] = [];
  let n = 0;
  lanes.forEach((lane, l) => {
    for (let r = 0; r < lane.rows.length; r++) {
      const [from, to] = rowRunIn(lane, lane.rows[r], a, b);
      if (to > from) runs.push(l, r, from, to);
      n += to - from;
    }
  });
  const laneOf = new Int32Array(n);
  const eventOf = new Int32Array(n);
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  let rank = new Float64Array(n);
  for (let q = 0, i = 0; q < runs.length; q += 4) {
    const lane = lanes[runs[q]];
    const list = lane.rows[runs[q + 1]];
    for (let p = runs[q + 2]; p < runs[q + 3]; p++, i++) {
      const k = list[p];
      laneOf[i] = runs[q];
      eventOf[i] = k;
      starts[i] = lane.start[k];
      ends[i] = lane.start[k] + lane.dur[k];
      // On equal spans the Python frame holds the cpu_op, and an upper row its lower one.
      rank[i] = (THREAD_STACK_ORDER[lane.info.kind] ?? 0) * 2 ** 32 + lane.row[k];
    }
  }
  // Outermost first: by start, longer first, then by rank; the rest keeps lane and event order.
  const sorted = new Uint32Array(n);
  for (let i = 0; i < n; i++) sorted[i] = i;
  sorted.sort((x, y) => starts[x] - starts[y] || ends[y] - ends[x] || rank[x] - rank[y] || x - y);
  rank = new Float64Array(0);

  const out: Nesting = { lane: new Int32Array(n), event: new Int32Array(n), clipped: new Float64Array(n), self: new Float64Array(n), parent: new Int32Array(n) };
  const stack: number[] = [];
  const coverEnd = new Float64Array(n).fill(-Infinity);
  const endAt = (i: number) => ends[sorted[i]];
  for (let i = 0; i < n; i++) {
    const src = sorted[i];
    const start = starts[src];
    const end = ends[src];
    out.lane[i] = laneOf[src];
    out.event[i] = eventOf[src];
    while (stack.length && endAt(stack[stack.length - 1]) <= start) stack.pop();
    // A slice that overlaps the open one without fitting inside is its sibling, not its child.
    while (stack.length && endAt(stack[stack.length - 1]) < end) stack.pop();
    const cs = Math.max(a, start);
    const ce = Math.min(b, end);
    out.clipped[i] = out.self[i] = Math.max(0, ce - cs);
    const p = stack.length ? stack[stack.length - 1] : -1;
    out.parent[i] = p;
    // Children arrive in start order, so their union grows from its right end.
    if (p >= 0 && ce > coverEnd[p]) {
      out.self[p] -= ce - Math.max(cs, coverEnd[p]);
      coverEnd[p] = ce;
    }
    stack.push(i);
  }
  return out;
}
