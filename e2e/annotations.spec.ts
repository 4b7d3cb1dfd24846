// Annotations and shareable links, as a user meets them: mark a line with M and at a
// slice from its context menu, turn three ranges into named stages, select a kernel,
// take the link from the share field and open it in a fresh browser: same viewport
// (within a pixel), same annotations, same selection. Reload without the hash:
// annotations come back from saved work. A tampered link: the trace opens, a notice
// says what was not restored.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { collectConsoleErrors, corpusUrl, E2E_ORIGIN, openApp, openByDrop, openByPicker, openByUrl, settledLink, shot, tl, waitIdle, waitReady } from './helpers';
import { SCREENS_DIR } from './env';

const FILE = 'load_and_infer.json.gz';

interface Ann {
  startNs: number;
  endNs?: number;
  label: string;
  color: string;
  note?: string;
}

async function annotations(page: Page): Promise<Ann[]> {
  return page.evaluate(() => (window as unknown as { tracelane: { annotations(): Ann[] } }).tracelane.annotations());
}

async function restored(page: Page): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.viewRestore === 'done', null, { timeout: 30_000 });
  await waitIdle(page);
}

async function axisDrag(page: Page, fromFrac: number, toFrac: number): Promise<void> {
  const box = (await page.locator('.axis-canvas').boundingBox())!;
  const y = box.y + 8;
  await page.mouse.move(box.x + box.width * fromFrac, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * ((fromFrac + toFrac) / 2), y, { steps: 3 });
  await page.mouse.move(box.x + box.width * toFrac, y, { steps: 3 });
  await page.mouse.up();
}

