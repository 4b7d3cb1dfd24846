// The slices of some lanes that overlap a range, one at a time in nesting order (by start, longer
// first, then the stack order of their lanes' kinds, row, lane and event: nesting.ts's order), from
// lanes in memory or read chunk by chunk (an index folder's lane too big for its cache:
// LaneIndex.parts). A walk holds one chunk per lane, never a lane's worth of sorted copies, so a
// whole-trace analysis of a 10 GB trace's host thread is bounded by its chunks, not by its events.

import type { LaneIndex, LanePart, EventColumns } from './laneIndex';
import { firstEndingAfter } from './laneIndex';
import { firstAtOrAfter } from './sortedSearch';
import { heapify, siftDown } from './heap';

/**
 * Whether a slice overlaps [a, b] as nesting counts it: it ends at or after a, and starts
 * before b (an instant at b too). Within a row ends are sorted, so the slices of a row that
 * pass are one run of its list.
 */
export function overlapsRange(start: number, dur: number, a: number, b: number): boolean {
  return start + dur >= a && !(start > b || (start === b && dur > 0));
}

/** Candidate events of a lane part: positions [from, to) of `at` (event indices in the part), or of the part itself. */
interface Span {
  part: LanePart;
  at: ArrayLike<number> | null;
  from: number;
  to: number;
}

/**
 * A lane's events overlapping [a, b] in memory: those starting before a that still reach it (at
 * most one a row: found per row), then the run of events starting in [a, b].
 */
function* inMemorySpans(lane: LaneIndex, a: number, b: number): Generator<Span> {
  const part: LanePart = { cols: lane, first: 0 };
  const crossing: number[] = [];
  for (const list of lane.rows) {
    for (let p = firstEndingAfter(lane, list, a); p < list.length && lane.start[list[p]] < a; p++) crossing.push(list[p]);
  }
  if (crossing.length) yield { part, at: crossing.sort((x, y) => x - y), from: 0, to: crossing.length };
  const from = firstAtOrAfter(lane.start, a);
  yield { part, at: null, from, to: firstAtOrAfter(lane.start, b, true) };
}

function* streamedSpans(parts: Iterable<LanePart>): Generator<Span> {
  for (const part of parts) yield { part, at: null, from: 0, to: part.cols.start.length };
}

/**
 * One lane's events overlapping [a, b] in nesting order, which is the lane's own order (by start,
 * longer first, then file order): on equal spans assignRows never puts a later event on a higher row
 * (a slice with an open slice's span nests in it, a row below; equal instants share a row).
 */
export class LaneCursor {
  /** The current event: its columns and index there, its index in the lane, start, end and row. */
  cols!: EventColumns;
  j = 0;
  k = 0;
  start = 0;
  end = 0;
  row = 0;
  done = false;
  private readonly spans: Iterator<Span>;
  private span: Span | null = null;
  private p = 0;

  constructor(
    source: LaneIndex,
    /** The lane's place in its group (ties between lanes: the lower first). */
    readonly lane: number,
    /** Its kind's stack order (nesting.ts): on equal spans the lower holds the higher. */
    readonly order: number,
    private readonly a: number,
    private readonly b: number,
  ) {
    const parts = source.parts?.(a, b);
    this.spans = parts ? streamedSpans(parts) : inMemorySpans(source, a, b);
    this.advance();
  }

  /** Moves to the next event overlapping the range (done: none left). */
  advance(): void {
    for (;;) {
      const s = this.span;
      if (s) {
        const { start, dur, row } = s.part.cols;
        while (this.p < s.to) {
          const j = s.at ? s.at[this.p++] : this.p++;
          if (!overlapsRange(start[j], dur[j], this.a, this.b)) continue;
          this.cols = s.part.cols;
          this.j = j;
          this.k = s.part.first + j;
          this.start = start[j];
          this.end = start[j] + dur[j];
          this.row = row[j];
          return;
        }
      }
      const next = this.spans.next();
      if (next.done) {
        this.done = true;
        return;
      }
      this.span = next.value;
      this.p = next.value.from;
    }
  }
}

/** Whether cursor x's event comes before y's in nesting order. */
function before(x: LaneCursor, y: LaneCursor): boolean {
  return (x.start - y.start || y.end - x.end || x.order - y.order || x.row - y.row || x.lane - y.lane || x.k - y.k) < 0;
}

/** Several lanes' cursors merged: `next()` gives the cursor whose event comes first, until none is left. */
export class MergedCursors {
  private readonly heap: LaneCursor[];
  /** The cursor `next()` gave last: it moves on at the next call. */
  private current: LaneCursor | null = null;

  constructor(cursors: LaneCursor[]) {
    this.heap = cursors.filter((c) => !c.done);
    heapify(this.heap, before);
  }

  /** The cursor at the first event not given yet (read its event before calling again), or null: none left. */
  next(): LaneCursor | null {
    const h = this.heap;
    if (this.current) {
      this.current.advance();
      if (this.current.done) {
        const last = h.pop()!;
        if (h.length && last !== this.current) h[0] = last;
      }
      if (h.length) siftDown(h, 0, before);
    }
    this.current = h.length ? h[0] : null;
    return this.current;
  }
}
