// Level-of-detail tiles in the browser, on the real 98 MB decode trace: zoomed out, busy
// lanes are drawn from tiles (a bounded number of items per frame) and their buckets answer
// hover; zoomed in, the same lane is drawn slice by slice; search outlines come from the
// hits' own pyramid and stay bounded with tens of thousands of hits.

import { expect, test, type Page } from '@playwright/test';
import { openByUrl, shot, summary, waitIdle, waitReady } from './helpers';

interface Drawn {
  items: number;
  outlines: number;
  lanes: { id: string; items: number; fromTiles: number }[];
}

const drawn = (page: Page) => page.evaluate(() => (window as unknown as { tracelane: { drawn(): Drawn } }).tracelane.drawn());

test('busy lanes are drawn from tiles when zoomed out and slice by slice when zoomed in', async ({ page }) => {
  await openByUrl(page, 'llm_decode_large.json.gz');
  const s = await waitReady(page);
  await waitIdle(page);
  const gpu = s.lanes.filter((l) => l.kind === 'gpu').sort((a, b) => b.events - a.events)[0];
  expect(gpu.events).toBeGreaterThan(10_000);

  const out = await drawn(page);
  const gpuDrawn = out.lanes.find((l) => l.id === gpu.id)!;
  expect(gpuDrawn.fromTiles).toBeGreaterThan(0);
  // 15 k kernels on screen, but the frame draws a few items per pixel column.
  expect(gpuDrawn.items).toBeLessThan(4 * 1600);
  expect(out.items).toBeLessThan(30_000);
  await shot(page, 'lod-zoomed-out');

  // Hover a bucket of the GPU lane: the tooltip tells how busy it is and how many kernels it holds.
  const header = page.locator(`[data-testid=lane-header][data-lane-id="${gpu.id}"]`);
  const hb = (await header.boundingBox())!;
  const canvas = page.getByTestId('timeline-canvas');
  const cb = (await canvas.boundingBox())!;
  let found = false;
  for (let x = cb.x + 200; x < cb.x + cb.width - 200 && !found; x += 37) {
    await page.mouse.move(x, hb.y + 30);
    const tip = page.locator('.tooltip');
    if ((await tip.count()) && /% busy over/.test((await tip.textContent()) ?? '')) found = true;
  }
  expect(found).toBe(true);
  await expect(page.locator('.tooltip')).toContainText(/\d+ events? · \d+% busy over/);

  // One decode step fills the screen: the GPU lane is drawn from its own slices again.
  const step = (await page.evaluate(() => (window as unknown as { tracelane: { find(q: object): { startNs: number; durNs: number }[] } }).tracelane.find({ name: 'decode_step', limit: 5 })))[2];
  await page.evaluate((v) => (window as unknown as { tracelane: { setViewport(v: object): void } }).tracelane.setViewport(v), { startNs: step.startNs, endNs: step.startNs + step.durNs });
  await waitIdle(page);
  const zoomed = await drawn(page);
  const z = zoomed.lanes.find((l) => l.id === gpu.id)!;
  expect(z.fromTiles).toBe(0);
  expect(z.items).toBeGreaterThan(10);
  await shot(page, 'lod-one-step');
  expect((await summary(page)).events).toBe(s.events);
});

test('tens of thousands of search hits are outlined from their own pyramid, a bounded number per frame', async ({ page }) => {
  await openByUrl(page, 'llm_decode_large.json.gz');
  await waitReady(page);
  const input = page.getByTestId('search-input');
  await input.fill('aten::');
  await expect.poll(async () => Number(await page.getByTestId('search-count').getAttribute('data-total')), { timeout: 20_000 }).toBeGreaterThan(20_000);
  await expect.poll(async () => (await drawn(page)).outlines, { timeout: 20_000 }).toBeGreaterThan(0);
  await waitIdle(page);
  const out = await drawn(page);
  expect(out.outlines).toBeGreaterThan(20);
  expect(out.outlines).toBeLessThan(20_000);
  await shot(page, 'lod-search-outlines');
});
