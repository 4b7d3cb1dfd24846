// One self time everywhere: Statistics, the Call tree and the details panel agree with a
// nesting built here from the raw JSON — per host thread, Python and cpu_op slices
// together; self = duration minus the union of the slices nested directly inside.

import { beforeAll, describe, expect, it } from 'vitest';
import { callTree } from '../../../workers/analysis/callTree';
import { rangeStats } from '../../../workers/analysis/rangeStats';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { loadCorpus, loadText } from '../../support/corpus';
import { HOST_KINDS, referenceSelf, refEvents, relNs, unionLength, type RefSlice } from './reference';

const FILE = 'llm_decode_large.json.gz';
describe(`self time on ${FILE} (whole trace)`, () => {
  let index: TraceIndex;
  let ref: RefSlice[];
  let a = 0;
  let b = 0;
  const byFrame = new Map<string, { self: number; count: number }>();

  beforeAll(async () => {
    index = await loadCorpus(FILE);
    const events = refEvents(FILE);
    ref = referenceSelf(events);
    a = ref.reduce((m, r) => Math.min(m, r.s), Infinity);
    b = ref.reduce((m, r) => Math.max(m, r.e), -Infinity);
    for (const r of ref) {
      const k = `${r.kind}|${r.name}`;
      const f = byFrame.get(k) ?? { self: 0, count: 0 };
      f.self += r.self;
      f.count++;
      byFrame.set(k, f);
    }
  }, 120_000);

  it('the reference never goes negative (its children are a union)', () => {
    expect(ref.length).toBeGreaterThan(200_000);
    for (const f of byFrame.values()) expect(f.self).toBeGreaterThanOrEqual(0);
  });

  it('Statistics: every Python and CPU frame has the reference self time, never negative', () => {
    const stats = rangeStats(index, { startNs: a, endNs: b });
    let checked = 0;
    for (const row of stats.rows) {
      if (row.kind !== 'python' && row.kind !== 'cpu') continue;
      const f = byFrame.get(`${row.kind}|${row.name}`);
      if (!f) continue; // instants (cpu_instant_event) nest nothing and are not in the reference
      expect(row.selfNs, `${row.kind} ${row.name}`).toBeGreaterThanOrEqual(0);
      expect(Math.abs(row.selfNs - f.self), `${row.kind} ${row.name}`).toBeLessThanOrEqual(1 + f.count * 0.01);
      checked++;
    }
    expect(checked).toBe(byFrame.size);
  });

  it('Call tree: no node is negative; bottom-up roots hold the reference self time per thread', () => {
    const top = callTree(index, { startNs: a, endNs: b });
    for (const n of top.nodes) expect(n.selfNs, n.name).toBeGreaterThanOrEqual(0);
    const bottom = callTree(index, { startNs: a, endNs: b, inverted: true });
    const minNs = (b - a) * 2e-4; // the tree leaves out nodes below this share
    let checked = 0;
    for (const thread of new Set(ref.map((r) => r.thread))) {
      const tid = thread.split('|')[1];
      const want = new Map<string, { self: number; count: number }>();
      for (const r of ref) {
        if (r.thread !== thread) continue;
        const f = want.get(`${r.kind}|${r.name}`) ?? { self: 0, count: 0 };
        f.self += r.self;
        f.count++;
        want.set(`${r.kind}|${r.name}`, f);
      }
      const root = bottom.nodes.find((n) => n.parent < 0 && new RegExp(`\\b${tid}\\b`).test(n.name));
      if (![...want.values()].some((f) => f.self >= minNs * 2)) continue;
      expect(root, thread).toBeTruthy();
      const got = new Map(bottom.nodes.filter((n) => n.parent === root!.id).map((n) => [`${n.kind}|${n.name}`, n.selfNs]));
      for (const [k, f] of want) {
        if (f.self < minNs * 2) continue;
        expect(Math.abs((got.get(k) ?? NaN) - f.self), k).toBeLessThanOrEqual(1 + f.count * 0.01);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('details panel: `generate`, the decode frames and every 97th host slice have their reference self time', () => {
    const byStart = new Map<string, RefSlice[]>();
    for (const r of ref) {
      const k = `${r.kind}|${r.name}|${Math.round(r.s)}`;
      if (!byStart.has(k)) byStart.set(k, []);
      byStart.get(k)!.push(r);
    }
    let checked = 0;
    let named = 0;
    for (const lane of index.lanes.values()) {
      if (lane.info.kind !== 'python' && lane.info.kind !== 'cpu') continue;
      for (let k = 0; k < lane.start.length; k++) {
        const name = index.nameOf(lane, k);
        const isNamed = name === 'generate' || name.includes('decode');
        if (lane.instant[k] || (!isNamed && k % 97 !== 0)) continue;
        const r = byStart.get(`${lane.info.kind}|${name}|${Math.round(lane.start[k])}`)?.find((x) => Math.abs(x.e - x.s - lane.dur[k]) < 1);
        expect(r, name).toBeTruthy();
        const d = index.slice(lane.info.id, k)!;
        expect(Math.abs(d.selfNs - r!.self), `${name} @${lane.start[k]}`).toBeLessThanOrEqual(1);
        checked++;
        if (isNamed) named++;
      }
    }
    expect(named).toBeGreaterThanOrEqual(2);
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('self time with slices that overlap without nesting (by hand)', () => {
  // One thread: python `outer` 0–100 µs holds cpu_op `a` 10–50 and python `b` 40–80,
  // which overlap each other without nesting (both sit directly in `outer`); cpu_op `c`
  // 60–70 sits in `b`. outer self = 100 − |[10,80]| = 30; a = 40; b = 40 − 10 = 30; c = 10.
  const doc = {
    traceEvents: [
      { ph: 'X', cat: 'python_function', name: 'outer', pid: 1, tid: 1, ts: 0, dur: 100 },
      { ph: 'X', cat: 'cpu_op', name: 'a', pid: 1, tid: 1, ts: 10, dur: 40 },
      { ph: 'X', cat: 'python_function', name: 'b', pid: 1, tid: 1, ts: 40, dur: 40 },
      { ph: 'X', cat: 'cpu_op', name: 'c', pid: 1, tid: 1, ts: 60, dur: 10 },
    ],
  };
  const want: Record<string, number> = { outer: 30_000, a: 40_000, b: 30_000, c: 10_000 };

  it('Statistics, Call tree and details agree', async () => {
    const index = await loadText(JSON.stringify(doc));
    const stats = rangeStats(index, { startNs: 0, endNs: 100_000 });
    for (const [name, self] of Object.entries(want)) expect(stats.rows.find((r) => r.name === name)?.selfNs, name).toBe(self);
    const tree = callTree(index, { startNs: 0, endNs: 100_000 });
    for (const [name, self] of Object.entries(want)) expect(tree.nodes.filter((n) => n.name === name).reduce((s, n) => s + n.selfNs, 0), name).toBe(self);
    for (const lane of index.lanes.values()) {
      for (let k = 0; k < lane.start.length; k++) expect(index.slice(lane.info.id, k)!.selfNs, index.nameOf(lane, k)).toBe(want[index.nameOf(lane, k)]);
    }
  });

  it('a range clips the slice and its children alike', async () => {
    const index = await loadText(JSON.stringify(doc));
    // [45, 100] µs: outer 55 − |[45,50] ∪ [45,80]| = 20; a 5; b 35 − 10 = 25; c 10.
    const stats = rangeStats(index, { startNs: 45_000, endNs: 100_000 });
    const got = Object.fromEntries(stats.rows.map((r) => [r.name, r.selfNs]));
    expect(got).toEqual({ outer: 20_000, a: 5_000, b: 25_000, c: 10_000 });
  });
});

describe('Statistics share', () => {
  it('is the union of a name over lanes ÷ range, so it never passes 100 %', async () => {
    // The same name on two threads at the same time: total 2 × 50 µs, share 50 %.
    const doc = {
      traceEvents: [
        { ph: 'X', cat: 'cpu_op', name: 'aten::mm', pid: 1, tid: 1, ts: 0, dur: 50 },
        { ph: 'X', cat: 'cpu_op', name: 'aten::mm', pid: 1, tid: 2, ts: 0, dur: 50 },
        { ph: 'X', cat: 'cpu_op', name: 'aten::add', pid: 1, tid: 1, ts: 60, dur: 40 },
      ],
    };
    const index = await loadText(JSON.stringify(doc));
    const stats = rangeStats(index, { startNs: 0, endNs: 100_000 });
    const mm = stats.rows.find((r) => r.name === 'aten::mm')!;
    expect(mm.totalNs).toBe(100_000);
    expect(mm.share).toBeCloseTo(0.5, 9);
  });

  it(`on ${FILE}: every share is the name's union over lanes ÷ range`, async () => {
    const index = await loadCorpus(FILE);
    const events = refEvents(FILE);
    const spans = new Map<string, [number, number][]>();
    let a = Infinity;
    let b = -Infinity;
    for (const e of events) {
      const kind = HOST_KINDS[e.cat ?? ''];
      if (e.ph !== 'X' || !kind) continue;
      const s = relNs(events, e.ts);
      const end = relNs(events, e.ts + (e.dur ?? 0));
      a = Math.min(a, s);
      b = Math.max(b, end);
      const k = `${kind}|${e.name}`;
      if (!spans.has(k)) spans.set(k, []);
      spans.get(k)!.push([s, end]);
    }
    const stats = rangeStats(index, { startNs: a, endNs: b });
    for (const row of stats.rows) {
      const list = spans.get(`${row.kind}|${row.name}`);
      if (!list) continue;
      expect(row.share).toBeLessThanOrEqual(1 + 1e-9);
      expect(Math.abs(row.share - unionLength(list) / (b - a)), row.name).toBeLessThan(1e-6);
    }
  }, 120_000);
});
