// A link records the traces opened in part (issue 23, `pt` within v2) and gives them back
// exactly; a damaged entry is named as not restored, the rest of the link still is.

import { describe, expect, it } from 'vitest';
import { decodeViewState, emptyViewState, encodeViewState, fromWire, toWire } from '../../../src/state/urlState';
import type { TraceChoice } from '../../../src/model/traceChoice';

describe('link: traces opened in part', () => {
  const window: TraceChoice = { originUs: 4736210337758, firstNs: 185387.25, fromNs: 1_250_000.5, toNs: 2_500_000, threads: [['596', '596'], ['0', '7']] };
  const threadsOnly: TraceChoice = { originUs: 12, firstNs: 0, threads: [['a|b', '']] };

  it('round-trips each trace’s choice through the encoded link', async () => {
    const s = { ...emptyViewState('1795593232879620894'), sources: ['https://x/t.json'], parts: { rank0: window, 'rank1 (2)': threadsOnly } };
    const back = await decodeViewState(await encodeViewState(s));
    expect(back.problems).toEqual([]);
    expect(back.state?.parts).toEqual({ rank0: window, 'rank1 (2)': threadsOnly });
  });

  it('writes nothing for a link without parts', () => {
    expect(toWire(emptyViewState('0')).pt).toBeUndefined();
    expect(fromWire(toWire(emptyViewState('0'))).state?.parts).toBeUndefined();
  });

  it('names a damaged entry and restores the rest', () => {
    const wire = { ...toWire({ ...emptyViewState('5'), laneFilter: 'gpu' }), pt: { t: [1, 2, 'x', null, null] } };
    const back = fromWire(wire);
    expect(back.problems).toContain('the parts of traces to open');
    expect(back.state?.parts).toBeUndefined();
    expect(back.state?.laneFilter).toBe('gpu');
  });
});
