// Whole-trace passes over args (the index writer's args blocks, requests, the correlation map)
// read every event's args. Walked lane by lane, they jump across the whole file once per lane
// (a lane's events are spread over the file): a 10 GB trace was read ~once per lane per pass.
// Here the events are visited in the order their args lie where they are kept (the file, the
// in-memory store, the hot store), so a pass reads the file once, front to back, in windows of
// the args source's block size.

import { DEFAULT_ARGS_BLOCK, HOT_ARGS, type RawTrace } from './rawTrace';

/** Where some events' args are (RawTrace.argsBytes' encoding): a lane's columns, a counter's source events. */
export interface ArgsColumns {
  readonly argsOff: ArrayLike<number>;
  readonly argsLen: ArrayLike<number>;
}

/** Called with the args' UTF-8 bytes of event `k` of `cols[c]` (a view: valid until the next call). */
export type ArgsVisitor = (c: number, k: number, bytes: Uint8Array) => void;

/** Store offsets are bucketed by the store's chunk size (growable.ts ByteStore: inflated a chunk at a time). */
const STORE_BUCKET = 256 << 10;
/** Events placed per sorting round: bounds the order arrays (8 B an event) whatever the trace's size. */
const ROUND_EVENTS = 1 << 22;

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

  /** The layout of the offsets seen: the file's buckets, the hot store's (the last), and the bucket of an offset seen. */
  layout(): { fileBuckets: number; hot: number; of: (off: number) => number } {
    const block = this.block;
    const fileBuckets = Math.floor(this.maxFile / block) + 1;
    const hot = fileBuckets + Math.floor(this.maxStore / STORE_BUCKET) + 1;
    return { fileBuckets, hot, of: (off) => (off >= 0 ? fileBuckets + Math.floor(off / STORE_BUCKET) : off > HOT_ARGS ? Math.floor((-off - 1) / block) : hot) };
  }
}

/**
 * Visits every event with args of `cols` in the order of its args' bytes: file offsets
 * ascending (a window of about one block read at a time, each byte of the file read at most
 * once), then the store's, then the hot store's. Within a bucket (one block of the file) events
 * come in column, then event order. A generator that yields after each bucket, so an async
 * caller can write out what the pass produced; `forEachArgsInReadOrder` runs it through.
 */
export function* argsInReadOrder(raw: RawTrace, cols: readonly ArgsColumns[], visit: ArgsVisitor): Generator<void, void, void> {
  const buckets = new ArgsBuckets(raw);
  for (const { argsOff, argsLen } of cols) for (let k = 0; k < argsLen.length; k++) if (argsLen[k] !== 0) buckets.see(argsOff[k]);
  const { fileBuckets, hot, of: bucketOf } = buckets.layout();

  // Counting sort by bucket, in rounds of consecutive buckets holding ≤ ROUND_EVENTS events.
  const counts = new Float64Array(hot + 2);
  for (const { argsOff, argsLen } of cols) for (let k = 0; k < argsLen.length; k++) if (argsLen[k] !== 0) counts[bucketOf(argsOff[k])]++;
  const window = new FileWindow(raw);
  let colOf = new Uint32Array(0);
  let eventOf = new Uint32Array(0);
  for (let first = 0; first <= hot; ) {
    let last = first;
    let n = counts[first];
    while (last + 1 <= hot && n + counts[last + 1] <= ROUND_EVENTS) n += counts[++last];
    if (n > colOf.length) {
      colOf = new Uint32Array(n);
      eventOf = new Uint32Array(n);
    }
    // Where each bucket of the round starts in the order arrays.
    const at = new Float64Array(last - first + 2);
    for (let b = first; b <= last; b++) at[b - first + 1] = at[b - first] + counts[b];
    const fill = at.slice(0, last - first + 1);
    for (let c = 0; c < cols.length; c++) {
      const { argsOff, argsLen } = cols[c];
      for (let k = 0; k < argsLen.length; k++) {
        if (argsLen[k] === 0) continue;
        const b = bucketOf(argsOff[k]);
        if (b < first || b > last) continue;
        const i = fill[b - first]++;
        colOf[i] = c;
        eventOf[i] = k;
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
          const { argsOff, argsLen } = cols[colOf[i]];
          const pos = -argsOff[eventOf[i]] - 1;
          lo = Math.min(lo, pos);
          hi = Math.max(hi, pos + argsLen[eventOf[i]]);
        }
        window.cover(lo, hi);
        for (let i = from; i < to; i++) {
          const { argsOff, argsLen } = cols[colOf[i]];
          visit(colOf[i], eventOf[i], window.bytes(-argsOff[eventOf[i]] - 1, argsLen[eventOf[i]]));
        }
      } else {
        for (let i = from; i < to; i++) {
          const { argsOff, argsLen } = cols[colOf[i]];
          visit(colOf[i], eventOf[i], raw.argsBytes(argsOff[eventOf[i]], argsLen[eventOf[i]])!);
        }
      }
      yield;
    }
    first = last + 1;
  }
}

/** `argsInReadOrder` run to its end (a synchronous pass). */
export function forEachArgsInReadOrder(raw: RawTrace, cols: readonly ArgsColumns[], visit: ArgsVisitor): void {
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
