// The nesting walk (nesting.ts walkNesting, over nestingOrder.ts's merge) against a brute force
// written here: every event of the group tested against the range, all of them sorted at once, a
// plain stack, and each slice's self time as its clipped time minus the union of its direct
// children's clipped intervals (sorted and merged here, not grown as children arrive). Lanes are
// walked in memory and, as an index folder's lane too big for its cache is, chunk by chunk
// (LaneIndex.parts) with chunk edges falling inside runs of equal spans.

import { describe, expect, it } from 'vitest';
import { nestingGroups, nestSlices, type Nesting } from '../../../workers/index/nesting';
import { sortedLaneIndex, type LaneIndex, type LanePart } from '../../../workers/index/laneIndex';
import type { LaneInfo, LaneKind } from '../../../src/model/types';
import { loadCorpus } from '../../support/corpus';

const STACK_ORDER: Partial<Record<LaneKind, number>> = { python: 0, cpu: 1 };

interface Ref {
  l: number;
  k: number;
  start: number;
  end: number;
  order: number;
  row: number;
  clipped: number;
  parent: number;
  self: number;
}

function bruteForce(lanes: LaneIndex[], a: number, b: number): Nesting {
  const all: Ref[] = [];
  lanes.forEach((lane, l) => {
    for (let k = 0; k < lane.start.length; k++) {
      const start = lane.start[k];
      const end = start + lane.dur[k];
      // Overlapping [a, b]: reaches a, and starts before b (an instant at b counts too).
      if (end < a || start > b || (start === b && end > start)) continue;
      const clipped = Math.max(0, Math.min(b, end) - Math.max(a, start));
      all.push({ l, k, start, end, order: STACK_ORDER[lane.info.kind] ?? 0, row: lane.row[k], clipped, parent: -1, self: 0 });
    }
  });
  all.sort((x, y) => x.start - y.start || y.end - x.end || x.order - y.order || x.row - y.row || x.l - y.l || x.k - y.k);
  const stack: number[] = [];
  all.forEach((s, i) => {
    while (stack.length && all[stack[stack.length - 1]].end <= s.start) stack.pop();
    while (stack.length && all[stack[stack.length - 1]].end < s.end) stack.pop();
    s.parent = stack.length ? stack[stack.length - 1] : -1;
    stack.push(i);
  });
  const children = all.map(() => [] as [number, number][]);
  for (const s of all) if (s.parent >= 0 && s.clipped > 0) children[s.parent].push([Math.max(a, s.start), Math.min(b, s.end)]);
  all.forEach((s, i) => (s.self = s.clipped - unionLength(children[i])));
  return {
    lane: Int32Array.from(all, (s) => s.l),
    event: Int32Array.from(all, (s) => s.k),
    clipped: Float64Array.from(all, (s) => s.clipped),
    self: Float64Array.from(all, (s) => s.self),
    parent: Int32Array.from(all, (s) => s.parent),
  };
}

function unionLength(list: [number, number][]): number {
  const sorted = [...list].sort((x, y) => x[0] - y[0]);
  let total = 0;
  for (let i = 0; i < sorted.length; ) {
    const s = sorted[i][0];
    let e = sorted[i][1];
    for (i++; i < sorted.length && sorted[i][0] <= e; i++) e = Math.max(e, sorted[i][1]);
    total += e - s;
  }
  return total;
}

/** The lane as an index folder's lane past its cache offers it: chunks of the given sizes (cycled), never its columns. */
function chunked(lane: LaneIndex, sizes: number[]): LaneIndex {
  const parts = (a: number, b: number): LanePart[] => {
    const out: LanePart[] = [];
    for (let first = 0, i = 0; first < lane.start.length; i++) {
      const to = Math.min(lane.start.length, first + sizes[i % sizes.length]);
      const cols = { info: lane.info, start: lane.start.slice(first, to), dur: lane.dur.slice(first, to), name: lane.name.slice(first, to), cat: lane.cat.slice(first, to), row: lane.row.slice(first, to), instant: lane.instant.slice(first, to), flags: lane.flags.slice(first, to), argsOff: lane.argsOff.slice(first, to), argsLen: lane.argsLen.slice(first, to) };
      let end = -Infinity;
      for (let j = 0; j < cols.start.length; j++) end = Math.max(end, cols.start[j] + cols.dur[j]);
      if (cols.start[0] <= b && end >= a) out.push({ cols, first });
      first = to;
    }
    return out;
  };
  const refuse = () => {
    throw new Error('a chunked lane was read whole');
  };
  return new Proxy(lane, { get: (t, p) => (p === 'parts' ? parts : ['rows', 'start', 'dur', 'row'].includes(p as string) ? refuse() : Reflect.get(t, p)) });
}

/** Compares the walk in memory and chunk by chunk with the brute force over [a, b]. */
function expectNesting(group: LaneIndex[], a: number, b: number, sizes: number[]): void {
  const want = bruteForce(group, a, b);
  expect(nestSlices(group, a, b)).toEqual(want);
  expect(nestSlices(group.map((l) => chunked(l, sizes)), a, b)).toEqual(want);
}

