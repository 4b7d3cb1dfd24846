// eachChunk reads a byte stream into one reused buffer when asked (a URL's ranged GETs), and any
// other stream the default way; either way every byte comes once, in order, and a chunk is only
// valid during its call.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eachChunk } from '../../../workers/ingest/chunkReader';
import { ChromeTraceJsonImporter } from '../../../workers/importers/chromeTraceJson';
import { RawTrace } from '../../../workers/ingest/rawTrace';
import { CORPUS } from '../../support/corpus';
import { gunzipSync } from 'node:zlib';

const bytes = new Uint8Array(5_000_003).map((_, i) => (i * 7919) % 251);

async function collect(stream: ReadableStream<Uint8Array>, byob: boolean): Promise<{ all: Uint8Array; chunks: number }> {
  const all = new Uint8Array(bytes.length);
  let at = 0;
  let chunks = 0;
  await eachChunk(
    stream,
    (c) => {
      all.set(c, at);
      at += c.length;
      chunks++;
    },
    byob,
  );
  expect(at).toBe(bytes.length);
  return { all, chunks };
}

describe('eachChunk', () => {
  it('reads a byte stream into one buffer of its own when asked, every byte once and in order', async () => {
    const { all, chunks } = await collect(new Blob([bytes]).stream() as ReadableStream<Uint8Array>, true);
    expect(Buffer.compare(all, bytes)).toBe(0);
    expect(chunks).toBeGreaterThan(1);
  });

  it('reads any other stream chunk by chunk', async () => {
    const parts = [bytes.subarray(0, 10), bytes.subarray(10, 4_000_000), bytes.subarray(4_000_000)];
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (const p of parts) c.enqueue(p.slice());
        c.close();
      },
    });
    const { all, chunks } = await collect(stream, true);
    expect(Buffer.compare(all, bytes)).toBe(0);
    expect(chunks).toBe(3);
  });

  it('feeds the JSON importer as the stream is read, an event cut at every chunk end included', async () => {
    const text = gunzipSync(readFileSync(join(CORPUS, 'train_step.json.gz')));
    const byRead = new RawTrace();
    const a = new ChromeTraceJsonImporter(byRead);
    await eachChunk(new Blob([text]).stream() as ReadableStream<Uint8Array>, (c) => a.push(c), true);
    a.finish();
    // The reference: the same bytes pushed as one chunk nothing reuses.
    const whole = new RawTrace();
    const b = new ChromeTraceJsonImporter(whole);
    b.push(new Uint8Array(text));
    b.finish();
    expect(byRead.count).toBe(whole.count);
    expect(byRead.count).toBeGreaterThan(1000);
    expect(Array.from(byRead.name.data.subarray(0, byRead.count), (id) => byRead.strings.get(id))).toEqual(Array.from(whole.name.data.subarray(0, whole.count), (id) => whole.strings.get(id)));
    expect(Array.from(byRead.start.data.subarray(0, byRead.count))).toEqual(Array.from(whole.start.data.subarray(0, whole.count)));
    expect(byRead.warnings).toEqual(whole.warnings);
  });
});
