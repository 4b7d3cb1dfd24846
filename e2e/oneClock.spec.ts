// One clock: with two ranks open and rank 1 offset by a typed 250 ms, every panel prints
// the same axis time that find() gives for the same slice; lists follow the selected
// range; gaps between annotations run end to start; an offset redraws at once.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { corpusPath, openApp, openByDropMany, shot, tl, waitIdle, waitReady, type FoundEvent } from './helpers';

const FILES = ['two_rank_stall_rank0.json.gz', 'two_rank_stall_rank1.json.gz'];
const RANK1 = 'two_rank_stall_rank1';
const OFFSET_US = 250_000;

/** "376.4 ms", "−1.2 s", "950 µs" → ns (the units tracelane prints). */
function parseDuration(text: string): number {
  const m = /([−-]?[\d.,]+)\s*(ns|µs|us|ms|s)\b/.exec(text.replace(/\u2212/g, '-'));
  if (!m) throw new Error(`no time in "${text}"`);
  const unit = { ns: 1, µs: 1e3, us: 1e3, ms: 1e6, s: 1e9 }[m[2]]!;
  return Number(m[1].replace(/,/g, '')) * unit;
}

/** A printed time matches ns to its 4 significant digits. */
function expectPrinted(text: string, ns: number, what: string): void {
  expect(Math.abs(parseDuration(text) - ns), `${what}: "${text}" vs ${ns} ns`).toBeLessThanOrEqual(Math.abs(ns) * 6e-4 + 1000);
}

async function rank1Hits(page: Page, q: { name?: string; regex?: string; laneKind?: string }): Promise<FoundEvent[]> {
  const hits = await tl(page, (api, query) => api.find({ ...query, limit: 100000 }), q);
  return (hits as FoundEvent[]).filter((h) => h.laneId.startsWith(`${RANK1}|`)).sort((a, b) => a.startNs - b.startNs);
}

async function openTwoRanksWithOffset(page: Page): Promise<void> {
  await openApp(page);
  await openByDropMany(page, FILES);
  await waitReady(page);
  await waitIdle(page);
  await page.getByTestId('traces-button').click();
  const offset = page.locator(`[data-testid="trace-row"][data-trace="${RANK1}"] [data-testid="trace-offset"]`);
  await offset.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(String(OFFSET_US));
  await page.keyboard.press('Tab');
  await waitIdle(page);
}

async function openTab(page: Page, tab: string): Promise<void> {
  await page.getByTestId(`analysis-tab-${tab}`).click();
  await page.getByLabel('Trace to analyse').selectOption(RANK1);
}

test('every panel prints axis times: two ranks, rank 1 offset by a typed 250 ms', async ({ page }) => {
  test.setTimeout(120_000);
  await openTwoRanksWithOffset(page);

  // Steps: each row's start is its step slice's start as find() gives it.
  await openTab(page, 'steps');
  const marker = await page.getByTestId('step-marker').inputValue();
  const steps = await rank1Hits(page, { name: marker, laneKind: 'cpu' });
  const rows = page.getByTestId('step-row');
  await expect(rows).toHaveCount(steps.length);
  expect(steps.length).toBeGreaterThan(3);
  for (let i = 0; i < steps.length; i++) {
    const row = rows.nth(i);
    expect(Number(await row.getAttribute('data-start-ns'))).toBeCloseTo(steps[i].startNs, -1);
    expectPrinted(await row.locator('td').nth(2).innerText(), steps[i].startNs, `step ${i + 1}`);
  }

  // The details panel of a step (selected by clicking its row) prints the same start.
  await rows.nth(1).click();
  await waitIdle(page);
  const detailsStart = page.getByTestId('details-start');
  await expect(detailsStart).toBeVisible();
  expectPrinted(await detailsStart.innerText(), steps[1].startNs, 'details start');

  // Idle gaps: each starts where a GPU operation of rank 1 ends.
  await page.keyboard.press('Escape');
  await openTab(page, 'gaps');
  const threshold = page.getByTestId('gap-threshold');
  await threshold.fill('0.1');
  const gapRows = page.getByTestId('gap-row');
  await expect(gapRows.first()).toBeVisible();
  const gpu = await rank1Hits(page, { regex: '.', laneKind: 'gpu' });
  const ends = gpu.map((h) => h.startNs + h.durNs);
  const gapCount = await gapRows.count();
  for (let i = 0; i < gapCount; i++) {
    const start = Number(await gapRows.nth(i).getAttribute('data-start-ns'));
    expect(Math.min(...ends.map((e) => Math.abs(e - start))), `gap ${i + 1}`).toBeLessThan(2);
    expectPrinted(await gapRows.nth(i).locator('td').nth(2).innerText(), start, `gap ${i + 1}`);
  }

  // Annotating a gap keeps its axis time in the annotations list.
  await gapRows.first().getByTestId('gap-annotate').click();
  const ann = page.getByTestId('annotation-row').first();
  await expect(ann).toBeVisible();
  const firstGap = Number(await gapRows.first().getAttribute('data-start-ns'));
  expect(Number(await ann.getAttribute('data-start-ns'))).toBeCloseTo(firstGap, -1);
  expectPrinted(await ann.getByTestId('annotation-time').innerText(), firstGap, 'annotation');

  await shot(page, 'one-clock-gaps');
});

