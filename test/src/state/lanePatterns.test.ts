// Links stay ≤ 8 000 characters: hidden and pinned lanes become patterns over the real
// lanes of a corpus trace (as 256 ranks of it), then are dropped with a notice. Every
// expected lane set is picked here from the lane ids themselves, not by the code under test.

import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../support/corpus';
import { expandLanePatterns, lanePatternMatcher, lanePatterns } from '../../../src/state/lanePatterns';
import { decodeViewState, emptyViewState, encodeViewState, fitLink, laneListsOf, MAX_LINK_CHARS, payloadOfHash, type ViewState } from '../../../src/state/urlState';
import { ANNOTATION_COLORS } from '../../../src/model/annotations';

const RANKS = 256;
let one: string[] = [];
let universe: string[] = [];

beforeAll(async () => {
  const index = await loadCorpus('llm_decode_large.json.gz');
  one = index.result.lanes.map((l) => l.id);
  const trace = one[0].split('|')[0];
  // Ranks run as processes of their own: each gets its own trace key and pid/tid numbers.
  const renumber = (seg: string, r: number) => (/^\d{3,}$/.test(seg) ? String(Number(seg) + 7919 * r) : seg);
  universe = Array.from({ length: RANKS }, (_, r) =>
    one.map((id) => {
      const [, pid, tid, kind] = id.slice(trace.length).split('|');
      return [`rank${String(r).padStart(3, '0')}_${trace}`, renumber(pid, r), renumber(tid, r), kind].join('|');
    }),
  ).flat();
}, 120_000);

function sameSet(a: string[], b: string[]): void {
  expect([...new Set(a)].sort()).toEqual([...new Set(b)].sort());
}

/** Deterministic pseudo-random choice, so the subset has no structure patterns could exploit. */
function scatter(ids: string[], share: number): string[] {
  let x = 0x9e3779b9;
  return ids.filter(() => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32 < share;
  });
}

const LINK = 'http://127.0.0.1:4321/?url=http%3A%2F%2F127.0.0.1%3A4321%2Fcorpus%2Fllm_decode_large.json.gz';

describe('lanePatterns', () => {
  const cases: [string, (ids: string[]) => string[]][] = [
    ['one lane', (ids) => ids.slice(3, 4)],
    ['every python lane', (ids) => ids.filter((id) => id.endsWith('|python'))],
    ['every lane of process 596', (ids) => ids.filter((id) => id.split('|')[1] === '596')],
    ['the counters and the GPU stream', (ids) => ids.filter((id) => id.endsWith('|counter') || id.endsWith('|gpu'))],
    ['a scattered third', (ids) => scatter(ids, 1 / 3)],
    ['all but one', (ids) => ids.filter((_, i) => i !== 5)],
    ['everything', (ids) => ids],
    ['nothing', () => []],
  ];
  for (const [what, pick] of cases) {
    it(`decodes to the same lanes: ${what} (one trace and 256 ranks)`, () => {
      for (const ids of [one, universe]) {
        const wanted = pick(ids);
        const patterns = lanePatterns(wanted, ids);
        sameSet(expandLanePatterns(patterns, ids), wanted);
      }
    });
  }

  it('writes a whole process or one kind of lane as one short pattern', () => {
    const python = universe.filter((id) => id.endsWith('|python'));
    expect(python.length).toBe(2 * RANKS);
    const patterns = lanePatterns(python, universe);
    expect(patterns).toEqual(['*|python']);
    const rank7 = universe.filter((id) => id.startsWith('rank007_'));
    expect(lanePatterns(rank7, universe)).toEqual([`${rank7[0].split('|')[0]}|*`]);
  });

  it('keeps lanes of traces not open here as they are, and ids with * or \\ literal', () => {
    const ids = ['t|1|a*b|cpu', 't|1|a\\b|cpu', 't|1|axb|cpu', 't|2|2|cpu'];
    const wanted = ['t|1|a*b|cpu', 'gone|1|1|cpu'];
    const patterns = lanePatterns(wanted, ids);
    expect(patterns).toContain('gone|1|1|cpu');
    sameSet(expandLanePatterns(patterns, ids), ['t|1|a*b|cpu']);
    expect(lanePatternMatcher('t|1|a\\*b|cpu')('t|1|axb|cpu')).toBe(false);
    expect(lanePatternMatcher('t|1|a\\\\b|cpu')('t|1|a\\b|cpu')).toBe(true);
    expect(lanePatternMatcher('t|*|cpu')('t|1|2|gpu')).toBe(false);
  });
});

