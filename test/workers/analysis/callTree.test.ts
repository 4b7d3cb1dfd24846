// Call tree against the raw JSON: the main thread's Python + cpu_op events of one decode
// step, nested by the reference (reference.ts); top-down totals by path, bottom-up self time per frame.

import { beforeAll, describe, expect, it } from 'vitest';
import { callTree } from '../../../workers/analysis/callTree';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import type { CallTree } from '../../../src/model/analysisTypes';
import { loadCorpus } from '../../support/corpus';
import { referenceSelf, refEvents, relNs, type RefSlice } from './reference';

const FILE = 'llm_decode_small.json.gz';

function path(tree: CallTree, id: number): string[] {
  const out: string[] = [];
  for (let n = tree.nodes[id]; n.parent >= 0; n = tree.nodes[n.parent]) out.unshift(n.name);
  return out;
}

describe('call tree on llm_decode_small', () => {
  let index: TraceIndex;
  let a = 0;
  let b = 0;
  let occ: { name: string; s: number; e: number; path: string[]; self: number }[] = [];
  beforeAll(async () => {
    index = await loadCorpus(FILE);
    const events = refEvents(FILE);
    const step = events.filter((e) => e.name === 'decode_step' && e.cat === 'user_annotation').sort((x, y) => x.ts - y.ts)[1];
    a = relNs(events, step.ts);
    b = relNs(events, step.ts + step.dur!);
    const pathOf = (r: RefSlice | null): string[] => (r ? [...pathOf(r.parent), r.name] : []);
    occ = referenceSelf(events.filter((e) => e.pid === 596 && e.tid === 596), a, b)
      .filter((r) => Math.min(b, r.e) > Math.max(a, r.s))
      .map((r) => ({ name: r.name, s: Math.max(a, r.s), e: Math.min(b, r.e), path: pathOf(r), self: r.self }));
  });

  it('top-down: totals per call path', () => {
    const tree = callTree(index, { startNs: a, endNs: b });
    const main = tree.nodes.find((n) => n.kind === 'thread' && n.name.includes('596'))!;
    const byPath = new Map<string, number>();
    for (const o of occ) byPath.set(o.path.join(' > '), (byPath.get(o.path.join(' > ')) ?? 0) + o.e - o.s);
    // The heaviest few paths at depth 12 (inside the model's forward).
    const deep = [...byPath].filter(([p]) => p.split(' > ').length === 12).sort((x, y) => y[1] - x[1]).slice(0, 5);
    expect(deep.length).toBe(5);
    for (const [p, total] of deep) {
      const node = tree.nodes.find((n) => n.depth === 12 && path(tree, n.id).join(' > ') === p)!;
      expect(node).toBeTruthy();
      expect(Math.abs(node.totalNs - total)).toBeLessThan(50);
    }
    // The thread's top-level frame spans the whole step.
    const top = tree.nodes.find((n) => n.parent === main.id)!;
    expect(Math.abs(top.totalNs - (b - a))).toBeLessThan(2);
  });

  it('bottom-up: self time per frame at the roots', () => {
    const tree = callTree(index, { startNs: a, endNs: b, inverted: true });
    const main = tree.nodes.find((n) => n.kind === 'thread' && n.name.includes('596'))!;
    const selfByName = new Map<string, number>();
    for (const o of occ) selfByName.set(o.name, (selfByName.get(o.name) ?? 0) + o.self);
    const top = [...selfByName].sort((x, y) => y[1] - x[1]).slice(0, 5);
    const roots = tree.nodes.filter((n) => n.parent === main.id);
    for (const [name, self] of top) {
      const r = roots.find((n) => n.name === name)!;
      expect(Math.abs(r.totalNs - self)).toBeLessThan(100);
    }
    // Callers of the heaviest frame add up to it.
    const heaviest = roots[0];
    const callers = tree.nodes.filter((n) => n.parent === heaviest.id);
    expect(callers.reduce((s, n) => s + n.totalNs, 0)).toBeLessThanOrEqual(heaviest.totalNs + 1);
  });
});
