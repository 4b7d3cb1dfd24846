// Kernel classes and the comparison view, driven by real mouse input with the inputs
// counted (issue 18). Expectations come from the raw JSON here: decode_step annotations,
// kernel times inside them, kernel classes given by hand (test/support/kernelClassesByHand.ts).

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, test, type Locator } from '@playwright/test';
import { classByHand } from '../test/support/kernelClassesByHand';
import { collectConsoleErrors, corpusPath, openApp, openFilesByPicker, openByPicker, shot, tl, waitIdle, waitReady } from './helpers';

interface RawEvent {
  ph: string;
  cat?: string;
  name: string;
  ts: number;
  dur?: number;
}

const GPU_WORK = new Set(['kernel', 'gpu_memcpy', 'gpu_memset']);

/** Per decode step (time order): its duration (µs) and the kernel time inside it per kernel name (µs, clipped). */
function decodeSteps(file: string): { durUs: number; kernels: Map<string, number> }[] {
  const events = (JSON.parse(gunzipSync(readFileSync(corpusPath(file))).toString('utf8')) as { traceEvents: RawEvent[] }).traceEvents;
  const steps = events.filter((e) => e.ph === 'X' && e.cat === 'user_annotation' && e.name === 'decode_step').sort((a, b) => a.ts - b.ts);
  const gpu = events.filter((e) => e.ph === 'X' && GPU_WORK.has(e.cat ?? ''));
  return steps.map((s) => {
    const kernels = new Map<string, number>();
    for (const k of gpu) {
      const inside = Math.min(s.ts + s.dur!, k.ts + k.dur!) - Math.max(s.ts, k.ts);
      if (inside > 0) kernels.set(k.name, (kernels.get(k.name) ?? 0) + inside);
    }
    return { durUs: s.dur!, kernels };
  });
}

/** Real mouse clicks and option picks, counted. */
function counter() {
  let n = 0;
  return {
    click: async (target: Locator) => {
      n++;
      await target.click();
    },
    select: async (target: Locator, value: string) => {
      n++;
      await target.selectOption(value);
    },
    get count() {
      return n;
    },
  };
}

test('llm_decode_large: the slowest decode step and its top kernel class in ≤ 3 inputs', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectConsoleErrors(page);
  const steps = decodeSteps('llm_decode_large.json.gz');
  const slowest = steps.reduce((best, s, i) => (s.durUs > steps[best].durUs ? i : best), 0);
  const byClass = new Map<string, number>();
  for (const [name, us] of steps[slowest].kernels) byClass.set(classByHand(name), (byClass.get(classByHand(name)) ?? 0) + us);
  const topClass = [...byClass].sort((a, b) => b[1] - a[1])[0][0];

  await openApp(page);
  await openByPicker(page, 'llm_decode_large.json.gz');
  await waitReady(page);
  await waitIdle(page);

  const input = counter();
  await input.click(page.getByTestId('analysis-tab-steps'));
  await expect(page.getByTestId('step-row')).toHaveCount(steps.length);
  await input.click(page.getByTestId('steps-sort-durNs'));
  const first = page.getByTestId('step-row').first();
  await expect(first).toHaveAttribute('data-ordinal', String(slowest + 1));
  expect(Math.abs(Number(await first.getAttribute('data-dur-ns')) - steps[slowest].durUs * 1000)).toBeLessThan(2);
  await expect(first.getByTestId('step-top-class')).toHaveAttribute('data-class', topClass);
  expect(input.count).toBeLessThanOrEqual(3);
  await shot(page, 'compare-slowest-step');

  // The GPU kernels tab of that step (a row click makes it the range): classes, largest first.
  await first.click();
  await page.getByTestId('analysis-tab-kernels').click();
  const classes = page.getByTestId('kernel-class');
  await expect(classes.first()).toHaveAttribute('data-class', topClass);
  const hta = await classes.evaluateAll((els) => els.map((e) => [e.getAttribute('data-class'), e.getAttribute('data-hta')]));
  for (const [cls, type] of hta) expect(type).toBe(cls === 'copy' ? 'memory' : cls === 'communication' ? 'communication' : 'computation');
  await waitIdle(page);
  await shot(page, 'compare-kernel-classes');
  expect(errors).toEqual([]);
});

