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

/** Nesting, clipped time and self time of the group's slices that overlap [a, b]. */
export function nestSlices(lanes: LaneIndex[], a: number, b: number): Nesting {
  const laneOf: number[] = [];
  const eventOf: number[] = [];
  lanes.forEach((lane, l) => {
    for (let r = 0; r < lane.rows.length; r++) {
      for (const k of rowSlicesIn(lane, r, a, b)) {
        laneOf.push(l);
        eventOf.push(k);
      }
    }
  });
  const n = laneOf.length;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  const rank = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lane = lanes[laneOf[i]];
    const k = eventOf[i];
    starts[i] = lane.start[k];
    ends[i] = lane.start[k] + lane.dur[k];
    // On equal spans the Python frame holds the cpu_op, and an upper row its lower one.
    rank[i] = (THREAD_STACK_ORDER[lane.info.kind] ?? 0) * 2 ** 32 + lane.row[k];
  }
  // Outermost first: by start, longer first, then by rank; the rest keeps lane and event order.
  const sorted = Array.from({ length: n }, (_, i) => i).sort((x, y) => starts[x] - starts[y] || ends[y] - ends[x] || rank[x] - rank[y] || x - y);

  const out: Nesting = { lane: new Int32Array(n), event: new Int32Array(n), clipped: new Float64Array(n), self: new Float64Array(n), parent: new Int32Array(n) };
  const stack: number[] = [];
  const coverEnd = new Float64Array(n).fill(-Infinity);
  const endAt = new Float64Array(n);
  sorted.forEach((src, i) => {
    const start = starts[src];
    const end = ends[src];
    out.lane[i] = laneOf[src];
    out.event[i] = eventOf[src];
    endAt[i] = end;
    while (stack.length && endAt[stack[stack.length - 1]] <= start) stack.pop();
    // A slice that overlaps the open one without fitting inside is its sibling, not its child.
    while (stack.length && endAt[stack[stack.length - 1]] < end) stack.pop();
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
  });
  return out;
}
