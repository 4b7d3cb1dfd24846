// The comparison view's analysis against the raw JSON: llm_decode_small (baseline) vs
// llm_decode_large (candidate), whole traces, steps = decode_step annotations. Kernel
// counts and totals, per-step means (kernel time inside each step ÷ steps), the order by
// |Δ total|, names without `at 0x…`, kernel classes (given by hand), steps matched by number.

import { beforeAll, describe, expect, it } from 'vitest';
import { comparableName, compareSelections, largestStepDifference } from '../../../workers/analysis/compare';
import { nameInSteps, selectionTotals, type SelectionTotals } from '../../../workers/analysis/compareTotals';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { loadCorpus } from '../../support/corpus';
import { classByHand } from '../../support/kernelClassesByHand';
import { GPU_WORK, refEvents, relNs, type RefEvent } from './reference';

const BASE = 'llm_decode_small.json.gz';
const CAND = 'llm_decode_large.json.gz';

interface RefTotals {
  steps: number;
  /** kernel name → count, total, time inside steps (ns) */
  kernels: Map<string, { count: number; total: number; inSteps: number }>;
  /** Per decode step (in order), kernel name → time inside it. */
  perStep: Map<string, number>[];
}

function reference(file: string): RefTotals {
  const events = refEvents(file);
  const steps = events
    .filter((e) => e.ph === 'X' && e.cat === 'user_annotation' && e.name === 'decode_step')
    .map((e) => [relNs(events, e.ts), relNs(events, e.ts + e.dur!)] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const kernels = new Map<string, { count: number; total: number; inSteps: number }>();
  const perStep = steps.map(() => new Map<string, number>());
  for (const e of events as RefEvent[]) {
    if (e.ph !== 'X' || !GPU_WORK.has(e.cat!)) continue;
    const s = relNs(events, e.ts);
    const t = relNs(events, e.ts + e.dur!);
    const k = kernels.get(e.name) ?? { count: 0, total: 0, inSteps: 0 };
    k.count++;
    k.total += t - s;
    steps.forEach(([a, b], i) => {
      const inside = Math.max(0, Math.min(b, t) - Math.max(a, s));
      k.inSteps += inside;
      if (inside > 0) perStep[i].set(e.name, (perStep[i].get(e.name) ?? 0) + inside);
    });
    kernels.set(e.name, k);
  }
  return { steps: steps.length, kernels, perStep };
}

describe('comparison: llm_decode_small (baseline) vs llm_decode_large (candidate)', () => {
  let base: TraceIndex;
  let cand: TraceIndex;
  let baseTotals: SelectionTotals;
  let candTotals: SelectionTotals;
  const whole = (index: TraceIndex) => ({ startNs: index.result.minNs, endNs: index.result.maxNs });

  beforeAll(async () => {
    base = await loadCorpus(BASE);
    cand = await loadCorpus(CAND);
    baseTotals = selectionTotals(base, whole(base));
    candTotals = selectionTotals(cand, whole(cand));
  }, 120_000);

  it('counts the decode steps of each trace', () => {
    expect(baseTotals.marker).toBe('decode_step');
    expect(baseTotals.steps).toBe(reference(BASE).steps);
    expect(candTotals.steps).toBe(reference(CAND).steps);
  });

  it('gives per kernel count, total, mean, per-step mean and Δ, largest |Δ total| first', () => {
    const rb = reference(BASE);
    const rc = reference(CAND);
    const cmp = compareSelections([[baseTotals], [candTotals]], { noiseNs: 0, kinds: ['kernel'] });
    const names = new Set([...rb.kernels.keys(), ...rc.kernels.keys()]);
    expect(cmp.rows).toHaveLength(names.size);
    expect(cmp.steps).toEqual([rb.steps, rc.steps]);
    for (const row of cmp.rows) {
      const b = rb.kernels.get(row.name) ?? { count: 0, total: 0, inSteps: 0 };
      const c = rc.kernels.get(row.name) ?? { count: 0, total: 0, inSteps: 0 };
      expect(row.cells[0].count).toBe(b.count);
      expect(row.cells[1].count).toBe(c.count);
      expect(Math.abs(row.cells[0].totalNs - b.total)).toBeLessThan(b.count + 1);
      expect(Math.abs(row.cells[1].totalNs - c.total)).toBeLessThan(c.count + 1);
      if (c.count) expect(row.cells[1].meanNs).toBeCloseTo(c.total / c.count, -1);
      expect(Math.abs(row.cells[0].perStepNs! - b.inSteps / rb.steps)).toBeLessThan(b.count / rb.steps + 1);
      expect(Math.abs(row.cells[1].perStepNs! - c.inSteps / rc.steps)).toBeLessThan(c.count / rc.steps + 1);
      expect(Math.abs(row.deltaNs[1] - (c.total - b.total))).toBeLessThan(b.count + c.count + 1);
    }
    const byDelta = [...names].sort((x, y) => Math.abs(delta(y)) - Math.abs(delta(x)));
    function delta(n: string) {
      return (rc.kernels.get(n)?.total ?? 0) - (rb.kernels.get(n)?.total ?? 0);
    }
    expect(cmp.rows.slice(0, 3).map((r) => r.name)).toEqual(byDelta.slice(0, 3));

    // The kernel whose per-step mean changed most (what the e2e test asks of the view).
    const perStep = (r: RefTotals, n: string) => (r.kernels.get(n)?.inSteps ?? 0) / r.steps;
    const most = [...names].sort((x, y) => Math.abs(perStep(rc, y) - perStep(rb, y)) - Math.abs(perStep(rc, x) - perStep(rb, x)))[0];
    const mostRow = [...cmp.rows].sort((x, y) => Math.abs(y.deltaPerStepNs[1]!) - Math.abs(x.deltaPerStepNs[1]!))[0];
    expect(mostRow.name).toBe(most);
  });

  it('sums kernel classes (classes given by hand)', () => {
    const rb = reference(BASE);
    const cmp = compareSelections([[baseTotals], [candTotals]], { noiseNs: 0, kinds: ['kernel class'] });
    const byClass = new Map<string, number>();
    for (const [name, k] of rb.kernels) byClass.set(classByHand(name), (byClass.get(classByHand(name)) ?? 0) + k.total);
    expect(new Set(cmp.rows.map((r) => r.name))).toEqual(new Set(byClass.keys()));
    for (const row of cmp.rows) expect(Math.abs(row.cells[0].totalNs - byClass.get(row.name)!)).toBeLessThan(200);
  });

  it('compares Python functions without their `at 0x…` addresses, and hides differences under the noise threshold', () => {
    const events = refEvents(BASE);
    const raw = new Set(events.filter((e) => e.ph === 'X' && e.cat === 'python_function').map((e) => e.name));
    const withAddress = [...raw].filter((n) => / at 0x[0-9a-f]+/.test(n));
    expect(withAddress.length).toBeGreaterThan(0);
    const cmp = compareSelections([[baseTotals], [candTotals]], { noiseNs: 0, kinds: ['python'] });
    const names = new Set(cmp.rows.map((r) => r.name));
    for (const n of withAddress) expect(names.has(n.replace(/ at 0x[0-9a-f]+/g, ''))).toBe(true);
    expect([...names].some((n) => / at 0x/.test(n))).toBe(false);
    expect(comparableName('<built-in method get of dict object at 0x7f16d42f8f00>')).toBe('<built-in method get of dict object>');

    const all = compareSelections([[baseTotals], [candTotals]], { noiseNs: 0 });
    const quiet = compareSelections([[baseTotals], [candTotals]], { noiseNs: 1_000_000 });
    const loud = all.rows.filter((r) => Math.abs(r.deltaNs[1]) >= 1_000_000 || Math.abs(r.deltaPerStepNs[1] ?? 0) >= 1_000_000);
    expect(quiet.rows.map((r) => `${r.kind}|${r.name}`)).toEqual(loud.map((r) => `${r.kind}|${r.name}`));
    expect(quiet.hidden).toBe(all.rows.length + all.hidden - loud.length);
  });

  it('matches steps by number and opens the pair where a kernel differs most', () => {
    const rb = reference(BASE);
    const rc = reference(CAND);
    const name = 'nvjet_sm90_hsh_64x8_64x16_4x1_v_bz_bias_NNT';
    const b = nameInSteps(base, { kind: 'kernel', name });
    const c = nameInSteps(cand, { kind: 'kernel', name });
    expect(b).toHaveLength(rb.steps);
    expect(c).toHaveLength(rc.steps);
    // Kernels counted in the step they start in, clipped at its end.
    b.forEach((s, i) => expect(Math.abs(s.totalNs - (rb.perStep[i].get(name) ?? 0))).toBeLessThan(100));
    const pair = largestStepDifference(b, c)!;
    const common = Math.min(rb.steps, rc.steps);
    const diffs = Array.from({ length: common }, (_, i) => Math.abs(c[i].totalNs - b[i].totalNs));
    expect(pair.baseline.ordinal).toBe(diffs.indexOf(Math.max(...diffs)) + 1);
    expect(pair.candidate.ordinal).toBe(pair.baseline.ordinal);
    expect(pair.candidate.longest?.name).toBe(name);
    expect(pair.baseline.longest?.name).toBe(name);
  });
});
