// Whole-trace passes over args (the index writer's args blocks, requests, the correlation map)
// read every event's args. Walked lane by lane, they jump across the whole file once per lane
// (a lane's events are spread over the file): a 10 GB trace was read ~once per lane per pass.
// Here the events are visited in the order their args lie where they are kept (the file, the
// in-memory store, the hot store), so a pass reads the file once, front to back, in windows of
// the args source's block size.

import { DEFAULT_ARGS_BLOCK, HOT_ARGS, type RawTrace } from './rawTrace';
import type { LaneIndex } from '../index/laneIndex';

/** Where some events' args are (RawTrace.argsBytes' encoding): a lane's columns, a counter's source events. */
export interface ArgsColumns {
  readonly argsOff: ArrayLike<number>;
  readonly argsLen: ArrayLike<number>;
}

/** Consecutive events of some columns: `cols` holds events `first`… of the whole. */
export interface ArgsPart {
  cols: ArgsColumns;
  first: number;
}

/**
 * Events' args locations given whole, or part by part (an index folder's lane too big to read whole:
 * each call of `argsParts` walks its chunks once, holding one at a time).
 */
export type ArgsSource = ArgsColumns | { argsParts(): Iterable<ArgsPart> };

/** A lane's args locations: chunk by chunk where it offers its parts over the whole trace (LaneIndex.parts), else its columns. */
export function laneArgs(lane: LaneIndex): ArgsSource {
  return lane.parts?.(-Infinity, Infinity) ? { argsParts: () => lane.parts!(-Infinity, Infinity)! } : lane;
}

const partsOf = (source: ArgsSource): Iterable<ArgsPart> => ('argsParts' in source ? source.argsParts() : [{ cols: source, first: 0 }]);

/** Called with the args' UTF-8 bytes of event `k` of `cols[c]` (a view: valid until the next call). */
export type ArgsVisitor = (c: number, k: number, bytes: Uint8Array) => void;

/** Store offsets are bucketed by the store's chunk size (growable.ts ByteStore: inflated a chunk at a time). */
const STORE_BUCKET = 256 << 10;
/** Events placed per sorting round: bounds the order arrays (20 B an event: 80 MB) whatever the trace's size. */
const ROUND_EVENTS = 1 << 22;
/** The same when a source is walked part by part (walked again each round: a 10 GB trace's 28.5 M events in two): 320 MB. */
const STREAMED_ROUND_EVENTS = 1 << 24;

/**
 * The buckets a pass over args visits in order: the file's blocks (of the args source's block
 * size), then the store's chunks, then one for the hot store. `see` every event's args offset
 * (RawTrace encoding) first: the layout depends on the largest file and store offsets.
 */
export class ArgsBuckets {
  private readonly block: number;
  private maxFile = -1;
  private maxStore = -1;

  constructor(raw: RawTrace) {
    this.block = raw.argsSource?.blockBytes ?? DEFAULT_ARGS_BLOCK;
  }

  see(off: number): void {
    if (off >= 0) this.maxStore = Math.max(this.maxStore, off);
    else if (off > HOT_ARGS) this.maxFile = Math.max(this.maxFile, -off - 1);
  }

  /**
   * Where args at `off` lie whatever the layout (it depends on offsets not seen yet): the file's block b as 3b,
   * the store's chunk c as 3c + 1, the hot store as 2 (`layout().ofPlace` numbers it).
   */
  place(off: number): number {
    return off >= 0 ? 3 * Math.floor(off / STORE_BUCKET) + 1 : off > HOT_ARGS ? 3 * Math.floor((-off - 1) / this.block) : 2;
  }

  /** The layout of the offsets seen: the file's buckets, the hot store's (the last), and the bucket of an offset seen or of its place. */
  layout(): { fileBuckets: number; hot: number; of: (off: number) => number; ofPlace: (place: number) => number } {
    const block = this.block;
    const fileBuckets = Math.floor(this.maxFile / block) + 1;
    const hot = fileBuckets + Math.floor(this.maxStore / STORE_BUCKET) + 1;
    return {
      fileBuckets,
      hot,
      of: (off) => (off >= 0 ? fileBuckets + Math.floor(off / STORE_BUCKET) : off > HOT_ARGS ? Math.floor((-off - 1) / block) : hot),
      ofPlace: (place) => (place === 2 ? hot : place % 3 === 1 ? fileBuckets + (place - 1) / 3 : place / 3),
    };
  }
}

/**
 * Visits every event with args of `cols` in the order of its args' bytes: file offsets
 * ascending (a window of about one block read at a time, each byte of the file read at most
 * once), then the store's, then the hot store's. Within a bucket (one block of the file) events
 * come in column, then event order. A generator that yields after each bucket, so an async
 * caller can write out what the pass produced; `forEachArgsInReadOrder` runs it through.
 * Sources given part by part are walked once per pass (two, then one per round), so a round keeps
 * its events' offsets and lengths (20 B an event with their places).
 */
