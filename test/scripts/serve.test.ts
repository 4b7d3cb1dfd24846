// scripts/serve.mjs answers byte ranges (npm start, the e2e server and the bench serve them),
// so the app's ranged fetch of `?url=` traces has a server to use.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { parseRange, serveStatic } from '../../scripts/serve.mjs';
// @ts-expect-error plain ESM script without types
import { serveInChild } from '../../bench/childServer.mjs';
import { CORPUS } from '../support/corpus';

const BYTES = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

describe('serve.mjs ranges', () => {
  let dir: string;
  let server: { url: string; close(): Promise<void> };
  let plain: { url: string; close(): Promise<void> };
  const log: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'serve-ranges-'));
    writeFileSync(join(dir, 'data.bin'), BYTES);
    writeFileSync(join(dir, 'empty.bin'), '');
    server = await serveStatic({ root: dir, mounts: { '/': '.' }, port: 0, log: (m: string) => log.push(m) });
    plain = await serveStatic({ root: dir, mounts: { '/': '.' }, port: 0, ranges: false });
  });
  afterAll(async () => {
    await server.close();
    await plain.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (base: string, path: string, range?: string) => fetch(base + path, { headers: range ? { Range: range } : {} });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=900-', 900, 999],
    ['bytes=990-5000', 990, 999],
    ['bytes=-10', 990, 999],
    ['bytes=-5000', 0, 999],
    ['bytes=500-500', 500, 500],
  ])('%s → 206 with Content-Range and exactly those bytes', async (range, start, end) => {
    const res = await get(server.url, 'data.bin', range);
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/1000`);
    expect(Number(res.headers.get('content-length'))).toBe(end - start + 1);
    expect(Buffer.from(await res.arrayBuffer()).equals(BYTES.subarray(start, end + 1))).toBe(true);
  });

  it.each(['bytes=1000-', 'bytes=5000-6000', 'bytes=-0'])('%s → 416 with Content-Range: bytes */size', async (range) => {
    const res = await get(server.url, 'data.bin', range);
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe('bytes */1000');
    await res.arrayBuffer();
  });

  it.each([undefined, 'bytes=0-1,5-6', 'items=0-5', 'bytes=9-2', 'bytes=x-'])('%s → 200, the whole file', async (range) => {
    const res = await get(server.url, 'data.bin', range);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-range')).toBeNull();
    expect(Buffer.from(await res.arrayBuffer()).equals(BYTES)).toBe(true);
  });

  it('an empty file cannot satisfy a range; a HEAD with a range answers its headers only', async () => {
    expect((await get(server.url, 'empty.bin', 'bytes=0-')).status).toBe(416);
    const head = await fetch(server.url + 'data.bin', { method: 'HEAD', headers: { Range: 'bytes=10-19' } });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe('bytes 10-19/1000');
  });

  it('logs ranged answers with their range', () => {
    expect(log).toContain('206 GET /data.bin bytes=0-99');
  });

  it('with ranges: false, answers a ranged request 200 with the whole file', async () => {
    const res = await get(plain.url, 'data.bin', 'bytes=0-99');
    expect(res.status).toBe(200);
    expect(res.headers.get('accept-ranges')).toBeNull();
    expect(Buffer.from(await res.arrayBuffer()).equals(BYTES)).toBe(true);
  });

  it('a real trace of several MB (read in 1 MB blocks): ranges across block ends and the whole file are its exact bytes', async () => {
    const name = 'llm_decode_large.json.gz';
    const bytes = readFileSync(join(CORPUS, name));
    expect(bytes.length).toBeGreaterThan(4 << 20);
    const corpus = await serveStatic({ root: CORPUS, mounts: { '/': '.' }, port: 0 });
    try {
      const whole = await get(corpus.url, name);
      expect(whole.status).toBe(200);
      expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
      for (const [start, end] of [[(1 << 20) - 7, (3 << 20) + 11], [12_345, bytes.length - 1], [(2 << 20) - 1, 2 << 20]]) {
        const res = await get(corpus.url, name, `bytes=${start}-${end}`);
        expect(res.status).toBe(206);
        expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true);
      }
    } finally {
      await corpus.close();
    }
  });

  it('parseRange', () => {
    expect(parseRange(undefined, 10)).toBeNull();
    expect(parseRange('bytes=2-4', 10)).toEqual({ start: 2, end: 4 });
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
  });
});

describe('serve.mjs as a process of its own (the bench runs its servers so: bench/childServer.mjs)', () => {
  it('serves its --mount folders, answers ranges, and with --no-ranges answers every request 200', async () => {
    const name = 'llm_decode_large.json.gz';
    const bytes = readFileSync(join(CORPUS, name));
    // Port 0: each takes a free port and says which (serveInChild reads it from the server's first line).
    const [ranged, whole] = await Promise.all([serveInChild({ mounts: { '/traces/': CORPUS }, port: 0 }), serveInChild({ mounts: { '/traces/': CORPUS }, port: 0, ranges: false })]);
    try {
      const range = `bytes=${(1 << 20) + 3}-${(2 << 20) + 5}`;
      const part = await fetch(`${ranged.url}traces/${name}`, { headers: { Range: range } });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray((1 << 20) + 3, (2 << 20) + 6))).toBe(true);
      const all = await fetch(`${whole.url}traces/${name}`, { headers: { Range: range } });
      expect(all.status).toBe(200);
      expect(all.headers.get('accept-ranges')).toBeNull();
      expect(Buffer.from(await all.arrayBuffer()).equals(bytes)).toBe(true);
    } finally {
      await Promise.all([ranged.close(), whole.close()]);
    }
    // Closed means gone: nothing answers on its port.
    await expect(fetch(`${ranged.url}traces/${name}`)).rejects.toThrow();
  });
});
