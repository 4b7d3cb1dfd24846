// eachChunk reads a byte stream into one reused buffer when asked (a File's pieces, a URL's ranged GETs), and any
// other stream the default way; either way every byte comes once, in order, and a chunk is only
// valid during its call.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eachChunk, stalledReadCount, STALL_MS } from '../../../workers/ingest/chunkReader';
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

  /**
   * A byte stream answering BYOB reads from `bytes` up to `answerUpTo`, then never again (neither
   * data nor close): the read pending then is the one Chromium's Blob stream left unanswered.
   */
  function stallingByteStream(answerUpTo: number): ReadableStream<Uint8Array> {
    let at = 0;
    return new ReadableStream({
      type: 'bytes',
      pull(c) {
        if (at >= answerUpTo) return new Promise<void>(() => undefined);
        const req = c.byobRequest!;
        const view = req.view as Uint8Array;
        const n = Math.min(view.byteLength, answerUpTo - at, 300_000);
        view.set(bytes.subarray(at, at + n));
        at += n;
        req.respond(n);
      },
    }) as ReadableStream<Uint8Array>;
  }

  it('reads a piece of known length to its last byte and asks for no more (a read past it may never be answered)', async () => {
    const before = stalledReadCount();
    const reopened: number[] = [];
    const all = new Uint8Array(bytes.length);
    let at = 0;
    await eachChunk(stallingByteStream(bytes.length), (c) => void all.set(c, (at += c.length) - c.length), true, {
      length: bytes.length,
      reopen: (from) => (reopened.push(from), new Blob([bytes.subarray(from)]).stream() as ReadableStream<Uint8Array>),
    });
    expect(at).toBe(bytes.length);
    expect(Buffer.compare(all, bytes)).toBe(0);
    expect(reopened).toEqual([]);
    expect(stalledReadCount()).toBe(before);
  });

  it('drops a BYOB read unanswered for STALL_MS and reads the rest of the piece the default way from where it stopped', async () => {
    const before = stalledReadCount();
    const stopAt = 1_234_567;
    const reopened: number[] = [];
    const all = new Uint8Array(bytes.length);
    let at = 0;
    const t0 = performance.now();
    await eachChunk(stallingByteStream(stopAt), (c) => void all.set(c, (at += c.length) - c.length), true, {
      length: bytes.length,
      reopen: (from) => (reopened.push(from), new Blob([bytes.subarray(from)]).stream() as ReadableStream<Uint8Array>),
    });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(STALL_MS - 5);
    expect(reopened).toEqual([stopAt]);
    expect(stalledReadCount()).toBe(before + 1);
    expect(at).toBe(bytes.length);
    expect(Buffer.compare(all, bytes)).toBe(0);
  });
});
