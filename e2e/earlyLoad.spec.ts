// A link's trace is read and parsed while the app's bundle loads (issue 16, workers/earlyLoad.ts): index.html's
// first script tells the trace worker about the page, the worker begins the load the app will ask for, and the
// app's call joins it. Here the app's bundle is held back: the trace's bytes are asked for and parsed before
// the app asks, and the result is the one a picked file gives. A link the early load does not fit (a part to
// keep, two traces, a URL that fails) behaves as before, and Cancel stops every worker.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
// @ts-expect-error plain ESM script without types
import { createHandler } from '../scripts/serve.mjs';
import { encodeViewState, hashFor, type ViewState } from '../src/state/urlState';
import { collectConsoleErrors, corpusPath, openApp, placedEvents, waitReady, type TraceSummary } from './helpers';

const NAME = 'llm_decode_large.json';
const dir = path.join(tmpdir(), `tl-early-load-${process.pid}`);
const DIST = process.env.TRACELANE_DIST || 'dist';
const APP_BUNDLE = /\/assets\/index-[\w-]+\.js$/;

interface Server {
  url: string;
  /** Each request to the trace folder as it arrives: when, and its Range. */
  log: { at: number; url: string; range: string }[];
  close(): Promise<void>;
}

/** The build at /, the traces at /t/; answers to ranges past the probe start `lateMs` late. */
async function serve(lateMs = 0): Promise<Server> {
  const handle = createHandler({ mounts: { '/': DIST, '/t/': dir } });
  const log: Server['log'] = [];
  const server = http.createServer((req, res) => {
    const range = req.headers.range ?? '';
    if (req.url?.startsWith('/t/')) log.push({ at: Date.now(), url: req.url, range });
    if (lateMs && range && range !== 'bytes=0-65535') setTimeout(() => void handle(req, res), lateMs);
    else void handle(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    log,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** Holds the app's bundle back until `release` is called; resolves with the time it was let through. */
async function holdApp(page: Page): Promise<{ release(): void; released: Promise<number> }> {
  let release = (): void => undefined;
  const go = new Promise<void>((r) => (release = r));
  let released!: (t: number) => void;
  const at = new Promise<number>((r) => (released = r));
  await page.route(APP_BUNDLE, async (route) => {
    await go;
    released(Date.now());
    await route.continue();
  });
  return { release, released: at };
}

const shape = (s: TraceSummary) => ({ events: s.events, lanes: s.lanes.map((l) => `${l.id}:${l.events}:${l.rows}`).sort() });
const stages = (page: Page) => page.evaluate(() => (window as unknown as { tracelane: { summary(): { stagesMs: (Record<string, number> | null)[] } } }).tracelane.summary().stagesMs);
const until = async (done: () => boolean, ms = 60_000) => {
  for (const end = Date.now() + ms; !done() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
};

let bytes: Buffer;
let picked: ReturnType<typeof shape>;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  mkdirSync(dir, { recursive: true });
  bytes = gunzipSync(readFileSync(corpusPath(`${NAME}.gz`)));
  writeFileSync(path.join(dir, NAME), bytes);
  writeFileSync(path.join(dir, 'notes.txt'), 'Meeting notes, not a trace.\n');
  for (const f of ['two_rank_stall_rank0.json', 'two_rank_stall_rank1.json']) writeFileSync(path.join(dir, f), gunzipSync(readFileSync(corpusPath(`${f}.gz`))));
  const page = await browser.newPage();
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles(path.join(dir, NAME));
  picked = shape(await waitReady(page, 180_000));
  await page.close();
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('with the app’s bundle held back, the link’s trace is fetched and parsed before the app asks, and opens as the picked file does', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectConsoleErrors(page);
  const server = await serve();
  try {
    const app = await holdApp(page);
    await page.goto(`${server.url}?url=${encodeURIComponent(`t/${NAME}`)}`, { waitUntil: 'commit' });
    // Every byte asked for, then a quiet while for the parse of the last pieces: the app's bundle is still held.
    await until(() => server.log.length > 0 && Date.now() - server.log[server.log.length - 1].at > 3000);
    app.release();
    const releasedAt = await app.released;
    const s = await waitReady(page, 180_000);
    expect(shape(s)).toEqual(picked);
    expect(s.warnings).toEqual([]);
    // The bytes were asked for while the app could not run, each range once, none twice.
    const ranges = server.log.filter((l) => l.at < releasedAt).map((l) => l.range);
    expect(ranges[0]).toBe('bytes=0-65535');
    expect(server.log.every((l) => l.range.startsWith('bytes='))).toBe(true);
    expect(new Set(server.log.map((l) => l.range)).size).toBe(server.log.length);
    expect(ranges.some((r) => r.endsWith(`-${bytes.length - 1}`))).toBe(true);
    // The worker's own clock: its events were read and parsed before the page's call came.
    const [st] = await stages(page);
    expect(st!['page asked']).toBeGreaterThan(st!.parsed);
    expect(page.workers().filter((w) => /trace\.worker/.test(w.url()))).toHaveLength(1);
    expect(errors).toEqual([]);
  } finally {
    await server.close();
  }
});

test('a link that opens the trace in part: the early load is dropped and the part opens as before', async ({ page }) => {
  test.setTimeout(180_000);
  const server = await serve();
  try {
    // A CPU thread of the trace (pid and tid as the file writes them), chosen from the raw JSON.
    const doc = JSON.parse(bytes.toString()) as { traceEvents: { ph: string; pid: number | string; tid: number | string; cat?: string }[] };
    const cpu = doc.traceEvents.find((e) => e.ph === 'X' && e.cat === 'cpu_op')!;
    const thread: [string, string] = [String(cpu.pid), String(cpu.tid)];
    const state: ViewState = {
      originNs: '0', sources: [], files: [], viewport: null, selection: null, range: null, hidden: [], pinned: [], collapsed: [], offsets: {}, annotations: [], laneRules: null,
      parts: { llm_decode_large: { originUs: 0, firstNs: 0, threads: [thread] } },
    };
    const app = await holdApp(page);
    await page.goto(`${server.url}?url=${encodeURIComponent(`t/${NAME}`)}${hashFor(await encodeViewState(state))}`, { waitUntil: 'commit' });
    await until(() => server.log.length > 0);
    app.release();
    const s = await waitReady(page, 180_000);
    expect(s.warnings.map((w) => (w as { code: string }).code)).toContain('opened-in-part');
    // Only the chosen thread's lanes.
    expect(s.lanes.length).toBeGreaterThan(0);
    for (const l of s.lanes) expect(l.id.split('|')[1]).toBe(thread[0]);
    const kept = doc.traceEvents.filter((e) => String(e.pid) === thread[0] && String(e.tid) === thread[1]);
    expect(s.events).toBe(placedEvents(JSON.stringify({ traceEvents: kept })));
    // No 'page asked' stage: this load is the app's own.
    expect((await stages(page))[0]!['page asked']).toBeUndefined();
  } finally {
    await server.close();
  }
});

test('two linked traces: the first joins the early load, the second loads as before', async ({ page }) => {
  const server = await serve();
  try {
    await page.goto(`${server.url}?url=${encodeURIComponent('t/two_rank_stall_rank0.json')}&url=${encodeURIComponent('t/two_rank_stall_rank1.json')}`);
    await waitReady(page);
    const s = await page.evaluate(() => (window as unknown as { tracelane: { summary(): { traces: { key: string; events: number }[] } } }).tracelane.summary());
    expect((s as unknown as TraceSummary).lanes.some((l) => String(l.trace).includes('rank0'))).toBe(true);
    expect((s as unknown as TraceSummary).lanes.some((l) => String(l.trace).includes('rank1'))).toBe(true);
    const [first, second] = await stages(page);
    expect(first!['page asked']).toBeGreaterThanOrEqual(0);
    expect(second!['page asked']).toBeUndefined();
  } finally {
    await server.close();
  }
});

for (const [name, message] of [
  ['missing.json', /^Could not fetch http:\/\/127\.0\.0\.1:\d+\/t\/missing\.json: HTTP 404 Not Found$/],
  ['notes.txt', /notes\.txt is not a trace format tracelane reads .* it starts with "Meeting notes, not a trace\.·"\.$/],
] as const) {
  test(`a link whose trace fails while the app loads (${name}): the error names what failed`, async ({ page }) => {
    const server = await serve();
    try {
      const app = await holdApp(page);
      await page.goto(`${server.url}?url=${encodeURIComponent(`t/${name}`)}`, { waitUntil: 'commit' });
      // The early load has met the failure before the app runs.
      await until(() => server.log.length > 0);
      await new Promise((r) => setTimeout(r, 500));
      app.release();
      await expect(page.getByTestId('load-error')).toContainText(message);
      // Asked for once: the app's call met the early load's failure.
      expect(server.log.map((l) => l.url)).toEqual([`/t/${name}`]);
      // And it stays the error: the 10 s stall check of a load that has ended does not replace it.
      if (name === 'missing.json') {
        await page.waitForTimeout(11_000);
        await expect(page.getByTestId('load-error')).toContainText(message);
      }
    } finally {
      await server.close();
    }
  });
}

test('Cancel while the early load still reads stops the trace worker and its helpers, and their requests', async ({ page }) => {
  test.setTimeout(120_000);
  // Every piece answers 1.5 s late: the load is still reading when the app asks and when Cancel is pressed.
  const server = await serve(1500);
  try {
    const app = await holdApp(page);
    // On two cores a plain file this size parses on one thread (parallelParse.ts): the parallel parse is asked for.
    await page.goto(`${server.url}?pieces=parallel&url=${encodeURIComponent(`t/${NAME}`)}`, { waitUntil: 'commit' });
    await until(() => server.log.length > 1);
    app.release();
    await expect(page.getByTestId('cancel-load')).toBeVisible({ timeout: 30_000 });
    const workers = (kind: RegExp) => page.workers().filter((w) => kind.test(w.url())).length;
    await expect.poll(() => workers(/fragment\.worker/), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByTestId('cancel-load').click();
    await expect(page.getByTestId('load-progress')).toHaveCount(0);
    expect(await page.evaluate(() => document.documentElement.dataset.traceState)).toBe('idle');
    await expect.poll(() => workers(/trace\.worker|fragment\.worker|gunzip\.worker/)).toBe(0);
    const asked = server.log.length;
    await new Promise((r) => setTimeout(r, 2000));
    expect(server.log.length).toBe(asked);
  } finally {
    await server.close();
  }
});
