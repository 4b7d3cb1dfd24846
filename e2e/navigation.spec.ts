// Navigation as someone used to Perfetto expects it (issue 19): W / S zoom at the pointer
// with a short glide, search that shows its hit on the first Enter. Expectations come
// from the raw JSON of the corpus file, read here, not from the app.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { collectConsoleErrors, corpusPath, openApp, openByDropMany, openByPicker, openByUrl, settledLink, shot, tl, waitIdle, waitReady } from './helpers';

const FILE = 'llm_decode_small.json.gz';

interface RawEvent {
  id?: number | string;
  ph: string;
  name: string;
  cat?: string;
  pid: number | string;
  tid: number | string;
  ts: number;
  dur?: number;
}

function rawTrace(file: string): { base: bigint; events: RawEvent[] } {
  const doc = JSON.parse(gunzipSync(readFileSync(corpusPath(file))).toString('utf8')) as { baseTimeNanoseconds: number | string; traceEvents: RawEvent[] };
  return { base: BigInt(String(doc.baseTimeNanoseconds)), events: doc.traceEvents };
}

/** An event's start on the app's axis: absolute ns (base + ts µs) minus the axis origin. */
function axisNs(base: bigint, ts: number, originNs: string | number): number {
  return Number(base + BigInt(Math.round(ts * 1000)) - BigInt(String(originNs)));
}

const PLACED = new Set(['X', 'i', 'I', 'C', 'B', 'b', 'n', 'R']);

/**
 * First and last instant of a file's placed events, in µs relative to its base time; Kineto's
 * own rows (pid -1 and the string pids "Spans", "Traces", "") are the profiler's, not the program's.
 */
function extentUs(file: string): { start: number; end: number } {
  const placed = rawTrace(file).events.filter((e) => PLACED.has(e.ph) && typeof e.pid === 'number' && e.pid !== -1);
  return { start: Math.min(...placed.map((e) => e.ts)), end: Math.max(...placed.map((e) => e.ts + (e.dur ?? 0))) };
}

/** The earliest placed event whose name contains `text` (what search's first Enter selects). */
function firstNamed(file: string, text: string): RawEvent {
  return rawTrace(file).events.filter((e) => PLACED.has(e.ph) && e.name.toLowerCase().includes(text)).sort((a, b) => a.ts - b.ts)[0];
}

/** Search as a user does: type in the top bar, Enter selects the first hit. */
async function searchAndSelect(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('search-input');
  await input.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('search-count')).toContainText('1 /');
  await expect.poll(async () => ((await tl(page, (api) => api.selection())) as { name: string } | null)?.name.toLowerCase().includes(text) ?? false).toBe(true);
}

/** Open a corpus file by the picker and wait until it is drawn. */
async function openPicked(page: Page, file: string) {
  await openApp(page);
  await openByPicker(page, file);
  const s = await waitReady(page);
  await waitIdle(page);
  return s;
}

async function canvasBox(page: Page) {
  return (await page.getByTestId('timeline-canvas').boundingBox())!;
}

/** The x (page px) of axis time `ns` in the current view. */
async function xOf(page: Page, ns: number): Promise<number> {
  const box = await canvasBox(page);
  const vp = await tl(page, (api) => api.viewport());
  return box.x + ((ns - vp.startNs) / (vp.endNs - vp.startNs)) * box.width;
}

