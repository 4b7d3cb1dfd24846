// Joined groups (an strace process shown inside its Kineto process): a view change in
// computeLayout only; lane ids and groups are untouched.
import { describe, expect, it } from 'vitest';
import type { LaneGroup, LaneInfo } from '../../../src/model/types';
import { computeLayout } from '../../../src/timeline/laneLayout';

const g = (trace: string, pid: string): LaneGroup => ({ id: `${trace}|${pid}`, trace, pid, name: `${trace} ${pid}`, profiler: false, sortIndex: 0 });
const l = (trace: string, pid: string, tid: string, sortIndex: number): LaneInfo => ({
  id: `${trace}|${pid}|${tid}`, kind: 'cpu', name: tid, group: `${trace}|${pid}`, trace, pid, tid, events: 1, rows: 1, sortIndex,
});
const base = { hidden: new Set<string>(), pinned: [], collapsed: new Set<string>(), order: [], expanded: new Set<string>() };
const names = new Map([['k', 'kineto.json'], ['s', 'strace.txt']]);
const groups = [g('k', '596'), g('s', '596')];
const lanes = [l('k', '596', 'main', 0), l('k', '596', 'loader', 1), l('s', '596', '596', 0), l('s', '596', '600', 1)];

describe('computeLayout with joined groups', () => {
  it('shows the joined lanes after the target group own lanes, with no header of their own', () => {
    const { rows } = computeLayout(groups, lanes, { ...base, joined: new Map([['s|596', 'k|596']]) }, undefined, names);
    expect(rows.map((r) => r.id)).toEqual(['k', 'k|596', 'k|596|main', 'k|596|loader', 's|596|596', 's|596|600']);
    const header = rows[1];
    expect(header.type === 'group' && header.laneCount).toBe(4);
  });
  it('without the join (or with an unknown target) each trace keeps its own group', () => {
    const plain = computeLayout(groups, lanes, base, undefined, names).rows.map((r) => r.id);
    expect(plain).toEqual(['k', 'k|596', 'k|596|main', 'k|596|loader', 's', 's|596', 's|596|596', 's|596|600']);
    expect(computeLayout(groups, lanes, { ...base, joined: new Map([['s|596', 'gone|1']]) }, undefined, names).rows.map((r) => r.id)).toEqual(plain);
  });
  it('collapsing the target group hides the joined lanes too', () => {
    const { rows } = computeLayout(groups, lanes, { ...base, collapsed: new Set(['k|596']), joined: new Map([['s|596', 'k|596']]) }, undefined, names);
    expect(rows.map((r) => r.id)).toEqual(['k', 'k|596']);
  });
});
