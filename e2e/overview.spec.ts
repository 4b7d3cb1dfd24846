// The Overview tab on HTA's two-rank NCCL pair (../shared/external/kineto-hta-sampled-2ranks):
// one row per rank with HTA's temporal breakdown, the worst rank on idle highlighted, a click
// opens that rank's GPU span, CSV, and window.tracelane.overview() with the same figures.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { collectConsoleErrors, CORPUS_DIR, openApp, openFilesByPicker, shot, tl, waitIdle, waitReady } from './helpers';

const DIR = path.resolve(CORPUS_DIR, '../external/kineto-hta-sampled-2ranks');
const FILES = ['sampled_rank-0.json.gz', 'sampled_rank-1.json.gz'];

/**
 * HTA's temporal breakdown of the pair (HTA f4d0062c382f from source, include_last_profiler_step=True
 * so it covers the whole trace), µs: [span, idle, compute, non-compute, overlap %].
 */
const HTA = [
  [1222847, 675191, 210320, 337336, 14.95],
  [1231186, 651136, 271973, 308077, 19.93],
];

interface OverviewFigures {
  trace: string;
  spanNs: number;
  idleNs: number;
  computeNs: number;
  nonComputeNs: number;
  overlapPct: number | null;
}

type Api = { overview(): Promise<OverviewFigures[]> };

/** First to last kernel/memcpy/memset of a file, in ns (its own clock). */
function gpuSpanNs(file: string): number {
  const events = (JSON.parse(gunzipSync(readFileSync(path.join(DIR, file))).toString('utf8')) as { traceEvents: { ph: string; cat?: string; ts: number; dur?: number }[] }).traceEvents;
  const ops = events.filter((e) => e.ph === 'X' && ['kernel', 'gpu_memcpy', 'gpu_memset'].includes(e.cat ?? ''));
  const base = Math.trunc(ops[0].ts);
  const start = Math.min(...ops.map((e) => Math.round((e.ts - base) * 1000)));
  const end = Math.max(...ops.map((e) => Math.round((e.ts - base) * 1000) + Math.round(e.dur! * 1000)));
  return end - start;
}

