// Tile maths on a real trace: every bucket of a tile built from a lane's events matches a
// brute-force pass over all of the lane's events; parents merged from children keep counts
// exact and light the same buckets; the pyramid serves the same tiles at every level.

import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_TILE_LEVEL, NO_NAME, TILE_BUCKETS, bucketNs, levelForNsPerPx, tileRange, tileSpanNs, type SliceTile } from '../../../src/model/tiles';
import { LruCache } from '../../../src/model/lruCache';
import type { LaneIndex } from '../../../workers/index/laneIndex';
import { buildSliceTile, mergeSliceTiles } from '../../../workers/index/sliceTiles';
import { SliceTilePyramid } from '../../../workers/index/tilePyramid';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { loadCorpus } from '../../support/corpus';

interface Cell {
  count: number;
  covered: number;
  names: Map<number, number>;
  events: Set<number>;
}

/** Every event of the lane, in index order, against every bucket of the tile it touches. */
function bruteForce(lane: LaneIndex, level: number, index: number): Map<string, Cell> {
  const bw = bucketNs(level);
  const t0 = index * tileSpanNs(level);
  const t1 = t0 + tileSpanNs(level);
  const cells = new Map<string, Cell>();
  const cell = (r: number, b: number) => {
    const key = `${r}:${b}`;
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { count: 0, covered: 0, names: new Map(), events: new Set() }));
    return c;
  };
  // Visit in time order per row, as a user reads the lane.
  const order = Array.from(lane.start.keys()).sort((a, b) => lane.row[a] - lane.row[b] || lane.start[a] - lane.start[b] || a - b);
  for (const k of order) {
    const s = lane.start[k];
    const e = s + lane.dur[k];
    const r = lane.row[k];
    if (s >= t1 || e < t0) continue;
    if (s >= t0) cell(r, Math.min(TILE_BUCKETS - 1, Math.floor((s - t0) / bw))).count++;
    for (let b = 0; b < TILE_BUCKETS; b++) {
      const lo = t0 + b * bw;
      const hi = lo + bw;
      const w = Math.min(e, hi) - Math.max(s, lo);
      const instantHere = lane.dur[k] === 0 && s >= lo && (s < hi || b === TILE_BUCKETS - 1) && s < t1;
      if (w > 0 || (instantHere && e === s)) {
        const c = cell(r, b);
        c.covered += Math.max(0, w);
        c.names.set(lane.name[k], (c.names.get(lane.name[k]) ?? 0) + Math.max(0, w));
        c.events.add(k);
      }
    }
  }
  return cells;
}

function cellOf(t: SliceTile, r: number, b: number) {
  const j = t.rows.indexOf(r);
  if (j < 0) return null;
  const c = j * TILE_BUCKETS + b;
  return { busy: t.busy[c], count: t.count[c], name: t.name[c], event: t.event[c] };
}

function lit(t: SliceTile): Set<string> {
  const out = new Set<string>();
  t.rows.forEach((r, j) => {
    for (let b = 0; b < TILE_BUCKETS; b++) if (t.busy[j * TILE_BUCKETS + b] > 0 || t.count[j * TILE_BUCKETS + b] > 0) out.add(`${r}:${b}`);
  });
  return out;
}

function laneExtent(lane: LaneIndex): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < lane.start.length; k++) {
    lo = Math.min(lo, lane.start[k]);
    hi = Math.max(hi, lane.start[k] + lane.dur[k]);
  }
  return [lo, hi];
}

let index: TraceIndex;
let python: LaneIndex;
let gpu: LaneIndex;

beforeAll(async () => {
  index = await loadCorpus('llm_decode_large.json.gz');
  const lanes = [...index.lanes.values()];
  python = lanes.filter((l) => l.info.kind === 'python').sort((a, b) => b.start.length - a.start.length)[0];
  gpu = lanes.filter((l) => l.info.kind === 'gpu').sort((a, b) => b.start.length - a.start.length)[0];
}, 60_000);

