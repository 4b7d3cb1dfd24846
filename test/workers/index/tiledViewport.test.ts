// A viewport over a real trace: busy lanes come as tiles, quiet ones as slices, within the
// frame budget; composed on the UI side, every event in view lights its pixel on its row,
// the shortest GPU kernel included, and a pan only fetches the tiles that scroll in.

import { beforeAll, describe, expect, it } from 'vitest';
import { levelForNsPerPx, tileRange, type SliceTile } from '../../../src/model/tiles';
import type { LaneSlices, QueryResult } from '../../../src/model/types';
import { samplesFromCounterTiles, slicesFromTiles } from '../../../src/model/tileSlices';
import { buildCounterTile } from '../../../workers/index/counterTiles';
import { FRAME_RAW_EVENTS, LANE_RAW_EVENTS, WIDE_PX } from '../../../workers/index/tiledViewport';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { loadCorpus } from '../../support/corpus';

const WIDTH = 1600;
let index: TraceIndex;

beforeAll(async () => {
  index = await loadCorpus('llm_decode_large.json.gz');
}, 60_000);

function query(startNs: number, endNs: number, have?: Record<string, number[]>): QueryResult {
  const laneIds = [...index.lanes.keys(), ...index.counters.keys()];
  return index.query({ startNs, endNs, widthPx: WIDTH, laneIds, level: levelForNsPerPx((endNs - startNs) / WIDTH), have });
}

function composed(res: QueryResult, laneId: string, startNs: number, endNs: number): LaneSlices {
  const raw = res.lanes.find((l) => l.laneId === laneId);
  if (raw) return raw;
  const tiles = res.sliceTiles.filter((t) => t.laneId === laneId);
  return slicesFromTiles(laneId, tiles, startNs, endNs, res.wide.find((w) => w.laneId === laneId));
}

