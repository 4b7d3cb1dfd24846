// The WebAssembly scanner in the production build: a trace opened by picker or by ?url=
// is read by it, `?scanner=js` asks for the JS scanner; where the page's
// Content-Security-Policy lacks 'wasm-unsafe-eval' the JS scanner takes over by itself
// and the same lanes open.

import { expect, test, type Page } from '@playwright/test';
import { openApp, openByPicker, openByUrl, summary, waitReady, withoutWasmEval } from './helpers';

const FILE = 'llm_decode_small.json.gz';

const scanners = (page: Page) => page.evaluate(() => (window as unknown as { tracelane: { summary(): { scanners: (string | null)[] } } }).tracelane.summary().scanners);

test('traces are read by the WebAssembly scanner, by picker and by ?url=', async ({ page }) => {
  await openApp(page);
  await openByPicker(page, FILE);
  await waitReady(page);
  expect(await scanners(page)).toEqual(['wasm']);
  await openByUrl(page, FILE);
  await waitReady(page);
  expect(await scanners(page)).toEqual(['wasm']);
  await openApp(page, '/?scanner=js');
  await openByPicker(page, FILE);
  await waitReady(page);
  expect(await scanners(page)).toEqual(['js']);
});

test('without wasm-unsafe-eval in the Content-Security-Policy the JS scanner reads the same lanes', async ({ page }) => {
  await openApp(page);
  await openByPicker(page, FILE);
  const withWasm = await waitReady(page);
  const page2 = await page.context().newPage();
  await withoutWasmEval(page2);
  await openApp(page2);
  await openByPicker(page2, FILE);
  const withJs = await waitReady(page2);
  expect(await scanners(page2)).toEqual(['js']);
  expect(withJs.lanes).toEqual(withWasm.lanes);
  expect(withJs.events).toBe(withWasm.events);
  expect((await summary(page2)).warnings).toEqual((await summary(page)).warnings);
});
