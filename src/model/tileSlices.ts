// Turns cached tiles into the drawable items the renderer and hit test already know:
// per row, runs of lit buckets with the same dominant name become one item (so a frame
// draws at most a few rects per pixel column), and a tiled lane's wide slices go on top.

import type { CounterSamples, LaneSlices } from './types';
import { NO_NAME, TILE_BUCKETS, bucketNs, rowColumn, type CounterTile, type SliceTile } from './tiles';

/**
 * @param tiles the lane's tiles covering the viewport, one level, any order (missing ones are gaps)
 * @param wide exact slices drawn over the runs (eventIdx ≥ 0), or undefined
 * @param byName false: a run goes on across names (outlines, where only "something is here" counts)
 * Items from buckets carry `busy` (mean covered share, 0–1); exact items carry −1.
 */
export function slicesFromTiles(laneId: string, tiles: SliceTile[], startNs: number, endNs: number, wide?: LaneSlices, byName = true): LaneSlices {
  const sorted = [...tiles].sort((a, b) => a.index - b.index);
  const level = sorted[0]?.level ?? 0;
  const bw = bucketNs(level);
  const firstBucket = Math.floor(startNs / bw);
  const lastBucket = Math.floor(endNs / bw);
  const rows = [...new Set(sorted.flatMap((t) => [...t.rows]))].sort((a, b) => a - b);
  // Each tile's rows ascend like `rows`, so one cursor per tile finds a row's cells without searching.
  const cursor = new Int32Array(sorted.length);
  const out = { start: [] as number[], end: [] as number[], row: [] as number[], nameId: [] as number[], eventIdx: [] as number[], count: [] as number[], busy: [] as number[] };
  for (const r of rows) {
    // The open run: buckets [g0, g1] of one name.
    let g0 = 0;
    let g1 = -2;
    let nm = NO_NAME;
    let cnt = 0;
    let busySum = 0;
    let ev = -1;
    const flush = () => {
      if (g1 < g0) return;
      const n = g1 - g0 + 1;
      out.start.push(g0 * bw);
      out.end.push((g1 + 1) * bw);
      out.row.push(r);
      out.nameId.push(nm);
      // One event behind every bucket of the run and at most one start: the run is that event.
      out.eventIdx.push(ev >= 0 && cnt <= 1 ? ev : -1);
      out.count.push(Math.max(1, cnt));
      out.busy.push(busySum / n / 255);
      g1 = -2;
    };
    for (let ti = 0; ti < sorted.length; ti++) {
      const t = sorted[ti];
      let j = cursor[ti];
      while (j < t.rows.length && t.rows[j] < r) j++;
      cursor[ti] = j;
      if (t.rows[j] !== r) continue;
      const base = t.index * TILE_BUCKETS;
      const from = Math.max(0, firstBucket - base);
      const to = Math.min(TILE_BUCKETS - 1, lastBucket - base);
      for (let b = from; b <= to; b++) {
        const c = j * TILE_BUCKETS + b;
        if (t.busy[c] === 0 && t.count[c] === 0) continue;
        const g = base + b;
        if (g === g1 + 1 && (t.name[c] === nm || !byName)) {
          g1 = g;
          cnt += t.count[c];
          busySum += t.busy[c];
          if (ev !== t.event[c]) ev = -1;
          continue;
        }
        flush();
        g0 = g1 = g;
        nm = t.name[c];
        cnt = t.count[c];
        busySum = t.busy[c];
        ev = t.event[c];
      }
    }
    flush();
  }
  const n = out.start.length;
  const m = wide?.start.length ?? 0;
  const cat = <T extends Float64Array | Uint16Array | Uint32Array | Int32Array>(a: number[], w: ArrayLike<number> | undefined, make: (len: number) => T): T => {
    const arr = make(n + m);
    arr.set(a);
    if (w) arr.set(w, n);
    return arr;
  };
  const busy = new Float32Array(n + m).fill(-1);
  busy.set(out.busy);
  return {
    laneId,
    start: cat(out.start, wide?.start, (k) => new Float64Array(k)),
    end: cat(out.end, wide?.end, (k) => new Float64Array(k)),
    row: cat(out.row, wide?.row, (k) => rowColumn(k, Math.max(rows[rows.length - 1] ?? 0, maxOf(wide?.row)))),
    nameId: cat(out.nameId, wide?.nameId, (k) => new Uint32Array(k)),
    eventIdx: cat(out.eventIdx, wide?.eventIdx, (k) => new Int32Array(k)),
    count: cat(out.count, wide?.count, (k) => new Uint32Array(k)),
    instant: new Uint8Array(n + m),
    busy,
  };
}

function maxOf(a: ArrayLike<number> | undefined): number {
  let m = 0;
  for (let i = 0; a && i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

/**
 * Counter samples from tiles: the value in force at the first tile's start, then per
 * bucket with samples its largest, smallest and last value inside the bucket's pixel,
 * so the line reaches every peak and continues from where the bucket ended.
 */
export function samplesFromCounterTiles(laneId: string, series: string[], tiles: CounterTile[], startNs: number, endNs: number): CounterSamples {
  const sorted = [...tiles].sort((a, b) => a.index - b.index);
  const t: number[] = [];
  const values: number[][] = series.map(() => []);
  if (!sorted.length) return { laneId, series, t: new Float64Array(0), values: values.map(() => new Float64Array(0)) };
  const bw = bucketNs(sorted[0].level);
  const firstBucket = Math.floor(startNs / bw);
  const lastBucket = Math.floor(endNs / bw);
  const push = (time: number, pick: (s: number) => number) => {
    t.push(time);
    values.forEach((v, s) => v.push(pick(s)));
  };
  const head = sorted[0];
  if (head.before.some((v) => !Number.isNaN(v))) push(head.index * TILE_BUCKETS * bw, (s) => head.before[s]);
  for (const tile of sorted) {
    const base = tile.index * TILE_BUCKETS;
    // Buckets left of the view still set the value in force at its edge.
    const to = Math.min(TILE_BUCKETS - 1, lastBucket - base);
    for (let b = 0; b <= to; b++) {
      if (tile.count[b] === 0) continue;
      const tb = (base + b) * bw;
      if (base + b < firstBucket) {
        push(tb, (s) => tile.last[s][b]);
        continue;
      }
      push(tb, (s) => tile.max[s][b]);
      push(tb + bw / 3, (s) => tile.min[s][b]);
      push(tb + (2 * bw) / 3, (s) => tile.last[s][b]);
    }
  }
  return { laneId, series, t: Float64Array.from(t), values: values.map((v) => Float64Array.from(v)) };
}
