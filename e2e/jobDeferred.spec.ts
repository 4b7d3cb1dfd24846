// Issue 25: a job's ranks open as their lanes scroll into view. A generated job of 16 ranks (bench/rankJob.mjs, one
// late rank) indexed rank by rank and merged opens by one link; only the ranks in (or a screen from) view are opened
// (counted from the requests for their index files), the mouse wheel brings the next ones in and their lanes draw,
// the view stays put while ranks above it open, and the stall finder names the late rank (a rank not opened yet) and
// its jump opens that rank and selects its operation; the shared link brings the selection back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
// @ts-expect-error plain ESM script without types
import { serveStatic } from '../scripts/serve.mjs';
import { jobTimeline } from '../bench/rankJob.mjs';
import { collectConsoleErrors, shot, tl, waitReady } from './helpers';
import { buildIndexer, generatedJob } from './rankJobFolder';

const RANKS = 16;
const STEPS = 4;
const LATE = { rank: 13, step: 2, ns: 300e6 };
const dir = mkdtempSync(path.join(tmpdir(), 'tl-job-deferred-'));
let server: { url: string; close(): Promise<void> };

test.beforeAll(() => generatedJob(buildIndexer(dir), dir, { ranks: RANKS, steps: STEPS, late: LATE }));
test.beforeAll(async () => {
  server = await serveStatic({ mounts: { '/': process.env.TRACELANE_DIST || 'dist', '/jobs/': dir }, port: 0 });
});
test.afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Per rank, which of its index files the page (or its workers) asked for. */
function watchRankFiles(page: Page): { manifests: Set<number>; coarse: Set<number> } {
  const seen = { manifests: new Set<number>(), coarse: new Set<number>() };
  page.context().on('request', (req) => {
    const m = /\/jobs\/job\/rank-(\d+)\/rank\d+\.json\/(manifest\.json|coarse-)/.exec(req.url());
    if (m) (m[2] === 'manifest.json' ? seen.manifests : seen.coarse).add(Number(m[1]));
  });
  return seen;
}

/** Waits until no rank is opening and the last frame is complete, twice 300 ms apart (opening starts on a frame). */
async function settle(page: Page): Promise<string[]> {
  let last = '';
  for (;;) {
    await page.waitForFunction(
      () => document.documentElement.dataset.traceState === 'ready' && document.documentElement.dataset.renderState === 'idle' && !document.querySelector('[data-placeholder="opening"]'),
      null,
      { timeout: 60_000, polling: 50 },
    );
    const deferred = await tl(page, (api) => (api.summary() as unknown as { deferred: string[] }).deferred);
    const now = deferred.join(',');
    if (now === last) return deferred;
    last = now;
    await page.waitForTimeout(300);
  }
}

/** Opens the job by its link and waits for the ranks in view to open; returns the ranks still waiting. */
async function openJob(page: Page): Promise<number[]> {
  await page.goto(`${server.url}?index=jobs/job/`, { waitUntil: 'load' });
  await waitReady(page, 120_000);
  return ranksOf(await settle(page));
}

const rankKey = (r: number) => `rank${r}`;
const ranksOf = (keys: string[]) => keys.map((k) => Number(k.replace('rank', ''))).sort((a, b) => a - b);

test("a job's ranks open as they scroll into view: only theirs are fetched, and their lanes draw", async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectConsoleErrors(page);
  const files = watchRankFiles(page);
  const deferred = await openJob(page);
  const opened = Array.from({ length: RANKS }, (_, r) => r).filter((r) => !deferred.includes(r));
  // The first ranks (those in view and a screen below) are open, the rest wait; none of theirs was fetched.
  expect(opened.length).toBeGreaterThanOrEqual(4);
  expect(opened.length).toBeLessThan(RANKS);
  expect(opened).toEqual(Array.from({ length: opened.length }, (_, r) => r));
  expect([...files.manifests].sort((a, b) => a - b)).toEqual(opened);
  expect([...files.coarse].sort((a, b) => a - b)).toEqual(opened);
  const lanes = (await tl(page, (api) => api.summary())).lanes;
  expect([...new Set(lanes.map((l) => l.trace))]).toEqual(opened.map(rankKey));
  // The Traces panel places the last rank, not opened yet, from job.json: the span it has once opened (below).
  await page.getByTestId('traces-button').click();
  const lastRow = page.locator(`[data-testid="trace-row"][data-trace="${rankKey(RANKS - 1)}"]`);
  const spanOf = async () => [await lastRow.getAttribute('data-start-ns'), await lastRow.getAttribute('data-end-ns')].map(Number);
  const placed = await spanOf();
  expect(placed[1]).toBeGreaterThan(placed[0]);
  await page.getByTestId('traces-button').click();

  // The mouse wheel over the lanes scrolls down: the ranks coming into view open and their lanes draw.
  const canvas = page.getByTestId('timeline-canvas');
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 400);
  const afterWheel = ranksOf(await settle(page));
  const newly = deferred.filter((r) => !afterWheel.includes(r));
  expect(newly.length).toBeGreaterThan(0);
  for (const r of newly) expect(files.manifests.has(r) && files.coarse.has(r)).toBe(true);
  for (const r of afterWheel) expect(files.manifests.has(r)).toBe(false);
  const drawn = await tl(page, (api) => api.drawn());
  const drawnNew = drawn.lanes.filter((l) => newly.some((r) => l.id.startsWith(`${rankKey(r)}|`)) && l.items > 0);
  expect(drawnNew.length).toBeGreaterThan(0);
  await shot(page, 'job-deferred-wheel');

  // On to the bottom: the last ranks open as they come into view (their headers, placeholders until then, are named
  // from job.json: test/src/timeline/laneLayout.test.ts). The view stays on the rows it shows while ranks open below,
  // so the wheel goes on until the last rank is at the bottom.
  const atBottom = () => page.evaluate(() => {
    const s = document.querySelector('.lanes-scroll')!;
    return s.scrollTop + s.clientHeight >= s.scrollHeight - 1;
  });
  let waiting = afterWheel;
  for (let i = 0; i < 10 && (waiting.length || !(await atBottom())); i++) {
    await page.mouse.wheel(0, 5_000);
    waiting = ranksOf(await settle(page));
  }
  expect(waiting).toEqual([]);
  const last = (await tl(page, (api) => api.drawn())).lanes.filter((l) => l.id.startsWith(`${rankKey(RANKS - 1)}|`) && l.items > 0);
  expect(last.length).toBeGreaterThan(0);
  await shot(page, 'job-deferred-bottom');
  await page.getByTestId('traces-button').click();
  expect(await spanOf()).toEqual(placed);

  expect(errors).toEqual([]);
});