test('the GPU kernels tab: classes, Show all, distinct short names, a click outlines every instance', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  await openApp(page);
  await openByPicker(page, 'llm_decode_small.json.gz');
  await waitReady(page);
  const raw = (JSON.parse(gunzipSync(readFileSync(corpusPath('llm_decode_small.json.gz'))).toString('utf8')) as { traceEvents: RawEvent[] }).traceEvents.filter((e) => e.ph === 'X' && GPU_WORK.has(e.cat ?? ''));
  const distinct = [...new Set(raw.map((e) => e.name))];

  await page.getByTestId('analysis-tab-kernels').click();
  const bars = page.getByTestId('kernel-bar');
  await expect(bars.first()).toBeAttached();
  expect(await bars.count()).toBeLessThan(distinct.length);
  await page.getByTestId('kernels-show-all').click();
  await expect(bars).toHaveCount(distinct.length);
  const shown = await bars.evaluateAll((els) => els.map((e) => ({ name: e.getAttribute('data-name')!, cls: e.getAttribute('data-class')!, label: e.getAttribute('data-label')! })));
  for (const k of shown) expect([k.name, k.cls]).toEqual([k.name, classByHand(k.name)]);
  expect(new Set(shown.map((k) => k.label)).size).toBe(shown.length);
  // Each class's total is the sum of its kernels (all shown now).
  const classTotals = await page.getByTestId('kernel-class').evaluateAll((els) => els.map((e) => [e.getAttribute('data-class')!, Number(e.getAttribute('data-total-ns'))] as const));
  const kernelTotals = await bars.evaluateAll((els) => els.map((e) => [e.getAttribute('data-class')!, Number(e.getAttribute('data-total-ns'))] as const));
  for (const [cls, total] of classTotals) expect(Math.abs(kernelTotals.filter(([c]) => c === cls).reduce((s, [, t]) => s + t, 0) - total)).toBeLessThan(20);

  // A click on the add kernel with fp16 outlines all its instances (the search bar counts them).
  const name = 'void at::native::vectorized_elementwise_kernel<8, at::native::CUDAFunctor_add<c10::Half>, std::array<char*, 3ul> >(int, at::native::CUDAFunctor_add<c10::Half>, std::array<char*, 3ul>)';
  await page.locator(`[data-testid="kernel-bar"][data-name="${name}"]`).click();
  await expect(page.getByTestId('search-count')).toHaveAttribute('data-total', String(raw.filter((e) => e.name === name).length));
  await waitIdle(page);
  await expect.poll(async () => ((await tl(page, (api) => api.drawn())) as unknown as { outlines: number }).outlines).toBeGreaterThan(0);
  await shot(page, 'compare-kernel-highlight');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'compare-kernel-highlight-dark');
  expect(errors).toEqual([]);
});

