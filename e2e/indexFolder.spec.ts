// Issue 24: a trace indexed once by `npm run index` opens by `?index=<folder URL>` with the same
// lanes, keys, details and search as the trace itself; it mixes with `?url=`; an index of another
// version is refused with both version numbers. The test serves the build, the corpus and the
// index folders from one scripts/serve.mjs (one origin) and reads its request log.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
// @ts-expect-error plain ESM script without types
import { serveStatic } from '../scripts/serve.mjs';
import { clickSliceOnCanvas, collectConsoleErrors, CORPUS_DIR, REPO_ROOT, shot, tl, waitIdle, waitReady, type FoundEvent, type TraceSummary } from './helpers';

const dir = mkdtempSync(path.join(tmpdir(), 'tl-index-e2e-'));
const TRACES = ['train_step.json.gz', 'two_rank_stall_rank0.json.gz', 'two_rank_stall_rank1.json.gz'];
/** Lanes of 10⁵–10⁶ slices: opened on demand, chunk by lane as the view needs them. */
const BUSY = 'llm_decode_large.json.gz';
let server: { url: string; close(): Promise<void> };
const log: string[] = [];

test.beforeAll(async () => {
  execFileSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--logLevel', 'error'], { cwd: REPO_ROOT });
  // Small chunks, so the busiest lanes span several files.
  execFileSync('node', [path.join(REPO_ROOT, 'bin/tracelane.mjs'), ...[...TRACES, BUSY].map((t) => path.join(CORPUS_DIR, t)), '--out', dir, '--chunk-events', '2048'], { stdio: 'pipe' });
  server = await serveStatic({ mounts: { '/': process.env.TRACELANE_DIST || 'dist', '/idx/': dir, '/corpus/': CORPUS_DIR }, port: 0, log: (m: string) => log.push(m) });
});
test.afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(page: Page, query: string): Promise<TraceSummary> {
  await page.goto(`${server.url}?${query}`, { waitUntil: 'load' });
  return waitReady(page, 120_000);
}

const shape = (s: TraceSummary) => ({
  events: s.events,
  originNs: s.originNs,
  startNs: s.startNs,
  endNs: s.endNs,
  warnings: s.warnings,
  lanes: s.lanes.map((l) => `${l.id}|${l.kind}|${l.name}|${l.group}|${l.events}|${l.rows}`),
});

type Selected = { key: string; name: string; argsText: string | null } | null;

test('?index= opens a trace as ?url= does: lanes, keys, find, details by a click', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectConsoleErrors(page);
  const plain = await open(page, `url=corpus/${TRACES[0]}`);
  const kernels = await tl(page, (api) => api.find({ regex: '.', laneKind: 'gpu', limit: 100_000 }));
  const ops = await tl(page, (api) => api.find({ regex: '^aten::', laneKind: 'cpu', limit: 100_000 }));
  expect(kernels.length).toBeGreaterThan(100);

  log.length = 0;
  const indexed = await open(page, `index=idx/${TRACES[0]}/`);
  expect(shape(indexed)).toEqual(shape(plain));
  expect(await tl(page, (api) => api.find({ regex: '.', laneKind: 'gpu', limit: 100_000 }))).toEqual(kernels);
  expect(await tl(page, (api) => api.find({ regex: '^aten::', laneKind: 'cpu', limit: 100_000 }))).toEqual(ops);
  // Only the index was fetched, never the trace; args blocks only once something reads args.
  expect(log.some((m) => m.includes('/idx/train_step.json.gz/manifest.json'))).toBe(true);
  expect(log.some((m) => m.includes('/corpus/'))).toBe(false);
  expect(log.filter((m) => m.includes('/args/'))).toEqual([]);

  // A kernel in the middle, clicked on the canvas: its details come from the index's args blocks.
  const hit = kernels[kernels.length >> 1] as FoundEvent;
  await clickSliceOnCanvas(page, hit);
  await expect(page.getByTestId('details-panel')).toContainText('correlation');
  const viaIndex = (await tl(page, (api) => api.selection())) as Selected;
  expect(log.some((m) => /\/idx\/train_step\.json\.gz\/args\/\d+-[0-9a-f]{16}\.bin/.test(m))).toBe(true);
  await waitIdle(page);
  await shot(page, 'index-folder-train-step');

  await open(page, `url=corpus/${TRACES[0]}`);
  await tl(page, (api, key) => api.select(key), hit.key);
  await expect.poll(async () => ((await tl(page, (api) => api.selection())) as Selected)?.key).toBe(hit.key);
  const viaTrace = (await tl(page, (api) => api.selection())) as Selected;
  expect(viaIndex).toEqual(viaTrace);
  expect(errors).toEqual([]);
});

