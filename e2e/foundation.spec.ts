// The foundation, as a user meets it: every real corpus trace opened by picker, by drop
// and by ?url=, read as lanes; a kernel selected through the API and by clicking it;
// zoom and pan; screenshots in test-results/screens/ (look at them).

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import {
  clickSliceOnCanvas,
  collectConsoleErrors,
  corpusPath,
  listCorpusJsonTraces,
  openApp,
  openByDrop,
  openByPicker,
  openByUrl,
  placedEvents,
  shot,
  SUB_PATH,
  summary,
  tl,
  waitIdle,
  waitReady,
  type TraceSummary,
} from './helpers';

/** Slices, instants and counter samples in the file, counted independently of the app. */
function expectedEvents(file: string): number {
  const bytes = readFileSync(corpusPath(file));
  return placedEvents((file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
}

function laneKinds(s: TraceSummary): Set<string> {
  return new Set(s.lanes.map((l) => l.kind));
}

async function firstKernel(page: Page) {
  const [hit] = await tl(page, (api) => api.find({ regex: '[Kk]ernel', laneKind: 'gpu', limit: 1 }));
  expect(hit, 'a GPU slice').toBeTruthy();
  return hit;
}

for (const file of listCorpusJsonTraces()) {
  test.describe(file, () => {
    test.setTimeout(180_000);
    const expected = expectedEvents(file);

    test('opens by picker, by drop and by ?url= with the same lanes', async ({ page }) => {
      const errors = collectConsoleErrors(page);
      await openApp(page);
      await openByPicker(page, file);
      const picked = await waitReady(page);
      expect(picked.events).toBe(expected);
      for (const kind of ['python', 'cpu', 'cuda_api', 'gpu', 'counter']) expect(laneKinds(picked)).toContain(kind);
      expect(picked.warnings).toEqual([]);
      await expect(page.getByTestId('timeline-canvas')).toHaveCount(1);
      await expect(page.getByTestId('lane-header').first()).toBeVisible();
      await shot(page, `${file}-picker`);

      await openApp(page);
      await openByDrop(page, file);
      const dropped = await waitReady(page);
      expect(dropped.events).toBe(expected);
      expect(dropped.lanes.map((l) => l.id)).toEqual(picked.lanes.map((l) => l.id));

      await openByUrl(page, file);
      const fetched = await waitReady(page);
      expect(fetched.events).toBe(expected);
      expect(fetched.lanes.map((l) => l.id)).toEqual(picked.lanes.map((l) => l.id));
      expect(errors).toEqual([]);
    });

    test('selects a kernel by key and by clicking it, and shows its args', async ({ page }) => {
      await openApp(page);
      await openByPicker(page, file);
      await waitReady(page);
      const kernel = await firstKernel(page);

      expect(await tl(page, (api, key) => api.select(key), kernel.key)).toBeTruthy();
      const selected = (await tl(page, (api) => api.selection())) as { key: string; name: string; args: Record<string, unknown> };
      expect(selected.key).toBe(kernel.key);
      expect(selected.args).toHaveProperty('correlation');
      const panel = page.getByTestId('details-panel');
      await expect(panel).toContainText('correlation');
      await expect(panel).toContainText(selected.name.slice(0, 30));

      // Zoom so the kernel is wide, clear the selection, then click it on the canvas.
      await tl(page, (api, k) => api.setViewport({ startNs: k.startNs - k.durNs, endNs: k.startNs + 2 * k.durNs }), kernel);
      await page.keyboard.press('Escape');
      await waitIdle(page);
      expect(await tl(page, (api) => api.selection())).toBeNull();
      await clickSliceOnCanvas(page, kernel);
      await expect(panel).toContainText('correlation');
      await shot(page, `${file}-kernel-clicked`);
    });
  });
}

test('zoom and pan change the axis; F fits the whole trace', async ({ page }) => {
  await openApp(page);
  await openByPicker(page, 'llm_decode_small.json.gz');
  const s = await waitReady(page);
  const full = await tl(page, (api) => api.viewport());
  expect(full.startNs).toBeLessThanOrEqual(s.startNs);
  expect(full.endNs).toBeGreaterThanOrEqual(s.endNs);
  const canvas = page.getByTestId('timeline-canvas');
  await canvas.hover();
  await page.keyboard.press('w');
  await page.keyboard.press('w');
  await waitIdle(page);
  const zoomed = await tl(page, (api) => api.viewport());
  expect(zoomed.endNs - zoomed.startNs).toBeLessThan((full.endNs - full.startNs) * 0.8);
  await page.keyboard.press('d');
  await waitIdle(page);
  const panned = await tl(page, (api) => api.viewport());
  expect(panned.startNs).toBeGreaterThan(zoomed.startNs);
  expect(panned.endNs - panned.startNs).toBeCloseTo(zoomed.endNs - zoomed.startNs, -1);
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 40);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -400);
  await page.keyboard.up('Control');
  await waitIdle(page);
  const wheeled = await tl(page, (api) => api.viewport());
  expect(wheeled.endNs - wheeled.startNs).toBeLessThan(panned.endNs - panned.startNs);
  await shot(page, 'zoomed');
  await page.keyboard.press('f');
  await waitIdle(page);
  const fitted = await tl(page, (api) => api.viewport());
  expect(fitted.endNs - fitted.startNs).toBeGreaterThanOrEqual(s.endNs - s.startNs);
});

