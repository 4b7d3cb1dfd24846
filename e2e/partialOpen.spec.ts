// Opening part of a trace bigger than the memory budget (issue 23). A Chrome-JSON trace made
// here (deterministic) is about twice a `?budgetMB=` setting: it is refused, "Open part of it…"
// counts it, the user unticks a process and drags a time window on the density (real mouse),
// and the part opens with the lane ids, slice keys and annotation instants of a full open of
// the same trace under a higher budget. Reloading the link opens the same part again.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
// @ts-expect-error plain ESM script without types
import { serveStatic } from '../scripts/serve.mjs';
import { collectConsoleErrors, corpusPath, openApp, shot, tl, waitIdle, type TraceSummary } from './helpers';

const NAME = 'partial_open.json';
const dir = path.join(tmpdir(), `tl-partial-open-${process.pid}`);
const BASE_NS = 1_717_000_000_000_000_000n;
const HOST = '4242';
const GPU = '0';
/** A budget the whole trace needs about twice of; the part fits it. */
const BUDGET_MB = 4;

interface Server {
  url: string;
  close(): Promise<void>;
}

/** Slices of the trace as written, for expectations computed apart from the app. */
interface Written {
  pid: string;
  tid: string;
  name: string;
  tsUs: number;
  durUs: number;
}
const written: Written[] = [];

/** The trace: a host process (main thread with steps crossing any window, a loader thread) and a GPU stream, launch → kernel flows. */
function generate(): string {
  let seed = 23;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const events: string[] = [
    `{"ph":"M","name":"process_name","pid":${HOST},"tid":0,"args":{"name":"trainer"}}`,
    `{"ph":"M","name":"thread_name","pid":${HOST},"tid":${HOST},"args":{"name":"main"}}`,
    `{"ph":"M","name":"thread_name","pid":${HOST},"tid":4243,"args":{"name":"loader"}}`,
    `{"ph":"M","name":"process_name","pid":${GPU},"tid":0,"args":{"name":"GPU 0"}}`,
    `{"ph":"M","name":"thread_name","pid":${GPU},"tid":7,"args":{"name":"stream 7"}}`,
  ];
  const x = (pid: string, tid: string, cat: string, name: string, tsUs: number, durUs: number, args: string) => {
    written.push({ pid, tid, name, tsUs, durUs });
    events.push(`{"ph":"X","cat":"${cat}","name":"${name}","pid":${pid},"tid":${tid},"ts":${tsUs.toFixed(3)},"dur":${durUs.toFixed(3)},"args":${args}}`);
  };
  const STEPS = 16;
  const PER_STEP = 1000;
  for (let s = 0; s < STEPS; s++) {
    const t0 = 1_000_000 + s * PER_STEP * 30;
    x(HOST, HOST, 'user_annotation', `ProfilerStep#${s}`, t0, PER_STEP * 30 - 5, `{"step":${s}}`);
    for (let i = 0; i < PER_STEP; i++) {
      const t = t0 + i * 30 + 1;
      const id = s * PER_STEP + i;
      x(HOST, HOST, 'cpu_op', `aten::op_${id % 17}`, t, 12 + rand() * 6, `{"External id":${id},"Input Dims":[[${id % 64},128]]}`);
      x(HOST, HOST, 'cuda_runtime', 'cudaLaunchKernel', t + 2, 4, `{"correlation":${id}}`);
      events.push(`{"ph":"s","cat":"ac2g","name":"ac2g","id":${id},"pid":${HOST},"tid":${HOST},"ts":${(t + 2).toFixed(3)}}`);
      x(GPU, '7', 'kernel', `kernel_${id % 11}`, t + 8, 15 + rand() * 8, `{"correlation":${id},"stream":7}`);
      events.push(`{"ph":"f","bp":"e","cat":"ac2g","name":"ac2g","id":${id},"pid":${GPU},"tid":7,"ts":${(t + 8).toFixed(3)}}`);
      if (i % 4 === 0) x(HOST, '4243', 'cpu_op', 'loader::next', t + 3, 20, `{"batch":${id}}`);
    }
  }
  return `{"schemaVersion":1,"baseTimeNanoseconds":${BASE_NS},"traceEvents":[\n${events.join(',\n')}\n]}`;
}

async function serve(): Promise<Server> {
  return serveStatic({ mounts: { '/': process.env.TRACELANE_DIST || 'dist', '/t/': dir }, port: 0, ranges: true });
}

async function waitState(page: Page, state: 'ready' | 'error', timeout = 120_000): Promise<void> {
  await page.waitForFunction((s) => document.documentElement.dataset.traceState === s, state, { timeout, polling: 50 });
}

