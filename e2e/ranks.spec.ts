// Several ranks in one timeline: both two-rank traces dropped together share one axis,
// the stall list opens by itself and names rank 1 in its 7th execute_model; one click
// marks the stall as a stage over all ranks; offsets shift a rank.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { collectConsoleErrors, corpusPath, openApp, openByDropMany, shot, tl, waitIdle, waitReady } from './helpers';

const FILES = ['two_rank_stall_rank0.json.gz', 'two_rank_stall_rank1.json.gz'];

/** The longest send→recv gap, from the raw traces (they share baseTimeNanoseconds). */
function expectedWorstWaitNs(): number {
  const load = (f: string) =>
    (JSON.parse(gunzipSync(readFileSync(corpusPath(f))).toString('utf8')) as { traceEvents: { name: string; ph: string; ts: number }[] }).traceEvents;
  const starts = (events: { name: string; ph: string; ts: number }[], name: string) => events.filter((e) => e.ph === 'X' && e.name === name).map((e) => e.ts).sort((a, b) => a - b);
  const sends = starts(load(FILES[0]), 'gloo:send');
  const recvs = starts(load(FILES[1]), 'gloo:recv');
  return Math.max(...sends.map((s, k) => recvs[k] - s)) * 1000;
}

test('drop two ranks: one axis, the stall list names rank 1, mark it', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectConsoleErrors(page);
  await openApp(page);
  await openByDropMany(page, FILES);
  const summary = await waitReady(page);
  expect(new Set(summary.lanes.map((l) => l.trace)).size).toBe(2);
  await expect(page.getByTestId('trace-header')).toHaveCount(2);
  await expect(page.getByTestId('trace-header').first()).toContainText('rank 0');
  await expect(page.getByTestId('trace-header').nth(1)).toContainText('rank 1');

  const panel = page.getByTestId('stall-panel');
  await expect(panel).toBeVisible();
  const worst = page.getByTestId('stall-row').first();
  await expect(worst).toHaveAttribute('data-rank', '1');
  await expect(worst).toHaveAttribute('data-step', 'execute_model #7');
  const waitNs = Number(await worst.getAttribute('data-wait-ns'));
  expect(Math.abs(waitNs - expectedWorstWaitNs())).toBeLessThan(1000);
  await expect(worst).toContainText('rank 1');
  await expect(worst).toContainText('3 s');

  await worst.locator('.stall-jump').click();
  await waitIdle(page);
  const vp = await tl(page, (api) => api.viewport());
  expect(vp.endNs - vp.startNs).toBeLessThan(5e9);
  await worst.getByTestId('stall-mark').click();
  const rows = page.getByTestId('annotation-row');
  await expect(rows).toHaveCount(1);
  const start = Number(await rows.first().getAttribute('data-start-ns'));
  const end = Number(await rows.first().getAttribute('data-end-ns'));
  expect(Math.abs(end - start - waitNs)).toBeLessThan(1000);
  await shot(page, 'ranks-stall');
  expect(errors).toEqual([]);
});

test('a typed offset shifts one rank on the shared axis', async ({ page }) => {
  await openApp(page);
  await openByDropMany(page, FILES);
  await waitReady(page);
  const before = await tl(page, async (api) => (await api.find({ name: 'execute_model', laneKind: 'cpu' })).filter((h) => h.laneId.startsWith('two_rank_stall_rank1|'))[0].startNs);
  await page.getByTestId('traces-button').click();
  const offset = page.locator('[data-testid="trace-row"][data-trace="two_rank_stall_rank1"] [data-testid="trace-offset"]');
  await offset.fill('-1000');
  await waitIdle(page);
  const after = await tl(page, async (api) => (await api.find({ name: 'execute_model', laneKind: 'cpu' })).filter((h) => h.laneId.startsWith('two_rank_stall_rank1|'))[0].startNs);
  expect(after - before).toBeCloseTo(-1e6, -1);
  await shot(page, 'ranks-offset');
});

test('a folder of many ranks asks which to open', async ({ page }) => {
  await openApp(page);
  await page.evaluate(async (url) => {
    const blob = await (await fetch(url)).blob();
    const dt = new DataTransfer();
    for (let r = 0; r < 12; r++) dt.items.add(new File([blob], `rank${String(r).padStart(2, '0')}.json.gz`));
    for (const t of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(t, { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, '/corpus/two_rank_stall_rank0.json.gz');
  const chooser = page.getByTestId('rank-chooser');
  await expect(chooser).toBeVisible();
  await expect(page.getByTestId('rank-choice')).toHaveCount(12);
  await chooser.getByRole('button', { name: 'None' }).click();
  await page.getByTestId('rank-choice').nth(0).check();
  await page.getByTestId('rank-choice').nth(5).check();
  await page.getByTestId('rank-choice').nth(11).check();
  await page.getByTestId('rank-open').click();
  const summary = await waitReady(page);
  expect([...new Set(summary.lanes.map((l) => l.trace))].sort()).toEqual(['rank00', 'rank05', 'rank11']);
});

test('align on event lines up the first occurrence in every rank', async ({ page }) => {
  await openApp(page);
  await openByDropMany(page, FILES);
  await waitReady(page);
  const firstStarts = () =>
    tl(page, async (api) => {
      const hits = await api.find({ name: 'execute_model', laneKind: 'cpu' });
      const first = new Map<string, number>();
      for (const h of hits) {
        const trace = h.laneId.split('|')[0];
        first.set(trace, Math.min(first.get(trace) ?? Infinity, h.startNs));
      }
      return [...first.values()];
    });
  const before = await firstStarts();
  expect(Math.abs(before[0] - before[1])).toBeGreaterThan(1e6);
  await page.getByTestId('traces-button').click();
  await page.getByTestId('align-event').fill('execute_model');
  await page.getByRole('button', { name: 'Align on event' }).click();
  await expect(page.getByTestId('traces-panel')).toContainText('Aligned on the first "execute_model"');
  const after = await firstStarts();
  expect(after).toHaveLength(2);
  expect(Math.abs(after[0] - after[1])).toBeLessThan(1);
});