test('?index= of a busy trace: first frame from the coarse file, lane chunks read as the mouse zooms in, a clicked slice as the trace has it', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectConsoleErrors(page);
  const manifest = JSON.parse(readFileSync(path.join(dir, BUSY, 'manifest.json'), 'utf8')) as { lanes: { id: string; chunks: { file: string; count: number }[] }[] };
  // Lanes too busy to be drawn as slices at the whole-trace zoom (tiledViewport's LANE_RAW_EVENTS).
  const busyChunks = new Set(manifest.lanes.filter((l) => l.chunks.reduce((n, c) => n + c.count, 0) > 4000).flatMap((l) => l.chunks.map((c) => c.file)));
  expect(busyChunks.size).toBeGreaterThan(20);
  const read = () => log.map((m) => m.split(`/idx/${BUSY}/`)[1]?.split(' ')[0]).filter((f): f is string => !!f);

  log.length = 0;
  await open(page, `index=idx/${BUSY}/`);
  await waitIdle(page);
  // The first frame: busy lanes drawn from stored tiles, none of their chunks read.
  const first = await tl(page, (api) => api.drawn());
  expect(first.lanes.filter((l) => l.fromTiles > 0).length).toBeGreaterThan(0);
  expect(read().filter((f) => busyChunks.has(f))).toEqual([]);
  expect(read()).toContain('manifest.json');
  await shot(page, 'index-folder-busy-first-frame');

  // Zoom in with the wheel and pan by dragging: the busy lanes' chunks come as the view needs their events.
  const canvas = page.getByTestId('timeline-canvas');
  const box = (await canvas.boundingBox())!;
  const vp0 = await tl(page, (api) => api.viewport());
  await page.mouse.move(box.x + box.width / 2, box.y + 40);
  await page.keyboard.down('Control');
  for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -400);
  await page.keyboard.up('Control');
  await waitIdle(page);
  await page.mouse.move(box.x + box.width / 2, box.y + 40);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 300, box.y + 40, { steps: 6 });
  await page.mouse.up();
  await waitIdle(page);
  const vp = await tl(page, (api) => api.viewport());
  expect(vp.endNs - vp.startNs).toBeLessThan((vp0.endNs - vp0.startNs) / 20);
  const zoomed = await tl(page, (api) => api.drawn());
  expect(zoomed.items).toBeGreaterThan(0);
  expect(read().filter((f) => busyChunks.has(f)).length).toBeGreaterThan(0);
  await shot(page, 'index-folder-busy-zoomed');

  // A kernel in view, clicked on the canvas: the same details as the trace's own.
  const kernels = await tl(page, (api) => api.find({ regex: '.', laneKind: 'gpu', limit: 200_000 }));
  const inView = kernels.filter((k) => k.startNs > vp.startNs && k.startNs + k.durNs < vp.endNs);
  const hit = (inView.length ? inView : kernels)[(inView.length || kernels.length) >> 1] as FoundEvent;
  await clickSliceOnCanvas(page, hit);
  await expect(page.getByTestId('details-panel')).toBeVisible();
  const viaIndex = (await tl(page, (api) => api.selection())) as Selected;
  expect(viaIndex?.key).toBe(hit.key);

  await open(page, `url=corpus/${BUSY}`);
  await tl(page, (api, key) => api.select(key), hit.key);
  await expect.poll(async () => ((await tl(page, (api) => api.selection())) as Selected)?.key).toBe(hit.key);
  expect(viaIndex).toEqual((await tl(page, (api) => api.selection())) as Selected);
  expect(errors).toEqual([]);
});

