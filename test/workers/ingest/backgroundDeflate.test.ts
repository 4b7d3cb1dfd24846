// The args the index reads while it is built (Kineto's [memory] instants) stay raw until the
// first frame is drawn (index.beginBackground, called when the first viewport is answered),
// then are deflated: the deflation does not take a core from the first frame.

import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, loadText } from '../../support/corpus';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('deflating the counters’ args after the first frame', () => {
  const text = gunzipSync(readFileSync(join(CORPUS, 'llm_decode_small.json.gz')));
  // Counted from the raw JSON: the trace has memory instants whose args the index reads.
  const memoryEvents = (JSON.parse(text.toString('utf8')).traceEvents as { ph: string; name: string }[]).filter((e) => e.ph === 'i' && e.name === '[memory]').length;

  it('waits for beginBackground, then shrinks the raw args and settles', async () => {
    expect(memoryEvents).toBeGreaterThan(100);
    const index = await loadText(text, 'llm_decode_small.json');
    const raw = index.raw.hotArgs.byteLength;
    // Each memory instant's args ({"Total Reserved": …, "Addr": …}) is tens of bytes at least.
    expect(raw).toBeGreaterThan(memoryEvents * 40);
    await sleep(300);
    expect(index.raw.hotArgs.byteLength).toBe(raw);
    index.beginBackground();
    await index.settled;
    expect(index.raw.hotArgs.byteLength).toBeLessThan(raw / 2);
  });

  it('begins on its own when no viewport is asked for', async () => {
    const index = await loadText(text, 'llm_decode_small.json');
    const raw = index.raw.hotArgs.byteLength;
    await index.settled;
    expect(index.raw.hotArgs.byteLength).toBeLessThan(raw / 2);
  });
});
