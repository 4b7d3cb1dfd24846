// A trace opened by `?url=` from a server that answers ranges is fetched in parallel
// fragments by ranged GETs (issue 16; on two cores below 320 MB only when asked, `?pieces=parallel`,
// as here: parallelParse.ts plainParallelMinBytes), and gives the same lanes as the same file by
// picker; a server that answers ranged requests 200 streams the file once, as before.
// Each test runs its own scripts/serve.mjs (the build and the trace on one origin) to
// read its request log.
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
// @ts-expect-error plain ESM script without types
import { createHandler, serveStatic } from '../scripts/serve.mjs';
import { collectConsoleErrors, corpusPath, openApp, waitReady, type TraceSummary } from './helpers';

const NAME = 'llm_decode_large.json';
const dir = path.join(tmpdir(), `tl-url-ranges-${process.pid}`);
let bytes: Buffer;

interface Server {
  url: string;
  close(): Promise<void>;
}

async function serve(ranges: boolean, log: string[]): Promise<Server> {
  return serveStatic({ mounts: { '/': process.env.TRACELANE_DIST || 'dist', '/t/': dir }, port: 0, ranges, log: (m: string) => log.push(m) });
}

const shape = (s: TraceSummary) => ({ events: s.events, lanes: s.lanes.map((l) => `${l.id}:${l.events}:${l.rows}`).sort() });

async function byUrl(page: Page, server: Server): Promise<TraceSummary> {
  await page.goto(`${server.url}?pieces=parallel&url=${encodeURIComponent(`${server.url}t/${NAME}`)}`, { waitUntil: 'load' });
  return waitReady(page, 180_000);
}