test('mark lines and stages, share the link, reopen it elsewhere, reload, and survive a tampered link', async ({ page, browser }) => {
  test.setTimeout(240_000);
  const errors = collectConsoleErrors(page);
  await openByUrl(page, FILE);
  const s = await waitReady(page);
  await restored(page);

  // Zoom to the middle of the run so the stages are wide.
  const span = s.endNs - s.startNs;
  await tl(page, (api, vp) => api.setViewport(vp), { startNs: s.startNs + span * 0.1, endNs: s.startNs + span * 0.6 });
  await waitIdle(page);

  // A line with M at the cursor / hovered slice.
  const canvas = page.getByTestId('timeline-canvas');
  const cbox = (await canvas.boundingBox())!;
  await page.mouse.move(cbox.x + cbox.width * 0.3, cbox.y + 40);
  await page.keyboard.press('m');
  await expect(page.getByTestId('annotation-row')).toHaveCount(1);

  // A line at a slice's start from its context menu.
  await page.mouse.click(cbox.x + cbox.width * 0.7, cbox.y + 40, { button: 'right' });
  await expect(page.getByTestId('annotation-menu')).toBeVisible();
  const atSlice = page.getByTestId('menu-line-slice-start');
  await ((await atSlice.count()) ? atSlice : page.getByTestId('menu-line-here')).click();
  await expect(page.getByTestId('annotation-row')).toHaveCount(2);

  // Three stages: drag a range on the axis, Shift+M, type the name it asks for.
  const stages: [number, number, string][] = [[0.05, 0.3, 'data reading'], [0.32, 0.55, 'copying'], [0.58, 0.9, 'decoding']];
  for (const [i, [a, b, label]] of stages.entries()) {
    await axisDrag(page, a, b);
    await page.keyboard.press('Shift+M');
    await expect(page.getByTestId('annotation-row')).toHaveCount(3 + i);
    await expect(page.getByTestId('annotation-label-input')).toBeFocused();
    await page.keyboard.type(label);
    await page.keyboard.press('Enter');
    await expect(page.locator(`[data-testid="annotation-row"][data-label="${label}"]`)).toHaveCount(1);
  }
  const rows = page.locator('[data-testid="annotation-row"][data-end-ns]');
  await expect(rows).toHaveCount(3);

  // Select a kernel (by key, like a click would).
  const [kernel] = await tl(page, (api) => api.find({ regex: '[Kk]ernel', laneKind: 'gpu', limit: 1 }));
  expect(await tl(page, (api, key) => api.select(key), kernel.key)).toBeTruthy();
  await tl(page, (api, vp) => api.setViewport(vp), { startNs: s.startNs + span * 0.1, endNs: s.startNs + span * 0.6 });
  await waitIdle(page);

  const before = { vp: await tl(page, (api) => api.viewport()), anns: await annotations(page), sel: ((await tl(page, (api) => api.selection())) as { key: string }).key };
  expect(before.anns.filter((a) => a.endNs !== undefined).map((a) => a.label)).toEqual(['data reading', 'copying', 'decoding']);
  const link = await settledLink(page);
  expect(link).toContain(`url=${encodeURIComponent(corpusUrl(FILE))}`);
  await shot(page, 'annotations-marked');

  // Panel rows carry their times; clicking one jumps there.
  const firstStage = rows.first();
  expect(Number(await firstStage.getAttribute('data-start-ns'))).toBeCloseTo(before.anns.find((a) => a.label === 'data reading')!.startNs, 0);

  // A fresh browser context (no saved work) opens the link: same view.
  const ctx2 = await browser.newContext({ viewport: page.viewportSize()! });
  const page2 = await ctx2.newPage();
  const errors2 = collectConsoleErrors(page2);
  await page2.goto(link);
  await waitReady(page2);
  await restored(page2);
  const vp2 = await tl(page2, (api) => api.viewport());
  const nsPerPx = (before.vp.endNs - before.vp.startNs) / cbox.width;
  expect(Math.abs(vp2.startNs - before.vp.startNs)).toBeLessThanOrEqual(nsPerPx);
  expect(Math.abs(vp2.endNs - before.vp.endNs)).toBeLessThanOrEqual(nsPerPx);
  const anns2 = await annotations(page2);
  expect(anns2.map((a) => [a.label, a.color, a.endNs === undefined])).toEqual(before.anns.map((a) => [a.label, a.color, a.endNs === undefined]));
  anns2.forEach((a, i) => {
    expect(Math.abs(a.startNs - before.anns[i].startNs)).toBeLessThanOrEqual(1);
    if (a.endNs !== undefined) expect(Math.abs(a.endNs - before.anns[i].endNs!)).toBeLessThanOrEqual(1);
  });
  expect(((await tl(page2, (api) => api.selection())) as { key: string }).key).toBe(before.sel);
  await expect(page2.getByTestId('restore-notice')).toHaveCount(0);
  await expect(page2.getByTestId('annotation-row')).toHaveCount(5);
  await shot(page2, 'annotations-shared-link');
  await page2.emulateMedia({ colorScheme: 'dark' });
  await shot(page2, 'annotations-shared-link-dark');
  await page2.emulateMedia({ colorScheme: 'light' });

  // Jump: click the last stage's row; the view centres on it.
  await page2.locator('[data-testid="annotation-row"][data-label="decoding"]').click();
  const d = anns2.find((a) => a.label === 'decoding')!;
  const vpj = await tl(page2, (api) => api.viewport());
  expect(Math.abs((vpj.startNs + vpj.endNs) / 2 - (d.startNs + d.endNs!) / 2)).toBeLessThan((vpj.endNs - vpj.startNs) * 0.01);

  // Reload without the hash: annotations come back from saved work (IndexedDB).
  await page2.waitForTimeout(700);
  await page2.goto(`${E2E_ORIGIN}/?url=${encodeURIComponent(corpusUrl(FILE))}`);
  await waitReady(page2);
  await restored(page2);
  expect((await annotations(page2)).map((a) => a.label)).toEqual(before.anns.map((a) => a.label));
  // And a plain reload keeps them too.
  await page2.reload();
  await waitReady(page2);
  await restored(page2);
  expect((await annotations(page2)).map((a) => a.label)).toEqual(before.anns.map((a) => a.label));
  expect(errors2).toEqual([]);
  await ctx2.close();

  // A tampered link: the trace opens, a notice says the view was not restored.
  const ctx3 = await browser.newContext({ viewport: page.viewportSize()! });
  const page3 = await ctx3.newPage();
  const [base, payload] = link.split('#tl=');
  const mid = payload.length >> 1;
  await page3.goto(`${base}#tl=${payload.slice(0, mid)}${payload[mid] === 'A' ? 'B' : 'A'}${payload.slice(mid + 1, -5)}`);
  await waitReady(page3);
  await expect(page3.getByTestId('restore-notice')).toBeVisible();
  await expect(page3.getByTestId('restore-notice')).toContainText(/damaged or truncated|not restore/);
  await restored(page3);
  expect(await annotations(page3)).toEqual([]);
  await shot(page3, 'annotations-tampered-link');
  await ctx3.close();
  expect(errors).toEqual([]);
});

