// Issue 19's polish, as a user meets it: a favicon, a top bar that never clips its controls at
// 1280 px, a cut .gz explained in the app's words, an empty trace that says so, copy buttons
// for start / duration / args, labels on slices of ~33 px.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { collectConsoleErrors, corpusPath, E2E_ORIGIN, openApp, openByDropMany, openByPicker, shot, tl, waitIdle, waitReady } from './helpers';

/** Every visible control of the top bar: inside the bar, not overlapping another, its text not cut. */
async function topbarProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bar = document.querySelector('.topbar')!.getBoundingClientRect();
    const controls = [...document.querySelectorAll<HTMLElement>('.topbar button, .topbar input:not(.visually-hidden), .topbar select, .topbar .search-count, .topbar .brand')].filter((el) => el.offsetParent !== null);
    const problems: string[] = [];
    const name = (el: HTMLElement) => el.dataset.testid || el.getAttribute('aria-label') || el.textContent?.trim() || el.className;
    const boxes = controls.map((el) => ({ el, r: el.getBoundingClientRect() }));
    for (const { el, r } of boxes) {
      if (r.left < bar.left - 0.5 || r.right > bar.right + 0.5) problems.push(`${name(el)} outside the bar`);
      if (el.tagName === 'BUTTON' && el.scrollWidth > el.clientWidth + 1) problems.push(`${name(el)}: text cut`);
    }
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r;
        const b = boxes[j].r;
        if (boxes[i].el.contains(boxes[j].el) || boxes[j].el.contains(boxes[i].el)) continue;
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom && b.top < a.bottom) problems.push(`${name(boxes[i].el)} overlaps ${name(boxes[j].el)}`);
      }
    // The search placeholder is readable whole; the share field shows a useful part of the link.
    const search = document.querySelector<HTMLInputElement>('[data-testid="search-input"]')!;
    const ctx = document.createElement('canvas').getContext('2d')!;
    const cs = getComputedStyle(search);
    ctx.font = `${cs.fontSize} ${cs.fontFamily}`;
    const room = search.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    if (ctx.measureText(search.placeholder).width > room) problems.push(`search placeholder "${search.placeholder}" cut (${room.toFixed(0)} px for ${ctx.measureText(search.placeholder).width.toFixed(0)})`);
    const share = document.querySelector<HTMLElement>('[data-testid="share-url"]');
    if (share && share.getBoundingClientRect().width < 150) problems.push(`share field only ${share.getBoundingClientRect().width.toFixed(0)} px wide`);
    return problems;
  });
}

test('the top bar keeps every control whole at 1280 px wide, with two traces, annotations and a search', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await openApp(page);
  await openByDropMany(page, ['llm_decode_small.json.gz', 'train_step.json.gz']);
  await waitReady(page);
  await waitIdle(page);
  expect(await topbarProblems(page)).toEqual([]);
  // Busier: a search with hits (count and arrows), an annotation (the button's count).
  await page.getByTestId('search-input').click();
  await page.keyboard.type('aten::mm');
  await expect(page.getByTestId('search-count')).toContainText('hits');
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  await page.mouse.click(box.x + box.width - 5, box.y + 5); // an empty spot: the search keeps its text
  await page.keyboard.press('m');
  await expect(page.getByTestId('annotations-button')).toContainText('(1)');
  expect(await topbarProblems(page)).toEqual([]);
  await shot(page, 'nav-topbar-1280');
  expect(errors).toEqual([]);
});

test('a favicon is served and linked', async ({ page, request }) => {
  await openApp(page);
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  expect(href).toBeTruthy();
  const res = await request.get(new URL(href!, `${E2E_ORIGIN}/`).href);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('image/svg+xml');
  expect((await res.text()).startsWith('<svg')).toBe(true);
});

