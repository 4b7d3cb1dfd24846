// Where each event's args go in an index folder's args blocks (writeIndex.ts writeArgs: every event's
// args in the order argsInReadOrder visits them: by bucket of the file, then column set, then event),
// for a writer that never holds every lane's order (issue 24): from each column set's bytes per bucket,
// counted in any order, an event's place follows from its bucket, its column set and the bytes of the
// set's earlier events in that bucket, so a lane's offsets come as its events do, in lane order.

import { ArgsBuckets } from '../ingest/argsReadOrder';
import type { RawTrace } from '../ingest/rawTrace';

export class ArgsPlan {
  private readonly buckets: ArgsBuckets;
  private layout: ReturnType<ArgsBuckets['layout']> | null = null;
  /** Per column set, its args bytes per bucket; then, once sealed, where its first bytes of each bucket go. */
  private readonly bytes: Float64Array[] = [];

  constructor(raw: RawTrace) {
    this.buckets = new ArgsBuckets(raw);
  }

  /** First pass: every event's args offset (RawTrace encoding) with args, of every column set. */
  see(off: number): void {
    this.buckets.see(off);
  }

  /** Second pass: an event with args (`len` > 0) of column set `c` (lanes, then counters' sources, as writeArgs takes them). */
  count(c: number, off: number, len: number): void {
    const layout = (this.layout ??= this.buckets.layout());
    while (this.bytes.length <= c) this.bytes.push(new Float64Array(layout.hot + 1));
    this.bytes[c][layout.of(off)] += len;
  }

  /** After the counts: each column set's offsets, to be asked in its events' order (`sets`: how many there are). */
  seal(sets: number): ((off: number, len: number) => number)[] {
    const layout = (this.layout ??= this.buckets.layout());
    while (this.bytes.length < sets) this.bytes.push(new Float64Array(layout.hot + 1));
    let at = 0;
    for (let b = 0; b <= layout.hot; b++) {
      for (const per of this.bytes) {
        const n = per[b];
        per[b] = at;
        at += n;
      }
    }
    // Each set's next place per bucket (its base, moved on by each event's bytes).
    return this.bytes.map((next) => (off, len) => {
      if (len === 0) return -1;
      const b = layout.of(off);
      const at = next[b];
      next[b] += len;
      return at;
    });
  }
}