test('?index= mixes with ?url=: two ranks, one indexed, one plain', async ({ page }) => {
  const both = await open(page, `url=corpus/${TRACES[1]}&url=corpus/${TRACES[2]}`);
  const mixed = await open(page, `index=idx/${TRACES[1]}/&url=corpus/${TRACES[2]}`);
  expect(shape(mixed)).toEqual(shape(both));
  expect(new Set(mixed.lanes.map((l) => l.trace)).size).toBe(2);
});

test('an index folder on another origin (serve.mjs --index: CORS) opens in the portal', async ({ page }) => {
  const other = await serveStatic({ mounts: { '/index/': dir }, cors: ['/index/'], port: 0 });
  try {
    const selected = async (key: string) => {
      await tl(page, (api, k) => api.select(k), key);
      await expect.poll(async () => ((await tl(page, (api) => api.selection())) as Selected)?.key).toBe(key);
      return (await tl(page, (api) => api.selection())) as Selected;
    };
    const plain = await open(page, `url=corpus/${TRACES[2]}`);
    const hit = (await tl(page, (api) => api.find({ regex: '.', laneKind: 'gpu', limit: 100 })))[50];
    const want = await selected(hit.key);
    expect(want?.argsText).toContain('correlation');
    // Another port is another origin: the index answers with Access-Control-Allow-Origin.
    const remote = await open(page, `index=${encodeURIComponent(`${other.url}index/${TRACES[2]}/`)}`);
    expect(shape(remote)).toEqual(shape(plain));
    // Args blocks too come from the other origin (a synchronous request in the worker).
    expect(await selected(hit.key)).toEqual(want);
    // Content-named files are cached for good, the manifest revalidated.
    const manifest = await fetch(`${other.url}index/${TRACES[2]}/manifest.json`);
    expect(manifest.headers.get('cache-control')).toBe('no-cache');
    const chunk = (await manifest.json()).lanes[0].chunks[0].file;
    expect((await fetch(`${other.url}index/${TRACES[2]}/${chunk}`)).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  } finally {
    await other.close();
  }
});

test('an index of another version is refused with both version numbers', async ({ page }) => {
  const other = path.join(dir, 'v99', TRACES[1]);
  cpSync(path.join(dir, TRACES[1]), other, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(other, 'manifest.json'), 'utf8'));
  writeFileSync(path.join(other, 'manifest.json'), JSON.stringify({ ...manifest, version: 99 }));
  await page.goto(`${server.url}?index=idx/v99/${TRACES[1]}/`, { waitUntil: 'load' });
  await expect(page.getByTestId('load-error')).toContainText('version 99');
  await expect(page.getByTestId('load-error')).toContainText(`reads version ${manifest.version}`);
  await shot(page, 'index-folder-version');
});

test('an index folder chosen from this computer opens as by ?index=; a folder without one says so', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectConsoleErrors(page);
  const served = await open(page, `index=idx/${TRACES[0]}/`);
  const kernels = await tl(page, (api) => api.find({ regex: '.', laneKind: 'gpu', limit: 100_000 }));

  // The landing page's button, its folder picker, the folder npm run index wrote for the trace.
  await page.goto(server.url, { waitUntil: 'load' });
  log.length = 0;
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open-index-folder').click();
  await (await chooser).setFiles(path.join(dir, TRACES[0]));
  const local = await waitReady(page, 120_000);
  expect(shape(local)).toEqual(shape(served));
  expect(await tl(page, (api) => api.find({ regex: '.', laneKind: 'gpu', limit: 100_000 }))).toEqual(kernels);
  // Nothing of it was fetched: the files came from the picker.
  expect(log.filter((m) => m.includes('/idx/'))).toEqual([]);
  const kernel = kernels[Math.floor(kernels.length / 2)];
  await tl(page, (api, key) => api.select(key), kernel.key);
  expect(((await tl(page, (api) => api.selection())) as { args: Record<string, unknown> }).args).toHaveProperty('correlation');

  // A folder of traces, not an index folder: a clear error, not a blank page.
  await page.goto(server.url, { waitUntil: 'load' });
  const again = page.waitForEvent('filechooser');
  await page.getByTestId('open-index-folder').click();
  await (await again).setFiles(CORPUS_DIR);
  await expect(page.getByTestId('load-error')).toContainText('is not an index folder');
  expect(errors).toEqual([]);
});