/** "Open part of a trace…" on the landing page, picking `file`. */
async function pickPart(page: Page, file: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open-part').click();
  await (await chooser).setFiles(file);
}

/** Runs `fn` against a server of its own (the build and the generated traces). */
async function withServer(fn: (server: Server) => Promise<void>): Promise<void> {
  const server = await serve();
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

async function allKeys(page: Page): Promise<{ key: string; laneId: string; startNs: number; durNs: number }[]> {
  return tl(page, (api) => api.find({ regex: '.', limit: 1_000_000 }));
}

test.beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, NAME), generate());
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a trace twice over ?budgetMB= opens a chosen window and process with a full open’s keys; the link reopens the part', async ({ browser }) => {
  test.setTimeout(240_000);
  await withServer(async (server) => {
    const traceUrl = `${server.url}t/${NAME}`;
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const errors = collectConsoleErrors(page, [/Failed to load resource/]);
    await page.goto(`${server.url}?budgetMB=${BUDGET_MB}&url=${encodeURIComponent(traceUrl)}`, { waitUntil: 'load' });
    await waitState(page, 'error');
    await expect(page.getByTestId('load-error')).toContainText('more than the memory budget of 4 MB');
    const needMB = Number(/needs about ([\d.]+) MB/.exec(await page.getByTestId('load-error').innerText())![1]);
    expect(needMB).toBeGreaterThan(1.6 * BUDGET_MB);

    // The counting pass, then the chooser.
    await page.getByTestId('open-part-refused').click();
    await expect(page.getByTestId('part-density')).toBeVisible({ timeout: 60_000 });
    const total = written.length;
    const processes = page.getByTestId('part-process');
    await expect(processes).toHaveCount(2);
    // Per-thread counts as written (slices only: flows are not events).
    const count = (pid: string, tid: string) => written.filter((w) => w.pid === pid && w.tid === tid).length;
    await expect(page.locator(`[data-testid="part-thread"][data-pid="${HOST}"][data-tid="${HOST}"]`).locator('..')).toContainText(count(HOST, HOST).toLocaleString('en-US'));
    await expect(page.locator(`[data-testid="part-thread"][data-pid="${GPU}"][data-tid="7"]`).locator('..')).toContainText(count(GPU, '7').toLocaleString('en-US'));
    await expect(page.getByTestId('part-chooser')).toContainText(`${total.toLocaleString('en-US')} events`);
    // The whole trace is over the budget: Open is disabled until less is chosen.
    await expect(page.getByTestId('part-open')).toBeDisabled();

    // Untick the GPU process, drag a window over the middle of the density.
    await page.locator(`[data-testid="part-process"][data-pid="${GPU}"]`).click();
    const box = (await page.getByTestId('part-density').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const win = page.getByTestId('part-window');
    const fromNs = Number(await win.getAttribute('data-from-ns'));
    const toNs = Number(await win.getAttribute('data-to-ns'));
    const firstUs = Math.min(...written.map((w) => w.tsUs));
    const lastUs = Math.max(...written.map((w) => w.tsUs + w.durUs));
    // The window is where the mouse went, in the trace's time (ns from its first event's µs).
    const spanNs = (lastUs - firstUs) * 1000;
    expect(Math.abs(fromNs - 0.3 * spanNs)).toBeLessThan(spanNs * 0.01);
    expect(Math.abs(toNs - 0.6 * spanNs)).toBeLessThan(spanNs * 0.01);
    await expect(page.getByTestId('part-open')).toBeEnabled();
    const estimateMB = Number(await page.getByTestId('part-estimate').getAttribute('data-estimate-mb'));
    expect(estimateMB).toBeLessThanOrEqual(BUDGET_MB);
    await shot(page, 'partial-open-chooser');

    await page.getByTestId('part-open').click();
    await waitState(page, 'ready');
    await waitIdle(page);
    const part = await tl(page, (api) => api.summary() as unknown as TraceSummary);
    const partKeys = await allKeys(page);

    // Expected from the written trace: the host's slices overlapping the window, crossing ones whole.
    const originUs = Math.floor(firstUs);
    const from = originUs + fromNs / 1000;
    const to = originUs + toNs / 1000;
    const expected = written.filter((w) => w.pid === HOST && w.tsUs <= to && w.tsUs + w.durUs >= from);
    expect(partKeys.length).toBe(expected.length);
    // Flows to the GPU process, which was left out, are listed as leaving the part.
    expect((part.warnings as { code: string }[]).map((w) => w.code)).toContain('flows-leave-window');
    await expect(page.getByTestId('load-warning')).toContainText('lead to slices outside the opened part');

    // An annotation at a slice's start, then the link.
    const mark = (await tl(page, (api) => api.find({ name: 'cudaLaunchKernel', limit: 1 })))[0];
    await tl(page, (api, at) => api.annotate({ startNs: at, label: 'launch' }), mark.startNs);
    await shot(page, 'partial-open-timeline');
    await page.waitForFunction(() => window.location.hash.length > 10);
    await page.waitForTimeout(600);
    const link = page.url();

    // A full open of the same trace under a higher budget.
    const full = await browser.newPage();
    await full.goto(`${server.url}?budgetMB=256&url=${encodeURIComponent(traceUrl)}`, { waitUntil: 'load' });
    await waitState(full, 'ready');
    const whole = await tl(full, (api) => api.summary() as unknown as TraceSummary);
    const fullKeys = await allKeys(full);
    expect(whole.originNs).toBe(part.originNs);
    // Every lane id and slice key of the part is a full open's, at the same axis instant.
    const fullLaneIds = new Set(whole.lanes.map((l) => l.id));
    expect(part.lanes.length).toBeGreaterThan(0);
    expect(part.lanes.filter((l) => !fullLaneIds.has(l.id))).toEqual([]);
    const fullByKey = new Map(fullKeys.map((h) => [h.key, h]));
    expect(partKeys.filter((h) => fullByKey.get(h.key)?.startNs !== h.startNs)).toEqual([]);
    // And the part's keys are exactly the full open's host slices overlapping the window (absolute ns in the key).
    const absFrom = BASE_NS + BigInt(originUs) * 1000n + BigInt(Math.round(fromNs));
    const absTo = BASE_NS + BigInt(originUs) * 1000n + BigInt(Math.round(toNs));
    const fullInside = fullKeys.filter((h) => {
      const abs = BigInt(h.key.split('@')[1]);
      return h.laneId.split('|')[1] === HOST && abs <= absTo && abs + BigInt(Math.round(h.durNs)) >= absFrom;
    });
    expect(new Set(partKeys.map((h) => h.key))).toEqual(new Set(fullInside.map((h) => h.key)));
    // Slices crossing the window's start (the steps) are kept whole.
    expect(partKeys.some((h) => BigInt(h.key.split('@')[1]) < absFrom)).toBe(true);
    // The annotation lands on the same instant in the full open.
    await tl(full, (api, at) => api.annotate({ startNs: at, label: 'launch' }), fullByKey.get(mark.key)!.startNs);
    const fullNotes = await tl(full, (api) => (api as unknown as { annotations(): unknown }).annotations() as { startNs: number }[]);
    const partNotes = await tl(page, (api) => (api as unknown as { annotations(): unknown }).annotations() as { startNs: number }[]);
    expect(partNotes.map((a) => a.startNs)).toEqual(fullNotes.map((a) => a.startNs));
    await full.close();

    // Reloading the link opens the same part (within the small budget) with its annotation.
    const again = await browser.newPage();
    await again.goto(link, { waitUntil: 'load' });
    await waitState(again, 'ready');
    await again.waitForFunction(() => document.documentElement.dataset.viewRestore === 'done', null, { timeout: 30_000 });
    const againKeys = await allKeys(again);
    expect(againKeys.map((h) => h.key).sort()).toEqual(partKeys.map((h) => h.key).sort());
    expect((await tl(again, (api) => (api as unknown as { annotations(): unknown }).annotations() as { startNs: number; label: string }[])).map((a) => [a.startNs, a.label])).toEqual([[mark.startNs, 'launch']]);
    await again.close();
    expect(errors).toEqual([]);
    await page.close();
  });
});

