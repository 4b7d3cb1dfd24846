// Search outlines from the hits' own pyramid, on a real trace: at any zoom every hit in
// view lies inside an outline on its row, outlines never cover a pixel without a hit, and
// there are never more than a few per pixel, whatever the hit count.

import { beforeAll, describe, expect, it } from 'vitest';
import { search } from '../../../workers/analysis/search';
import { SearchHitLayer } from '../../../workers/index/searchHitLayer';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { loadCorpus, loadText } from '../../support/corpus';
import { overlappingX } from '../../support/extremeTraces';
import { TILE_BAND_ROWS } from '../../../src/model/tiles';

const WIDTH = 1600;
let index: TraceIndex;

beforeAll(async () => {
  index = await loadCorpus('llm_decode_large.json.gz');
}, 60_000);

describe('SearchHitLayer', () => {
  it('outlines every hit in view, and only hits, at one item per pixel run', () => {
    const { matches, total } = search(index, { text: 'aten::' });
    expect(total).toBeGreaterThan(50_000);
    const layer = new SearchHitLayer(1, index.lanes, matches);
    const laneIds = [...matches.keys()];
    const { minNs, maxNs } = index.result;
    const span = maxNs - minNs;
    for (const [from, to] of [
      [minNs, maxNs],
      [minNs + span * 0.4, minNs + span * 0.41],
    ]) {
      const nsPerPx = (to - from) / WIDTH;
      const marks = layer.marks(laneIds, from, to, WIDTH);
      let items = 0;
      for (const m of marks) {
        const lane = index.lanes.get(m.laneId)!;
        items += m.start.length;
        const hits = matches.get(m.laneId)!;
        const isHit = new Set(hits);
        for (const k of hits) {
          const a = lane.start[k];
          const e = a + lane.dur[k];
          if (a > to || e < from) continue;
          let inside = false;
          for (let i = 0; i < m.start.length && !inside; i++) inside = m.row[i] === lane.row[k] && m.start[i] <= Math.max(a, from) && m.end[i] >= Math.min(e, to - nsPerPx);
          expect(inside, `hit ${k} of ${m.laneId}`).toBe(true);
        }
        // Each outline holds at least one hit of its row.
        for (let i = 0; i < m.start.length; i++) {
          let any = false;
          for (let k = 0; k < lane.start.length && !any; k++) any = isHit.has(k) && lane.row[k] === m.row[i] && lane.start[k] < m.end[i] && lane.start[k] + lane.dur[k] >= m.start[i];
          expect(any).toBe(true);
        }
      }
      expect(items).toBeLessThan(WIDTH * 40);
    }
  });

  it('outlines only the rows drawn of a deep lane whose every row is a hit', async () => {
    // Kernel i starts at i µs, lasts 100 ms and is alone on row i.
    const n = 1000;
    const deep = await loadText(overlappingX(n));
    const lane = [...deep.lanes.values()][0];
    const layer = new SearchHitLayer(1, deep.lanes, new Map([[lane.info.id, Array.from({ length: n }, (_, k) => k)]]));
    const { minNs, maxNs } = deep.result;
    const rows: [number, number] = [5 * TILE_BAND_ROWS, 6 * TILE_BAND_ROWS - 1];
    const [m] = layer.marks([lane.info.id], minNs, maxNs, WIDTH, { [lane.info.id]: rows });
    const nsPerPx = (maxNs - minNs) / WIDTH;
    expect([...new Set(m.row)].sort((a, b) => a - b)).toEqual(Array.from({ length: TILE_BAND_ROWS }, (_, j) => rows[0] + j));
    for (let i = 0; i < m.row.length; i++) {
      expect(m.start[i]).toBeLessThanOrEqual(m.row[i] * 1000);
      expect(m.end[i]).toBeGreaterThanOrEqual(Math.min(maxNs - nsPerPx, m.row[i] * 1000 + 100_000_000));
    }
    // Without a row window every row is outlined.
    expect(new Set(layer.marks([lane.info.id], minNs, maxNs, WIDTH)[0].row).size).toBe(n);
  });
});
