// `npm run dev` (vite's dev server, React's StrictMode): a picked trace and a link are drawn and reach ready, with the
// same lanes as the built app gives. StrictMode mounts every component, cleans it up and mounts it again; the
// timeline drew nothing after that (its cleanup left a cancelled frame's id and a disposed ViewportData).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { corpusPath, openApp, waitReady, type TraceSummary } from './helpers';

const NAME = 'llm_decode_small.json.gz';
const shape = (s: TraceSummary) => ({ events: s.events, lanes: s.lanes.map((l) => `${l.id}:${l.events}:${l.rows}`).sort() });

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

let dev: ChildProcess | null = null;
let devUrl = '';

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  const port = await freePort();
  const vite = path.resolve('node_modules/vite/bin/vite.js');
  dev = spawn(process.execPath, [vite, '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { stdio: 'ignore' });
  devUrl = `http://127.0.0.1:${port}/`;
  await expect.poll(() => fetch(devUrl).then((r) => r.status, () => 0), { timeout: 60_000 }).toBe(200);
  // The first visit lets vite find and optimise the app's dependencies (it reloads the page once when it has).
  const warm = await browser.newPage();
  await openApp(warm, devUrl);
  await warm.waitForLoadState('networkidle');
  await warm.waitForTimeout(3000);
  await warm.close();
});

test.afterAll(() => {
  dev?.kill();
});

async function drawnItems(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { tracelane: { drawn(): { items: number } } }).tracelane.drawn().items);
}

test('the dev server draws a picked trace and a link, with the built app\'s lanes', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles(corpusPath(NAME));
  const built = shape(await waitReady(page));

  await openApp(page, devUrl);
  await page.getByTestId('file-input').setInputFiles(corpusPath(NAME));
  expect(shape(await waitReady(page, 60_000))).toEqual(built);
  expect(await drawnItems(page)).toBeGreaterThan(0);

  await openApp(page, `${devUrl}?url=samples/${NAME}`);
  expect(shape(await waitReady(page, 60_000))).toEqual(built);
  expect(await drawnItems(page)).toBeGreaterThan(0);
});