test('llm_decode_small (baseline) vs llm_decode_large (candidate): the kernel whose per-step mean changed most in ≤ 4 inputs', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectConsoleErrors(page);
  const base = decodeSteps('llm_decode_small.json.gz');
  const cand = decodeSteps('llm_decode_large.json.gz');
  const perStep = (steps: typeof base, name: string) => steps.reduce((s, st) => s + (st.kernels.get(name) ?? 0), 0) / steps.length;
  const names = new Set([...base, ...cand].flatMap((s) => [...s.kernels.keys()]));
  const change = (n: string) => Math.abs(perStep(cand, n) - perStep(base, n));
  const most = [...names].sort((a, b) => change(b) - change(a))[0];

  await openApp(page);
  await openFilesByPicker(
    page,
    ['llm_decode_small.json.gz', 'llm_decode_large.json.gz'].map((name) => ({ name, buffer: readFileSync(corpusPath(name)) })),
  );
  await waitReady(page);
  await waitIdle(page);

  const input = counter();
  await input.click(page.getByTestId('analysis-tab-compare'));
  const chips = page.getByTestId('compare-selection');
  await expect(chips).toHaveCount(2);
  await expect(chips.nth(0)).toContainText('baseline: llm_decode_small');
  await expect(chips.nth(1)).toContainText('candidate: llm_decode_large');
  await expect(page.getByTestId('compare-row').first()).toBeAttached({ timeout: 60_000 });
  await input.click(page.getByTestId('compare-sort-deltaStep').first());
  const top = page.getByTestId('compare-row').first();
  await expect(top).toHaveAttribute('data-name', most);
  const delta = Number(await top.getAttribute('data-delta-per-step-ns'));
  expect(Math.abs(delta - (perStep(cand, most) - perStep(base, most)) * 1000)).toBeLessThan(1000);
  expect(input.count).toBeLessThanOrEqual(4);
  await shot(page, 'compare-traces');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'compare-traces-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // The CSV: one line per row shown, in the same order, counts and totals per trace, Δ in ns.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('compare-csv').click()]);
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe(
    'kind,name,llm_decode_small.json.gz count,llm_decode_small.json.gz total_ns,llm_decode_small.json.gz mean_ns,llm_decode_small.json.gz per_step_ns,llm_decode_large.json.gz count,llm_decode_large.json.gz total_ns,llm_decode_large.json.gz mean_ns,llm_decode_large.json.gz per_step_ns,llm_decode_large.json.gz delta_total_ns,llm_decode_large.json.gz delta_per_step_ns',
  );
  expect(csv.length - 1).toBe(await page.getByTestId('compare-row').count());
  const line = csv.find((l) => l.startsWith(`kernel,${most},`) || l.startsWith(`kernel,"${most}",`))!;
  const cols = line
    .slice(line.indexOf(most) + most.length)
    .replace(/^"?,/, '')
    .split(',')
    .map(Number);
  expect(cols[9]).toBe(delta);
  const cells = (await top.locator('td').allTextContents()).map((t) => t.trim());
  expect([cols[0], cols[4]]).toEqual([Number(cells[1]), Number(cells[5])]);

  // Opening the row lines the step where it differs most up in both traces, selects the
  // candidate's instance; Undo puts the candidate back.
  const stepStarts = async () => {
    const found = await tl(page, (api) => api.find({ name: 'decode_step', laneKind: 'cpu', limit: 1000 }));
    const of = (trace: string) => found.filter((f) => f.key.startsWith(trace + '|')).map((f) => f.startNs).sort((a, b) => a - b);
    return { base: of('llm_decode_small'), cand: of('llm_decode_large') };
  };
  const before = await stepStarts();
  await top.click();
  await expect(page.getByTestId('compare-note')).toContainText('Step ');
  const ordinal = Number((await page.getByTestId('compare-note').textContent())!.match(/Step (\d+)/)![1]);
  const diffs = base.map((s, i) => (i < cand.length ? Math.abs((cand[i].kernels.get(most) ?? 0) - (s.kernels.get(most) ?? 0)) : -1));
  expect(ordinal).toBe(diffs.indexOf(Math.max(...diffs)) + 1);
  await expect.poll(async () => {
    const s = await stepStarts();
    return Math.abs(s.base[ordinal - 1] - s.cand[ordinal - 1]);
  }).toBeLessThan(2);
  await expect.poll(async () => ((await tl(page, (api) => api.selection())) as { name: string } | null)?.name).toBe(most);
  await waitIdle(page);
  await shot(page, 'compare-traces-aligned');
  await page.getByTestId('compare-undo-align').click();
  await expect.poll(async () => (await stepStarts()).cand[0]).toBeCloseTo(before.cand[0], 0);
  expect(errors).toEqual([]);
});

test('load_and_infer: three stages compared, host-to-device copies and their runtime calls per stage in ≤ 3 inputs', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectConsoleErrors(page);
  const file = 'load_and_infer.json.gz';
  const events = (JSON.parse(gunzipSync(readFileSync(corpusPath(file))).toString('utf8')) as { traceEvents: RawEvent[] }).traceEvents.filter((e) => e.ph === 'X');
  const STAGES = ['load_model', 'prefill', 'generate'];
  const span = (name: string) => events.find((e) => e.cat === 'user_annotation' && e.name === name)!;
  const overlapping = (cat: string, name: string, s: RawEvent) => events.filter((e) => e.cat === cat && e.name === name && e.ts < s.ts + s.dur! && e.ts + e.dur! > s.ts).length;
  const HTOD = 'Memcpy HtoD (Pageable -> Device)';

  await openApp(page);
  await openByPicker(page, file);
  await waitReady(page);
  // The stages exist (made here through the automation API, at the annotations' own spans).
  for (const name of STAGES) {
    const [hit] = await tl(page, (api, n) => api.find({ name: n, laneKind: 'cpu' }), name);
    await tl(page, (api, a) => api.annotate({ startNs: a.startNs, endNs: a.startNs + a.durNs, label: a.name }), { ...hit, name });
  }
  await waitIdle(page);

  const input = counter();
  await input.click(page.getByTestId('analysis-tab-compare'));
  const chips = page.getByTestId('compare-selection');
  await expect(chips).toHaveCount(3);
  for (const [i, name] of STAGES.entries()) await expect(chips.nth(i)).toContainText(`stage ${name}`);
  const row = (name: string) => page.locator(`[data-testid="compare-row"][data-name="${name}"]`);
  await expect(row(HTOD)).toBeAttached({ timeout: 60_000 });
  const counts = async (name: string) => (await row(name).locator('td').allTextContents()).filter((_, i) => i > 0 && (i - 1) % 4 === 0).slice(0, 3).map(Number);
  expect(await counts(HTOD)).toEqual(STAGES.map((s) => overlapping('gpu_memcpy', HTOD, span(s))));
  await input.select(page.getByTestId('compare-kind'), 'cuda api');

  await expect(row('cudaMemcpyAsync')).toBeAttached();
  expect(await counts('cudaMemcpyAsync')).toEqual(STAGES.map((s) => overlapping('cuda_runtime', 'cudaMemcpyAsync', span(s))));
  expect(input.count).toBeLessThanOrEqual(3);
  await shot(page, 'compare-stages');
  expect(errors).toEqual([]);
});