test('Overview of the two-rank NCCL pair: HTA figures per rank, worst rank, open a rank, CSV', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectConsoleErrors(page);
  await openApp(page);
  await openFilesByPicker(page, FILES.map((name) => ({ name, buffer: readFileSync(path.join(DIR, name)) })));
  await waitReady(page);

  await page.getByTestId('analysis-tab-overview').click();
  const rows = page.getByTestId('overview-row');
  await expect(rows).toHaveCount(2);
  const traces = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-trace')!));
  expect(traces).toEqual(['sampled_rank-0', 'sampled_rank-1']);

  for (const [i, row] of [rows.nth(0), rows.nth(1)].entries()) {
    const span = Number(await row.getAttribute('data-span-ns'));
    expect(span).toBe(gpuSpanNs(FILES[i]));
    const [hSpan, hIdle, hCompute, hNon, hOverlap] = HTA[i];
    const within = 0.001 * hSpan;
    expect(Math.abs(span / 1000 - hSpan)).toBeLessThan(within);
    expect(Math.abs(Number(await row.getAttribute('data-idle-ns')) / 1000 - hIdle)).toBeLessThan(within);
    expect(Math.abs(Number(await row.getAttribute('data-compute-ns')) / 1000 - hCompute)).toBeLessThan(within);
    expect(Math.abs(Number(await row.getAttribute('data-non-compute-ns')) / 1000 - hNon)).toBeLessThan(within);
    expect(Math.abs(Number(await row.getAttribute('data-overlap-pct')) - hOverlap)).toBeLessThan(0.01);
  }
  // Rank 0 idles 55.2 % of its span, rank 1 52.9 %: rank 0 is the worst on idle, rank 1 on compute it is not.
  await expect(rows.nth(0).locator('td[data-metric="idle"]')).toHaveAttribute('data-worst', 'worst');
  await expect(rows.locator('td[data-metric="span"][data-worst]')).toHaveCount(0);
  await expect(rows.nth(1).locator('td[data-metric="idle"]')).not.toHaveAttribute('data-worst', /.*/);
  await expect(page.locator('[data-testid="overview-bar"][data-worst="idle"]')).toHaveAttribute('data-trace', 'sampled_rank-0');

  // The automation contract gives the same figures.
  const api = await tl(page, (a) => (a as unknown as Api).overview());
  expect(api.map((o) => o.trace)).toEqual(traces);
  expect(api[1].spanNs).toBe(Number(await rows.nth(1).getAttribute('data-span-ns')));
  expect(api[1].idleNs + api[1].computeNs + api[1].nonComputeNs).toBeCloseTo(api[1].spanNs, 3);

  // The picked trace's details: kernel types with overlaps, idle per stream, launches.
  const details = page.getByTestId('overview-details');
  await expect(details).toHaveAttribute('data-trace', 'sampled_rank-0');
  await expect(details.locator('[data-testid="overview-kernel-type"][data-label="computation overlapping communication"]')).toHaveCount(1);
  // HTA's idle time breakdown of rank 0, stream 7: host wait 397917 µs, kernel wait 3765, other 598335.
  const s7 = details.locator('[data-testid="overview-stream"][data-stream="7"]');
  expect(Math.abs(Number(await s7.getAttribute('data-host-wait-ns')) / 1000 - 397917)).toBeLessThan(1);
  expect(Math.abs(Number(await s7.getAttribute('data-kernel-wait-ns')) / 1000 - 3765)).toBeLessThan(1);
  await expect(page.getByTestId('overview-launch')).toHaveAttribute('data-launches', '1204');
  await shot(page, 'overview-two-ranks');

  // A click on rank 1 opens it: its GPU span becomes the range and the view, its details show.
  await rows.nth(1).click();
  await expect(details).toHaveAttribute('data-trace', 'sampled_rank-1');
  await waitIdle(page);
  const range = await tl(page, (a) => a.range());
  expect(range).not.toBeNull();
  expect(Math.abs(range!.endNs - range!.startNs - api[1].spanNs)).toBeLessThan(2);
  const vp = await tl(page, (a) => a.viewport());
  expect(vp.startNs).toBeLessThanOrEqual(range!.startNs);
  expect(vp.endNs).toBeGreaterThanOrEqual(range!.endNs);
  // Over that range, rank 1's figures are its whole-trace ones.
  await expect(page.getByTestId('overview-scope')).toContainText('the selected range');
  const inRange = await tl(page, (a) => (a as unknown as Api).overview());
  expect(Math.abs(inRange[1].idleNs - api[1].idleNs)).toBeLessThan(2);
  expect(Math.abs(inRange[1].computeNs - api[1].computeNs)).toBeLessThan(2);

  // CSV: a header and one line per rank.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('overview-csv').click()]);
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  expect(csv).toHaveLength(3);
  expect(csv[0].startsWith('trace,span_ns,idle_ns')).toBe(true);
  await shot(page, 'overview-rank1-opened');

  // GPU queue length lanes: one counter lane under each stream of both ranks (5 streams each), never negative.
  await page.getByTestId('overview-queue-lanes').click();
  await expect(page.getByTestId('overview-queue-lanes')).toHaveText('Queue length lanes added');
  const queues = (await tl(page, (a) => a.summary())).lanes.filter((l) => l.kind === 'counter' && l.name.endsWith('queue length'));
  expect(queues.map((l) => `${l.trace} ${l.name}`).sort()).toEqual(
    ['sampled_rank-0', 'sampled_rank-1'].flatMap((t) => ['7', '23', '25', '84', '203'].map((s) => `${t} stream ${s} · queue length`)).sort(),
  );
  const header = page.locator(`[data-testid="lane-header"][data-lane-id="${queues.find((l) => l.trace === 'sampled_rank-1' && l.name.startsWith('stream 7 '))!.id}"]`);
  await header.scrollIntoViewIfNeeded();
  await expect(header).toBeVisible();
  await waitIdle(page);
  await shot(page, 'overview-queue-lanes');
  expect(errors).toEqual([]);
});