test('Allocations print axis times: train_step beside another trace, offset by a typed 250 ms', async ({ page }) => {
  test.setTimeout(120_000);
  const TRAIN = 'train_step';
  await openApp(page);
  await openByDropMany(page, ['llm_decode_small.json.gz', `${TRAIN}.json.gz`]);
  await waitReady(page);
  await page.getByTestId('traces-button').click();
  await page.locator(`[data-testid="trace-row"][data-trace="${TRAIN}"] [data-testid="trace-offset"]`).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(String(OFFSET_US));
  await page.keyboard.press('Tab');
  await waitIdle(page);
  await page.getByTestId('analysis-tab-memory').click();
  await page.getByLabel('Trace to analyse').selectOption(TRAIN);
  const rows = page.getByTestId('allocation-row');
  await expect(rows.first()).toBeVisible();
  const calls = ((await tl(page, (api) => api.find({ regex: '^cuda(Malloc|Free)', laneKind: 'cuda_api', limit: 100000 }))) as FoundEvent[]).filter((h) => h.laneId.startsWith(`${TRAIN}|`));
  // [memory] instants have no slice to find: place the raw ones through the first call.
  const raw = (JSON.parse(gunzipSync(readFileSync(corpusPath(`${TRAIN}.json.gz`))).toString('utf8')) as { traceEvents: { ph: string; name: string; ts: number }[] }).traceEvents;
  const firstCall = calls.sort((a, b) => a.startNs - b.startNs)[0];
  const firstCallTs = raw.filter((e) => e.ph === 'X' && /^cuda(Malloc|Free)/.test(e.name)).map((e) => e.ts).sort((a, b) => a - b)[0];
  const memoryTimes = raw.filter((e) => e.name === '[memory]').map((e) => firstCall.startNs + Math.round((e.ts - firstCallTs) * 1000));
  const n = await rows.count();
  expect(n).toBeGreaterThan(0);
  let growth = 0;
  for (let i = 0; i < Math.min(n, 30); i++) {
    const row = rows.nth(i);
    const t = Number(await row.getAttribute('data-t-ns'));
    const kind = await row.getAttribute('data-kind');
    const candidates = kind === 'growth' ? memoryTimes : calls.map((c) => c.startNs);
    if (kind === 'growth') growth++;
    expect(Math.min(...candidates.map((m) => Math.abs(m - t))), `allocation ${i + 1} (${kind})`).toBeLessThan(2);
    expectPrinted(await row.locator('td').first().innerText(), t, `allocation ${i + 1}`);
  }
  await shot(page, 'one-clock-allocations');
});

