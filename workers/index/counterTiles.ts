// Counter tiles (src/model/tiles.ts): per bucket and series the smallest, largest and
// last sample, so a memory spike shorter than a pixel still reaches its height.

import { TILE_BUCKETS, bucketNs, tileSpanNs, type CounterTile } from '../../src/model/tiles';
import { firstAtOrAfter } from './sortedSearch';

export interface CounterColumns {
  /** Sample times, sorted. */
  t: Float64Array;
  /** One array per series, aligned with t. */
  values: Float64Array[];
}

export function buildCounterTile(c: CounterColumns, laneId: string, level: number, index: number): CounterTile {
  const B = TILE_BUCKETS;
  const bw = bucketNs(level);
  const t0 = index * tileSpanNs(level);
  const t1 = t0 + tileSpanNs(level);
  const series = c.values.length;
  const count = new Uint32Array(B);
  const min = Array.from({ length: series }, () => new Float64Array(B).fill(NaN));
  const max = Array.from({ length: series }, () => new Float64Array(B).fill(NaN));
  const last = Array.from({ length: series }, () => new Float64Array(B).fill(NaN));
  const k = firstAtOrAfter(c.t, t0);
  const before = Float64Array.from(c.values, (v) => (k > 0 ? v[k - 1] : NaN));
  fillBuckets(c, k, t0, t1, bw, count, min, max, last);
  return { laneId, level, index, count, min, max, last, before };
}

/**
 * The samples from k on before t1, into the buckets (a function of its own: V8 optimized the loop by on-stack
 * replacement and Chromium threw that code away at the object literal after it, tile after tile).
 */
function fillBuckets(c: CounterColumns, k: number, t0: number, t1: number, bw: number, count: Uint32Array, min: Float64Array[], max: Float64Array[], last: Float64Array[]): void {
  const series = c.values.length;
  for (; k < c.t.length && c.t[k] < t1; k++) {
    const b = Math.min(TILE_BUCKETS - 1, Math.floor((c.t[k] - t0) / bw));
    count[b]++;
    for (let s = 0; s < series; s++) {
      const v = c.values[s][k];
      if (!(v >= min[s][b])) min[s][b] = v;
      if (!(v <= max[s][b])) max[s][b] = v;
      last[s][b] = v;
    }
  }
}