function lane(kind: LaneKind, start: number[], dur: number[], tid = '1'): LaneIndex {
  const n = start.length;
  const info = { id: `t|1|${tid}|${kind}`, trace: 't', pid: '1', tid, kind, name: `thread ${tid}`, events: n, rows: 1 } as unknown as LaneInfo;
  return sortedLaneIndex(info, {
    start: Float64Array.from(start),
    dur: Float64Array.from(dur),
    name: Uint32Array.from(start, (_, i) => i % 7),
    cat: new Uint32Array(n),
    row: new Uint32Array(0),
    instant: Uint8Array.from(dur, (d) => (d === 0 ? 1 : 0)),
    flags: new Uint8Array(n),
    argsOff: new Float64Array(n),
    argsLen: new Uint32Array(n),
  });
}

/** Slices on a coarse grid, so starts and ends coincide often: equal starts, equal spans, instants, children past their parent's end. */
function adversarial(seed: number, n: number): { start: number[]; dur: number[] } {
  let x = seed;
  const rnd = (m: number) => ((x = (x * 1103515245 + 12345) % 2147483648), x % m);
  const start: number[] = [];
  const dur: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = rnd(40) * 10;
    start.push(s);
    const shape = rnd(10);
    dur.push(shape < 2 ? 0 : shape < 4 ? 10 * rnd(3) : shape < 8 ? 10 * rnd(12) : 10 * rnd(60));
    if (rnd(6) === 0) {
      // A copy of the slice just made: an equal span.
      start.push(s);
      dur.push(dur[dur.length - 1]);
    }
  }
  return { start, dur };
}

describe('nesting walk', () => {
  it('equals the brute force on adversarial lanes, whole and clipped, in memory and chunk by chunk', () => {
    let checked = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const py = adversarial(seed, 40 + (seed % 5) * 30);
      const cpu = adversarial(seed * 7919, 30 + (seed % 3) * 40);
      const group = [lane('python', py.start, py.dur), lane('cpu', cpu.start, cpu.dur)];
      expect(nestingGroups(group)).toEqual([group]);
      const sizes = [1 + (seed % 4), 3, 1 + (seed % 7)];
      for (const [a, b] of [
        [0, 1000],
        [-50, 2000],
        [100, 250],
        [105, 105],
        [200, 200],
        [0, 0],
        [390, 395],
      ]) {
        expectNesting(group, a, b, sizes);
        expectNesting([group[0]], a, b, sizes);
        checked++;
      }
    }
    expect(checked).toBe(60 * 7);
  });

  it("a lane's own order is nesting order: on equal spans a later event never sits on a higher row (what the walk relies on)", async () => {
    const lanes = [...(await loadCorpus('llm_decode_large.json.gz')).lanes.values()];
    for (let seed = 1; seed <= 60; seed++) {
      const py = adversarial(seed, 200);
      lanes.push(lane('python', py.start, py.dur));
    }
    let runs = 0;
    for (const l of lanes) {
      for (let k = 1; k < l.start.length; k++) {
        if (l.start[k] !== l.start[k - 1] || l.start[k] + l.dur[k] !== l.start[k - 1] + l.dur[k - 1]) continue;
        runs++;
        expect(l.row[k]).toBeGreaterThanOrEqual(l.row[k - 1]);
      }
    }
    expect(runs).toBeGreaterThan(100);
  }, 60_000);

  it('adversarial lanes hold what the walk must handle: equal spans across lanes, instants, children past their parent', () => {
    const py = adversarial(3, 130);
    const nest = bruteForce([lane('python', py.start, py.dur)], 0, 1000);
    let instants = 0;
    let crossing = 0;
    let equal = 0;
    for (let i = 0; i < nest.event.length; i++) {
      const k = nest.event[i];
      if (py.dur[k] === 0) instants++;
      if (i > 0 && nest.clipped[i] === nest.clipped[i - 1] && nest.parent[i] === i - 1) equal++;
    }
    const l = lane('python', py.start, py.dur);
    for (const list of l.rows) for (let p = 1; p < list.length; p++) if (l.row[list[p]] > 0 && l.start[list[p]] < l.start[list[p - 1]] + l.dur[list[p - 1]]) crossing++;
    expect(instants).toBeGreaterThan(10);
    expect(equal).toBeGreaterThan(5);
    expect(l.rows.length).toBeGreaterThan(3);
    expect(crossing).toBe(0); // a row's slices never overlap: its ends are sorted (what the walk's range test relies on)
  });

  it('equals the brute force on the host threads of llm_decode_large (whole trace and windows)', async () => {
    const index = await loadCorpus('llm_decode_large.json.gz');
    const groups = nestingGroups(index.lanes.values()).filter((g) => g.length > 1);
    expect(groups.length).toBeGreaterThan(0);
    const { minNs, maxNs } = index.result;
    const span = maxNs - minNs;
    let slices = 0;
    for (const group of groups) {
      for (const [a, b] of [
        [minNs, maxNs],
        [minNs + span * 0.3, minNs + span * 0.31],
        [minNs + span * 0.5, minNs + span * 0.5],
        [minNs + span * 0.7, minNs + span * 0.95],
      ]) {
        expectNesting(group, Math.round(a), Math.round(b), [4096, 100, 2500]);
        slices += nestSlices(group, a, b).event.length;
      }
    }
    expect(slices).toBeGreaterThan(200_000);
  }, 120_000);
});
