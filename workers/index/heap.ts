// The binary heap step the k-way merges share (nestingOrder.ts: lanes in nesting order;
// indexFolder/laneRuns.ts: a lane's sorted runs): items ordered by `before`, the first at 0.

/** Moves `h[i]` down until neither child comes before it. */
export function siftDown<T>(h: T[], i: number, before: (a: T, b: T) => boolean): void {
  for (;;) {
    const l = 2 * i + 1;
    if (l >= h.length) return;
    const c = l + 1 < h.length && before(h[l + 1], h[l]) ? l + 1 : l;
    if (!before(h[c], h[i])) return;
    [h[c], h[i]] = [h[i], h[c]];
    i = c;
  }
}

/** Orders `h` as a heap in place. */
export function heapify<T>(h: T[], before: (a: T, b: T) => boolean): void {
  for (let i = (h.length >> 1) - 1; i >= 0; i--) siftDown(h, i, before);
}
