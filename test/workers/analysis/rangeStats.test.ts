// Range statistics and the kernel chart against the raw JSON: clipped totals per
// name, self time from a nesting stack built here, GPU busy as an interval union.

import { beforeAll, describe, expect, it } from 'vitest';
import { rangeStats } from '../../../workers/analysis/rangeStats';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { loadCorpus } from '../../support/corpus';
import { classByHand } from '../../support/kernelClassesByHand';
import { GPU_WORK, HOST_KINDS, referenceSelf, refEvents, relNs, unionLength, type RefEvent } from './reference';

const FILE = 'llm_decode_small.json.gz';

describe('range statistics on llm_decode_small', () => {
  let index: TraceIndex;
  let events: RefEvent[];
  let a = 0;
  let b = 0;
  const clip = (e: RefEvent) => Math.max(0, Math.min(b, relNs(events, e.ts + (e.dur ?? 0))) - Math.max(a, relNs(events, e.ts)));
  const overlaps = (e: RefEvent) => e.ph === 'X' && relNs(events, e.ts + e.dur!) > a && relNs(events, e.ts) < b;

  beforeAll(async () => {
    index = await loadCorpus(FILE);
    events = refEvents(FILE);
    // The third decode step, widened so slices are clipped at both ends.
    const step = events.filter((e) => e.cat === 'user_annotation' && e.name === 'decode_step').sort((x, y) => x.ts - y.ts)[2];
    a = relNs(events, step.ts) - 50_000;
    b = relNs(events, step.ts + step.dur!) - 200_000;
  });

  it('totals kernels in the range and their share of GPU busy time', () => {
    const ref = new Map<string, { count: number; total: number }>();
    const busy: [number, number][] = [];
    for (const e of events) {
      if (!GPU_WORK.has(e.cat!) || !overlaps(e)) continue;
      const r = ref.get(e.name) ?? { count: 0, total: 0 };
      r.count++;
      r.total += clip(e);
      ref.set(e.name, r);
      busy.push([Math.max(a, relNs(events, e.ts)), Math.min(b, relNs(events, e.ts + e.dur!))]);
    }
    const busyNs = unionLength(busy);
    const stats = rangeStats(index, { startNs: a, endNs: b });
    const top = [...ref].sort((x, y) => y[1].total - x[1].total).slice(0, 5);
    expect(stats.kernels.length).toBe(ref.size);
    top.forEach(([name, r], i) => {
      expect(stats.kernels[i].name).toBe(name);
      expect(stats.kernels[i].count).toBe(r.count);
      expect(stats.kernels[i].totalNs).toBeCloseTo(r.total, -1);
      expect(stats.kernels[i].share).toBeCloseTo(r.total / busyNs, 4);
    });
    // Per class (classes given by hand), largest first; each kernel carries its class.
    const byClass = new Map<string, { count: number; total: number }>();
    for (const [name, r] of ref) {
      const c = byClass.get(classByHand(name)) ?? { count: 0, total: 0 };
      c.count += r.count;
      c.total += r.total;
      byClass.set(classByHand(name), c);
    }
    for (const k of stats.kernels) expect(k.cls).toBe(classByHand(k.name));
    const classes = [...byClass].sort((x, y) => y[1].total - x[1].total);
    expect(stats.classes.map((c) => c.cls)).toEqual(classes.map(([cls]) => cls));
    stats.classes.forEach((c, i) => {
      expect(c.count).toBe(classes[i][1].count);
      expect(c.totalNs).toBeCloseTo(classes[i][1].total, -1);
      expect(c.share).toBeCloseTo(classes[i][1].total / busyNs, 4);
    });
    expect(stats.devices).toHaveLength(1);
    expect(stats.devices[0].busyNs).toBeCloseTo(busyNs, -1);
    expect(stats.devices[0].idleNs).toBeCloseTo(b - a - busyNs, -1);
  });

  /** Per name: count, clipped total (a frame inside a same-name frame counted once), clipped self (the thread's nesting). */
  function hostReference(cats: string[]) {
    const host = events.filter((e) => e.ph === 'X' && cats.includes(e.cat!) && e.tid === 596 && e.pid === 596);
    host.sort((x, y) => x.ts - y.ts || y.dur! - x.dur!);
    const selfOf = new Map(referenceSelf(events.filter((e) => e.tid === 596 && e.pid === 596), a, b).map((r) => [`${r.kind}|${r.name}|${r.s}|${r.e}`, r.self]));
    const recursive = new Set<RefEvent>();
    const stack: RefEvent[] = [];
    for (const e of host) {
      while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur! <= e.ts) stack.pop();
      if (stack.some((s) => s.name === e.name)) recursive.add(e);
      stack.push(e);
    }
    const ref = new Map<string, { count: number; total: number; self: number }>();
    for (const e of host) {
      if (!overlaps(e)) continue;
      const r = ref.get(e.name) ?? { count: 0, total: 0, self: 0 };
      r.count++;
      if (!recursive.has(e)) r.total += clip(e);
      const s = Math.round(relNs(events, e.ts));
      r.self += selfOf.get(`${HOST_KINDS[e.cat!]}|${e.name}|${s}|${s + Math.round(e.dur! * 1000)}`)!;
      ref.set(e.name, r);
    }
    return ref;
  }

  it('counts, totals and self times of host slices per name', () => {
    const laneIds = [...index.lanes.values()].filter((l) => l.info.pid === '596' && l.info.tid === '596').map((l) => l.info.id);
    const stats = rangeStats(index, { startNs: a, endNs: b, laneIds });
    const checks: [string, string[], string[]][] = [
      ['cpu', ['cpu_op', 'user_annotation'], ['aten::linear', 'aten::addmm', 'aten::cat', 'decode_step', 'aten::view']],
      ['python', ['python_function'], ['torch/nn/modules/module.py(1783): _call_impl', 'nn.Module: GPT2Block_1', '<built-in method cat of type object at 0x7f198473e180>']],
    ];
    for (const [kind, cats, names] of checks) {
      const ref = hostReference(cats);
      const rows = stats.rows.filter((r) => r.kind === kind);
      expect(rows.length).toBe(ref.size);
      for (const name of names) {
        const row = rows.find((r) => r.name === name)!;
        const r = ref.get(name)!;
        expect(row.count).toBe(r.count);
        // µs floats of the reference are off by up to ~1 ns per term.
        expect(Math.abs(row.totalNs - r.total)).toBeLessThan(2 * r.count + 2);
        expect(Math.abs(row.selfNs - r.self)).toBeLessThan(2 * r.count + 2);
        expect(row.share).toBeLessThanOrEqual((r.total + 2 * r.count + 2) / (b - a));
        expect(row.totalNs).toBeLessThanOrEqual(b - a);
      }
    }
  });
});