test('a cut .gz is explained in the app’s words, never the browser’s', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  await openApp(page);
  const bytes = readFileSync(corpusPath('train_step.json.gz'));
  // Cut at 40 %: the events before the cut open, with a banner.
  await page.getByTestId('file-input').setInputFiles({ name: 'cut.json.gz', mimeType: 'application/gzip', buffer: bytes.subarray(0, Math.floor(bytes.length * 0.4)) });
  await page.waitForFunction(() => document.documentElement.dataset.traceState === 'ready', null, { timeout: 60_000 });
  const banner = page.getByTestId('load-warning');
  await expect(banner).toContainText('the file ends before its compressed data does: it was cut');
  await expect(banner).not.toContainText(/WritableStream|Failed to execute|Compressed input/);
  await shot(page, 'nav-cut-gz');
  // Cut inside the gzip header: nothing decompresses, an error in our words.
  await page.evaluate(() => document.documentElement.removeAttribute('data-trace-state'));
  await page.getByTestId('file-input').setInputFiles({ name: 'header.json.gz', mimeType: 'application/gzip', buffer: bytes.subarray(0, 12) });
  await page.waitForFunction(() => ['ready', 'error'].includes(document.documentElement.dataset.traceState ?? ''), null, { timeout: 60_000 });
  const text = await page.locator('[data-testid="load-error"], [data-testid="load-warning"]').allInnerTexts();
  expect(text.join(' ')).not.toMatch(/WritableStream|Failed to execute|Compressed input/);
  expect(errors.filter((e) => /WritableStream/.test(e))).toEqual([]);
});

test('an empty trace says "no events"', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles({ name: 'empty.json', mimeType: 'application/json', buffer: Buffer.from('{"traceEvents":[]}') });
  await page.waitForFunction(() => ['ready', 'error'].includes(document.documentElement.dataset.traceState ?? ''), null, { timeout: 60_000 });
  await expect(page.getByTestId('no-events')).toContainText('empty.json: no events');
  await shot(page, 'nav-empty-trace');
});

test('an empty trace beside another says "no events" in the Traces panel and warns of no gap', async ({ page }) => {
  await openApp(page);
  const small = { name: 'llm_decode_small.json.gz', mimeType: 'application/gzip', buffer: readFileSync(corpusPath('llm_decode_small.json.gz')) };
  const empty = { name: 'empty.json', mimeType: 'application/json', buffer: Buffer.from('{"traceEvents":[]}') };
  await page.getByTestId('file-input').setInputFiles([small, empty]);
  await waitReady(page);
  await page.getByTestId('traces-button').click();
  const panel = page.getByTestId('traces-panel');
  await expect(panel.locator('[data-testid="trace-row"]')).toHaveCount(2);
  await expect(panel.getByTestId('trace-no-events')).toHaveText('no events');
  await expect(panel.getByTestId('trace-no-events')).toHaveCount(1);
  // The empty trace has no span: it does not make the other look like it shares no instant,
  // nor stretch the axis to its placeholder origin (decades away): the view is the other trace's span.
  await expect(panel.getByTestId('overlap-warning')).toHaveCount(0);
  const row = panel.locator('[data-testid="trace-row"]').first();
  const [start, end] = [Number(await row.getAttribute('data-start-ns')), Number(await row.getAttribute('data-end-ns'))];
  const s = await tl(page, (api) => api.summary() as { startNs: number; endNs: number });
  expect(end - start).toBeGreaterThan(0);
  expect([s.startNs, s.endNs]).toEqual([start, end]);
  await shot(page, 'nav-empty-beside-other');
});

