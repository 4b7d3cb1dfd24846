// Serving requests (issue 21) on the synthetic msServiceProfiler fixture
// (test/fixtures/requests/, see its README): the trace opens framing its slices, not the usage
// counter that runs three minutes past them; the Requests tab lists every request; a real click
// on one makes its span the range and draws its journey (its slices outlined, the steps of the
// flow carrying its id as arrows). Expectations come from the fixture's raw JSON, read here.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { openApp, openFilesByPicker, REPO_ROOT, shot, tl, waitIdle, waitReady } from './helpers';

const FILE = 'msserviceprofiler_requests.json';
const US = 1000;

interface RawEvent {
  ph: string;
  name?: string;
  ts: number;
  dur?: number;
  id?: string | number;
  args?: Record<string, unknown>;
}

/** The request ids an event's args name, as numbers or text (lists, {rid} items and JSON-text lists opened). */
function idsOf(v: unknown): string[] {
  if (typeof v === 'number') return [String(v)];
  if (typeof v === 'string') return v.startsWith('[') ? idsOf(JSON.parse(v)) : [/^\d+(\.\d+)?$/.test(v) ? String(Number(v)) : v];
  if (Array.isArray(v)) return v.flatMap(idsOf);
  if (v && typeof v === 'object') return idsOf((v as Record<string, unknown>).rid ?? (v as Record<string, unknown>).request_id);
  return [];
}
const requestIds = (e: RawEvent) => [...new Set(['rid', 'request_id', 'rids', 'request_ids'].flatMap((k) => idsOf(e.args?.[k])))];

test('a request of a serving trace: its span becomes the range and its journey is drawn', async ({ page }) => {
  const text = readFileSync(join(REPO_ROOT, 'test/fixtures/requests', FILE), 'utf8');
  const events = (JSON.parse(text) as { traceEvents: RawEvent[] }).traceEvents.filter((e) => e.ph !== 'M');
  const origin = Math.min(...events.map((e) => e.ts));
  const slices = events.filter((e) => e.ph === 'X');
  const sliceEnd = Math.max(...slices.map((e) => e.ts + e.dur!));
  const lastCounter = Math.max(...events.filter((e) => e.ph === 'C').map((e) => e.ts));
  const ids = new Set(slices.flatMap(requestIds));
  const of7 = slices.filter((e) => requestIds(e).includes('7'));
  const flow7 = events.filter((e) => 'stf'.includes(e.ph) && String(e.id) === '7');

  await openApp(page);
  await openFilesByPicker(page, [{ name: FILE, buffer: Buffer.from(text) }]);
  await waitReady(page);
  await waitIdle(page);

  // The initial view frames the slices, not the counter that runs on for minutes.
  expect(lastCounter - sliceEnd).toBeGreaterThan(60e6);
  const vp = await tl(page, (api) => api.viewport());
  expect(vp.startNs).toBeLessThanOrEqual(0);
  expect(vp.endNs).toBeGreaterThanOrEqual((sliceEnd - origin) * US);
  expect(vp.endNs - vp.startNs).toBeLessThan(2 * (sliceEnd - origin) * US);

  await page.getByTestId('analysis-tab-requests').click();
  const rows = page.getByTestId('requests-row');
  await expect(rows).toHaveCount(ids.size);
  await expect(page.getByTestId('requests-percentile')).toHaveCount(3);
  // Nearest-rank percentiles of the figures worked by hand in test/workers/analysis/requests.test.ts:
  // queue waits 3, 15, 16, 23 µs; TTFTs 50, 50, 85, 90 µs; TPOTs 25, 36.67, 37.5 µs.
  const pct = (metric: string) =>
    page.locator(`[data-testid="requests-percentile"][data-metric="${metric}"]`).evaluate((el) => {
      const d = (el as HTMLElement).dataset;
      return [d.p50Ns, d.p90Ns, d.p99Ns, d.n];
    });
  expect(await pct('queue')).toEqual(['15000', '23000', '23000', '4']);
  expect(await pct('ttft')).toEqual(['50000', '90000', '90000', '4']);
  expect(await pct('tpot')).toEqual([String(Math.round(110_000 / 3)), '37500', '37500', '3']);

  // Request 7, clicked with the mouse.
  const row = page.locator('[data-testid="requests-row"][data-id="7"]');
  const box = (await row.boundingBox())!;
  await page.mouse.click(box.x + box.width / 3, box.y + box.height / 2);
  const arrival = (Math.min(...of7.map((e) => e.ts)) - origin) * US;
  const end = (Math.max(...of7.map((e) => e.ts + e.dur!)) - origin) * US;
  await expect.poll(() => tl(page, (api) => api.range())).toEqual({ startNs: arrival, endNs: end });
  await expect(row).toHaveClass(/picked/);
  await waitIdle(page);
  const drawn = await tl(page, (api) => api.drawn() as unknown as { outlines: number; arrows: number });
  expect(drawn.outlines).toBe(of7.length);
  expect(drawn.arrows).toBe(flow7.length - 1);
  // The view shows the request's span.
  const after = await tl(page, (api) => api.viewport());
  expect(after.startNs).toBeLessThanOrEqual(arrival);
  expect(after.endNs).toBeGreaterThanOrEqual(end);
  await shot(page, 'requests-journey');

  // A search does not hide the journey: the hits in view and the request's slices are outlined together.
  const execs = slices.filter((e) => e.name === 'modelExec');
  await page.getByTestId('search-input').click();
  await page.keyboard.type('modelExec');
  await expect(page.getByTestId('search-count')).toHaveAttribute('data-total', String(execs.length));
  await waitIdle(page);
  const vp2 = await tl(page, (api) => api.viewport());
  const execsInView = execs.filter((e) => (e.ts - origin) * US < vp2.endNs && (e.ts + e.dur! - origin) * US > vp2.startNs).length;
  expect(execsInView).toBeGreaterThan(0);
  await expect.poll(() => tl(page, (api) => (api.drawn() as unknown as { outlines: number }).outlines)).toBe(of7.length + execsInView);

  // Filter by id: only the requests whose id contains the text.
  await page.getByTestId('requests-filter').click();
  await page.keyboard.type('abc');
  await expect(rows).toHaveCount([...ids].filter((id) => id.includes('abc')).length);
  // abc-9 has no queue wait, TTFT nor TPOT: the percentiles say "—", never 0.
  expect(await pct('queue')).toEqual(['', '', '', '0']);
  await expect(page.getByTestId('requests-percentiles')).toContainText('—');
});

test('a vLLM torch trace without request ids says so in the Requests tab', async ({ page }) => {
  const file = join(REPO_ROOT, '../shared/external/kineto/tracelens__vllm_decode_full__graph_execution.json.gz');
  const buffer = readFileSync(file);
  const events = (JSON.parse(gunzipSync(buffer).toString('utf8')) as { traceEvents: RawEvent[] }).traceEvents;
  const withIds = events.filter((e) => e.ph === 'X' && requestIds(e).length > 0);
  await openApp(page);
  await openFilesByPicker(page, [{ name: 'vllm_decode_full.json.gz', buffer }]);
  await waitReady(page);
  await page.getByTestId('analysis-tab-requests').click();
  if (withIds.length) await expect(page.getByTestId('requests-row').first()).toBeVisible();
  else await expect(page.getByTestId('requests-empty')).toBeVisible();
  await shot(page, 'requests-none');
});