describe('buildSliceTile', () => {
  it('matches a brute-force pass over every event: counts, busy share, dominant name, lone event', () => {
    for (const lane of [python, gpu]) {
      const [lo, hi] = laneExtent(lane);
      // Whole lane in about one tile, a step-sized tile, and one of ~20 µs buckets.
      const levels = [levelForNsPerPx((hi - lo) / TILE_BUCKETS) + 1, levelForNsPerPx((hi - lo) / 40 / TILE_BUCKETS), 14];
      for (const level of levels) {
        const [first, last] = tileRange(level, lo, hi);
        const mid = Math.floor((first + last) / 2);
        for (const i of new Set([first, mid, last])) {
          const tile = buildSliceTile(lane, lane.info.id, level, i);
          const ref = bruteForce(lane, level, i);
          const expectedLit = new Set([...ref].filter(([, c]) => c.count > 0 || c.covered > 0 || c.events.size > 0).map(([k]) => k));
          expect(lit(tile)).toEqual(expectedLit);
          for (const [key, c] of ref) {
            const [r, b] = key.split(':').map(Number);
            const got = cellOf(tile, r, b)!;
            expect(got.count).toBe(c.count);
            const share = c.covered / bucketNs(level);
            expect(Math.abs(got.busy - share * 255)).toBeLessThanOrEqual(1);
            if (c.covered > 0) expect(got.busy).toBeGreaterThan(0);
            let best = NO_NAME;
            let bestW = -1;
            for (const [nm, w] of c.names) if (w > bestW) [best, bestW] = [nm, w];
            // Ties may go either way between equally covered names.
            expect(c.names.get(got.name)).toBe(bestW);
            if (best === NO_NAME) expect(got.name).toBe(NO_NAME);
            expect(got.event).toBe(c.events.size === 1 ? [...c.events][0] : -1);
          }
        }
      }
    }
  });

  it('counts every event exactly once over the tiles of a level', () => {
    const [lo, hi] = laneExtent(gpu);
    const level = levelForNsPerPx((hi - lo) / 1600);
    const [first, last] = tileRange(level, lo, hi);
    let total = 0;
    for (let i = first; i <= last; i++) {
      const t = buildSliceTile(gpu, gpu.info.id, level, i);
      for (const c of t.count) total += c;
    }
    expect(total).toBe(gpu.start.length);
  });
});

describe('mergeSliceTiles', () => {
  it('keeps counts exact and lights the same buckets as a tile built from the events', () => {
    for (const lane of [python, gpu]) {
      const [lo, hi] = laneExtent(lane);
      const level = levelForNsPerPx((hi - lo) / 4 / TILE_BUCKETS);
      const [first, last] = tileRange(level, lo, hi);
      for (let i = first; i <= last; i++) {
        const left = buildSliceTile(lane, lane.info.id, level - 1, 2 * i);
        const right = buildSliceTile(lane, lane.info.id, level - 1, 2 * i + 1);
        const merged = mergeSliceTiles(lane.info.id, level, i, left, right);
        const direct = buildSliceTile(lane, lane.info.id, level, i);
        expect(lit(merged)).toEqual(lit(direct));
        for (const r of direct.rows) {
          for (let b = 0; b < TILE_BUCKETS; b++) {
            const m = cellOf(merged, r, b)!;
            const d = cellOf(direct, r, b)!;
            expect(m.count).toBe(d.count);
            expect(Math.abs(m.busy - d.busy)).toBeLessThanOrEqual(1);
            const child = b < TILE_BUCKETS / 2 ? left : right;
            const cb = (b % (TILE_BUCKETS / 2)) * 2;
            const names = [cellOf(child, r, cb)?.name, cellOf(child, r, cb + 1)?.name];
            if (d.name !== NO_NAME) expect(names).toContain(m.name);
          }
        }
      }
    }
  });
});

describe('SliceTilePyramid', () => {
  it('serves tiles at every level that count every event once, eager and lazy alike', () => {
    const cache = new LruCache<string, SliceTile>(8 << 20, (t) => t.busy.byteLength * 14);
    // One eager cell per event: several eager levels, so merges up the pyramid are exercised too.
    const pyramid = new SliceTilePyramid(gpu, gpu.info.id, cache, 1);
    expect(pyramid.topLevel).toBeGreaterThan(pyramid.baseLevel);
    const [first, last] = tileRange(pyramid.topLevel, pyramid.minNs, pyramid.maxNs);
    expect(last - first).toBeLessThanOrEqual(1);
    expect(tileSpanNs(pyramid.topLevel)).toBeGreaterThanOrEqual(pyramid.maxNs - pyramid.minNs);
    expect(pyramid.topLevel).toBeLessThan(MAX_TILE_LEVEL);
    for (const level of [pyramid.baseLevel - 3, pyramid.baseLevel, pyramid.baseLevel + 2, pyramid.topLevel, pyramid.topLevel + 3]) {
      const [a, b] = tileRange(level, pyramid.minNs, pyramid.maxNs);
      let total = 0;
      for (let i = a - 1; i <= b + 1; i++) for (const c of pyramid.tile(level, i).count) total += c;
      expect(total, `level ${level}`).toBe(gpu.start.length);
      if (level < pyramid.baseLevel) expect(pyramid.tile(level, a)).toEqual(buildSliceTile(gpu, gpu.info.id, level, a));
    }
    expect(cache.size).toBeGreaterThan(0);
  });
});