test('copy buttons for start, duration and args put those values on the clipboard', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: E2E_ORIGIN });
  await openApp(page);
  await openByPicker(page, 'llm_decode_small.json.gz');
  const s = await waitReady(page);
  // The first kernel in the raw JSON, selected by search; its values come from the JSON.
  const doc = JSON.parse(gunzipSync(readFileSync(corpusPath('llm_decode_small.json.gz'))).toString('utf8')) as { baseTimeNanoseconds: number; traceEvents: { ph: string; cat?: string; name: string; ts: number; dur?: number; args?: Record<string, unknown> }[] };
  const kernel = doc.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'kernel').sort((a, b) => a.ts - b.ts)[0];
  const [hit] = await tl(page, (api, name) => api.find({ name, laneKind: 'gpu', limit: 1 }), kernel.name);
  await tl(page, (api, key) => api.select(key), hit.key);
  const clip = () => page.evaluate(() => navigator.clipboard.readText());
  await page.getByTestId('copy-start').click();
  const start = Number(BigInt(String(doc.baseTimeNanoseconds)) + BigInt(Math.round(kernel.ts * 1000)) - BigInt(String(s.originNs)));
  expect(Math.abs(parseInt(await clip(), 10) - start)).toBeLessThan(2);
  await page.getByTestId('copy-duration').click();
  expect(Math.abs(parseInt(await clip(), 10) - kernel.dur! * 1000)).toBeLessThan(2);
  await page.getByTestId('copy-args').click();
  expect(JSON.parse(await clip())).toEqual(kernel.args);
  await waitIdle(page);
  await shot(page, 'nav-copy-buttons');
});

test('a kernel drawn 33 px wide carries a label', async ({ page }) => {
  await openApp(page);
  await openByPicker(page, 'llm_decode_small.json.gz');
  const s = await waitReady(page);
  const doc = JSON.parse(gunzipSync(readFileSync(corpusPath('llm_decode_small.json.gz'))).toString('utf8')) as { baseTimeNanoseconds: number; traceEvents: { ph: string; cat?: string; name: string; pid: number; tid: number; ts: number; dur?: number }[] };
  const kernels = doc.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'kernel').sort((a, b) => a.ts - b.ts);
  const k = kernels[Math.floor(kernels.length / 2)];
  const depth = doc.traceEvents.filter((e) => e.ph === 'X' && e.pid === k.pid && e.tid === k.tid && e !== k && e.ts <= k.ts && e.ts + e.dur! >= k.ts + k.dur!).length;
  const start = Number(BigInt(String(doc.baseTimeNanoseconds)) + BigInt(Math.round(k.ts * 1000)) - BigInt(String(s.originNs)));
  const canvas = (await page.getByTestId('timeline-canvas').boundingBox())!;
  // A view where the kernel is 33 px wide, starting 200 px from the left.
  const nsPerPx = (k.dur! * 1000) / 33;
  await tl(page, (api, v) => api.setViewport(v), { startNs: start - 200 * nsPerPx, endNs: start - 200 * nsPerPx + canvas.width * nsPerPx });
  await waitIdle(page);
  const lane = (await page.locator(`[data-testid="lane-header"][data-lane-id$="|${k.pid}|${k.tid}|gpu"]`).boundingBox())!;
  const y = lane.y - canvas.y + 4 + 18 * depth + 1; // lane padding, rows of 18 px, 1 px inset
  // Inside the slice's box: pixels far from its fill colour are the label's text.
  const textPixels = await page.getByTestId('timeline-canvas').evaluate((c: HTMLCanvasElement, { x, y }) => {
    const ctx = c.getContext('2d')!;
    const dpr = c.width / c.getBoundingClientRect().width;
    const img = ctx.getImageData(Math.round(x * dpr), Math.round(y * dpr), Math.round(33 * dpr), Math.round(16 * dpr)).data;
    const fill = [img[0], img[1], img[2]];
    let n = 0;
    for (let i = 0; i < img.length; i += 4) if (Math.abs(img[i] - fill[0]) + Math.abs(img[i + 1] - fill[1]) + Math.abs(img[i + 2] - fill[2]) > 120) n++;
    return n;
  }, { x: 200, y });
  expect(textPixels).toBeGreaterThan(15);
  await shot(page, 'nav-label-33px');
});
