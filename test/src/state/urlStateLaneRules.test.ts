// The lane category rules in a link (`lr`, added within state version 2).
import { describe, expect, it } from 'vitest';
import { decodeViewState, emptyViewState, encodeViewState, encodeWire, fromWire, toWire } from '../../../src/state/urlState';
import { DEFAULT_RULES, type CategoryRule } from '../../../workers/lanes/categoryRules';

const edited: CategoryRule[] = [
  { cat: '^sched', kind: 'syscall', lane: '{thread} · sched', group: 'host {pid}' },
  { name: '^compute$', kind: 'gpu' },
  ...DEFAULT_RULES,
];

describe('lane rules in the shared link', () => {
  it('round-trips an edited table', async () => {
    const s = { ...emptyViewState('1000'), laneRules: edited };
    const back = await decodeViewState(await encodeViewState(s));
    expect(back.problems).toEqual([]);
    expect(back.state!.laneRules).toEqual(edited);
  });

  it('writes the defaults as 0 and reads them back as the defaults', () => {
    const w = toWire({ ...emptyViewState('1000'), laneRules: DEFAULT_RULES.map((r) => ({ ...r })) });
    expect(w.lr).toBe(0);
    expect(fromWire(w).state!.laneRules).toEqual(DEFAULT_RULES);
  });

  it('older v2 links (no lr) and v1 links decode with no rules recorded', async () => {
    const v2 = await decodeViewState(await encodeWire({ v: 2, o: '1000', vp: [0, 10] }));
    expect(v2.problems).toEqual([]);
    expect(v2.state!.laneRules).toBeNull();
    const v1 = fromWire({ v: 1, o: '1000', vp: { s: 0, e: 10 } });
    expect(v1.state!.laneRules).toBeNull();
    expect(v1.state!.viewport).toEqual({ startNs: 0, endNs: 10 });
  });

  it('reports a damaged rule table and keeps the rest', () => {
    const r = fromWire({ v: 2, o: '1000', vp: [0, 10], lr: [['x', '', 'teleport']] });
    expect(r.problems).toEqual(['the lane rules']);
    expect(r.state!.laneRules).toBeNull();
    expect(r.state!.viewport).toEqual({ startNs: 0, endNs: 10 });
  });
});