test('loads a ?url= trace with the app under a portal sub-path', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  await openByUrl(page, 'two_rank_stall_rank0.json.gz', SUB_PATH);
  const s = await waitReady(page);
  expect(s.events).toBe(expectedEvents('two_rank_stall_rank0.json.gz'));
  expect(new URL(page.url()).pathname).toBe(SUB_PATH);
  expect(errors).toEqual([]);
  expect((await summary(page)).lanes.some((l) => l.kind === 'gpu')).toBe(true);
});

test('a file that is not a trace shows a clear error, and the page stays usable', async ({ page }) => {
  await openApp(page);
  await page.evaluate(() => document.documentElement.removeAttribute('data-trace-state'));
  await page.getByTestId('file-input').setInputFiles({ name: 'error.html', mimeType: 'text/html', buffer: Buffer.from('<!DOCTYPE html><html><body>502</body></html>') });
  await page.waitForFunction(() => document.documentElement.dataset.traceState === 'error');
  await expect(page.getByTestId('load-error')).toContainText('HTML');
  await shot(page, 'load-error');
  await openByPicker(page, 'two_rank_stall_rank1.json.gz');
  await waitReady(page);
});

test('a plain (not gzipped) trace keeps args in the file and still shows them', async ({ page }) => {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const path = await import('node:path');
  const dir = path.resolve('test-results', 'plain');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'train_step.json');
  writeFileSync(file, gunzipSync(readFileSync(corpusPath('train_step.json.gz'))));
  await openApp(page);
  await page.evaluate(() => document.documentElement.removeAttribute('data-trace-state'));
  await page.getByTestId('file-input').setInputFiles(file);
  await page.waitForFunction(() => document.documentElement.dataset.traceState === 'ready', null, { timeout: 60_000 });
  const kernel = await firstKernel(page);
  await tl(page, (api, key) => api.select(key), kernel.key);
  const selected = (await tl(page, (api) => api.selection())) as { args: Record<string, unknown> };
  expect(selected.args).toHaveProperty('correlation');
  expect(selected.args).toHaveProperty('grid');
  const memory = (await summary(page)).lanes.find((l) => l.name === 'CUDA 0 memory');
  expect(memory?.events).toBeGreaterThan(0);
});

test('a big plain trace parses in parallel fragments into the same lanes and keys as its .gz', async ({ page }) => {
  test.setTimeout(180_000);
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const path = await import('node:path');
  const dir = path.resolve('test-results', 'plain');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'llm_decode_large.json');
  writeFileSync(file, gunzipSync(readFileSync(corpusPath('llm_decode_large.json.gz'))));
  const keysOf = () => tl(page, async (api) => (await api.find({ regex: 'Kernel|kernel|aten::mm', limit: 2000 })).map((h) => h.key));

  await openApp(page);
  await openByPicker(page, 'llm_decode_large.json.gz');
  const gz = await waitReady(page);
  const gzKeys = await keysOf();

  // On two cores a plain file this size parses on one thread (parallelParse.ts): the parallel parse is asked for.
  await openApp(page, '/?pieces=parallel');
  await page.evaluate(() => {
    document.documentElement.removeAttribute('data-trace-state');
    // Every text the progress card shows while the pieces are parsed.
    const seen: string[] = ((window as unknown as { __progress: string[] }).__progress = []);
    new MutationObserver(() => {
      const text = document.querySelector('.progress-meta')?.textContent;
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByTestId('file-input').setInputFiles(file);
  await page.waitForFunction(() => document.documentElement.dataset.traceState === 'ready', null, { timeout: 120_000 });
  const plain = await summary(page);
  expect(plain.events).toBe(gz.events);
  // While the pieces are parsed the card counts events (this thread's share projected to every
  // thread's bytes), and says nothing of them rather than "0 events" before it can.
  const texts = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
  expect(texts.filter((t) => / 0 events/.test(t))).toEqual([]);
  const shown = texts.map((t) => / · ([\d,]+) events$/.exec(t)).flatMap((m) => (m ? [Number(m[1].replace(/,/g, ''))] : []));
  expect(shown.length).toBeGreaterThan(0);
  expect(Math.max(...shown)).toBeLessThanOrEqual(plain.events * 1.5);
  expect(Math.max(...shown)).toBeGreaterThanOrEqual(plain.events * 0.5);
  expect(plain.warnings).toEqual([]);
  expect(plain.lanes.map((l) => [l.id, l.events, l.rows])).toEqual(gz.lanes.map((l) => [l.id, l.events, l.rows]));
  expect(await keysOf()).toEqual(gzKeys);
  const kernel = await firstKernel(page);
  await tl(page, (api, key) => api.select(key), kernel.key);
  expect(((await tl(page, (api) => api.selection())) as { args: Record<string, unknown> }).args).toHaveProperty('correlation');
});