test('a link to a dropped trace asks for the file, checks it, and restores; recent traces reopen it', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const DROPPED = 'two_rank_stall_rank0.json.gz';
  await openApp(page);
  await openByDrop(page, DROPPED);
  const s = await waitReady(page);
  await restored(page);
  await annotate(page, { startNs: s.startNs + 1_000_000, endNs: s.startNs + 5_000_000, label: 'broadcast' });
  await annotate(page, { startNs: s.startNs + 7_000_000, label: 'send' });
  const link = await settledLink(page);
  expect(link).not.toContain('?url=');
  const want = await annotations(page);

  // Recent traces on the landing page reopen the dropped file from its stored copy.
  await page.goto('/');
  await expect(page.getByTestId('recent-trace').first()).toContainText(DROPPED);
  await shot(page, 'annotations-recent-traces');
  await page.getByTestId('recent-trace').first().click();
  await waitReady(page);
  await restored(page);
  expect((await annotations(page)).map((a) => a.label)).toEqual(want.map((a) => a.label));

  const ctx = await browser.newContext({ viewport: page.viewportSize()! });
  const p2 = await ctx.newPage();
  await p2.goto(link);
  await expect(p2.getByTestId('file-request')).toContainText(DROPPED);
  await shot(p2, 'annotations-file-request');
  // The wrong file: it opens, but the link's view is not applied, and the notice says why.
  await openByPicker(p2, 'two_rank_stall_rank1.json.gz');
  await waitReady(p2);
  await expect(p2.getByTestId('restore-notice')).toContainText('two_rank_stall_rank0.json.gz');
  expect(await annotations(p2)).toEqual([]);
  // The right file: restored.
  await p2.goto(link);
  await expect(p2.getByTestId('file-request')).toBeVisible();
  await openByPicker(p2, DROPPED);
  await waitReady(p2);
  await restored(p2);
  await expect(p2.getByTestId('restore-notice')).toHaveCount(0);
  expect((await annotations(p2)).map((a) => [a.label, Math.round(a.startNs), a.endNs === undefined ? null : Math.round(a.endNs)])).toEqual(
    want.map((a) => [a.label, Math.round(a.startNs), a.endNs === undefined ? null : Math.round(a.endNs)]),
  );
  await ctx.close();
});

test('exports: the view as a PNG, the window as a smaller trace with the annotations inside, annotations as JSON and CSV', async ({ page }) => {
  test.setTimeout(120_000);
  await openByUrl(page, FILE);
  const s = await waitReady(page);
  await restored(page);
  const span = s.endNs - s.startNs;
  await tl(page, (api, vp) => api.setViewport(vp), { startNs: s.startNs + span * 0.3, endNs: s.startNs + span * 0.34 });
  await annotate(page, { startNs: s.startNs + span * 0.31, label: 'cudaMalloc here' });
  await annotate(page, { startNs: s.startNs + span * 0.315, endNs: s.startNs + span * 0.33, label: 'copying' });
  await waitIdle(page);

  await page.getByTestId('export-menu').click();
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
  const pngPath = path.join(SCREENS_DIR, 'annotations-export.png');
  await png.saveAs(pngPath);
  const head = readFileSync(pngPath);
  expect(head.subarray(1, 4).toString()).toBe('PNG');
  // Width = header column + plot; height = axis + lanes.
  expect(head.readUInt32BE(16)).toBeGreaterThan((await page.getByTestId('timeline-canvas').boundingBox())!.width);

  await page.getByTestId('export-menu').click();
  const [gz] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-trace-window').click()]);
  const doc = JSON.parse(gunzipSync(readFileSync((await gz.path())!)).toString('utf8')) as { traceEvents: { ph: string; name: string; cat?: string }[]; tracelaneAnnotations: { annotations: { label: string }[] } };
  expect(doc.tracelaneAnnotations.annotations.map((a) => a.label)).toEqual(['cudaMalloc here', 'copying']);
  expect(doc.traceEvents.filter((e) => e.ph === 'X').length).toBeGreaterThan(100);
  expect(doc.traceEvents.filter((e) => e.cat === 'tracelane_annotation').map((e) => e.name)).toEqual(['cudaMalloc here', 'copying']);

  const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-annotations-json').click()]);
  expect(JSON.parse(readFileSync((await json.path())!, 'utf8')).annotations).toHaveLength(2);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-annotations-csv').click()]);
  expect(readFileSync((await csv.path())!, 'utf8').trim().split('\r\n')).toHaveLength(3);

  // Delete one, import the JSON back: it returns.
  await page.locator('[data-testid="annotation-row"][data-label="copying"]').locator('xpath=..').getByTestId('delete-annotation').click();
  await expect(page.getByTestId('annotation-row')).toHaveCount(1);
  await page.getByTestId('import-annotations').setInputFiles((await json.path())!);
  await expect(page.getByTestId('annotation-row')).toHaveCount(3);
});

async function annotate(page: Page, a: { startNs: number; endNs?: number; label: string }): Promise<void> {
  await page.evaluate((x) => (window as unknown as { tracelane: { annotate(a: unknown): unknown } }).tracelane.annotate(x), a);
}
