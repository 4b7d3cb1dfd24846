// URL sources (issue 16): a ranged GET tells whether the server answers ranges; with
// them the bytes are read by ranges (each failed range retried up to 3 times, resuming
// where its bytes stopped; Cancel aborts), without them the 200 answer is streamed as is.

import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { createHandler } from '../../../scripts/serve.mjs';
import { openSource, parseContentRange, PROBE_BYTES, RANGE_RETRIES, urlRanges } from '../../../workers/ingest/byteSource';
import { loadTrace } from '../../../workers/ingest/loadTrace';
import { eachChunk } from '../../../workers/ingest/chunkReader';
import { CORPUS } from '../../support/corpus';
import { closeServer, listenLocally } from '../../support/localServer';

const json = gunzipSync(readFileSync(join(CORPUS, 'llm_decode_small.json.gz')));

/** What the test server does to the next ranged requests (after the probe): fail, cut the answer, answer half the range (a 206 saying so). */
type Fault = 'status' | 'cut' | 'short';

describe('URL sources', () => {
  let dir: string;
  let server: http.Server;
  let base = '';
  const log: string[] = [];
  const faults: Fault[] = [];
  let ranges = true;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'url-ranges-'));
    writeFileSync(join(dir, 'trace.json'), json);
    const withRanges = createHandler({ root: dir, mounts: { '/': '.' }, log: (m: string) => log.push(m) });
    const without = createHandler({ root: dir, mounts: { '/': '.' }, log: (m: string) => log.push(m), ranges: false });
    server = http.createServer((req, res) => {
      const range = req.headers.range;
      const fault = range && range !== `bytes=0-${PROBE_BYTES - 1}` ? faults.shift() : undefined;
      if (fault === 'status') {
        log.push(`503 ${range}`);
        res.writeHead(503).end();
        return;
      }
      if (fault === 'cut') {
        // Half the asked bytes, then the connection drops.
        const [a, b] = range!.slice(6).split('-').map(Number);
        const end = Math.min(b, json.length - 1);
        const half = Math.floor((end - a + 1) / 2);
        log.push(`cut ${range}`);
        res.writeHead(206, { 'Content-Range': `bytes ${a}-${end}/${json.length}`, 'Content-Length': end - a + 1 });
        res.write(json.subarray(a, a + half), () => res.destroy());
        return;
      }
      if (fault === 'short') {
        const [a, b] = range!.slice(6).split('-').map(Number);
        const end = a + Math.floor((Math.min(b, json.length - 1) - a) / 2);
        log.push(`short ${range}`);
        res.writeHead(206, { 'Content-Range': `bytes ${a}-${end}/${json.length}`, 'Content-Length': end - a + 1 });
        res.end(json.subarray(a, end + 1));
        return;
      }
      void (ranges ? withRanges : without)(req, res);
    });
    base = await listenLocally(server);
  });
  afterAll(async () => {
    await closeServer(server);
    rmSync(dir, { recursive: true, force: true });
  });

  const readAll = async (stream: ReadableStream<Uint8Array>) => Buffer.from(await new Response(stream).arrayBuffer());
  const reset = (withRanges: boolean) => {
    log.length = 0;
    faults.length = 0;
    ranges = withRanges;
  };

  it('a 206 answer with a Content-Range: ranges, the size from it, the rest read by one ranged GET', async () => {
    reset(true);
    const src = await openSource({ kind: 'url', url: base + 'trace.json', name: 'trace.json' });
    expect(src.ranges?.size).toBe(json.length);
    expect(src.total).toBe(json.length);
    expect(log).toEqual([`206 GET /trace.json bytes=0-${PROBE_BYTES - 1}`]);
    expect((await readAll(src.stream)).equals(json)).toBe(true);
    expect(log).toEqual([`206 GET /trace.json bytes=0-${PROBE_BYTES - 1}`, `206 GET /trace.json bytes=${PROBE_BYTES}-${json.length - 1}`]);
  });

  it('a range asked for ahead is sent at once and read by the stream that reaches its start, not asked for again; one nobody read is dropped', async () => {
    reset(true);
    const head = new Uint8Array(json.subarray(0, PROBE_BYTES));
    const src = urlRanges(base + 'trace.json', json.length, head);
    // From the head's end on (the head costs no request).
    src.prefetch!(0, 300_000);
    const [a, b] = [500_000, 900_000];
    const drop = src.prefetch!(a, b);
    // Both are on their way before any stream reads (in either order: two connections, a busy machine).
    await new Promise((r) => setTimeout(r, 200));
    expect([...log].sort()).toEqual([`206 GET /trace.json bytes=${PROBE_BYTES}-299999`, `206 GET /trace.json bytes=${a}-${b - 1}`].sort());
    // A stream over the first and past it reads that answer, then asks for the rest.
    expect((await readAll(src.stream(100, 400_000))).equals(json.subarray(100, 400_000))).toBe(true);
    expect(log.slice(2)).toEqual(['206 GET /trace.json bytes=300000-399999']);
    drop();
    // Dropped: a stream from there asks again.
    expect((await readAll(src.stream(a, a + 1000))).equals(json.subarray(a, a + 1000))).toBe(true);
    expect(log.slice(3)).toEqual([`206 GET /trace.json bytes=${a}-${a + 999}`]);
  });

  it('a server answering fewer bytes than asked (its Content-Range says so) is asked for the rest, not counted as a failure', async () => {
    reset(true);
    const src = urlRanges(base + 'trace.json', json.length);
    faults.push(...Array<Fault>(RANGE_RETRIES + 2).fill('short'));
    expect((await readAll(src.stream(1000, 400_000))).equals(json.subarray(1000, 400_000))).toBe(true);
    const asked = log.filter((l) => l.includes('bytes'));
    expect(asked.slice(0, RANGE_RETRIES + 2).every((l) => l.startsWith('short'))).toBe(true);
    // Each request starts where the last answer ended.
    const starts = asked.map((l) => Number(/bytes=(\d+)-/.exec(l)![1]));
    for (let i = 1; i < starts.length; i++) expect(starts[i]).toBe(starts[i - 1] + Math.floor((399_999 - starts[i - 1]) / 2) + 1);
  });

  it('a 200 answer to the ranged GET is streamed as it is: one request, no ranges', async () => {
    reset(false);
    const src = await openSource({ kind: 'url', url: base + 'trace.json', name: 'trace.json' });
    expect(src.ranges).toBeUndefined();
    expect((await readAll(src.stream)).equals(json)).toBe(true);
    expect(log).toEqual(['200 GET /trace.json']);
  });

  it('an empty file (416 to the ranged GET) is asked for whole and reported empty, as before', async () => {
    reset(true);
    writeFileSync(join(dir, 'empty.json'), '');
    await expect(loadTrace({ kind: 'url', url: base + 'empty.json', name: 'empty.json' }, { trace: 'e' })).rejects.toThrow(/empty\.json is empty/);
    expect(log).toEqual([`416 GET /empty.json`, '200 GET /empty.json']);
  });

  it('a failed range is retried, resuming where its bytes stopped; the fourth failure fails the load', async () => {
    reset(true);
    const src = urlRanges(base + 'trace.json', json.length);
    faults.push('status', 'cut', 'status');
    expect((await readAll(src.stream(1000, 200_000))).equals(json.subarray(1000, 200_000))).toBe(true);
    const asked = log.filter((l) => l.includes('bytes'));
    expect(asked[0]).toBe('503 bytes=1000-199999');
    expect(asked[1]).toBe('cut bytes=1000-199999');
    expect(asked[2]).toMatch(/^503 bytes=(\d+)-199999$/);
    // After the cut, the next request starts where the bytes stopped.
    const resumed = Number(/bytes=(\d+)-/.exec(asked[2])![1]);
    expect(resumed).toBeGreaterThan(1000);
    expect(asked[3]).toBe(`206 GET /trace.json bytes=${resumed}-199999`);

    reset(true);
    faults.push(...Array<Fault>(RANGE_RETRIES + 1).fill('status'));
    await expect(readAll(src.stream(0, 1000 + PROBE_BYTES))).rejects.toThrow(/bytes 0-66535 of .*tried 4 times\): HTTP 503/);
  });

  it('a ranged stream is a byte stream: a BYOB reader (chunkReader) gets the exact bytes, the fetched head included', async () => {
    reset(true);
    const head = new Uint8Array(json.subarray(0, PROBE_BYTES));
    const src = urlRanges(base + 'trace.json', json.length, head);
    // A byte stream, or chunkReader would read it the default way (a new ArrayBuffer per chunk).
    src.stream(0, 10).getReader({ mode: 'byob' }).releaseLock();
    for (const [start, end] of [[100, json.length], [PROBE_BYTES - 10, (3 << 20) + 5], [PROBE_BYTES, PROBE_BYTES]]) {
      const parts: Buffer[] = [];
      await eachChunk(src.stream(start, end), (chunk) => parts.push(Buffer.from(chunk)));
      expect(Buffer.concat(parts).equals(json.subarray(start, Math.min(end, json.length)))).toBe(true);
    }
    // The head's bytes cost no request: each stream asks only for what follows it.
    expect(log.filter((l) => l.startsWith('206')).map((l) => l.split('bytes=')[1])).toEqual([`${PROBE_BYTES}-${json.length - 1}`, `${PROBE_BYTES}-${(3 << 20) + 4}`]);
  });

  it('an abort stops a ranged read', async () => {
    reset(true);
    const ctl = new AbortController();
    const reader = urlRanges(base + 'trace.json', json.length).stream(0, json.length, ctl.signal).getReader();
    await reader.read();
    ctl.abort();
    await expect((async () => { for (;;) if ((await reader.read()).done) return; })()).rejects.toThrow();
  });

  it('parseContentRange: only `bytes a-b/size` with a known size', () => {
    expect(parseContentRange('bytes 0-99/1000')).toEqual({ start: 0, end: 99, size: 1000 });
    expect(parseContentRange('bytes 0-99/*')).toBeNull();
    expect(parseContentRange('bytes */1000')).toBeNull();
    expect(parseContentRange(null)).toBeNull();
  });

  it('a trace by URL, with ranges and without, loads as the same file', async () => {
    const shape = (i: Awaited<ReturnType<typeof loadTrace>>) => ({ events: i.result.events, lanes: i.result.lanes.map((l) => `${l.id}:${l.events}`).sort() });
    const file = shape(await loadTrace({ kind: 'file', file: new Blob([json]), name: 'trace.json' }, { trace: 't' }));
    for (const withRanges of [true, false]) {
      reset(withRanges);
      expect(shape(await loadTrace({ kind: 'url', url: base + 'trace.json', name: 'trace.json' }, { trace: 't' }))).toEqual(file);
    }
  });
});
