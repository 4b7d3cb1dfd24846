// A name's colour hashed once per names table (swatchOfName) is the colour swatchFor gives that name, on plain
// and GPU lanes, for the names of a real trace (long templated kernels among them), asked in any order and again.

import { describe, expect, it } from 'vitest';
import { DARK_THEME, swatchFor, swatchOfName } from '../../../src/timeline/colors';
import { corpusText } from '../../support/corpus';

describe('swatchOfName', () => {
  it('gives each name of a real trace the colour swatchFor gives it', () => {
    const events = (JSON.parse(corpusText('llm_decode_large.json.gz')) as { traceEvents: { name?: string }[] }).traceEvents;
    const names = [...new Set(events.map((e) => e.name ?? ''))];
    expect(names.some((n) => n.length > 1000)).toBe(true);
    const order = names.map((_, k) => (k * 7919) % names.length);
    for (const pass of [0, 1])
      for (const k of order)
        for (const gpu of [false, true]) {
          expect(swatchOfName(names, k, pass === 1, gpu), `${names[k]} (gpu ${gpu})`).toBe(swatchFor(names[k], pass === 1, gpu));
        }
    // An id past the table (a lane added later with names of its own) still gets the name's colour.
    expect(swatchOfName(names, names.length, DARK_THEME.dark)).toBe(swatchFor('', DARK_THEME.dark));
  });
});