export function* argsInReadOrder(raw: RawTrace, cols: readonly ArgsSource[], visit: ArgsVisitor): Generator<void, void, void> {
  const buckets = new ArgsBuckets(raw);
  for (const source of cols) {
    for (const { cols: { argsOff, argsLen } } of partsOf(source)) for (let k = 0; k < argsLen.length; k++) if (argsLen[k] !== 0) buckets.see(argsOff[k]);
  }
  const { fileBuckets, hot, of: bucketOf } = buckets.layout();

  // Counting sort by bucket, in rounds of consecutive buckets holding ≤ roundEvents events.
  const counts = new Float64Array(hot + 2);
  for (const source of cols) {
    for (const { cols: { argsOff, argsLen } } of partsOf(source)) for (let k = 0; k < argsLen.length; k++) if (argsLen[k] !== 0) counts[bucketOf(argsOff[k])]++;
  }
  // Sources walked part by part are walked again each round: fewer, bigger rounds for them.
  const roundEvents = cols.some((c) => 'argsParts' in c) ? STREAMED_ROUND_EVENTS : ROUND_EVENTS;
  const window = new FileWindow(raw);
  // The round keeps its events' offsets and lengths (a part is gone once walked), read in order then.
  let colOf = new Uint32Array(0);
  let eventOf = new Uint32Array(0);
  let offAt = new Float64Array(0);
  let lenAt = new Uint32Array(0);
  for (let first = 0; first <= hot; ) {
    let last = first;
    let n = counts[first];
    while (last + 1 <= hot && n + counts[last + 1] <= roundEvents) n += counts[++last];
    if (n > colOf.length) {
      colOf = new Uint32Array(n);
      eventOf = new Uint32Array(n);
      offAt = new Float64Array(n);
      lenAt = new Uint32Array(n);
    }
    // Where each bucket of the round starts in the order arrays.
    const at = new Float64Array(last - first + 2);
    for (let b = first; b <= last; b++) at[b - first + 1] = at[b - first] + counts[b];
    const fill = at.slice(0, last - first + 1);
    for (let c = 0; c < cols.length; c++) {
      for (const { cols: { argsOff, argsLen }, first: at0 } of partsOf(cols[c])) {
        for (let k = 0; k < argsLen.length; k++) {
          if (argsLen[k] === 0) continue;
          const b = bucketOf(argsOff[k]);
          if (b < first || b > last) continue;
          const i = fill[b - first]++;
          colOf[i] = c;
          eventOf[i] = at0 + k;
          offAt[i] = argsOff[k];
          lenAt[i] = argsLen[k];
        }
      }
    }
    for (let b = first; b <= last; b++) {
      const from = at[b - first];
      const to = at[b - first + 1];
      if (from === to) continue;
      if (b < fileBuckets) {
        // The window spans the bucket's args: from the first one's start to the furthest end.
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = from; i < to; i++) {
          const pos = -offAt[i] - 1;
          lo = Math.min(lo, pos);
          hi = Math.max(hi, pos + lenAt[i]);
        }
        window.cover(lo, hi);
        for (let i = from; i < to; i++) visit(colOf[i], eventOf[i], window.bytes(-offAt[i] - 1, lenAt[i]));
      } else {
        for (let i = from; i < to; i++) visit(colOf[i], eventOf[i], raw.argsBytes(offAt[i], lenAt[i])!);
      }
      yield;
    }
    first = last + 1;
  }
}

/** `argsInReadOrder` run to its end (a synchronous pass). */
export function forEachArgsInReadOrder(raw: RawTrace, cols: readonly ArgsSource[], visit: ArgsVisitor): void {
  for (const _ of argsInReadOrder(raw, cols, visit));
}

/**
 * The file bytes [start, end) the current bucket needs. Windows only move forward; bytes a
 * window shares with the last one (args crossing a block's end) are kept, not read again.
 */
class FileWindow {
  private data: Uint8Array = new Uint8Array(0);
  private start = 0;

  constructor(private readonly raw: RawTrace) {}

  cover(start: number, end: number): void {
    const kept = this.start + this.data.length;
    if (start < this.start || start >= kept) {
      this.data = this.raw.argsSource!.read(start, end - start);
    } else if (end <= kept) {
      this.data = this.data.subarray(start - this.start);
    } else {
      const next = new Uint8Array(end - start);
      next.set(this.data.subarray(start - this.start));
      const more = this.raw.argsSource!.read(kept, end - kept);
      next.set(more, kept - start);
      // As a read past the end does, a window past the end holds the bytes there are.
      this.data = kept + more.length < end ? next.subarray(0, kept + more.length - start) : next;
    }
    this.start = start;
  }

  bytes(at: number, len: number): Uint8Array {
    return this.data.subarray(at - this.start, at - this.start + len);
  }
}