describe('fitLink', () => {
  function state(hidden: string[], pinned: string[]): ViewState {
    return {
      ...emptyViewState('1790857026123456789'),
      sources: ['http://127.0.0.1:4321/corpus/llm_decode_large.json.gz'],
      viewport: { startNs: 1000, endNs: 9_000_000 },
      hidden,
      pinned,
      annotations: [{ startNs: 5_000_000, label: 'kept in the link', color: ANNOTATION_COLORS[1] }],
    };
  }
  const linkOf = (payload: string) => `${LINK}#tl=${payload}`;

  async function decoded(link: string): Promise<ViewState> {
    const d = await decodeViewState(payloadOfHash(link.slice(link.indexOf('#')))!);
    expect(d.problems).toEqual([]);
    return d.state!;
  }

  it('leaves a short link as it is', async () => {
    const hidden = universe.slice(0, 3);
    const { link, notice } = await fitLink(state(hidden, []), universe, linkOf);
    expect(notice).toBeNull();
    expect((await decoded(link)).hidden).toEqual(hidden);
  });

  it('writes long lane lists as patterns that bring back the same lanes', async () => {
    const hidden = universe.filter((id) => id.endsWith('|python') || id.endsWith('|counter') || /^rank0[12]\d_/.test(id));
    const pinned = universe.filter((id) => id.endsWith('|gpu'));
    // As they are, the lists would not fit.
    expect((await encodeViewState(state(hidden, pinned))).length).toBeGreaterThan(MAX_LINK_CHARS);
    const { link, notice } = await fitLink(state(hidden, pinned), universe, linkOf);
    expect(notice).toBeNull();
    expect(link.length).toBeLessThanOrEqual(MAX_LINK_CHARS);
    const back = await decoded(link);
    expect(back.hidden).toEqual([]);
    const lanes = laneListsOf(back, universe);
    sameSet(lanes.hidden, hidden);
    sameSet(lanes.pinned, pinned);
    expect(back.annotations.map((a) => a.label)).toEqual(['kept in the link']);
  });

  it('drops lane lists patterns cannot shorten enough, says so, and keeps the annotations', async () => {
    const hidden = scatter(universe, 0.5);
    const pinned = scatter(universe.slice(1), 0.05);
    const { link, notice } = await fitLink(state(hidden, pinned), universe, linkOf);
    expect(link.length).toBeLessThanOrEqual(MAX_LINK_CHARS);
    expect(notice).toContain(`${hidden.length.toLocaleString('en-US')} hidden and ${pinned.length} pinned lanes`);
    expect(notice).toContain('8,000 characters');
    const back = await decoded(link);
    const lanes = laneListsOf(back, universe);
    expect(lanes.hidden).toEqual([]);
    expect(lanes.pinned).toEqual([]);
    expect(back.annotations.map((a) => a.label)).toEqual(['kept in the link']);
    expect(back.viewport).toEqual({ startNs: 1000, endNs: 9_000_000 });
  });

  it('says when annotations alone make the link too long, and offers their export', async () => {
    let x = 0x2545f491;
    const word = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32).toString(36).slice(2, 9);
    const many = Array.from({ length: 600 }, (_, i) => ({ startNs: i * 1_000_003 + (x & 0xffff), label: `${word()} ${word()}`, color: ANNOTATION_COLORS[i % 4] }));
    const { link, notice } = await fitLink({ ...state([], []), annotations: many }, universe, linkOf);
    expect(link.length).toBeGreaterThan(MAX_LINK_CHARS);
    expect(notice).toContain(`It is ${link.length.toLocaleString('en-US')} characters`);
    expect(notice).toContain('export the annotations (JSON)');
    expect((await decoded(link)).annotations).toHaveLength(600);
  });
});
