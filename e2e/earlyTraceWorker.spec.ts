// The trace worker is started by index.html's first script, before the app's bundle runs
// (build/earlyTraceWorker.ts), and the app adopts it: a link's trace, and a picked one, load in
// that one worker (no second trace worker is started).
import { expect, test, type Page } from '@playwright/test';
import { collectConsoleErrors, corpusPath, corpusUrl, openApp, waitReady } from './helpers';

const FILE = 'llm_decode_small.json.gz';

/** Records, per Worker constructed, its script URL and the classic script that constructed it (none from a module). */
async function recordWorkers(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const made: { url: string; by: string | null }[] = [];
    (window as unknown as { __workersMade: typeof made }).__workersMade = made;
    const Native = window.Worker;
    window.Worker = class extends Native {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        made.push({ url: String(url), by: (document.currentScript as HTMLScriptElement | null)?.src ?? null });
      }
    };
  });
}

const traceWorkers = (page: Page) =>
  page.evaluate(() => (window as unknown as { __workersMade: { url: string; by: string | null }[] }).__workersMade.filter((w) => /trace\.worker/.test(w.url)));

test('a link: the trace worker index.html started loads the trace, and no other trace worker starts', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  await recordWorkers(page);
  await page.goto(`/?url=${encodeURIComponent(corpusUrl(FILE))}`);
  const s = await waitReady(page);
  expect(s.events).toBeGreaterThan(0);
  const made = await traceWorkers(page);
  expect(made).toHaveLength(1);
  // Started by the classic script in <head>, not by the app's module.
  expect(made[0].by).toMatch(/\/assets\/start-trace-worker-[\w-]+\.js$/);
  expect(page.workers().filter((w) => /trace\.worker/.test(w.url()))).toHaveLength(1);
  expect(errors).toEqual([]);
});

test('a picked file loads in the early worker too', async ({ page }) => {
  await recordWorkers(page);
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles(corpusPath(FILE));
  await waitReady(page);
  const made = await traceWorkers(page);
  expect(made.map((w) => w.by)).toEqual([expect.stringMatching(/start-trace-worker/)]);
});

test('the early worker starts its parse helpers itself: they run even when the app’s bundle never does', async ({ page }) => {
  await page.route(/\/assets\/index-[\w-]+\.js$/, (route) => route.abort());
  await page.goto('/');
  // The helpers a big parse takes (one per other core, at most three: parallelParse.ts fragmentCount).
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const helpers = Math.min(4, cores) - 1;
  test.skip(helpers < 1, 'one core: no parse helpers');
  await expect.poll(() => page.workers().filter((w) => /fragment\.worker/.test(w.url())).length, { timeout: 10_000 }).toBe(helpers);
  expect(page.workers().filter((w) => /trace\.worker/.test(w.url()))).toHaveLength(1);
});
