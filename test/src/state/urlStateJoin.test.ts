// Joined groups in a link (`j`, added within state version 2).
import { describe, expect, it } from 'vitest';
import { decodeViewState, emptyViewState, encodeViewState, encodeWire, fromWire } from '../../../src/state/urlState';

describe('joined groups in the shared link', () => {
  it('round-trips the join map', async () => {
    const joined = { 'strace_model_load.txt|596': 'load_and_infer|596' };
    const back = await decodeViewState(await encodeViewState({ ...emptyViewState('1000'), joined }));
    expect(back.problems).toEqual([]);
    expect(back.state!.joined).toEqual(joined);
  });

  it('older links (no j) decode with nothing joined; a malformed j is reported', async () => {
    const old = await decodeViewState(await encodeWire({ v: 2, o: '1000', vp: [0, 10] }));
    expect(old.problems).toEqual([]);
    expect(old.state!.joined).toBeUndefined();
    expect(fromWire({ v: 2, o: '1000', j: { a: 3 } }).problems).toContain('the joined groups');
  });
});
