// Rows in O(n log n) (issue 14) must be exactly the rows the former linear-scan
// algorithm gave: every slice of every real trace and of adversarial generated lanes
// keeps its row, and a lane deeper than 65 535 rows stays exact.

import { openAsBlob, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../bench/traceGenerator.mjs';
import { assignRows, RowAssigner } from '../../../workers/index/assignRows';
import { loadTrace } from '../../../workers/ingest/loadTrace';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { corpusJsonTraces, EXTERNAL, loadCorpus, loadText } from '../../support/corpus';
import { overlappingX } from '../../support/extremeTraces';

/**
 * The reference: assignRows as it was before issue 14 (workers/index/laneIndex.ts),
 * quadratic on overlapping slices, kept here only to compare with. The one change is
 * the dropped 16-bit clamp (rows stopped at 65 534), so deeper lanes can be compared too.
 */
function referenceRows(start: Float64Array, dur: Float64Array): Uint32Array {
  const n = start.length;
  const row = new Uint32Array(n);
  const rowEnd: number[] = [];
  const open: number[] = [];
  for (let k = 0; k < n; k++) {
    const s = start[k];
    const e = s + dur[k];
    while (open.length > 0 && start[open[open.length - 1]] + dur[open[open.length - 1]] <= s && dur[k] > 0) open.pop();
    let minRow = 0;
    for (let j = open.length - 1; j >= 0; j--) {
      const p = open[j];
      if (start[p] + dur[p] >= e) {
        minRow = row[p] + 1;
        break;
      }
    }
    let r = minRow;
    while (r < rowEnd.length && rowEnd[r] > s) r++;
    row[k] = r;
    rowEnd[r] = e;
    if (dur[k] > 0) open.push(k);
  }
  return row;
}

/** Slices sorted as buildLaneIndex sorts them: by start, longer first on ties. */
function sortedLane(slices: [number, number][]): { start: Float64Array; dur: Float64Array } {
  slices.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  return { start: Float64Array.from(slices, (s) => s[0]), dur: Float64Array.from(slices, (s) => s[1]) };
}

/**
 * Rows of a lane given to a RowAssigner part by part (as an index writer merging sorted runs
 * gives them), parts of `sizes` in turn; the assigner is told nothing of the lane's size.
 */
function rowsInParts(start: Float64Array, dur: Float64Array, sizes: readonly number[]): Uint32Array {
  const rows = new Uint32Array(start.length);
  const assigner = new RowAssigner();
  for (let from = 0, p = 0; from < start.length; p++) {
    const to = Math.min(start.length, from + sizes[p % sizes.length]);
    // Each part in arrays of its own, its rows written from index 0 of a buffer of its own.
    const part = new Uint32Array(to - from);
    assigner.assign(start.slice(from, to), dur.slice(from, to), 0, to - from, part, 0);
    rows.set(part, from);
    from = to;
  }
  return rows;
}

/** Part sizes: single slices, a few, and larger parts, so parts end inside nests and overlaps. */
const PART_SIZES = [1, 7, 4096, 2, 333];

function expectLanesMatchReference(index: TraceIndex): number {
  let checked = 0;
  for (const lane of index.lanes.values()) {
    const want = referenceRows(lane.start, lane.dur);
    expect(Array.from(rowsInParts(lane.start, lane.dur, PART_SIZES)), `${lane.info.id} in parts`).toEqual(Array.from(want));
    // Compared as arrays of numbers: the lane narrows its row column, the reference does not.
    expect(Array.from(lane.row), lane.info.id).toEqual(Array.from(want));
    expect(lane.info.rows, lane.info.id).toBe(want.reduce((m, r) => Math.max(m, r + 1), 1));
    checked += lane.start.length;
  }
  return checked;
}

const externalChromeTraces = ['chrome-trace', 'edge-cases'].flatMap((dir) =>
  readdirSync(join(EXTERNAL, dir))
    .filter((f) => /\.json\.gz$/.test(f) && !f.includes('speedscope__invalid') && !f.includes('.speedscope.'))
    .map((f) => join(dir, f)),
);

describe('assignRows', () => {
  it.each(corpusJsonTraces())('gives every slice of %s the row of the reference algorithm', async (name) => {
    expect(expectLanesMatchReference(await loadCorpus(name))).toBeGreaterThan(0);
  });

  it.each(externalChromeTraces)('gives every slice of external %s the row of the reference algorithm', async (path) => {
    const file = await openAsBlob(join(EXTERNAL, path));
    expectLanesMatchReference(await loadTrace({ kind: 'file', file, name: path }, { trace: 'ext' }));
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('matches the reference on random overlapping, nested, touching and zero-length slices (seed %i)', (seed) => {
    const rnd = mulberry32(seed);
    const slices: [number, number][] = [];
    // Coarse times make equal starts, equal ends and touching slices common.
    const grain = [1, 5, 50][seed % 3];
    for (let i = 0; i < 3000; i++) {
      const s = Math.floor(rnd() * 2000) * grain;
      const kind = rnd();
      const d = kind < 0.15 ? 0 : kind < 0.5 ? Math.floor(rnd() * 5) * grain : Math.floor(rnd() * 300) * grain;
      slices.push([s, d]);
      // Children inside it, sometimes sticking out past its end.
      if (rnd() < 0.3 && d > 2) {
        const c = s + Math.floor(rnd() * d);
        slices.push([c, rnd() < 0.8 ? Math.floor(rnd() * (s + d - c)) : d]);
      }
    }
    const { start, dur } = sortedLane(slices);
    const want = Array.from(referenceRows(start, dur));
    expect(Array.from(assignRows(start, dur))).toEqual(want);
    expect(Array.from(rowsInParts(start, dur, PART_SIZES))).toEqual(want);
    expect(Array.from(rowsInParts(start, dur, [1]))).toEqual(want);
  });

  it.each([11, 12, 13])('matches the reference on random well-nested stacks with instants, then one overlap (seed %i)', (seed) => {
    // Call stacks as a sampling profiler would record them: every child inside its parent.
    const rnd = mulberry32(seed);
    const slices: [number, number][] = [];
    const nest = (s: number, d: number, level: number): void => {
      slices.push([s, d]);
      let at = s;
      while (level < 12 && rnd() < 0.7) {
        const gap = Math.floor(rnd() * 3);
        const len = Math.floor(rnd() * (s + d - at - gap + 1));
        if (at + gap + len > s + d) break;
        if (rnd() < 0.1) slices.push([at + gap, 0]);
        else nest(at + gap, len, level + 1);
        at += gap + len;
      }
    };
    for (let t = 0; t < 200; t++) nest(t * 1000, 900, 0);
    const nested = sortedLane(slices);
    expect(Array.from(assignRows(nested.start, nested.dur))).toEqual(Array.from(referenceRows(nested.start, nested.dur)));
    // One slice sticking out of its parent half-way: the rest of the lane still matches.
    slices.push([100_500, 700]);
    expect(Array.from(rowsInParts(nested.start, nested.dur, PART_SIZES))).toEqual(Array.from(referenceRows(nested.start, nested.dur)));
    const broken = sortedLane(slices);
    expect(Array.from(assignRows(broken.start, broken.dur))).toEqual(Array.from(referenceRows(broken.start, broken.dur)));
    // The stack decides up to the overlap and the trees after it, from the state the parts left.
    expect(Array.from(rowsInParts(broken.start, broken.dur, [3, 50, 1]))).toEqual(Array.from(referenceRows(broken.start, broken.dur)));
  });

  it('matches the reference on staircases, deep nests and instants inside them', () => {
    const slices: [number, number][] = [];
    // Staircase: each overlaps the previous without nesting.
    for (let i = 0; i < 500; i++) slices.push([i * 10, 25]);
    // A nest 400 deep with an instant at every level and a sibling after each child.
    for (let i = 0; i < 400; i++) slices.push([10_000 + i, 1000 - 2 * i], [10_000 + i, 0], [10_000 + 999 - i, 1]);
    // Slices ending exactly where the next starts, and equal spans.
    for (let i = 0; i < 300; i++) slices.push([20_000 + i * 3, 3], [20_000 + i * 3, 3]);
    const { start, dur } = sortedLane(slices);
    const rows = assignRows(start, dur);
    expect(Array.from(rows)).toEqual(Array.from(referenceRows(start, dur)));
    // In parts the stack and the trees grow as they go (400 deep, 500 rows).
    expect(Array.from(rowsInParts(start, dur, PART_SIZES))).toEqual(Array.from(rows));
    // Independently of the reference: the 400-deep nest stacks one row per level.
    expect(rows.reduce((m, r) => Math.max(m, r), 0)).toBeGreaterThanOrEqual(400);
  });

  it('keeps 70 000 mutually overlapping GPU kernels exact, past 65 535 rows', async () => {
    const n = 70_000;
    const text = overlappingX(n);
    const t0 = performance.now();
    const index = await loadText(text);
    const ms = performance.now() - t0;
    const lanes = [...index.lanes.values()];
    expect(lanes).toHaveLength(1);
    const lane = lanes[0];
    // Each kernel starts inside every earlier one and outlives it: none nests, each needs its own row.
    expect(lane.info.rows).toBe(n);
    expect(lane.row).toBeInstanceOf(Uint32Array);
    const want = Uint32Array.from({ length: n }, (_, k) => k);
    expect(Array.from(lane.row)).toEqual(Array.from(want));
    expect(Array.from(rowsInParts(lane.start, lane.dur, PART_SIZES))).toEqual(Array.from(want));
    expect(lane.rows.every((list, r) => list.length === 1 && list[0] === r)).toBe(true);
    console.log(`70 000 overlapping kernels: ingest + lanes + index ${ms.toFixed(0)} ms`);
  });
});
