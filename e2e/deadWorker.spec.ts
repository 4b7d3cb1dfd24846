// A worker that stops never leaves the app on "loading": the trace worker hangs or exits
// while loading (`?debugWorker=hang|exit`, applied to the page's first load only), its
// gunzip helper exits (`?debugWorker=gunzip-exit`), or the test itself closes the loaded
// trace's worker from outside (Playwright evaluates `close()` in it). Each time a clear
// message appears (within 2 s of an exit, after 10 s without progress for a hang), Retry
// opens the trace again, and the annotations made before come back. IndexedDB is broken
// for these tests, so the annotations cannot come back from saved work.

import { expect, test, type Page, type Worker } from '@playwright/test';
import { breakIndexedDb, corpusUrl, markAndName, openByUrl, settledLink, shot, waitIdle, waitReady } from './helpers';

const FILE = 'load_and_infer.json.gz';

async function restored(page: Page): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.viewRestore === 'done', null, { timeout: 30_000 });
  await waitIdle(page);
}

async function openReady(page: Page): Promise<void> {
  await openByUrl(page, FILE);
  await waitReady(page);
  await restored(page);
}

/** Resolves with the time (ms) a worker whose script URL matches `pattern` ended. */
function workerEnd(page: Page, pattern: RegExp): Promise<number> {
  return new Promise((resolve) => {
    const watch = (w: Worker) => {
      if (pattern.test(w.url())) w.once('close', () => resolve(Date.now()));
    };
    page.workers().forEach(watch);
    page.on('worker', watch);
  });
}

/** The time (ms) the load error shows, polled every 50 ms. */
async function errorShown(page: Page, timeout: number): Promise<number> {
  await page.waitForFunction(() => !!document.querySelector('[data-testid="load-error"]'), null, { timeout, polling: 50 });
  return Date.now();
}

