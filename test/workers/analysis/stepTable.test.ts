// The steps table against the raw JSON: decode_step annotations, their durations,
// GPU busy time inside each (interval union) and the top kernel of each.

import { describe, expect, it } from 'vitest';
import { outlierFlags, stepTable } from '../../../workers/analysis/stepTable';
import { loadCorpus } from '../../support/corpus';
import { GPU_WORK, refEvents, relNs, unionLength } from './reference';
import { classByHand } from '../../support/kernelClassesByHand';

describe('steps table', () => {
  it('lists the decode steps of llm_decode_small with GPU busy time and top kernels', async () => {
    const file = 'llm_decode_small.json.gz';
    const index = await loadCorpus(file);
    const events = refEvents(file);
    const steps = events.filter((e) => e.cat === 'user_annotation' && e.name === 'decode_step').sort((a, b) => a.ts - b.ts);
    const gpu = events.filter((e) => GPU_WORK.has(e.cat!));

    const table = stepTable(index);
    expect(table.marker).toBe('decode_step');
    expect(table.candidates.map((c) => c.name)).toContain('decode_step');
    expect(table.steps.map((s) => s.ordinal)).toEqual(steps.map((_, i) => i + 1));
    table.steps.forEach((row, i) => {
      const s = steps[i];
      const a = relNs(events, s.ts);
      const b = relNs(events, s.ts + s.dur!);
      expect(row.durNs).toBeCloseTo(s.dur! * 1000, 0);
      expect(row.ref.startNs).toBeCloseTo(a, 0);
      const inside = gpu.filter((e) => relNs(events, e.ts + e.dur!) > a && relNs(events, e.ts) < b);
      const busy = unionLength(inside.map((e) => [Math.max(a, relNs(events, e.ts)), Math.min(b, relNs(events, e.ts + e.dur!))]));
      expect(Math.abs(row.gpuBusyNs - busy)).toBeLessThan(inside.length + 2);
      expect(Math.abs(row.gpuIdleNs - (b - a - row.gpuBusyNs))).toBeLessThan(2);
      const byName = new Map<string, number>();
      for (const e of inside) byName.set(e.name, (byName.get(e.name) ?? 0) + Math.min(b, relNs(events, e.ts + e.dur!)) - Math.max(a, relNs(events, e.ts)));
      const top = [...byName].sort((x, y) => y[1] - x[1])[0];
      expect(row.topKernel).toBe(top[0]);
      const byClass = new Map<string, number>();
      for (const [name, ns] of byName) byClass.set(classByHand(name), (byClass.get(classByHand(name)) ?? 0) + ns);
      const topClass = [...byClass].sort((x, y) => y[1] - x[1])[0];
      expect(row.topClass).toBe(topClass[0]);
      expect(Math.abs(row.topClassNs - topClass[1])).toBeLessThan(byName.size + 2);
      expect(row.meanLatencyNs).toBeGreaterThan(0);
    });
    // Steps 4 and 5 copy the next token to the host and take ~9× longer.
    expect(table.steps.map((s) => s.outlier)).toEqual(steps.map((s) => s.dur! > 20_000));
  });

  it('picks execute_model on a rank of the two-rank job', async () => {
    const table = stepTable(await loadCorpus('two_rank_stall_rank1.json.gz'));
    const events = refEvents('two_rank_stall_rank1.json.gz');
    const ref = events.filter((e) => e.cat === 'user_annotation' && e.name === 'execute_model');
    expect(table.marker).toBe('execute_model');
    expect(table.steps).toHaveLength(ref.length);
    // The sleeping step is the one outlier.
    const longest = Math.max(...ref.map((e) => e.dur!));
    expect(table.steps.filter((s) => s.outlier).map((s) => Math.round(s.durNs / 1000))).toEqual([Math.round(longest)]);
  });

  it('flags outliers robustly', () => {
    expect(outlierFlags([10, 10, 10, 10, 16])).toEqual([false, false, false, false, true]);
    expect(outlierFlags([10, 11, 9, 10, 30])).toEqual([false, false, false, false, true]);
    expect(outlierFlags([10, 30])).toEqual([false, false]);
  });
});
