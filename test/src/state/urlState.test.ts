import { describe, expect, it } from 'vitest';
import { ANNOTATION_COLORS } from '../../../src/model/annotations';
import {
  decodeViewState,
  emptyViewState,
  encodeViewState,
  encodeWire,
  hashFor,
  payloadOfHash,
  URL_STATE_VERSION,
  type ViewState,
} from '../../../src/state/urlState';

function sample(): ViewState {
  return {
    ...emptyViewState('1790857026123456789'),
    sources: ['http://127.0.0.1:4411/corpus/load_and_infer.json.gz'],
    files: [{ name: 'rank0.json.gz', size: 50674, id: 'id:abc@1790857026000000000' }],
    viewport: { startNs: 12_345_678, endNs: 98_765_432 },
    selection: 'load_and_infer|0|7|gpu@1790857026500000000@1a2b3c4d@0',
    range: { startNs: 20_000_000, endNs: 30_000_000 },
    hidden: ['load_and_infer|596|659|python'],
    pinned: ['load_and_infer|0|7|gpu'],
    collapsed: ['load_and_infer|596'],
    offsets: { load_and_infer: -1500 },
    annotations: [
      { startNs: 50_000_000, label: 'cudaMalloc here', color: ANNOTATION_COLORS[0] },
      { startNs: 10_000_000, endNs: 40_000_000, label: 'data reading', color: '#123456', note: 'from the loader thread' },
      { startNs: 45_000_000, endNs: 46_000_000, label: 'copying', color: ANNOTATION_COLORS[3] },
    ],
  };
}

/** Deterministic pseudo-random labels, so the size test is not flattered by repetition. */
function labels(n: number, len: number): string[] {
  let x = 0x2545f491;
  const abc = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let s = '';
    for (let k = 0; k < len; k++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      s += abc[(x >>> 0) % abc.length];
    }
    out.push(s);
  }
  return out;
}

describe('URL view state codec', () => {
  it('round-trips every field', async () => {
    const s = sample();
    const payload = await encodeViewState(s);
    expect(payload).toMatch(/^[A-Za-z0-9_-]+$/);
    const { state, problems } = await decodeViewState(payloadOfHash(hashFor(payload))!);
    expect(problems).toEqual([]);
    expect(state).toEqual({ ...s, annotations: [...s.annotations].sort((a, b) => a.startNs - b.startNs) });
  });

  it('upgrades a version 1 link (lines only, viewport object) instead of dropping it', async () => {
    const v1 = { v: 1, o: '1000', u: ['http://x/t.json'], vp: { s: 100, e: 900 }, sel: 'k', a: [{ t: 500, label: 'later' }, { t: 200, label: 'first' }] };
    const { state, problems } = await decodeViewState(await encodeWire(v1));
    expect(problems).toEqual([]);
    expect(state!.originNs).toBe('1000');
    expect(state!.sources).toEqual(['http://x/t.json']);
    expect(state!.viewport).toEqual({ startNs: 100, endNs: 900 });
    expect(state!.selection).toBe('k');
    expect(state!.annotations.map((a) => [a.startNs, a.label, a.endNs])).toEqual([[200, 'first', undefined], [500, 'later', undefined]]);
    expect(state!.annotations.every((a) => ANNOTATION_COLORS.includes(a.color))).toBe(true);
  });

  it('rejects garbage, truncation and tampering without throwing', async () => {
    const good = await encodeViewState(sample());
    for (const bad of ['', '!!!', 'aGVsbG8', good.slice(0, good.length >> 1), good.slice(0, -3) + 'AAA', good + '$']) {
      const r = await decodeViewState(bad);
      expect(r.state, bad).toBeNull();
      expect(r.problems[0]).toMatch(/damaged or truncated/);
    }
    for (const wire of [null, [], 'x', { v: 0 }, { v: 'two' }]) {
      const r = await decodeViewState(await encodeWire(wire));
      expect(r.state).toBeNull();
    }
  });

  it('keeps what is readable and names what is not', async () => {
    const wire = { v: 2, o: '5', u: ['http://a/b.json'], vp: [10, 5], h: [1, 2], a: [[1, 'ok', 0], ['x', 'bad', 0], [2, 'stage', 1, 30, 'n']] };
    const { state, problems } = await decodeViewState(await encodeWire(wire));
    expect(state!.sources).toEqual(['http://a/b.json']);
    expect(state!.viewport).toBeNull();
    expect(state!.annotations.map((a) => [a.startNs, a.label, a.endNs, a.note])).toEqual([[1, 'ok', undefined, undefined], [3, 'stage', 33, 'n']]);
    expect(problems).toEqual(['the viewport', 'the hidden lanes', '1 of 3 annotations']);
  });

  it('a newer version opens the traces and says the rest was not restored', async () => {
    const { state, problems } = await decodeViewState(await encodeWire({ v: URL_STATE_VERSION + 1, o: '0', u: ['http://a/t.json'], vp: [1, 2], zz: 1 }));
    expect(state!.sources).toEqual(['http://a/t.json']);
    expect(state!.viewport).toBeNull();
    expect(problems[0]).toMatch(/newer tracelane/);
  });

  it('50 annotations with 20-character labels and no notes fit in under 2 KB', async () => {
    const s = emptyViewState('1790857026000000000');
    s.sources = ['https://portal.example/traces/load_and_infer.json.gz'];
    s.viewport = { startNs: 0, endNs: 464_000_000 };
    let x = 7;
    s.annotations = labels(50, 20).map((label, i) => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return { startNs: (x % 464_000_000) + i, label, color: ANNOTATION_COLORS[i % ANNOTATION_COLORS.length], ...(i % 5 === 0 ? { endNs: (x % 464_000_000) + i + 1_000_000 } : {}) };
    });
    const hash = hashFor(await encodeViewState(s));
    expect(hash.length).toBeLessThan(2048);
    const back = await decodeViewState(payloadOfHash(hash)!);
    expect(back.state!.annotations.map((a) => a.label).sort()).toEqual(s.annotations.map((a) => a.label).sort());
  });

  it('finds the payload among other hash parameters and ignores foreign hashes', () => {
    expect(payloadOfHash('#x=1&tl=abc')).toBe('abc');
    expect(payloadOfHash('#section-2')).toBeNull();
    expect(payloadOfHash('')).toBeNull();
  });
});