/** Retry with the mouse; the trace opens and its view is restored. */
async function retry(page: Page): Promise<void> {
  const button = page.getByTestId('retry-load');
  const box = (await button.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await waitReady(page);
  await restored(page);
}

test.beforeEach(async ({ page }) => {
  await breakIndexedDb(page, 'unavailable');
});

test('a hung trace worker is reported after 10 s without progress; Retry brings back the link’s annotation', async ({ page }) => {
  test.setTimeout(120_000);
  await openReady(page);
  await markAndName(page, 'before the hang');
  const link = await settledLink(page);

  const hash = link.indexOf('#');
  const started = Date.now();
  await page.goto(`${link.slice(0, hash)}&debugWorker=hang${link.slice(hash)}`);
  // While it hangs the progress card is up, not a blank page.
  await expect(page.getByTestId('load-progress')).toBeVisible();
  const shown = await errorShown(page, 20_000);
  expect(shown - started).toBeGreaterThanOrEqual(10_000);
  await expect(page.getByTestId('load-error')).toContainText(`${FILE}: the trace worker stopped responding: no progress for 10 s while`);
  await expect(page.getByTestId('retry-load')).toBeVisible();
  await expect(page.getByTestId('retry-smaller-budget')).toBeVisible();
  await shot(page, 'dead-worker-hang');

  await retry(page);
  await expect(page.locator('[data-testid="annotation-row"][data-label="before the hang"]')).toHaveCount(1);
});

test('a trace worker that exits while loading is reported within 2 s; Retry opens the trace', async ({ page }) => {
  const ended = workerEnd(page, /trace\.worker/);
  await page.goto(`/?url=${encodeURIComponent(corpusUrl(FILE))}&debugWorker=exit`);
  const shown = await errorShown(page, 15_000);
  expect(shown - (await ended)).toBeLessThanOrEqual(2_000);
  await expect(page.getByTestId('load-error')).toContainText(`${FILE}: the trace worker stopped while`);
  await expect(page.getByTestId('load-error')).toContainText('it exited or the browser ended it');
  await retry(page);
});

test('a gunzip helper that exits fails the load within 2 s with a message naming it', async ({ page }) => {
  const ended = workerEnd(page, /gunzip\.worker/);
  await page.goto(`/?url=${encodeURIComponent(corpusUrl(FILE))}&debugWorker=gunzip-exit`);
  const shown = await errorShown(page, 15_000);
  expect(shown - (await ended)).toBeLessThanOrEqual(2_000);
  await expect(page.getByTestId('load-error')).toContainText(`${FILE}: the gunzip helper worker stopped while decompressing`);
  await retry(page);
});

test('the loaded trace’s worker closed from outside: message within 2 s, Retry keeps the annotations made meanwhile', async ({ page }) => {
  await openReady(page);
  await markAndName(page, 'first mark', 0.3);
  await markAndName(page, 'second mark', 0.6);

  const worker = page.workers().find((w) => /trace\.worker/.test(w.url()))!;
  expect(worker).toBeTruthy();
  // Timed from the close this test asks for: Playwright's 'close' event of a worker that closes itself
  // came only with the page's end in one CI run (the message was on screen 0.2 s after the close).
  const asked = Date.now();
  await worker.evaluate(() => (self as unknown as { close(): void }).close()).catch(() => undefined);
  const shown = await errorShown(page, 10_000);
  expect(shown - asked).toBeLessThanOrEqual(2_000);
  await expect(page.getByTestId('load-error')).toContainText(`${FILE}: the trace worker stopped after opening the trace`);
  await shot(page, 'dead-worker-after-load');

  await retry(page);
  await expect(page.getByTestId('annotation-row')).toHaveCount(2);
  await expect(page.locator('[data-testid="annotation-row"][data-label="first mark"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="annotation-row"][data-label="second mark"]')).toHaveCount(1);
});

test('with two traces open, a failed worker offers to open the other one without it', async ({ page }) => {
  const [a, b] = ['two_rank_stall_rank0.json.gz', 'two_rank_stall_rank1.json.gz'];
  await page.goto(`/?url=${encodeURIComponent(corpusUrl(a))}&url=${encodeURIComponent(corpusUrl(b))}&debugWorker=exit`);
  // The hook stops the first trace's worker only.
  await errorShown(page, 15_000);
  await expect(page.getByTestId('load-error')).toHaveText(new RegExp(`^${a.replace(/\./g, '\\.')}: the trace worker stopped while`));
  const without = page.getByTestId('open-without-failed');
  await expect(without).toHaveText(`Open the other trace without ${a}`);
  await without.click();
  const s = await waitReady(page);
  expect(new Set(s.lanes.map((l) => String(l.trace)))).toEqual(new Set([b.replace(/\.json\.gz$/, '')]));
});

test('a loaded trace’s worker that stops answering: a notice after 10 s, and Reopen keeps the annotations', async ({ page }) => {
  test.setTimeout(90_000);
  await openReady(page);
  await markAndName(page, 'kept through a reopen');

  // Busy for good, from outside the app: the worker's thread never gets back to its messages.
  const worker = page.workers().find((w) => /trace\.worker/.test(w.url()))!;
  void worker.evaluate(() => {
    for (;;) {
      /* spin */
    }
  }).catch(() => undefined);
  const asked = Date.now();
  await page.getByTestId('search-input').click();
  await page.keyboard.type('aten');
  const notice = page.getByTestId('worker-notice');
  await expect(notice).toBeVisible({ timeout: 15_000 });
  expect(Date.now() - asked).toBeGreaterThanOrEqual(10_000);
  await expect(notice).toContainText(`${FILE}: the trace worker has not answered for 10 s (search)`);
  await shot(page, 'worker-not-answering');

  await notice.getByTestId('reopen-trace').click();
  await waitReady(page);
  await restored(page);
  await expect(page.locator('[data-testid="annotation-row"][data-label="kept through a reopen"]')).toHaveCount(1);
  await expect(notice).toHaveCount(0);
});
