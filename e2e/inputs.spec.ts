// Other input formats on the shared timeline: an strace log dropped together with a
// Kineto trace becomes its own group of syscall lanes; a `read` shows its arguments
// and duration in the details panel.
import { expect, test, type Page } from '@playwright/test';
import { formatDuration } from '../src/model/time';
import { buildExport, PID } from '../test/support/nsysExport';
import { collectConsoleErrors, corpusUrl, openApp, shot, tl, waitIdle, waitReady, type FoundEvent, type LaneSummary } from './helpers';

const STRACE = 'strace_model_load.txt.gz';
const KINETO = 'llm_decode_small.json.gz';

/** A file to drop: a corpus file (fetched from the e2e server), or text or bytes (base64) built in the test. */
type DropFile = { name: string; text?: string; base64?: string };

/** Drop several files at once, like a multi-file drag from a file manager. */
async function dropFiles(page: Page, files: DropFile[]): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __tlLoadMark?: { changed: boolean }; __tlObserver?: MutationObserver };
    w.__tlLoadMark = { changed: false };
    w.__tlObserver ??= new MutationObserver(() => w.__tlLoadMark && (w.__tlLoadMark.changed = true));
    w.__tlObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-trace-state'] });
  });
  await page.evaluate(async (list) => {
    const dt = new DataTransfer();
    for (const { url, name, text, base64 } of list) {
      if (text !== undefined) {
        dt.items.add(new File([text], name));
        continue;
      }
      if (base64 !== undefined) {
        dt.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name));
        continue;
      }
      const res = await fetch(url);
      if (!res.ok) throw new Error(`fetch ${url}: HTTP ${res.status}`);
      dt.items.add(new File([await res.blob()], name));
    }
    for (const t of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(t, { bubbles: true, cancelable: true, composed: true, dataTransfer: dt }));
    }
  }, files.map((f) => ({ ...f, url: corpusUrl(f.name) })));
}

test('an strace log dropped with a Kineto trace: syscall lanes in their own group; a read shows args and duration', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  await openApp(page);
  await dropFiles(page, [{ name: KINETO }, { name: STRACE }]);
  const s = await waitReady(page);

  const syscallLanes = s.lanes.filter((l) => l.kind === 'syscall');
  const kinetoLanes = s.lanes.filter((l) => l.kind !== 'syscall');
  expect(syscallLanes.length).toBe(5); // 5 threads in the log
  expect(kinetoLanes.length).toBeGreaterThan(0);
  const straceGroups = new Set(syscallLanes.map((l: LaneSummary) => l.group));
  expect(straceGroups.size).toBe(1);
  expect(kinetoLanes.some((l) => straceGroups.has(l.group))).toBe(false);
  expect(new Set(syscallLanes.map((l) => l.trace)).size).toBe(1);
  expect(syscallLanes[0].trace).not.toBe(kinetoLanes[0].trace);

  // A read on a loader thread (256 KiB reads), selected by key.
  const reads = await tl(page, (api) => api.find({ name: 'read', laneKind: 'syscall', limit: 1000 }));
  expect(reads.length).toBe(260);
  const read = reads.reduce((a: FoundEvent, b: FoundEvent) => (b.durNs > a.durNs ? b : a));
  expect(await tl(page, (api, key) => api.select(key), read.key)).toBeTruthy();
  const selected = (await tl(page, (api) => api.selection())) as { name: string; args: { args: string; return: string } };
  expect(selected.name).toBe('read');
  expect(selected.args.args).toMatch(/^\d+, /);
  const panel = page.getByTestId('details-panel');
  // Args read as key / value rows: the argument string as strace wrote it (not JSON-escaped),
  // with the raw JSON one click away.
  const rows = panel.getByTestId('details-args');
  await expect(rows).toContainText(String(selected.args.args).slice(0, 24));
  await expect(rows.locator('.arg-row', { hasText: 'return' })).toContainText(String(selected.args.return));
  await expect(panel).toContainText(JSON.stringify(selected.args.args).slice(0, 24));

  // Zoom to it and click it on the canvas, like a user.
  await tl(page, (api, r) => api.setViewport({ startNs: r.startNs - r.durNs, endNs: r.startNs + 2 * r.durNs }), read);
  await page.keyboard.press('Escape');
  await waitIdle(page);
  const header = page.locator(`[data-testid="lane-header"][data-lane-id="${read.laneId}"]`);
  await header.scrollIntoViewIfNeeded();
  await waitIdle(page);
  const canvasBox = (await page.getByTestId('timeline-canvas').boundingBox())!;
  const laneBox = (await header.boundingBox())!;
  let hit: string | null = null;
  for (let y = laneBox.y + 2; y < laneBox.y + laneBox.height && hit !== read.key; y += 4) {
    await page.mouse.click(canvasBox.x + canvasBox.width / 2, y);
    hit = ((await tl(page, (api) => api.selection())) as { key: string } | null)?.key ?? null;
  }
  expect(hit).toBe(read.key);
  await expect(rows).toContainText(String(selected.args.args).slice(0, 24));
  await expect(panel).toContainText(formatDuration(read.durNs));
  await shot(page, 'inputs-strace-read-selected');

  // Clear the selection so F fits the whole (two-trace) extent.
  await page.keyboard.press('Escape');
  await page.keyboard.press('f');
  await waitIdle(page);
  await shot(page, 'inputs-strace-with-kineto');
  expect(errors).toEqual([]);
});