test('llm_decode_small: two steps compared (the first vs the slowest): the runtime call whose time grew most in ≤ 4 inputs', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  const file = 'llm_decode_small.json.gz';
  const events = (JSON.parse(gunzipSync(readFileSync(corpusPath(file))).toString('utf8')) as { traceEvents: RawEvent[] }).traceEvents.filter((e) => e.ph === 'X');
  const steps = events.filter((e) => e.cat === 'user_annotation' && e.name === 'decode_step').sort((a, b) => a.ts - b.ts);
  const slowest = steps.reduce((b, s, i) => (s.dur! > steps[b].dur! ? i : b), 0);
  /** Runtime calls overlapping a step: name → count, time inside the step (µs). */
  const runtime = (s: RawEvent) => {
    const out = new Map<string, { count: number; us: number }>();
    for (const e of events) {
      if (e.cat !== 'cuda_runtime' && e.cat !== 'cuda_driver') continue;
      const inside = Math.min(s.ts + s.dur!, e.ts + e.dur!) - Math.max(s.ts, e.ts);
      if (inside <= 0 && !(e.dur === 0 && e.ts >= s.ts && e.ts < s.ts + s.dur!)) continue;
      const r = out.get(e.name) ?? { count: 0, us: 0 };
      r.count++;
      r.us += Math.max(0, inside);
      out.set(e.name, r);
    }
    return out;
  };
  const [first, slow] = [runtime(steps[0]), runtime(steps[slowest])];
  const grew = (n: string) => Math.abs((slow.get(n)?.us ?? 0) - (first.get(n)?.us ?? 0));
  const most = [...new Set([...first.keys(), ...slow.keys()])].sort((a, b) => grew(b) - grew(a))[0];

  await openApp(page);
  await openByPicker(page, file);
  await waitReady(page);
  const input = counter();
  await input.click(page.getByTestId('analysis-tab-compare'));
  await expect(page.getByTestId('compare-panel')).toContainText('Pick two or more');
  const add = page.getByTestId('compare-add');
  await expect(add.locator('optgroup option')).toHaveCount(steps.length);
  await input.select(add, 'step:1:llm_decode_small');
  await input.select(add, `step:${slowest + 1}:llm_decode_small`);
  await input.select(page.getByTestId('compare-kind'), 'cuda api');
  const chips = page.getByTestId('compare-selection');
  await expect(chips).toHaveCount(2);
  await expect(chips.nth(1)).toContainText(`step #${slowest + 1}`);
  const top = page.getByTestId('compare-row').first();
  await expect(top).toHaveAttribute('data-name', most, { timeout: 30_000 });
  const cells = (await top.locator('td').allTextContents()).map((t) => t.trim());
  expect([Number(cells[1]), Number(cells[5])]).toEqual([first.get(most)?.count ?? 0, slow.get(most)?.count ?? 0]);
  expect(Math.abs(Number(await top.getAttribute('data-delta-ns')) - ((slow.get(most)?.us ?? 0) - (first.get(most)?.us ?? 0)) * 1000)).toBeLessThan(1000);
  // One step each: the per-step mean is the step's own total.
  expect(cells[8]).toBe(cells[6]);
  expect(input.count).toBeLessThanOrEqual(4);
  await shot(page, 'compare-steps');
  expect(errors).toEqual([]);
});
