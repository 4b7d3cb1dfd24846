// Shared e2e helpers. They rely only on the app's automation contract (see README
// "Automation contract"): data-trace-state / data-render-state on <html>, data-testid
// hooks, and window.tracelane.
//
// The open* helpers only START a load; follow them with `await waitReady(page)`.
// They mark the page first, so waitReady() waits for a state change that happens
// after the call even when a previous trace is already 'ready'.
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, type ConsoleMessage, type Page } from '@playwright/test';
import { CORPUS_DIR, E2E_ORIGIN, REPO_ROOT, SCREENS_DIR, SUB_PATH } from './env';

export { CORPUS_DIR, E2E_ORIGIN, REPO_ROOT, SUB_PATH };

// ---- window.tracelane contract (kept local: no global Window augmentation, so it can't clash with src/) ----
export interface LaneSummary {
  id: string;
  kind: string;
  name: string;
  group: string;
  trace: string | number;
  events: number;
  rows: number;
  /** An async lane (issue 20). */
  async?: true;
}
export interface TraceSummary {
  events: number;
  originNs: number;
  startNs: number;
  endNs: number;
  parseMs: number;
  firstFrameMs: number;
  warnings: unknown[];
  lanes: LaneSummary[];
}
export interface FoundEvent {
  key: string;
  laneId: string;
  startNs: number;
  durNs: number;
}
export interface FindQuery {
  name?: string;
  regex?: string;
  laneKind?: string;
  limit?: number;
}
export interface Viewport {
  startNs: number;
  endNs: number;
}
export interface TracelaneApi {
  summary(): TraceSummary;
  viewport(): Viewport;
  setViewport(v: Viewport): void;
  find(q: FindQuery): FoundEvent[];
  select(key: string | null): void;
  selection(): unknown;
  range(): Viewport | null;
  annotate(a: { startNs: number; endNs?: number; label?: string }): unknown;
  drawn(): { items: number; lanes: { id: string; items: number; fromTiles: number; firstNs: number | null }[] };
}

// ---- corpus ----
/** Absolute path of a corpus file (../shared/corpus/<name>, or $CORPUS_DIR). */
/** Phases that place an event on the timeline (what `summary().events` counts). */
const PLACED_PHASES = new Set(['X', 'i', 'I', 'C', 'B', 'b', 'n', 'R']);

/** The events of a trace's JSON text that `summary().events` counts, read from the raw JSON. */
export function placedEvents(text: string): number {
  const doc = JSON.parse(text) as { traceEvents: { ph: string }[] };
  return doc.traceEvents.filter((e) => PLACED_PHASES.has(e.ph)).length;
}

export function corpusPath(name: string): string {
  return path.resolve(CORPUS_DIR, name);
}

/** All JSON traces in the corpus (`*.json`, `*.json.gz`), sorted by name. */
export function listCorpusJsonTraces(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => /\.json(\.gz)?$/i.test(f))
    .sort();
}

/** Absolute URL of a corpus file on the e2e server. */
export function corpusUrl(name: string): string {
  return `${E2E_ORIGIN}/corpus/${encodeURIComponent(name)}`;
}

// ---- page state ----
/**
 * Collect console errors and uncaught page errors from now on. Call BEFORE navigating.
 * `ignore` filters out expected messages; a 404 for the browser's automatic
 * /favicon.ico request is always ignored.
 */