test('a py-spy speedscope profile opens as unaligned Python sample lanes per thread', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  const frames = ['<module>', 'main', 'load_weights', 'read_shard', 'forward', 'attention'].map((name, k) => ({ name, file: `/app/model/m${k}.py`, line: 10 * k + 1 }));
  // 3 s of 100 Hz samples: load phase then forward passes.
  const samples: number[][] = [];
  for (let k = 0; k < 300; k++) samples.push(k < 120 ? [0, 1, 2, k % 10 < 7 ? 3 : 2].slice(0, k % 10 < 7 ? 4 : 3) : [0, 1, 4, ...(k % 4 < 3 ? [5] : [])]);
  const profile = (name: string, n: number) => ({ type: 'sampled', name, unit: 'seconds', startValue: 0, endValue: n / 100, samples: samples.slice(0, n), weights: samples.slice(0, n).map(() => 0.01) });
  const text = JSON.stringify({
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: { frames },
    profiles: [profile('Thread 4242 "MainThread"', 300), profile('Thread 4250 "loader"', 120)],
    exporter: 'py-spy@0.4.0',
  });
  await openApp(page);
  await dropFiles(page, [{ name: 'pyspy.speedscope.json', text }]);
  const s = await waitReady(page);
  expect(s.lanes.map((l) => [l.kind, l.name])).toEqual([
    ['python', 'MainThread (4242) (unaligned) · Python'],
    ['python', 'loader (4250) (unaligned) · Python'],
  ]);
  await shot(page, 'inputs-speedscope');
  expect(errors).toEqual([]);
});

test('an Nsight Systems SQLite export opens with GPU, CUDA API, OS runtime, NVTX and memory lanes (sql.js wasm from the build)', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  const bytes = await buildExport();
  await openApp(page, '/portal/tools/tracelane/');
  await dropFiles(page, [{ name: 'report.sqlite', base64: Buffer.from(bytes).toString('base64') }]);
  const s = await waitReady(page);
  const kinds = (pid: string) => new Set(s.lanes.filter((l) => l.id.split('|')[1] === pid).map((l) => l.kind));
  expect(kinds(String(PID))).toEqual(new Set(['cuda_api', 'syscall', 'cpu']));
  expect(kinds('0')).toEqual(new Set(['gpu', 'counter']));
  const kernel = (await tl(page, (api) => api.find({ regex: 'gemm_kernel', laneKind: 'gpu' })))[0];
  expect(await tl(page, (api, key) => api.select(key), kernel.key)).toBeTruthy();
  await expect(page.getByTestId('details-panel')).toContainText('"correlation": 11');
  await shot(page, 'inputs-nsys');
  expect(errors).toEqual([]);
});