test("the stall finder names a rank not opened yet; its jump opens it and selects the late operation; the link brings it back", async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectConsoleErrors(page);
  const files = watchRankFiles(page);
  const deferred = await openJob(page);
  // The stall finder names the late rank, not opened yet, from the job's stored ops; the wait is the generator's.
  const row = page.getByTestId('stall-row').first();
  await expect(row).toHaveAttribute('data-rank', String(LATE.rank));
  const { arrive, end } = jobTimeline({ worldSize: RANKS, steps: STEPS, late: LATE });
  const waitNs = arrive[LATE.step][LATE.rank] - Math.min(...arrive[LATE.step]);
  expect(Number(await row.getAttribute('data-wait-ns'))).toBe(waitNs);
  expect(deferred).toContain(LATE.rank);
  await shot(page, 'job-deferred-open');

  await row.locator('.stall-jump').click();
  await page.waitForFunction(() => window.tracelane?.selection() !== null, null, { timeout: 60_000 });
  const sel = (await page.evaluate(() => window.tracelane!.selection())) as { laneId: string; name: string; durNs: number };
  const laneHeader = page.locator(`[data-testid="lane-header"][data-lane-id="${sel.laneId}"]`);
  await expect(laneHeader).toBeInViewport();
  const landed = (await laneHeader.boundingBox())!.y;
  const stillWaiting = ranksOf(await settle(page));
  expect(sel.laneId.startsWith(`${rankKey(LATE.rank)}|`)).toBe(true);
  expect(files.manifests.has(LATE.rank)).toBe(true);
  // The late rank's all-reduce (its kernel runs from its late arrival to the step's end: the generator's timeline).
  expect(sel.name).toMatch(/AllReduce|record_param_comms/);
  if (/AllReduce/.test(sel.name)) expect(sel.durNs).toBe(end[LATE.step] - arrive[LATE.step][LATE.rank]);
  // The ranks between the open ones and the late rank (not opened before the jump) opened around it, their rows
  // growing above its lane by more than a screen; the lane stayed where the jump put it.
  expect(deferred.filter((r) => r < LATE.rank).length).toBeGreaterThanOrEqual(4);
  for (const r of deferred.filter((r) => r < LATE.rank)) expect(stillWaiting).not.toContain(r);
  await expect(laneHeader).toBeInViewport();
  expect((await laneHeader.boundingBox())!.y).toBeCloseTo(landed, 0);
  await shot(page, 'job-deferred-jump');

  // A lane of another rank opened by the jump, hidden with its header's button: the link keeps it hidden.
  const hiddenLane = `${rankKey(LATE.rank - 1)}|${1000 + LATE.rank - 1}|${1000 + LATE.rank - 1}|cpu`;
  await page.locator(`[data-testid="lane-header"][data-lane-id="${hiddenLane}"]`).hover();
  await page.locator(`[data-testid="lane-header"][data-lane-id="${hiddenLane}"] button[aria-label="Hide lane"]`).click();
  await expect(page.locator(`[data-testid="lane-header"][data-lane-id="${hiddenLane}"]`)).toHaveCount(0);

  // The link of this view (a job, a selection in the late rank, a hidden lane of a rank not opened with the page)
  // opens the job again: the ranks it names are opened, the same slice selected, the lane hidden, nothing dropped.
  await page.waitForFunction(() => window.location.hash.startsWith('#tl='));
  await page.waitForTimeout(1500);
  const link = page.url().replace(/\?[^#]*/, '');
  await page.goto(link, { waitUntil: 'load' });
  await waitReady(page, 120_000);
  await page.waitForFunction(() => window.tracelane?.selection() !== null, null, { timeout: 60_000 });
  const again = (await page.evaluate(() => window.tracelane!.selection())) as { laneId: string; name: string };
  expect(again.laneId).toBe(sel.laneId);
  expect(again.name).toBe(sel.name);
  await page.waitForFunction(() => document.documentElement.dataset.viewRestore === 'done');
  await expect(page.getByTestId('restore-notice')).toHaveCount(0);
  expect((await tl(page, (api) => api.summary())).lanes.some((l) => l.id === hiddenLane)).toBe(true);
  await expect(page.locator(`[data-testid="lane-header"][data-lane-id="${hiddenLane}"]`)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Show 1 hidden' })).toBeVisible();
  expect(errors).toEqual([]);
});
