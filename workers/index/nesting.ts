// The one definition of nesting and self time that Statistics, the Call tree, Idle gaps
// and the details panel share. A host thread's Python and CPU lanes nest together (a
// cpu_op runs inside the Python frame that called it); any other lane nests alone.
// Nesting follows the slices' full spans, so a range changes how much of each slice
// counts, never who holds whom. Self time = clipped duration minus the union of the
// clipped direct children; it is never clamped, so double counting would show.

import type { LaneKind } from '../../src/model/types';
import type { EventColumns, LaneIndex } from './laneIndex';
import { LaneCursor, MergedCursors } from './nestingOrder';

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

/** The part of [start, end] inside [a, b] (0 when none): the time a slice counts in a range. */
export function clippedDuration(start: number, end: number, a: number, b: number): number {
  return Math.max(0, Math.min(b, end) - Math.max(a, start));
}

/** The slices open at a point of a walk, outermost first: each one's value (what its reader keeps for it). */
export class OpenSlices<T> {
  depth = 0;
  private end = new Float64Array(16);
  private self = new Float64Array(16);
  /** Right end of the union of its direct children so far (children arrive in start order). */
  private coverEnd = new Float64Array(16);
  private readonly values: T[] = [];

  value(depth: number): T {
    return this.values[depth];
  }

  /** Whether an open slice has this value (a frame inside a frame of the same row: recursion). */
  holds(v: T): boolean {
    for (let d = 0; d < this.depth; d++) if (this.values[d] === v) return true;
    return false;
  }

  push(end: number, clipped: number, value: T): void {
    if (this.depth === this.end.length) {
      const grow = (c: Float64Array) => Float64Array.from({ length: 2 * c.length }, (_, i) => c[i] ?? 0);
      [this.end, this.self, this.coverEnd] = [grow(this.end), grow(this.self), grow(this.coverEnd)];
    }
    const d = this.depth++;
    this.end[d] = end;
    this.self[d] = clipped;
    this.coverEnd[d] = -Infinity;
    this.values[d] = value;
  }

  topEnd(): number {
    return this.end[this.depth - 1];
  }

  /** A direct child of the top slice covers [cs, ce] of the range: the top's self loses what no earlier child covered. */
  cover(cs: number, ce: number): void {
    const d = this.depth - 1;
    if (ce > this.coverEnd[d]) {
      this.self[d] -= ce - Math.max(cs, this.coverEnd[d]);
      this.coverEnd[d] = ce;
    }
  }

  /** Closes the top slice: its value and self time (final: no child can come), the slices under it still open. */
  pop(close: (value: T, self: number, open: OpenSlices<T>) => void): void {
    const d = --this.depth;
    const v = this.values[d];
    this.values[d] = undefined as T;
    close(v, this.self[d], this);
  }
}

/** A reader of a walk in nesting order (walkNesting). */
export interface NestingVisitor<T> {
  /**
   * A slice opens (its parent, if any, is the innermost open slice): event j of `cols`, event k of the
   * group's l-th lane, `clipped` ns of it inside the range. Returns what is kept for it while it is open.
   */
  open(l: number, cols: EventColumns, j: number, k: number, clipped: number, open: OpenSlices<T>): T;
  /**
   * A slice closes with its self time (clipped time minus the union of its direct children); `open` holds its ancestors.
   * Self times reach a reader in closing order: a frame inside a frame of the same name is added before the outer one
   * (the same floating-point sum while times are whole ns, as every trace of the corpus and generator has them).
   */
  close(value: T, self: number, open: OpenSlices<T>): void;
}

/**
 * THE nesting: the group's slices overlapping [a, b] in nesting order (outermost first: by start, longer
 * first, then the stack order of their lanes' kinds, row, lane, event; nestingOrder.ts), each nested under the
 * innermost open slice it fits in. A slice overlapping the open one without fitting inside is its sibling:
 * the open one closes. Memory: the open slices and one chunk per lane (lanes read chunk by chunk when they
 * offer parts), so a whole-trace walk over millions of slices holds its nesting depth, not its slices.
 */
export function walkNesting<T>(lanes: readonly LaneIndex[], a: number, b: number, visitor: NestingVisitor<T>): void {
  const merged = new MergedCursors(lanes.map((lane, l) => new LaneCursor(lane, l, THREAD_STACK_ORDER[lane.info.kind] ?? 0, a, b)));
  const open = new OpenSlices<T>();
  const close = (v: T, self: number, o: OpenSlices<T>) => visitor.close(v, self, o);
  for (let c = merged.next(); c; c = merged.next()) {
    const { start, end } = c;
    while (open.depth && open.topEnd() <= start) open.pop(close);
    while (open.depth && open.topEnd() < end) open.pop(close);
    const clipped = clippedDuration(start, end, a, b);
    // Children arrive in start order, so their union grows from its right end.
    if (open.depth) open.cover(Math.max(a, start), Math.min(b, end));
    open.push(end, clipped, visitor.open(c.lane, c.cols, c.j, c.k, clipped, open));
  }
  while (open.depth) open.pop(close);
}

/** Nesting, clipped time and self time of the group's slices that overlap [a, b], as columns in nesting order (parents first). */
export function nestSlices(lanes: LaneIndex[], a: number, b: number): Nesting {
  const lane: number[] = [];
  const event: number[] = [];
  const clipped: number[] = [];
  const self: number[] = [];
  const parent: number[] = [];
  walkNesting<number>(lanes, a, b, {
    open(l, _cols, _j, k, c, open) {
      parent.push(open.depth ? open.value(open.depth - 1) : -1);
      lane.push(l);
      event.push(k);
      clipped.push(c);
      self.push(c);
      return lane.length - 1;
    },
    close(i, s) {
      self[i] = s;
    },
  });
  return { lane: Int32Array.from(lane), event: Int32Array.from(event), clipped: Float64Array.from(clipped), self: Float64Array.from(self), parent: Int32Array.from(parent) };
}
