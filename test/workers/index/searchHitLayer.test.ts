// Search outlines from the hits' own pyramid, on a real trace: at any zoom every hit in
// view lies inside an outline on its row, outlines never cover a pixel without a hit, and
// there are never more than a few per pixel, whatever the hit count.

import { beforeAll, describe, expect, it } from 'vitest';
import { search } from '../../../workers/analysis/search';
import { SearchHitLayer } from '../../../workers/index/searchHitLayer';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { loadCorpus } from '../../support/corpus';

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
});
