// Where each event's args go in an index folder's args blocks (writeIndex.ts writeArgs: every event's
// args in the order argsInReadOrder visits them: by bucket of the file, then column set, then event),
// for a writer that never holds every lane's order (issue 24): from each column set's bytes per bucket,
// counted in any order, an event's place follows from its bucket, its column set and the bytes of the
// set's earlier events in that bucket, so a lane's offsets come as its events do, in lane order. The
// counts are kept by where the args lie (ArgsBuckets.place), so events may be counted as the parse
// spills them, before the layout (which depends on the largest offsets) is known.

import { ArgsBuckets } from '../ingest/argsReadOrder';
import type { RawTrace } from '../ingest/rawTrace';

export class ArgsPlan {
  private readonly buckets: ArgsBuckets;
  /** Per column set, its args bytes per place (ArgsBuckets.place): the layout is known only once every event is counted. */
  private readonly bytes: Map<number, number>[] = [];

  constructor(raw: RawTrace) {
    this.buckets = new ArgsBuckets(raw);
  }

  /** An event with args (`len` > 0) of column set `c` (lanes, then counters' sources, as writeArgs takes them): any order. */
  count(c: number, off: number, len: number): void {
    this.buckets.see(off);
    while (this.bytes.length <= c) this.bytes.push(new Map());
    const at = this.buckets.place(off);
    const per = this.bytes[c];
    per.set(at, (per.get(at) ?? 0) + len);
  }

  /** After the counts: each column set's offsets, to be asked in its events' order (`sets`: how many there are). */
  seal(sets: number): ((off: number, len: number) => number)[] {
    const layout = this.buckets.layout();
    const next = Array.from({ length: Math.max(sets, this.bytes.length) }, (_, c) => {
      const per = new Float64Array(layout.hot + 1);
      for (const [place, n] of this.bytes[c] ?? []) per[layout.ofPlace(place)] = n;
      return per;
    });
    // Bucket by bucket, each set's bytes after the sets before it: where its first bytes of the bucket go.
    let at = 0;
    for (let b = 0; b <= layout.hot; b++) {
      for (const per of next) {
        const n = per[b];
        per[b] = at;
        at += n;
      }
    }
    // Each set's next place per bucket, moved on by each event's bytes.
    return next.map((per) => (off, len) => {
      if (len === 0) return -1;
      const b = layout.of(off);
      const at = per[b];
      per[b] += len;
      return at;
    });
  }
}
