// Viewport queries on a real trace: nothing vanishes when zoomed out (every pixel an
// event touches is lit), every event in view is counted once, and the output stays
// around one item per pixel per row whatever the event count.

import { describe, expect, it } from 'vitest';
import { queryLaneSlices } from '../../../workers/index/viewportQuery';
import type { LaneIndex } from '../../../workers/index/laneIndex';
import { loadCorpus } from '../../support/corpus';

function litPixels(starts: ArrayLike<number>, ends: ArrayLike<number>, rows: ArrayLike<number>, from: number, nsPerPx: number, width: number): Set<string> {
  const lit = new Set<string>();
  for (let i = 0; i < starts.length; i++) {
    const a = Math.max(0, Math.floor((starts[i] - from) / nsPerPx));
    const b = Math.min(width - 1, Math.floor((ends[i] - from) / nsPerPx));
    for (let x = a; x <= b; x++) lit.add(`${rows[i]}:${x}`);
  }
  return lit;
}

describe('queryLaneSlices', () => {
  it('lights every pixel an event touches and counts each event once, at every zoom', async () => {
    const index = await loadCorpus('llm_decode_large.json.gz');
    const lane = [...index.lanes.values()].find((l) => l.info.kind === 'python' && l.start.length > 100_000) as LaneIndex;
    expect(lane).toBeDefined();
    const t0 = lane.start[0];
    const t1 = Math.max(...Array.from(lane.rows, (list) => lane.start[list[list.length - 1]] + lane.dur[list[list.length - 1]]));
    const width = 1600;
    for (const [from, to] of [
      [t0, t1],
      [t0 + (t1 - t0) * 0.3, t0 + (t1 - t0) * 0.35],
      [t0 + (t1 - t0) * 0.5, t0 + (t1 - t0) * 0.5005],
    ]) {
      const out = queryLaneSlices(lane, from, to, width);
      const nsPerPx = (to - from) / width;
      // Brute force: every event overlapping the view.
      const bs: number[] = [];
      const be: number[] = [];
      const br: number[] = [];
      for (let k = 0; k < lane.start.length; k++) {
        const e = lane.start[k] + lane.dur[k];
        if (e < from || lane.start[k] > to) continue;
        bs.push(lane.start[k]);
        be.push(e);
        br.push(lane.row[k]);
      }
      const total = Array.from(out.count).reduce((a, b) => a + b, 0);
      expect(total).toBe(bs.length);
      const want = litPixels(bs, be, br, from, nsPerPx, width);
      const got = litPixels(out.start, out.end, out.row, from, nsPerPx, width);
      const missing = [...want].filter((p) => !got.has(p));
      expect(missing).toEqual([]);
      expect(out.start.length).toBeLessThanOrEqual(lane.rows.length * width * 2);
    }
  });
});
