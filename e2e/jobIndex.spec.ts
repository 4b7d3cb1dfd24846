// Issue 25: a job indexed rank by rank (`npm run index -- --rank-from-env`, one process per
// JOB_COMPLETION_INDEX) and merged (`--merge`) opens by one link, `?index=<job folder>`: every rank
// is listed without the rank chooser (those in view opened), the stall finder names the injected late rank from the job's
// precomputed comm ops, and the shared link names the job once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
// @ts-expect-error plain ESM script without types
import { serveStatic } from '../scripts/serve.mjs';
import { jobTimeline } from '../bench/rankJob.mjs';
import { collectConsoleErrors, CORPUS_DIR, shot, waitReady } from './helpers';
import { buildIndexer, generatedJob, indexJob } from './rankJobFolder';

const RANKS = Number(process.env.JOB_RANKS ?? 8);
const STEPS = 5;
const LATE = { rank: 5, step: 2, ns: 400e6 };
const PAIR = ['two_rank_stall_rank0.json.gz', 'two_rank_stall_rank1.json.gz'];
const dir = mkdtempSync(path.join(tmpdir(), 'tl-job-e2e-'));
let server: { url: string; close(): Promise<void> };
const log: string[] = [];

test.beforeAll(() => {
  const bin = buildIndexer(dir);
  generatedJob(bin, dir, { ranks: RANKS, steps: STEPS, late: LATE });
  // The corpus's two gloo ranks as a job too: their waiting rank's GPU idles during the wait.
  indexJob(bin, path.join(dir, 'pair'), PAIR.map((n) => path.join(CORPUS_DIR, n)));
});
test.beforeAll(async () => {
  server = await serveStatic({ mounts: { '/': process.env.TRACELANE_DIST || 'dist', '/jobs/': dir, '/corpus/': CORPUS_DIR }, port: 0, log: (m: string) => log.push(m) });
});
test.afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('?index=<job folder> opens every rank; the stall finder names the late rank from the stored comm ops', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectConsoleErrors(page);
  await page.goto(`${server.url}?index=jobs/job/`, { waitUntil: 'load' });
  const summary = await waitReady(page, 120_000);
  // All ranks, no chooser (more than 8 files would ask), in rank order.
  await expect(page.getByTestId('rank-chooser')).toHaveCount(0);
  // The ranks whose lanes are in view are open, the others wait as headers until they scroll into view (jobDeferred.spec.ts).
  const opened = [...new Set(summary.lanes.map((l) => l.trace))];
  expect([...opened, ...(summary as unknown as { deferred: string[] }).deferred]).toEqual(Array.from({ length: RANKS }, (_, r) => `rank${r}`));
  expect(opened.length).toBeGreaterThanOrEqual(4);
  await expect(page.getByTestId('trace-header').first()).toContainText('rank 0');
  // The ranks share four trace workers (each answering several ranks on ports of their own), not one each.
  const traceWorkers = page.workers().filter((w) => /trace\.worker/.test(w.url())).length;
  expect(traceWorkers).toBeGreaterThanOrEqual(1);
  expect(traceWorkers).toBeLessThanOrEqual(4);

  const panel = page.getByTestId('stall-panel');
  await expect(panel).toBeVisible();
  const rows = page.getByTestId('stall-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-rank', String(LATE.rank));
  await expect(rows.first()).toContainText(`rank ${LATE.rank}`);
  // The wait, from the generator's own timeline: the late arrival minus the first one.
  const { arrive } = jobTimeline({ worldSize: RANKS, steps: STEPS, late: LATE });
  const waitNs = arrive[LATE.step][LATE.rank] - Math.min(...arrive[LATE.step]);
  expect(Number(await rows.first().getAttribute('data-wait-ns'))).toBe(waitNs);
  await expect(rows.first()).toContainText(`arrived ${Math.round(waitNs / 1e6)} ms late`);
  // The ops came from the job's comms.json; each rank was opened from its own index folder.
  expect(log.some((m) => m.includes('/jobs/job/comms.json'))).toBe(true);
  for (const r of opened.map(String)) expect(log.some((m) => m.includes(`/jobs/job/rank-${r.slice(4)}/${r}.json/manifest.json`))).toBe(true);
  await shot(page, 'job-index-stall');

  // The Overview across the ranks, from the figures the merge stored: each rank's GPU span runs from its first
  // GEMM to the end of the last all-reduce (the generator's timeline).
  log.length = 0;
  await page.getByTestId('analysis-tab-overview').click();
  const overviewRows = page.getByTestId('overview-row');
  await expect(overviewRows).toHaveCount(RANKS);
  const { start, end } = jobTimeline({ worldSize: RANKS, steps: STEPS, late: LATE });
  const spans = await overviewRows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-span-ns'))));
  expect(spans).toEqual(Array.from({ length: RANKS }, (_, r) => end[STEPS - 1] - start[0][r]));
  expect(log.some((m) => m.includes('/jobs/job/overview.json'))).toBe(true);

  // The link names the job (not its ranks one by one): opening it reads the job folder again and opens the same ranks.
  await page.waitForFunction(() => window.location.hash.startsWith('#tl='));
  const link = page.url().replace(/\?[^#]*/, '');
  log.length = 0;
  await page.goto(link, { waitUntil: 'load' });
  const again = await waitReady(page, 120_000);
  expect([...new Set(again.lanes.map((l) => l.trace)), ...(again as unknown as { deferred: string[] }).deferred]).toEqual(Array.from({ length: RANKS }, (_, r) => `rank${r}`));
  expect(log.some((m) => m.includes('/jobs/job/job.json'))).toBe(true);
  await expect(page.getByTestId('stall-row').first()).toHaveAttribute('data-rank', String(LATE.rank));
  expect(errors).toEqual([]);
});

test("a job's stall rows, GPU idle of the waiting rank included, are those of its traces opened themselves", async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectConsoleErrors(page);
  const rowsOf = async (query: string) => {
    await page.goto(`${server.url}?${query}`, { waitUntil: 'load' });
    await waitReady(page, 60_000);
    const rows = page.getByTestId('stall-row');
    await expect(rows.first()).toBeVisible();
    return rows.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-rank')} ${e.getAttribute('data-wait-ns')} ${(e as HTMLElement).innerText}`));
  };
  const traces = await rowsOf(PAIR.map((n) => `url=corpus/${n}`).join('&'));
  expect(traces.some((r) => r.includes('GPU idle'))).toBe(true);
  log.length = 0;
  expect(await rowsOf('index=jobs/pair/')).toEqual(traces);
  expect(log.some((m) => m.includes('/jobs/pair/comms.json'))).toBe(true);
  expect(errors).toEqual([]);
});
