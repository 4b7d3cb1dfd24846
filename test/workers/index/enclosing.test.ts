// The deepest slice covering a time, for many times in one sweep (flow binding, issue 14):
// the same answers as the former scan of every row per time, on every lane of the real
// traces and on deep overlapping lanes, where that scan made binding flows quadratic.

import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../bench/traceGenerator.mjs';
import { coveringInRow, deepestEnclosingAll } from '../../../workers/index/enclosing';
import type { LaneIndex } from '../../../workers/index/laneIndex';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { corpusJsonTraces, loadCorpus, loadText } from '../../support/corpus';
import { overlappingX } from '../../support/extremeTraces';

/** The reference: deepestEnclosing as it was before issue 14, one binary search per row from the deepest up. */
function referenceDeepest(lane: LaneIndex, t: number): number {
  for (let r = lane.rows.length - 1; r >= 0; r--) {
    const k = coveringInRow(lane, r, t, t);
    if (k >= 0) return k;
  }
  return -1;
}

/** Flow times, every slice's start, end and midpoint, and times just off them. */
function probeTimes(index: TraceIndex, lane: LaneIndex): Float64Array {
  const t: number[] = Array.from(index.raw.flows.ts.trimmed());
  const rnd = mulberry32(lane.start.length);
  const step = Math.max(1, Math.floor(lane.start.length / 3000));
  for (let k = 0; k < lane.start.length; k += step) {
    const s = lane.start[k];
    const e = s + lane.dur[k];
    t.push(s, e, (s + e) / 2, s - 1, e + 1, s + rnd() * (e - s + 2));
  }
  return Float64Array.from(t);
}

function expectSameAsReference(index: TraceIndex): void {
  for (const lane of index.lanes.values()) {
    const times = probeTimes(index, lane);
    const got = deepestEnclosingAll(lane, times);
    const want = Int32Array.from(times, (t) => referenceDeepest(lane, t));
    expect(Array.from(got), lane.info.id).toEqual(Array.from(want));
  }
}

describe('deepestEnclosingAll', () => {
  it.each(corpusJsonTraces())('answers like the row-by-row scan on every lane of %s', async (name) => {
    expectSameAsReference(await loadCorpus(name));
  });

  it('answers like the row-by-row scan on overlapping, nested, touching and zero-length slices', async () => {
    const rnd = mulberry32(7);
    const events: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const s = Math.floor(rnd() * 500) * 10;
      const d = rnd() < 0.1 ? 0 : Math.floor(rnd() * 40) * 10;
      events.push(rnd() < 0.05 ? `{"ph":"i","name":"i","pid":1,"tid":1,"ts":${s}}` : `{"ph":"X","cat":"cpu_op","name":"s${i % 9}","pid":1,"tid":1,"ts":${s},"dur":${d}}`);
    }
    expectSameAsReference(await loadText(`{"traceEvents":[${events.join(',')}]}`));
  });

  it('binds flow ends inside 20 000 mutually overlapping kernels to the deepest one, in one sweep', async () => {
    const n = 20_000;
    const text = overlappingX(n);
    // Kernel i (row i) covers [i, i + 100 000] µs: at t = j + 0.5 µs (j < n) the deepest covering kernel is j.
    const flows: string[] = [];
    for (let j = 0; j < n; j += 7) flows.push(`{"ph":"f","bp":"e","cat":"c","name":"c","id":${j},"pid":0,"tid":7,"ts":${j}.5}`, `{"ph":"s","cat":"c","name":"c","id":${j},"pid":0,"tid":7,"ts":${j}}`);
    const index = await loadText(text.replace(/\n\]\}$/, `,\n${flows.join(',\n')}\n]}`));
    const lane = [...index.lanes.values()][0];
    const fi = index.flowIndex;
    let checked = 0;
    for (let p = 0; p < index.raw.flows.ts.length; p++) {
      const point = fi.point(p);
      // s points sit exactly on kernel j's start; f points half a µs later, inside kernels 0 … j.
      const j = Math.floor(point.tsNs / 1000);
      expect(fi.laneList[point.lane], `point ${p}`).toBe(lane);
      expect(point.eventIdx, `point ${p}`).toBe(j);
      checked++;
    }
    expect(checked).toBe(2 * Math.ceil(n / 7));
  });
});