describe('tiled viewport', () => {
  it('sends tiles for busy lanes and slices for quiet ones, within the frame budget', () => {
    const { minNs, maxNs } = index.result;
    const res = query(minNs, maxNs);
    const rawEvents = res.lanes.reduce((n, l) => n + l.count.reduce((a, c) => a + c, 0), 0);
    expect(rawEvents).toBeLessThanOrEqual(FRAME_RAW_EVENTS);
    for (const l of res.lanes) expect(l.count.reduce((a, c) => a + c, 0)).toBeLessThanOrEqual(LANE_RAW_EVENTS);
    const busy = [...index.lanes.values()].filter((l) => l.start.length > LANE_RAW_EVENTS);
    expect(busy.length).toBeGreaterThan(0);
    for (const l of busy) expect(res.tiledLanes).toContain(l.info.id);
    const level = levelForNsPerPx((maxNs - minNs) / WIDTH);
    const [first, last] = tileRange(level, minNs, maxNs);
    for (const id of res.tiledLanes) expect(res.sliceTiles.filter((t) => t.laneId === id).map((t) => t.index)).toEqual(range(first, last));
    // Everything drawn stays about a few items per pixel per row.
    let items = 0;
    for (const id of res.tiledLanes) items += composed(res, id, minNs, maxNs).start.length;
    expect(items).toBeLessThan(FRAME_RAW_EVENTS * 2);
  });

  it('lights the pixel of every event in view on its row, the shortest kernel included', () => {
    const gpu = [...index.lanes.values()].filter((l) => l.info.kind === 'gpu').sort((a, b) => b.start.length - a.start.length)[0];
    let shortest = 0;
    for (let k = 1; k < gpu.start.length; k++) if (gpu.dur[k] < gpu.dur[shortest]) shortest = k;
    const span = index.result.maxNs - index.result.minNs;
    for (const [from, to] of [
      [index.result.minNs, index.result.maxNs],
      [gpu.start[shortest] - span * 0.01, gpu.start[shortest] + span * 0.01],
    ]) {
      const res = query(from, to);
      const tiled = res.tiledLanes.includes(gpu.info.id);
      if (from === index.result.minNs) expect(tiled).toBe(true);
      const s = composed(res, gpu.info.id, from, to);
      const nsPerPx = (to - from) / WIDTH;
      const covered = (k: number) => {
        const a = gpu.start[k];
        const e = a + gpu.dur[k];
        for (let i = 0; i < s.start.length; i++) if (s.row[i] === gpu.row[k] && s.start[i] <= e && s.end[i] >= a) return true;
        return false;
      };
      for (let k = 0; k < gpu.start.length; k++) {
        if (gpu.start[k] > to || gpu.start[k] + gpu.dur[k] < from) continue;
        expect(covered(k), `event ${k}`).toBe(true);
      }
      expect(covered(shortest)).toBe(true);
      if (!tiled) continue;
      // Wide kernels come exact, with their own index, so they can be labelled and clicked.
      const wide = res.wide.find((w) => w.laneId === gpu.info.id)!;
      for (let i = 0; i < wide.start.length; i++) {
        const k = wide.eventIdx[i];
        expect(gpu.dur[k]).toBeGreaterThanOrEqual(WIDE_PX * nsPerPx);
        expect(wide.start[i]).toBe(gpu.start[k]);
      }
      const expectedWide = Array.from(gpu.dur).filter((d, k) => d >= WIDE_PX * nsPerPx && gpu.start[k] <= to && gpu.start[k] + d >= from).length;
      expect(wide.start.length).toBe(expectedWide);
    }
  });

  it('does not send again the tiles the caller holds', () => {
    const { minNs, maxNs } = index.result;
    const span = (maxNs - minNs) / 8;
    const first = query(minNs, minNs + span);
    const have: Record<string, number[]> = {};
    for (const t of first.sliceTiles) (have[t.laneId] ??= []).push(t.index);
    const panned = query(minNs + span / 2, minNs + span * 1.5, have);
    expect(panned.tiledLanes.length).toBeGreaterThan(0);
    for (const t of panned.sliceTiles) expect(have[t.laneId] ?? []).not.toContain(t.index);
    const tilesOf = (r: QueryResult, id: string) => r.sliceTiles.filter((t: SliceTile) => t.laneId === id).length;
    const id = panned.tiledLanes[0];
    expect(tilesOf(panned, id)).toBeLessThan(tilesOf(first, id) + 1);
  });
});

describe('counter tiles', () => {
  it('keep per bucket the smallest, largest and last sample of each series', () => {
    const c = [...index.counters.values()].sort((a, b) => b.t.length - a.t.length)[0];
    expect(c.t.length).toBeGreaterThan(100);
    const from = c.t[0];
    const to = c.t[c.t.length - 1];
    const level = levelForNsPerPx((to - from) / 200);
    const [a, b] = tileRange(level, from, to);
    const tiles = range(a, b).map((i) => buildCounterTile(c, c.info.id, level, i));
    const bw = 2 ** level;
    for (let k = 0; k < c.t.length; k++) {
      const g = Math.floor(c.t[k] / bw);
      const tile = tiles.find((t) => t.index === Math.floor(g / 256))!;
      const bucket = g - tile.index * 256;
      for (let s = 0; s < c.values.length; s++) {
        expect(tile.min[s][bucket]).toBeLessThanOrEqual(c.values[s][k]);
        expect(tile.max[s][bucket]).toBeGreaterThanOrEqual(c.values[s][k]);
      }
      if (k + 1 === c.t.length || Math.floor(c.t[k + 1] / bw) !== g) for (let s = 0; s < c.values.length; s++) expect(tile.last[s][bucket]).toBe(c.values[s][k]);
    }
    expect(tiles.reduce((n, t) => n + t.count.reduce((x, y) => x + y, 0), 0)).toBe(c.t.length);
    // Drawn from tiles, the line reaches the highest sample.
    const samples = samplesFromCounterTiles(c.info.id, ['v'], tiles, from, to);
    expect(Math.max(...samples.values[0])).toBe(Math.max(...c.values[0]));
    expect(Math.min(...samples.values[0])).toBe(Math.min(...c.values[0]));
  });
});

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}
