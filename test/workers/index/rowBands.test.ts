// Deep lanes are answered for the rows the view draws (issue 14): a lane 6 000 rows deep
// costs the rows on screen, not rows × tile buckets, and a band's tiles hold exactly the
// cells a tile over the whole lane holds for those rows.

import { describe, expect, it } from 'vitest';
import { TILE_BAND_ROWS, TILE_BUCKETS, levelForNsPerPx, tileRange, type SliceTile } from '../../../src/model/tiles';
import { buildSliceTile } from '../../../workers/index/sliceTiles';
import { loadText } from '../../support/corpus';
import { overlappingX } from '../../support/extremeTraces';

const WIDTH = 1600;
const chrome = (events: string[]) => `{"traceEvents":[\n${events.join(',\n')}\n]}`;

/** The cells of `row` in a tile, or null when the tile leaves the row out. */
function rowCells(t: SliceTile, row: number) {
  const j = Array.from(t.rows).indexOf(row);
  if (j < 0) return null;
  const at = j * TILE_BUCKETS;
  const cut = <T extends { slice(a: number, b: number): T }>(a: T) => Array.from(a.slice(at, at + TILE_BUCKETS) as unknown as ArrayLike<number>);
  return { busy: cut(t.busy), count: cut(t.count), name: cut(t.name), event: cut(t.event) };
}

describe('row bands', () => {
  it('answers only the rows drawn of 6 000 mutually overlapping kernels, each on its own row', async () => {
    const n = 6000;
    // Kernel i starts at i µs and lasts 100 ms.
    const index = await loadText(overlappingX(n));
    const lane = [...index.lanes.values()][0];
    expect(lane.info.rows).toBe(n);
    const { minNs, maxNs } = index.result;
    const rows: [number, number] = [2 * TILE_BAND_ROWS, 3 * TILE_BAND_ROWS - 1];
    const res = index.query({ startNs: minNs, endNs: maxNs, widthPx: WIDTH, laneIds: [lane.info.id], level: levelForNsPerPx((maxNs - minNs) / WIDTH), rows: { [lane.info.id]: rows } });
    // 64 rows of one kernel each: few enough to go raw, however many rows the lane has.
    expect(res.sliceTiles).toEqual([]);
    const items = res.lanes[0];
    const drawn = Array.from(items.row).sort((a, b) => a - b);
    expect(drawn).toEqual(Array.from({ length: TILE_BAND_ROWS }, (_, j) => rows[0] + j));
    // Kernel i starts at i µs (the origin is kernel 0) and is the only slice of row i.
    for (let p = 0; p < items.row.length; p++) {
      expect(items.start[p]).toBe(items.row[p] * 1000);
      expect(items.end[p]).toBe(items.row[p] * 1000 + 100_000_000);
    }
  });

  it('tiles a busy band with the cells a tile over the whole lane has for its rows', async () => {
    // 100 rows: 2 000 nests 100 deep, one after the other, so every row holds 2 000 slices.
    const depth = 100;
    const ev: string[] = [];
    for (let s = 0; s < 2000; s++) for (let d = 0; d < depth; d++) ev.push(`{"ph":"X","cat":"cpu_op","name":"d${d}","pid":1,"tid":1,"ts":${s * 1000 + d},"dur":${1000 - 2 * d - 1}}`);
    const index = await loadText(chrome(ev));
    const lane = [...index.lanes.values()][0];
    expect(lane.info.rows).toBe(depth);
    const { minNs, maxNs } = index.result;
    const level = levelForNsPerPx((maxNs - minNs) / WIDTH);
    const rows: [number, number] = [TILE_BAND_ROWS, 2 * TILE_BAND_ROWS - 1];
    const res = index.query({ startNs: minNs, endNs: maxNs, widthPx: WIDTH, laneIds: [lane.info.id], level, rows: { [lane.info.id]: rows } });
    expect(res.tiledLanes).toEqual([lane.info.id]);
    const [first, last] = tileRange(level, minNs, maxNs);
    expect(res.sliceTiles.map((t) => [t.band, t.index])).toEqual(Array.from({ length: last - first + 1 }, (_, i) => [1, first + i]));
    for (const t of res.sliceTiles) {
      const whole = buildSliceTile(lane, lane.info.id, level, t.index);
      const wanted = Array.from(whole.rows).filter((r) => r >= rows[0] && r <= rows[1]);
      expect(Array.from(t.rows)).toEqual(wanted);
      expect(wanted.length).toBe(depth - TILE_BAND_ROWS);
      for (const r of wanted) expect(rowCells(t, r)).toEqual(rowCells(whole, r));
    }
    // Wide slices only from the rows drawn.
    for (const w of res.wide) for (const r of w.row) expect(r).toBeGreaterThanOrEqual(rows[0]);
  });
});