test('"Open part of a trace…" on the landing page: Cancel, then threads chosen; a link to the file reopens the part', async ({ page }) => {
  test.setTimeout(120_000);
  await withServer(async (server) => {
    await page.goto(server.url, { waitUntil: 'load' });
    await pickPart(page, path.join(dir, NAME));
    await expect(page.getByTestId('part-chooser')).toBeVisible();
    await page.getByTestId('part-cancel').click();
    await expect(page.getByTestId('part-chooser')).toHaveCount(0);
    await expect(page.getByTestId('open-part')).toBeVisible();
    // And through to the chooser: the whole trace fits the default budget, so Open is offered at once.
    await pickPart(page, path.join(dir, NAME));
    await expect(page.getByTestId('part-density')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('part-open')).toBeEnabled();
    // The loader thread only.
    await page.locator(`[data-testid="part-thread"][data-pid="${HOST}"][data-tid="${HOST}"]`).click();
    await page.locator(`[data-testid="part-process"][data-pid="${GPU}"]`).click();
    await page.getByTestId('part-open').click();
    await waitState(page, 'ready');
    const s = await tl(page, (api) => api.summary() as unknown as TraceSummary);
    const loader = written.filter((w) => w.tid === '4243').length;
    expect(s.events).toBe(loader);
    // A link to a file from disk asks for it, then opens the same part.
    await page.waitForTimeout(600);
    const link = page.url();
    const p2 = await page.context().newPage();
    await p2.goto(link);
    await expect(p2.getByTestId('file-request')).toContainText(NAME);
    await p2.getByTestId('file-input').setInputFiles(path.join(dir, NAME));
    await waitState(p2, 'ready');
    expect((await tl(p2, (api) => api.summary() as unknown as TraceSummary)).events).toBe(loader);
    await p2.close();
  });
});