export function collectConsoleErrors(page: Page, ignore: RegExp[] = []): string[] {
  const errors: string[] = [];
  const keep = (text: string) => !ignore.some((re) => re.test(text));
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() === 'error' && keep(msg.text())) {
      const loc = msg.location();
      // The browser's own automatic /favicon.ico request (at the origin root, outside a
      // sub-path deployment) is not the app's doing.
      if (/\/favicon\.ico$/.test(loc.url ?? '')) return;
      errors.push(`console.error: ${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => {
    if (keep(err.message)) errors.push(`pageerror: ${err.message}`);
  });
  return errors;
}

/** Navigate to `urlPath` (relative to the e2e server) and wait until React has mounted. */
export async function openApp(page: Page, urlPath = '/'): Promise<void> {
  await page.goto(urlPath, { waitUntil: 'load' });
  await page.waitForFunction(() => (document.getElementById('root')?.childElementCount ?? 0) > 0, null, {
    timeout: 30_000,
  });
}

/** Record the current traceState and start watching for changes (see waitReady). */
async function markLoadStart(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __tlLoadMark?: { changed: boolean }; __tlObserver?: MutationObserver };
    w.__tlLoadMark = { changed: false };
    if (!w.__tlObserver) {
      w.__tlObserver = new MutationObserver(() => {
        if (w.__tlLoadMark) w.__tlLoadMark.changed = true;
      });
      w.__tlObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-trace-state'] });
    }
  });
}

/**
 * Wait for the trace to finish loading: traceState 'ready' (returns) or 'error'
 * (throws with the text of [data-testid="load-error"]). After an open* helper,
 * only a traceState change that happened after that call counts.
 */
export async function waitReady(page: Page, timeout = 120_000): Promise<TraceSummary> {
  await page.waitForFunction(
    () => {
      const w = window as unknown as { __tlLoadMark?: { changed: boolean } };
      if (w.__tlLoadMark && !w.__tlLoadMark.changed) return false;
      const s = document.documentElement.dataset.traceState;
      return s === 'ready' || s === 'error';
    },
    null,
    { timeout, polling: 50 },
  );
  const state = await page.evaluate(() => document.documentElement.dataset.traceState);
  if (state === 'error') {
    const el = page.getByTestId('load-error');
    const text = (await el.count()) ? (await el.first().innerText()).trim() : '(no [data-testid="load-error"] element)';
    throw new Error(`trace failed to load: ${text}`);
  }
  return summary(page);
}

/** Wait until the timeline has finished drawing (renderState 'idle'). */
export async function waitIdle(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.renderState === 'idle', null, {
    timeout,
    polling: 50,
  });
}

/** window.tracelane.summary() */
export async function summary(page: Page): Promise<TraceSummary> {
  return page.evaluate(() => (window as unknown as { tracelane: TracelaneApi }).tracelane.summary());
}

/** Run `fn(window.tracelane, arg)` in the page. `fn` must be self-contained (it is serialised). */
export async function tl<R, A = undefined>(page: Page, fn: (api: TracelaneApi, arg: A) => R, arg?: A): Promise<R> {
  return page.evaluate(
    ([src, a]) => {
      const api = (window as unknown as { tracelane: TracelaneApi }).tracelane;
      // eslint-disable-next-line no-new-func
      return new Function('api', 'arg', `return (${src})(api, arg);`)(api, a) as R;
    },
    [fn.toString(), arg] as const,
  );
}

// ---- opening traces ----
/**
 * Picks the big file at `path`, presses Cancel once it is being parsed in pieces (its fragment workers at
 * work), and checks the page went back to idle and the trace worker and every helper of it are gone.
 */
export async function cancelWhileParsing(page: Page, path: string): Promise<void> {
  const workers = (kind: RegExp) => page.workers().filter((w) => kind.test(w.url())).length;
  await page.getByTestId('file-input').setInputFiles(path);
  await expect(page.getByTestId('load-progress')).toContainText('Parsing', { timeout: 60_000 });
  // Playwright lists a nested worker once it has attached to it, which a loaded machine can delay past
  // the label (fresh-clone CI, load ~10: none listed yet); they live until the parse ends.
  await expect.poll(() => workers(/fragment\.worker/), { timeout: 10_000 }).toBeGreaterThan(0);
  await page.getByTestId('cancel-load').click();
  await expect(page.getByTestId('load-progress')).toHaveCount(0);
  expect(await page.evaluate(() => document.documentElement.dataset.traceState)).toBe('idle');
  await expect.poll(() => workers(/trace\.worker|fragment\.worker|gunzip\.worker/)).toBe(0);
}

/** Open a corpus file through the file picker input ([data-testid="file-input"]). */
export async function openByPicker(page: Page, corpusFile: string): Promise<void> {
  await markLoadStart(page);
  await page.getByTestId('file-input').setInputFiles(corpusPath(corpusFile));
}

/** Open files built in the test (and/or read from disk) together through the file picker, in one selection; past 50 MB, pass a path to the file written out. */
export async function openFilesByPicker(page: Page, files: { name: string; buffer: Buffer }[] | string[]): Promise<void> {
  await markLoadStart(page);
  const picked = files.map((f) => (typeof f === 'string' ? f : { name: f.name, mimeType: 'application/octet-stream', buffer: f.buffer }));
  await page.getByTestId('file-input').setInputFiles(picked as string[] | { name: string; mimeType: string; buffer: Buffer }[]);
}

/**
 * Open a corpus file by simulated drag and drop: fetch /corpus/<name> in the page,
 * wrap it in a File + DataTransfer, dispatch dragenter/dragover/drop on document.body.
 */
export async function openByDrop(page: Page, corpusFile: string): Promise<void> {
  await markLoadStart(page);
  await page.evaluate(
    async ({ url, name }) => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`fetch ${url}: HTTP ${res.status}`);
      const blob = await res.blob();
      const type = name.endsWith('.gz') ? 'application/gzip' : name.endsWith('.json') ? 'application/json' : '';
      const file = new File([blob], name, { type });
      const dt = new DataTransfer();
      dt.items.add(file);
      for (const t of ['dragenter', 'dragover', 'drop']) {
        document.body.dispatchEvent(new DragEvent(t, { bubbles: true, cancelable: true, composed: true, dataTransfer: dt }));
      }
    },
    { url: corpusUrl(corpusFile), name: corpusFile },
  );
}

/** Drop several corpus files at once (one drop event, like selecting them all in a file manager). */
export async function openByDropMany(page: Page, corpusFiles: string[]): Promise<void> {
  await markLoadStart(page);
  await page.evaluate(async (items) => {
    const dt = new DataTransfer();
    for (const { url, name } of items) {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`fetch ${url}: HTTP ${res.status}`);
      dt.items.add(new File([await res.blob()], name));
    }
    for (const t of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(t, { bubbles: true, cancelable: true, composed: true, dataTransfer: dt }));
    }
  }, corpusFiles.map((name) => ({ url: corpusUrl(name), name })));
}

/**
 * Open a corpus file through the `?url=` query parameter, with the app served at
 * `base` ('/' or SUB_PATH). The trace URL is absolute (the e2e server's /corpus/).
 */
export async function openByUrl(page: Page, corpusFile: string, base = '/'): Promise<void> {
  const target = `${E2E_ORIGIN}${base}?url=${encodeURIComponent(corpusUrl(corpusFile))}`;
  await page.goto(target, { waitUntil: 'load' });
}

/** The share field once it holds the link to the current state (the URL is written debounced). */
export async function settledLink(page: Page): Promise<string> {
  await page.waitForTimeout(700);
  await page.waitForFunction(() => {
    const v = (document.querySelector('[data-testid="share-url"]') as HTMLInputElement | null)?.value ?? '';
    return v.includes('#tl=') && v === window.location.href;
  });
  return page.getByTestId('share-url').inputValue();
}

// ---- annotations and storage ----
/** Mark a line with M over the timeline and name it by typing, as a user does. */
export async function markAndName(page: Page, label: string, xFrac = 0.4): Promise<void> {
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width * xFrac, box.y + 30);
  const before = await page.getByTestId('annotation-row').count();
  await page.keyboard.press('m');
  await expect(page.getByTestId('annotation-row')).toHaveCount(before + 1);
  const row = page.getByTestId('annotation-row').last();
  const current = (await row.getAttribute('data-label'))!;
  await row.locator('xpath=..').getByRole('button', { name: `Edit ${current}` }).click();
  await page.getByTestId('annotation-label-input').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(label);
  await page.keyboard.press('Enter');
  await expect(page.locator(`[data-testid="annotation-row"][data-label="${label}"]`)).toHaveCount(1);
}

/**
 * Break IndexedDB in every page of the test from outside the app (an init script):
 * 'unavailable' as in a window without storage access (open() throws), 'quota' as on a
 * full disk (the database opens, every write fails with QuotaExceededError), 'silent' as a
 * blocked database (open() never answers).
 */
export async function breakIndexedDb(page: Page, mode: 'unavailable' | 'quota' | 'silent'): Promise<void> {
  await page.addInitScript((m) => {
    if (m === 'silent') {
      IDBFactory.prototype.open = function () {
        return {} as IDBOpenDBRequest;
      };
    } else if (m === 'unavailable') {
      IDBFactory.prototype.open = function () {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      };
    } else {
      IDBObjectStore.prototype.put = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    }
  }, mode);
}

// ---- real input ----
/**
 * Clicks a slice on the canvas like a user: the viewport centred on it, then clicks down its lane
 * at the slice's middle until one selects it (rows are a few px apart). Fails if none does.
 */
export async function clickSliceOnCanvas(page: Page, hit: FoundEvent): Promise<void> {
  await tl(page, (api, h) => api.setViewport({ startNs: h.startNs - h.durNs / 2, endNs: h.startNs + 1.5 * h.durNs }), hit);
  const header = page.locator(`[data-testid="lane-header"][data-lane-id="${hit.laneId}"]`);
  await header.scrollIntoViewIfNeeded();
  await waitIdle(page);
  const canvas = (await page.getByTestId('timeline-canvas').boundingBox())!;
  const lane = (await header.boundingBox())!;
  const x = canvas.x + canvas.width / 2;
  let selected: string | null = null;
  for (let y = lane.y + 2; y < lane.y + lane.height && selected !== hit.key; y += 4) {
    await page.mouse.click(x, y);
    selected = ((await tl(page, (api) => api.selection())) as { key: string } | null)?.key ?? null;
  }
  expect(selected).toBe(hit.key);
}

// ---- screenshots ----
/** Save a screenshot to test-results/screens/<name>.png (waits briefly for renderState 'idle'). */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const file = path.join(SCREENS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await waitIdle(page, 5_000).catch(() => undefined);
  await page.screenshot({ path: file });
  return file;
}

/** The policy of build/csp.ts without 'wasm-unsafe-eval', on the page and on every script (workers take theirs from their script's response). */
export async function withoutWasmEval(page: Page): Promise<void> {
  await page.route('**/*', async (route) => {
    const req = route.request();
    const type = req.resourceType();
    if (type !== 'document' && type !== 'script' && type !== 'other') return route.continue();
    const res = await route.fetch();
    const headers = { ...res.headers() };
    const ct = headers['content-type'] ?? '';
    let body = await res.body();
    if (ct.includes('text/html')) body = Buffer.from(body.toString('utf8').replace(/ 'wasm-unsafe-eval'/g, ''));
    if (ct.includes('html') || ct.includes('javascript')) headers['content-security-policy'] = "default-src 'self'; script-src 'self'; worker-src 'self' blob:; connect-src *; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:";
    await route.fulfill({ response: res, body, headers });
  });
}