test('Steps and Idle gaps list what overlaps the selected range, whole, and say so', async ({ page }) => {
  test.setTimeout(120_000);
  await openTwoRanksWithOffset(page);
  await openTab(page, 'steps');
  const marker = await page.getByTestId('step-marker').inputValue();
  const steps = await rank1Hits(page, { name: marker, laneKind: 'cpu' });
  expect(steps.length).toBeGreaterThan(4);
  // Drag a range on the axis from the middle of step 2 to the middle of step 4.
  const a = steps[1].startNs + steps[1].durNs / 2;
  const b = steps[3].startNs + steps[3].durNs / 2;
  await tl(page, (api, vp) => api.setViewport(vp), { startNs: steps[0].startNs, endNs: steps[4].startNs + steps[4].durNs });
  await waitIdle(page);
  const vp = await tl(page, (api) => api.viewport());
  const axis = page.locator('.axis-canvas');
  const box = (await axis.boundingBox())!;
  const plotX = (ns: number) => box.x + ((ns - vp.startNs) / (vp.endNs - vp.startNs)) * box.width;
  await page.mouse.move(plotX(a), box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move((plotX(a) + plotX(b)) / 2, box.y + box.height / 2, { steps: 4 });
  await page.mouse.move(plotX(b), box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('analysis-scope')).toContainText('Range');
  const range = (await tl(page, (api) => api.range()))!;
  const overlapping = steps.filter((s) => s.startNs < range.endNs && s.startNs + s.durNs > range.startNs);
  expect(overlapping.length).toBeGreaterThanOrEqual(2);
  expect(overlapping.length).toBeLessThan(steps.length);
  const rows = page.getByTestId('step-row');
  await expect(rows).toHaveCount(overlapping.length);
  for (let i = 0; i < overlapping.length; i++) expect(Number(await rows.nth(i).getAttribute('data-dur-ns'))).toBeCloseTo(overlapping[i].durNs, -1);
  await expect(page.getByTestId('steps-scope')).toContainText('range');

  await openTab(page, 'gaps');
  await page.getByTestId('gap-threshold').fill('0.1');
  await expect(page.getByTestId('gaps-scope')).toContainText('range');
  const gapRows = page.getByTestId('gap-row');
  const n = await gapRows.count();
  for (let i = 0; i < n; i++) {
    const s = Number(await gapRows.nth(i).getAttribute('data-start-ns'));
    const d = Number(await gapRows.nth(i).getAttribute('data-dur-ns'));
    expect(s < range.endNs && s + d > range.startNs, `gap ${i + 1} overlaps the range`).toBe(true);
  }
  await shot(page, 'one-clock-range');
});

test('the annotations list gives the gap from the previous item’s end', async ({ page }) => {
  await openTwoRanksWithOffset(page);
  // Two stages 13.7 ms apart (end of the first to start of the second), typed as annotations.
  await tl(page, (api) => {
    api.annotate({ startNs: 100e6, endNs: 247.1e6, label: 'first' });
    api.annotate({ startNs: 260.8e6, endNs: 300e6, label: 'second' });
  });
  const second = page.getByTestId('annotation-row').nth(1);
  await expect(second).toContainText('after previous');
  expectPrinted(await second.getByTestId('annotation-delta').innerText(), 13.7e6, 'gap');
});

test('a typed offset redraws its lanes at once, with no pan or zoom', async ({ page }) => {
  await openApp(page);
  await openByDropMany(page, FILES);
  await waitReady(page);
  await waitIdle(page);
  // Where rank 1's earliest drawn item sits on the axis, per lane.
  const firstOf = () => tl(page, (api) => api.drawn().lanes.filter((l) => l.id.startsWith('two_rank_stall_rank1|') && l.firstNs !== null).map((l) => [l.id, l.firstNs!] as const));
  const before = new Map(await firstOf());
  expect(before.size).toBeGreaterThan(0);
  await page.getByTestId('traces-button').click();
  const offset = page.locator(`[data-testid="trace-row"][data-trace="${RANK1}"] [data-testid="trace-offset"]`);
  await offset.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('5000');
  await waitIdle(page);
  const after = await firstOf();
  expect(after.length).toBe(before.size);
  for (const [id, first] of after) expect(first - before.get(id)!, id).toBeCloseTo(5e6, -1);
  await shot(page, 'one-clock-offset-redraw');
});

test('tooltips never outlive the view they describe: keyboard zoom, setViewport, the axis', async ({ page }) => {
  await openApp(page);
  await openByDropMany(page, FILES);
  await waitReady(page);
  await waitIdle(page);
  const canvas = page.locator('.timeline-canvas');
  const box = (await canvas.boundingBox())!;
  const tooltip = page.locator('.tooltip');
  // Sweep the first lanes with the mouse until a slice's tooltip shows.
  const hoverSlice = async () => {
    for (let y = box.y + 30; y < box.y + 200; y += 9) {
      for (let x = box.x + 20; x < box.x + box.width - 20; x += box.width / 12) {
        await page.mouse.move(x, y);
        if (await tooltip.isVisible()) return;
      }
    }
    throw new Error('no slice under the mouse');
  };
  await hoverSlice();
  await page.keyboard.press('w');
  await expect(tooltip).toHaveCount(0);

  await hoverSlice();
  await tl(page, (api) => {
    const vp = api.viewport();
    api.setViewport({ startNs: vp.startNs + (vp.endNs - vp.startNs) / 3, endNs: vp.endNs });
  });
  await expect(tooltip).toHaveCount(0);

  const axis = page.locator('.axis-canvas');
  const ab = (await axis.boundingBox())!;
  await page.mouse.move(ab.x + ab.width / 2, ab.y + ab.height / 2);
  await expect(page.locator('.axis-tooltip')).toBeVisible();
  await page.keyboard.press('s');
  await expect(page.locator('.axis-tooltip')).toHaveCount(0);
});