test('many ranks: the rank chooser offers to open one rank in part', async ({ page }) => {
  test.setTimeout(120_000);
  await withServer(async (server) => {
    await page.goto(server.url, { waitUntil: 'load' });
    const small = `{"traceEvents":[${written.slice(0, 200).map((w) => `{"ph":"X","cat":"cpu_op","name":"${w.name}","pid":${w.pid},"tid":${w.tid},"ts":${w.tsUs.toFixed(3)},"dur":${w.durUs.toFixed(3)}}`).join(',')}]}`;
    const ranks = Array.from({ length: 9 }, (_, r) => ({ name: `rank${r}.json`, mimeType: 'application/json', buffer: Buffer.from(small) }));
    await page.getByTestId('file-input').setInputFiles(ranks);
    await expect(page.getByTestId('rank-chooser')).toBeVisible();
    await shot(page, 'partial-open-rank-chooser');
    await page.getByTestId('rank-part').nth(3).click();
    await expect(page.getByTestId('part-chooser')).toContainText('Open part of rank3.json');
    await expect(page.getByTestId('part-density')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('part-chooser')).toContainText('200 events');
  });
});

test('a big plain file is counted and opened in part in parallel pieces: the counts and slices of the raw JSON', async ({ page }) => {
  test.setTimeout(300_000);
  const big = path.join(dir, 'llm_decode_large.json');
  const text = gunzipSync(readFileSync(corpusPath('llm_decode_large.json.gz')));
  writeFileSync(big, text);
  const events = (JSON.parse(text.toString('utf8')) as { traceEvents: { ph?: string; ts?: number; dur?: number; pid?: unknown }[] }).traceEvents;
  const timed = events.filter((e) => e.ph && 'XiIRCBEbenSTpF'.includes(e.ph) && typeof e.ts === 'number');
  // On two cores a plain file this size parses on one thread (parallelParse.ts): the parallel parse is asked for.
  await openApp(page, '/?pieces=parallel');
  // Cancel while it counts: back to the landing page.
  await pickPart(page, big);
  await expect(page.getByTestId('part-progress')).toBeVisible();
  await shot(page, 'partial-open-counting');
  await page.getByTestId('part-cancel').click();
  await expect(page.getByTestId('part-chooser')).toHaveCount(0);
  await pickPart(page, big);
  await expect(page.getByTestId('part-density')).toBeVisible({ timeout: 240_000 });
  await shot(page, 'partial-open-big-chooser');
  await expect(page.getByTestId('part-chooser')).toContainText(`${timed.length.toLocaleString('en-US')} events`);
  // Without the host process (pid 596: the GPU and Kineto's own rows stay), over a window dragged across a third of the trace.
  await page.locator('[data-testid="part-process"][data-pid="596"]').click();
  const box = (await page.getByTestId('part-density').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  const fromNs = Number(await page.getByTestId('part-window').getAttribute('data-from-ns'));
  const toNs = Number(await page.getByTestId('part-window').getAttribute('data-to-ns'));
  await page.getByTestId('part-open').click();
  await waitState(page, 'ready', 240_000);
  const s = await tl(page, (api) => api.summary() as unknown as TraceSummary & { stagesMs?: unknown });
  // Parsed by helpers too (their pieces filtered as they read them).
  expect(JSON.stringify(s.stagesMs)).toMatch(/fragment 1/);
  const originUs = Math.floor(timed[0].ts!);
  const [from, to] = [originUs + fromNs / 1000, originUs + toNs / 1000];
  const expected = timed.filter((e) => String(e.pid) !== '596' && e.ph === 'X' && e.ts! <= to && e.ts! + (e.dur ?? 0) >= from).length;
  expect(expected).toBeGreaterThan(1000);
  expect((await allKeys(page)).length).toBe(expected);
  expect(s.lanes.filter((l) => l.id.split('|')[1] === '596')).toEqual([]);
});