/** Args of the first, middle and last GPU and CPU slices found (the later ones come from the second fragment). */
async function argsSample(page: Page): Promise<Record<string, string | null>> {
  return page.evaluate(async () => {
    type Api = {
      find(q: { regex: string; laneKind: string; limit: number }): Promise<{ key: string }[]>;
      select(key: string): void;
      selection(): Promise<{ key: string; argsText: string | null } | null> | { key: string; argsText: string | null } | null;
    };
    const api = (window as unknown as { tracelane: Api }).tracelane;
    const out: Record<string, string | null> = {};
    for (const laneKind of ['gpu', 'cpu']) {
      const hits = await api.find({ regex: '.', laneKind, limit: 100_000 });
      for (const h of [hits[0], hits[hits.length >> 1], hits[hits.length - 1]]) {
        api.select(h.key);
        for (let t = 0; t < 100; t++) {
          const sel = await api.selection();
          if (sel?.key === h.key) {
            out[h.key] = sel.argsText;
            break;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
    return out;
  });
}

let picked: ReturnType<typeof shape>;
let pickedArgs: Record<string, string | null>;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  mkdirSync(dir, { recursive: true });
  bytes = gunzipSync(readFileSync(corpusPath(`${NAME}.gz`)));
  writeFileSync(path.join(dir, NAME), bytes);
  // Written a day ago, as a served trace usually was: its Last-Modified makes it fresh for the HTTP cache.
  const dayAgo = new Date(Date.now() - 86_400_000);
  utimesSync(path.join(dir, NAME), dayAgo, dayAgo);
  const page = await browser.newPage();
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles(path.join(dir, NAME));
  picked = shape(await waitReady(page, 180_000));
  pickedArgs = await argsSample(page);
  expect(Object.values(pickedArgs).filter((a) => a && a.length > 2).length).toBeGreaterThanOrEqual(4);
  await page.close();
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Opens the trace by ?url= from a server of its own (with or without ranges): same lanes and
 * args as by picker; its request log for the trace, and the part of it after ready (args reads).
 */
async function openAsPicked(page: Page, ranges: boolean): Promise<{ log: string[]; afterReady: string[] }> {
  const errors = collectConsoleErrors(page);
  const log: string[] = [];
  const server = await serve(ranges, log);
  try {
    const s = await byUrl(page, server);
    const atReady = log.length;
    expect(s.warnings).toEqual([]);
    expect(shape(s)).toEqual(picked);
    // Args read from the file by picker; by URL read back by range, or copied from the fetched bytes without ranges.
    expect(await argsSample(page)).toEqual(pickedArgs);
    expect(errors).toEqual([]);
    const trace = (l: string) => l.includes(`/t/${NAME}`);
    return { log: log.filter(trace), afterReady: log.slice(atReady).filter(trace) };
  } finally {
    await server.close();
  }
}

test('a big plain trace by ?url= from a server with ranges: parallel ranged GETs, the same lanes as by picker', async ({ page }) => {
  test.setTimeout(180_000);
  const { log, afterReady } = await openAsPicked(page, true);
  // The probe, the cut windows and the fragments: all ranged, none the whole file.
  expect(log.filter((l) => l.startsWith('200 '))).toEqual([]);
  // The selected slices' args were not kept: they were read back by ranges of a 4 MB block (a whole-trace
  // pass in file order, argsReadOrder.ts, reads a block and the args crossing its end: a few bytes more).
  const argsReads = afterReady.filter((l) => l.startsWith('206 GET'));
  expect(argsReads.length).toBeGreaterThanOrEqual(1);
  for (const l of argsReads) {
    const [a, b] = /bytes=(\d+)-(\d+)$/.exec(l)!.slice(1).map(Number);
    expect(b - a + 1).toBeLessThanOrEqual((4 << 20) + (64 << 10));
  }
  const ranged = log.filter((l) => l.startsWith('206 GET'));
  expect(ranged.length).toBeGreaterThanOrEqual(4);
  // Each range of the load is asked for once and whole (none under a cut window's 64 kB): the ranged
  // GETs bypass the HTTP cache, which split a range it held in part into more requests and sent some twice.
  const loadRanges = log.slice(0, log.length - afterReady.length).filter((l) => l.startsWith('206 GET')).map((l) => /bytes=(\d+-\d+)$/.exec(l)![1]);
  expect(new Set(loadRanges).size).toBe(loadRanges.length);
  for (const r of loadRanges) expect(r.split('-').map(Number).reduce((a, b) => b - a + 1)).toBeGreaterThanOrEqual(1 << 16);
  // The fragments cover the file: some range reaches its last byte.
  expect(ranged.some((l) => l.endsWith(`-${bytes.length - 1}`))).toBe(true);
});

test('with a slow server each worker\'s next piece is asked for while the one before waits for its answer', async ({ page }) => {
  test.setTimeout(180_000);
  // Every answer to a piece (a range over 1 MB) starts a second late, as from a far server; the probe
  // and the cut windows are answered at once. A piece asked for only once the one before was parsed
  // would come at least that second after it.
  const LATENCY_MS = 1000;
  const serveFile = createHandler({ mounts: { '/': process.env.TRACELANE_DIST || 'dist', '/t/': dir } });
  const pieces: { start: number; end: number; at: number }[] = [];
  const server = http.createServer((req, res) => {
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (!req.url?.startsWith('/t/') || !m || Number(m[2]) - Number(m[1]) < 1 << 20) return void serveFile(req, res);
    pieces.push({ start: Number(m[1]), end: Number(m[2]) + 1, at: performance.now() });
    setTimeout(() => void serveFile(req, res), LATENCY_MS);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  try {
    await page.goto(`${url}?pieces=parallel&url=${encodeURIComponent(`${url}t/${NAME}`)}`, { waitUntil: 'load' });
    expect(shape(await waitReady(page, 180_000))).toEqual(picked);
    // The file's first two pieces are this worker's (the fragment worker takes pieces from the end).
    const [first, second] = pieces.slice().sort((a, b) => a.start - b.start);
    expect(first.start).toBe(65536);
    expect(second.at - first.at).toBeLessThan(LATENCY_MS / 2);
    // The fragment worker's: the file's last piece, then the one ending where it starts.
    const last = pieces.find((p) => p.end === bytes.length)!;
    const before = pieces.find((p) => p.end === last.start);
    expect(before).toBeDefined();
    expect(before!.at - last.at).toBeLessThan(LATENCY_MS / 2);
    // Nothing asked for ahead was asked for twice (the last piece unclaimed is left to whoever takes it).
    expect(pieces.reduce((n, p) => n + p.end - p.start, 0)).toBeLessThanOrEqual(bytes.length);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('a server answering 200 to ranged requests: the file streamed once, the same lanes', async ({ page }) => {
  test.setTimeout(180_000);
  // Args were kept from the stream: nothing is fetched again when slices are selected.
  expect(await openAsPicked(page, false)).toEqual({ log: [`200 GET /t/${NAME}`], afterReady: [] });
});

test('Cancel during a ranged load aborts every fragment\'s request', async ({ page }) => {
  test.setTimeout(120_000);
  // The build and the cut windows as usual; fragments (ranges over 1 MB, the first GET's `bytes=0-` too) trickle out.
  const serveFile = createHandler({ mounts: { '/': process.env.TRACELANE_DIST || 'dist', '/t/': dir } });
  const slow = { open: 0, aborted: 0, requests: 0 };
  const server = http.createServer((req, res) => {
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const [a, b] = m ? [Number(m[1]), m[2] ? Number(m[2]) : bytes.length - 1] : [0, 0];
    if (!req.url?.startsWith('/t/') || !m || b - a <= 1 << 20) return void serveFile(req, res);
    slow.requests++;
    slow.open++;
    res.writeHead(206, { 'Content-Range': `bytes ${a}-${b}/${bytes.length}`, 'Content-Length': b - a + 1, 'Content-Type': 'application/json' });
    let at = a;
    const timer = setInterval(() => {
      const next = Math.min(b + 1, at + (64 << 10));
      res.write(bytes.subarray(at, next));
      at = next;
      if (at > b) {
        clearInterval(timer);
        res.end();
      }
    }, 50);
    res.on('close', () => {
      clearInterval(timer);
      slow.open--;
      if (at <= b) slow.aborted++;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  try {
    await page.goto(`${url}?pieces=parallel&url=${encodeURIComponent(`${url}t/${NAME}`)}`, { waitUntil: 'load' });
    // Both fragments in flight: this worker's and the fragment worker's.
    await expect.poll(() => slow.open, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await page.getByTestId('cancel-load').click();
    await expect.poll(() => slow.open, { timeout: 10_000 }).toBe(0);
    expect(slow.aborted).toBe(slow.requests);
    const asked = slow.requests;
    await page.waitForTimeout(1500);
    expect(slow.requests).toBe(asked);
    expect(await page.evaluate(() => document.documentElement.dataset.traceState)).not.toBe('loading');
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('a server that labels a .gz Content-Encoding: gzip and answers its ranges (vite\'s dev server): the file is fetched whole, decoded by the browser, the same lanes', async ({ page }) => {
  test.setTimeout(180_000);
  // Chromium refuses a content-encoded 206 (a part of a gzip stream cannot be decoded): the ranged first GET fails.
  const gz = readFileSync(corpusPath(`${NAME}.gz`));
  const serveFile = createHandler({ mounts: { '/': process.env.TRACELANE_DIST || 'dist' } });
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.url !== `/enc/${NAME}.gz`) return void serveFile(req, res);
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    asked.push(req.headers.range ?? 'whole');
    const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Accept-Ranges': 'bytes' };
    if (!m) {
      res.writeHead(200, { ...headers, 'Content-Length': gz.length });
      return void res.end(gz);
    }
    const [a, b] = [Number(m[1]), Math.min(gz.length - 1, m[2] ? Number(m[2]) : gz.length - 1)];
    res.writeHead(206, { ...headers, 'Content-Range': `bytes ${a}-${b}/${gz.length}`, 'Content-Length': b - a + 1 });
    res.end(gz.subarray(a, b + 1));
  });
  const url = await new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as { port: number }).port}/`)));
  try {
    await page.goto(`${url}?url=${encodeURIComponent(`${url}enc/${NAME}.gz`)}`, { waitUntil: 'load' });
    const s = await waitReady(page, 180_000);
    expect(s.warnings).toEqual([]);
    expect(shape(s)).toEqual(picked);
    // Args were kept from the decoded stream: the same as the picked file's, nothing fetched again.
    expect(await argsSample(page)).toEqual(pickedArgs);
    expect(asked).toEqual(['bytes=0-65535', 'whole']);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