test.describe('navigation', () => {
  test('W / S zoom at the pointer, gliding ≤ 150 ms, renderState busy until it lands', async ({ page }) => {
    const errors = collectConsoleErrors(page);
    const s = await openPicked(page, FILE);
    const { base, events } = rawTrace(FILE);
    const kernels = events.filter((e) => e.ph === 'X' && e.cat === 'kernel').sort((a, b) => a.ts - b.ts);
    const kernel = kernels[Math.floor(kernels.length / 3)];
    const kStart = axisNs(base, kernel.ts, s.originNs);
    const kMid = kStart + (kernel.dur! * 1000) / 2;

    // Point at the kernel (a sub-pixel sliver in the whole-trace view) on its lane, in its row:
    // below the slices of its stream that enclose it (gpu_user_annotation ranges).
    const depth = events.filter((e) => e.ph === 'X' && e.pid === kernel.pid && e.tid === kernel.tid && e !== kernel && e.ts <= kernel.ts && e.ts + e.dur! >= kernel.ts + kernel.dur!).length;
    const lane = page.locator(`[data-testid="lane-header"][data-lane-id$="|${kernel.pid}|${kernel.tid}|gpu"]`);
    const laneBox = (await lane.boundingBox())!;
    const y = laneBox.y + 4 + 18 * depth + 9; // lane padding 4 px, rows of 18 px
    const x0 = await xOf(page, kMid);
    await page.mouse.move(x0, y);

    // One press, sampled every animation frame in the page.
    await page.evaluate(() => {
      const w = window as unknown as { __keyAt: number; __samples: { f: number; t: number; vp: { startNs: number; endNs: number }; rs: string }[]; tracelane: { viewport(): { startNs: number; endNs: number } } };
      w.__samples = [];
      window.addEventListener('keydown', () => (w.__keyAt = performance.now()), { capture: true, once: true });
      // Read each frame's outcome after all its callbacks ran (a task after the frame): when it is seen, not before.
      // f: when the frame ran; t: when its outcome was read.
      const loop = () => {
        const f = performance.now();
        setTimeout(() => w.__samples.push({ f, t: performance.now(), vp: w.tracelane.viewport(), rs: document.documentElement.dataset.renderState ?? '' }), 0);
        if (w.__samples.length < 120) requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
    });
    const before = await tl(page, (api) => api.viewport());
    await page.keyboard.press('w');
    await waitIdle(page);
    const { keyAt, samples } = await page.evaluate(() => {
      const w = window as unknown as { __keyAt: number; __samples: { f: number; t: number; vp: { startNs: number; endNs: number }; rs: string }[] };
      return { keyAt: w.__keyAt, samples: w.__samples };
    });
    const after = await tl(page, (api) => api.viewport());
    const span0 = before.endNs - before.startNs;
    expect(after.endNs - after.startNs).toBeCloseTo(span0 * 0.7, -1);
    // The time under the pointer did not move.
    const frac = (x0 - (await canvasBox(page)).x) / (await canvasBox(page)).width;
    expect(Math.abs(before.startNs + frac * span0 - (after.startNs + frac * (after.endNs - after.startNs)))).toBeLessThan(span0 * 1e-6);
    // It glided: views strictly between the two, and it landed within 150 ms: counted in frames, not timed, so
    // a loaded machine's slow frames do not fail it — the first frame that ran 150 ms or more after the key
    // (or an earlier one) shows the landed view.
    const moving = samples.filter((x) => x.t >= keyAt && (x.vp.startNs !== after.startNs || x.vp.endNs !== after.endNs) && (x.vp.startNs !== before.startNs || x.vp.endNs !== before.endNs));
    // (A first frame more than half the glide late lands at once, by design: then there is nothing in between.)
    const firstFrame = samples.find((x) => x.f >= keyAt);
    if (firstFrame && firstFrame.f - keyAt < 40) expect(moving.length).toBeGreaterThanOrEqual(1);
    const landedAt = samples.findIndex((x) => x.t >= keyAt && x.vp.startNs === after.startNs && x.vp.endNs === after.endNs);
    expect(landedAt).toBeGreaterThan(0);
    const glideMs = samples[landedAt].t - keyAt;
    const frameMs = samples[landedAt].t - samples[landedAt - 1].t;
    console.log(`zoom glide: ${moving.length} intermediate frames, landed ${glideMs.toFixed(0)} ms after the key (frame ${frameMs.toFixed(0)} ms); frames at ${samples.filter((x) => x.t >= keyAt).slice(0, 8).map((x) => (x.t - keyAt).toFixed(0)).join(', ')} ms`);
    const firstDue = samples.findIndex((x) => x.f >= keyAt + 150);
    if (firstDue >= 0) expect(landedAt).toBeLessThanOrEqual(firstDue);
    // renderState says busy for every frame in between.
    expect(moving.every((x) => x.rs === 'busy')).toBe(true);

    // Keep pressing: the kernel stays under the pointer and grows to a readable slice.
    for (let i = 0; i < 21; i++) await page.keyboard.press('w');
    await waitIdle(page);
    const vp = await tl(page, (api) => api.viewport());
    const box = await canvasBox(page);
    expect(Math.abs((await xOf(page, kMid)) - x0)).toBeLessThan(1);
    expect(((kernel.dur! * 1000) / (vp.endNs - vp.startNs)) * box.width).toBeGreaterThan(30);
    // Hovering there names that kernel.
    await page.mouse.move(x0 + 1, y);
    await expect(page.locator('.tooltip')).toContainText(kernel.name.slice(0, 40));
    await shot(page, 'nav-zoom-at-pointer');

    // S zooms out around the same time.
    await page.keyboard.press('s');
    await waitIdle(page);
    const out = await tl(page, (api) => api.viewport());
    expect(out.endNs - out.startNs).toBeCloseTo((vp.endNs - vp.startNs) / 0.7, -1);
    expect(Math.abs((await xOf(page, kMid)) - (x0 + 1))).toBeLessThan(1.5);
    expect(errors).toEqual([]);
  });

  test('search: the first Enter after typing goes to the first hit, zoomed so it shows, its lane scrolled into view', async ({ page }) => {
    const errors = collectConsoleErrors(page);
    await page.setViewportSize({ width: 1280, height: 560 });
    const s = await openPicked(page, FILE);
    const { base, events } = rawTrace(FILE);
    const query = 'CatArrayBatchedCopy';
    const matches = events.filter((e) => e.ph === 'X' && e.name.toLowerCase().includes(query.toLowerCase())).sort((a, b) => a.ts - b.ts);
    expect(matches.length).toBeGreaterThan(2);
    const first = matches[0];
    const firstStart = axisNs(base, first.ts, s.originNs);

    // The GPU lane is off screen: scroll the lanes to the top (host threads first).
    const scroller = page.locator('.lanes-scroll');
    await scroller.evaluate((el) => (el.scrollTop = 0));
    const laneSel = `[data-testid="lane-header"][data-lane-id$="|${first.pid}|${first.tid}|gpu"]`;
    const scrollBox = (await scroller.boundingBox())!;
    const laneBefore = await page.locator(laneSel).boundingBox();
    const visible = (b: { y: number; height: number } | null) => !!b && b.y >= scrollBox.y && b.y + b.height <= scrollBox.y + scrollBox.height;

    // Type and press Enter at once, as a user does: no waiting for the count.
    await page.getByTestId('search-input').click();
    await page.keyboard.type(query.toLowerCase());
    await page.keyboard.press('Enter');
    await expect.poll(async () => ((await tl(page, (api) => api.selection())) as { startNs: number } | null)?.startNs ?? null).not.toBeNull();
    await waitIdle(page);
    const sel = (await tl(page, (api) => api.selection())) as { name: string; startNs: number; durNs: number; laneId: string };
    expect(sel.name).toBe(first.name);
    expect(Math.abs(sel.startNs - firstStart)).toBeLessThan(2);
    await expect(page.getByTestId('search-count')).toContainText(`1 / ${matches.length}`);
    // Zoomed so the hit is a visible slice, inside the view.
    const vp = await tl(page, (api) => api.viewport());
    expect(sel.startNs).toBeGreaterThanOrEqual(vp.startNs);
    expect(sel.startNs + sel.durNs).toBeLessThanOrEqual(vp.endNs);
    const box = await canvasBox(page);
    expect((sel.durNs / (vp.endNs - vp.startNs)) * box.width).toBeGreaterThanOrEqual(5);
    // Its lane is on screen.
    if (visible(laneBefore)) console.log('note: the hit lane was already visible before Enter');
    expect(visible(await page.locator(laneSel).boundingBox())).toBe(true);
    await shot(page, 'nav-search-first-enter');

    // The next Enter goes to the second hit, in time order.
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('search-count')).toContainText(`2 / ${matches.length}`);
    await expect.poll(async () => ((await tl(page, (api) => api.selection())) as { startNs: number }).startNs).toBeCloseTo(axisNs(base, matches[1].ts, s.originNs), -1);
    expect(errors).toEqual([]);
  });

  test('lane filter by name: typed, kept in the share link, restored from it', async ({ page, context }) => {
    const errors = collectConsoleErrors(page);
    const file = 'load_and_infer.json.gz';
    await openByUrl(page, file);
    const s = await waitReady(page);
    await waitIdle(page);
    // Lanes named with "cuda" (no process group of this trace is): what the filter must leave.
    const expected = s.lanes.filter((l) => /cuda/i.test(l.name)).map((l) => l.id).sort();
    expect(expected.length).toBeGreaterThan(1);
    expect(expected.length).toBeLessThan(s.lanes.length);
    await page.getByTestId('lane-filter').click();
    await page.keyboard.type('cuda');
    const shownIds = async () => (await page.getByTestId('lane-header').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.laneId!))).sort();
    await expect.poll(shownIds).toEqual(expected);
    await expect(page.getByTestId('lane-count')).toHaveText(`${expected.length} / ${s.lanes.length}`);
    await waitIdle(page);
    await shot(page, 'nav-lane-filter');

    const link = await settledLink(page);
    const other = await context.newPage();
    await other.goto(link);
    await waitReady(other);
    await other.waitForFunction(() => document.documentElement.dataset.viewRestore === 'done');
    await expect(other.getByTestId('lane-filter')).toHaveValue('cuda');
    await expect.poll(async () => (await other.getByTestId('lane-header').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.laneId!))).sort()).toEqual(expected);

    // Esc in the field shows every lane again.
    await page.getByTestId('lane-filter').press('Escape');
    await expect(page.getByTestId('lane-count')).toHaveText(`${s.lanes.length} lanes`);
    expect(errors).toEqual([]);
  });

  test('pinned lanes sit under a "Pinned" separator, name their process, and leave no empty group', async ({ page }) => {
    const errors = collectConsoleErrors(page);
    const s = await openPicked(page, FILE);
    // The GPU process has one lane in this trace (one stream in the raw JSON): pin it.
    const { events } = rawTrace(FILE);
    const streams = new Set(events.filter((e) => e.cat === 'kernel').map((e) => `${e.pid}|${e.tid}`));
    expect(streams.size).toBe(1);
    const [stream] = [...streams];
    const gpuLane = s.lanes.find((l) => l.id.endsWith(`|${stream}|gpu`))!;
    const gpuGroup = page.locator(`.group-header[data-group-id="${gpuLane.group}"]`);
    await expect(gpuGroup).toHaveCount(1);
    const header = page.locator(`[data-testid="lane-header"][data-lane-id="${gpuLane.id}"]`);
    await header.hover();
    await header.getByRole('button', { name: 'Pin lane' }).click();
    await expect(page.getByTestId('pinned-header')).toBeVisible();
    await expect(gpuGroup).toHaveCount(0);
    // The pinned lane is the first lane, right under the separator, and says where it comes from.
    const pinnedBox = (await page.getByTestId('pinned-header').boundingBox())!;
    const laneBox = (await header.boundingBox())!;
    expect(Math.abs(laneBox.y - (pinnedBox.y + pinnedBox.height))).toBeLessThan(2);
    await expect(header.getByTestId('lane-origin')).toContainText('GPU 0');
    // A host lane pinned too: two under the separator.
    const cpuLane = s.lanes.find((l) => l.kind === 'cuda_api')!;
    const cpuHeader = page.locator(`[data-testid="lane-header"][data-lane-id="${cpuLane.id}"]`);
    await cpuHeader.hover();
    await cpuHeader.getByRole('button', { name: 'Pin lane' }).click();
    await expect(page.getByTestId('pinned-header')).toContainText('2');
    await expect(cpuHeader.getByTestId('lane-origin')).toContainText('python3');
    await page.mouse.move(10, 10);
    await waitIdle(page);
    await shot(page, 'nav-pinned-lanes');
    // Unpinned: the GPU group comes back, the separator goes once nothing is pinned.
    await header.hover();
    await header.getByRole('button', { name: 'Unpin lane' }).click();
    await expect(gpuGroup).toHaveCount(1);
    await cpuHeader.hover();
    await cpuHeader.getByRole('button', { name: 'Unpin lane' }).click();
    await expect(page.getByTestId('pinned-header')).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test('Traces panel: start / end / span, no-overlap warning, align starts, align slice A with B, units, undo', async ({ page }) => {
    const errors = collectConsoleErrors(page);
    const LLM = 'llm_decode_small.json.gz';
    const TRAIN = 'train_step.json.gz';
    await openApp(page);
    await openByDropMany(page, [LLM, TRAIN]);
    await waitReady(page);
    await waitIdle(page);
    // Both files share baseTimeNanoseconds, so µs differences of ts are axis differences.
    const llm = extentUs(LLM);
    const train = extentUs(TRAIN);
    expect(train.start).toBeGreaterThan(llm.end); // two recordings, seconds apart
    const button = page.getByTestId('traces-button');
    await expect(button).toHaveText('Traces (2)'); // not ranks: neither file names a rank
    await button.click();
    const panel = page.getByTestId('traces-panel');
    await expect(panel.locator('h3')).toHaveText('Traces');
    const row = (key: string) => panel.locator(`[data-testid="trace-row"][data-trace="${key}"]`);
    const startOf = async (key: string) => Number(await row(key).getAttribute('data-start-ns'));
    const endOf = async (key: string) => Number(await row(key).getAttribute('data-end-ns'));
    expect((await endOf('llm_decode_small')) - (await startOf('llm_decode_small'))).toBeCloseTo((llm.end - llm.start) * 1000, -1);
    const llmStart = await startOf('llm_decode_small');
    expect((await startOf('train_step')) - llmStart).toBeCloseTo((train.start - llm.start) * 1000, -1);
    await expect(row("train_step").getByTestId("trace-span")).toHaveText(`${((train.end - train.start) / 1000).toFixed(2)} ms`); // 4 significant digits
    const warning = page.getByTestId('overlap-warning');
    await expect(warning).toBeVisible();
    await expect(warning).toContainText(`${TRAIN} starts ${((train.start - llm.end) / 1e6).toFixed(3)} s after ${LLM} ends`);
    await shot(page, 'nav-traces-no-overlap');

    // Align starts: both start at llm's start; the warning goes. Undo brings both back.
    await page.getByTestId('align-starts').click();
    await expect(warning).toHaveCount(0);
    expect(await startOf('train_step')).toBeCloseTo(await startOf('llm_decode_small'), -1);
    await page.getByTestId('offset-undo').click();
    await expect(warning).toBeVisible();
    expect((await startOf('train_step')) - llmStart).toBeCloseTo((train.start - llm.start) * 1000, -1);
    await expect(page.getByTestId('offset-undo')).toBeDisabled();

    // Units: an offset typed in ms moves train_step by that many ms; undo takes the edit back.
    await page.getByTestId('offset-unit').selectOption('ms');
    const offset = row('train_step').getByTestId('trace-offset');
    await offset.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('-2.5');
    await page.keyboard.press('Tab');
    expect((await startOf('train_step')) - llmStart).toBeCloseTo((train.start - llm.start) * 1000 - 2.5e6, -1);
    await page.getByTestId('offset-unit').selectOption('s');
    await expect(offset).toHaveValue('-0.0025');
    await page.getByTestId('offset-undo').click();
    await expect(offset).toHaveValue('0');

    // Align slice A (llm's first "prefill") with slice B (train_step's first "train_step"), picked by search.
    const a = firstNamed(LLM, 'prefill');
    const b = firstNamed(TRAIN, 'train_step');
    await searchAndSelect(page, 'prefill');
    await page.getByTestId('align-pick-a').click();
    await expect(page.getByTestId('align-slot-a')).toContainText(a.name);
    const aStart = ((await tl(page, (api) => api.selection())) as { startNs: number }).startNs;
    await searchAndSelect(page, 'train_step');
    await page.getByTestId('align-pick-b').click();
    await expect(page.getByTestId('align-slot-b')).toContainText(b.name);
    await page.getByTestId('offset-unit').selectOption('ns');
    await page.getByTestId('align-slices-button').click();
    await expect.poll(async () => Number(await offset.inputValue())).toBeCloseTo((a.ts - b.ts) * 1000, -1);
    await expect(warning).toHaveCount(0);
    // B (still selected) now starts where A does, and the view followed it.
    await expect.poll(async () => Number(await page.getByTestId('details-start').getAttribute('data-start-ns'))).toBeCloseTo(Math.round(aStart), -1);
    const vp = await tl(page, (api) => api.viewport());
    expect(aStart).toBeGreaterThan(vp.startNs);
    expect(aStart).toBeLessThan(vp.endNs);
    await page.mouse.move(10, 10);
    await waitIdle(page);
    await shot(page, 'nav-traces-aligned-slices');
    await page.getByTestId('offset-undo').click();
    await expect(offset).toHaveValue('0');
    expect(errors).toEqual([]);
  });

  test('two rank files: the panel and its button say "Ranks"', async ({ page }) => {
    await openApp(page);
    await openByDropMany(page, ['two_rank_stall_rank0.json.gz', 'two_rank_stall_rank1.json.gz']);
    await waitReady(page);
    await expect(page.getByTestId('traces-button')).toHaveText('Ranks (2)');
    await page.getByTestId('traces-button').click();
    await expect(page.getByTestId('traces-panel').locator('h3')).toHaveText('Ranks');
  });

  test('flows: a forward op names its backward op (fwdbwd) and jumps there, and back', async ({ page }) => {
    const errors = collectConsoleErrors(page);
    const TRAIN = 'train_step.json.gz';
    const s = await openPicked(page, TRAIN);
    // From the raw JSON: the first aten::embedding, the fwdbwd flow starting on it, the slice its f lands on.
    const { base, events } = rawTrace(TRAIN);
    const fwd = firstNamed(TRAIN, 'aten::embedding');
    const start = events.find((e) => e.ph === 's' && e.cat === 'fwdbwd' && e.pid === fwd.pid && e.tid === fwd.tid && e.ts === fwd.ts)!;
    expect(start).toBeTruthy();
    const end = events.find((e) => e.ph === 'f' && e.cat === 'fwdbwd' && e.id === start.id)!;
    const bwd = events.find((e) => e.ph === 'X' && e.pid === end.pid && e.tid === end.tid && e.ts === end.ts)!;
    expect(bwd.name).toBe('EmbeddingBackward0');

    await searchAndSelect(page, 'aten::embedding');
    const toBwd = page.locator(`[data-testid="flow-link"][data-name="${bwd.name}"]`);
    await expect(toBwd).toBeVisible();
    await toBwd.click();
    await expect.poll(async () => ((await tl(page, (api) => api.selection())) as { name: string }).name).toBe(bwd.name);
    const sel = (await tl(page, (api) => api.selection())) as { startNs: number; laneId: string };
    expect(Math.abs(sel.startNs - axisNs(base, bwd.ts, s.originNs))).toBeLessThan(2);
    expect(sel.laneId).toContain(`|${bwd.pid}|${bwd.tid}|`);
    const vp = await tl(page, (api) => api.viewport());
    expect(sel.startNs).toBeGreaterThanOrEqual(vp.startNs);
    expect(sel.startNs).toBeLessThanOrEqual(vp.endNs);
    await expect(page.locator(`[data-testid="lane-header"][data-lane-id="${sel.laneId}"]`)).toBeInViewport();
    await waitIdle(page);
    await shot(page, 'nav-flow-fwd-to-bwd');
    // And back along the same flow.
    await page.locator(`[data-testid="flow-link"][data-name="${fwd.name}"]`).first().click();
    await expect.poll(async () => ((await tl(page, (api) => api.selection())) as { startNs: number }).startNs).toBeCloseTo(axisNs(base, fwd.ts, s.originNs), -1);
    expect(errors).toEqual([]);
  });

  test('panels give way: no details panel until a selection, resize and collapse, the drawer leaves the timeline half the window, stack frames keep file.py(line)', async ({ page }) => {
    const errors = collectConsoleErrors(page);
    await openPicked(page, FILE);
    const win = page.viewportSize()!;
    // Nothing selected, no annotations: no side columns at all.
    await expect(page.getByTestId('details-panel')).toHaveCount(0);
    await expect(page.getByTestId('annotations-panel')).toHaveCount(0);
    const full = (await canvasBox(page)).width;
    expect(full).toBeGreaterThan(win.width - 280 - 30);

    // A kernel with a deep Python stack, by search.
    await searchAndSelect(page, 'catarraybatchedcopy');
    const panel = page.getByTestId('details-panel');
    await expect(panel).toBeVisible();
    const w0 = (await panel.boundingBox())!.width;
    expect(Math.abs((await canvasBox(page)).width - (full - w0))).toBeLessThan(3);

    // Drag its left edge: wider by the drag, never under 200 px, never over half the window.
    const edge = (await page.getByTestId('details-resize').boundingBox())!;
    await page.mouse.move(edge.x + edge.width / 2, edge.y + 200);
    await page.mouse.down();
    await page.mouse.move(edge.x + edge.width / 2 - 150, edge.y + 200, { steps: 5 });
    await page.mouse.up();
    expect(Math.abs((await panel.boundingBox())!.width - (w0 + 150))).toBeLessThan(3);
    const edge2 = (await page.getByTestId('details-resize').boundingBox())!;
    await page.mouse.move(edge2.x + edge2.width / 2, edge2.y + 200);
    await page.mouse.down();
    await page.mouse.move(win.width - 5, edge2.y + 200, { steps: 5 });
    await page.mouse.up();
    expect((await panel.boundingBox())!.width).toBeCloseTo(200, 0);

    // Narrow as it is, every Python frame shows its file.py(line) whole (wrapped, not cut).
    const frames = page.locator('[data-testid="stack-frame"][data-kind="python"]');
    expect(await frames.count()).toBeGreaterThan(3);
    const cut = await frames.evaluateAll((els) =>
      els
        .map((el) => el.querySelector('.stack-name') as HTMLElement)
        .filter((n) => /\.py\(\d+\)/.test(n.textContent ?? '') && (n.scrollWidth > n.clientWidth + 1 || n.getBoundingClientRect().right > (n.closest('aside') as HTMLElement).getBoundingClientRect().right))
        .map((n) => n.textContent),
    );
    expect(cut).toEqual([]);
    await page.mouse.move(400, 300);
    await waitIdle(page);
    await shot(page, 'nav-panels-narrow-details');

    // Collapse: a 26 px strip; expand: back at its width.
    await page.getByTestId('details-collapse').click();
    await expect(panel).toHaveAttribute('data-collapsed', 'true');
    expect((await panel.boundingBox())!.width).toBeLessThan(30);
    await page.getByTestId('details-expand').click();
    expect((await panel.boundingBox())!.width).toBeCloseTo(200, 0);

    // An annotation brings the annotations column; it collapses too.
    const box = await canvasBox(page);
    await page.mouse.move(box.x + box.width * 0.5, box.y + 40);
    await page.keyboard.press('m');
    const notes = page.getByTestId('annotations-panel');
    await expect(notes).toBeVisible();
    await page.getByTestId('annotations-collapse').click();
    expect((await notes.boundingBox())!.width).toBeLessThan(30);

    // The drawer, dragged as high as it goes, leaves the timeline at least half the window.
    await page.getByTestId('analysis-drawer').getByRole('tab').first().click();
    const handle = (await page.locator('.drawer-resize').boundingBox())!;
    await page.mouse.move(handle.x + 300, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 300, 5, { steps: 6 });
    await page.mouse.up();
    const timeline = (await page.locator('.timeline').boundingBox())!;
    expect(timeline.height).toBeGreaterThanOrEqual(win.height / 2);
    await waitIdle(page);
    await shot(page, 'nav-panels-drawer-high');
    expect(errors).toEqual([]);
  });
});
