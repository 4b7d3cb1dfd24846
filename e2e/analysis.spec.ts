// Analyses on llm_decode_small: a kernel's launch and Python stack, the kernel chart
// of a range, the steps table.
import { expect, test } from '@playwright/test';
import { hashName } from '../src/model/keys';
import { collectConsoleErrors, openApp, openByPicker, shot, tl, waitIdle, waitReady, type FoundEvent } from './helpers';

const FILE = 'llm_decode_small.json.gz';

test.describe('analysis on llm_decode_small', () => {
  test('a kernel: jump to its launch, read its Python stack', async ({ page }) => {
    const errors = collectConsoleErrors(page);
    await openApp(page);
    await openByPicker(page, FILE);
    await waitReady(page);
    const kernels = await tl(page, (api) => api.find({ regex: '^void at::native::.*CatArrayBatchedCopy', laneKind: 'gpu' }));
    expect(kernels.length).toBeGreaterThan(2);
    const kernel = kernels[2] as FoundEvent;
    await tl(page, (api, k) => api.setViewport({ startNs: k.startNs - 60_000, endNs: k.startNs + 60_000 }), kernel);
    expect(await tl(page, (api, key) => api.select(key), kernel.key)).toBeTruthy();

    const frames = page.getByTestId('stack-frame');
    await expect(frames.first()).toBeVisible();
    const kinds = await frames.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind));
    const names = await frames.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.name ?? ''));
    expect(kinds[0]).toBe('python');
    expect(kinds[kinds.length - 1]).toBe('gpu');
    expect(kinds[kinds.length - 2]).toBe('cuda_api');
    expect(names).toContain('aten::cat');
    expect(names.some((n) => n.includes('modeling_gpt2.py'))).toBe(true);
    await expect(page.getByTestId('launch-latency')).toBeVisible();
    await waitIdle(page);
    await shot(page, 'analysis-kernel-stack');

    await page.getByTestId('go-to-launch').first().click();
    await expect.poll(async () => ((await tl(page, (api) => api.selection())) as { name: string } | null)?.name).toBe('cudaLaunchKernel');
    await expect(page.getByTestId('go-to-kernel')).toBeVisible();
    await waitIdle(page);
    await shot(page, 'analysis-launch');

    // A frame is a link: the outermost Python frame selects that slice.
    const outer = names[0];
    await frames.first().click();
    await expect.poll(async () => ((await tl(page, (api) => api.selection())) as { name: string } | null)?.name).toBe(outer);
    expect(errors).toEqual([]);
  });

  test('a range: statistics and the top kernels from the chart', async ({ page }) => {
    const errors = collectConsoleErrors(page);
    await openApp(page);
    await openByPicker(page, FILE);
    const summary = await waitReady(page);
    await waitIdle(page);
    // Drag on the axis over the middle 40% of the trace.
    const axis = page.locator('.axis-canvas');
    const box = (await axis.boundingBox())!;
    const x0 = box.x + box.width * 0.3;
    const x1 = box.x + box.width * 0.7;
    await page.mouse.move(x0, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move((x0 + x1) / 2, box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(x1, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect(page.getByTestId('analysis-scope')).toContainText('Range');
    const vp = await tl(page, (api) => api.viewport());
    // The range as selected: a drag snaps to slice edges within a few pixels.
    const { startNs: a, endNs: b } = (await tl(page, (api) => api.range()))!;
    expect(Math.abs(a - (vp.startNs + 0.3 * (vp.endNs - vp.startNs)))).toBeLessThan((vp.endNs - vp.startNs) * 0.01);

    await page.getByTestId('analysis-tab-kernels').click();
    const bars = page.getByTestId('kernel-bar');
    await expect(bars.first()).toBeAttached();
    // Bars are grouped by kernel class: ranked here by their totals.
    const chart = (await bars.evaluateAll((els) => els.map((e) => ({ name: e.getAttribute('data-name')!, share: Number(e.getAttribute('data-share')), total: Number(e.getAttribute('data-total-ns')) })))).sort((x, y) => y.total - x.total);
    // Reference from the automation API: GPU slices clipped to the range, grouped by the
    // name hash of their keys; the projected user ranges (prefill, decode_step) left out.
    const hits = await tl(page, (api) => api.find({ regex: '.', laneKind: 'gpu', limit: 100000 }));
    const annotations = new Set(['prefill', 'decode_step', 'generate'].map(hashName));
    const totals = new Map<string, number>();
    for (const h of hits) {
      const hash = h.key.split('@')[2];
      const clipped = Math.min(b, h.startNs + h.durNs) - Math.max(a, h.startNs);
      if (clipped > 0 && !annotations.has(hash)) totals.set(hash, (totals.get(hash) ?? 0) + clipped);
    }
    const ranked = [...totals].sort((x, y) => y[1] - x[1]);
    expect(chart.length).toBeGreaterThan(3);
    expect(hashName(chart[0].name)).toBe(ranked[0][0]);
    expect(hashName(chart[1].name)).toBe(ranked[1][0]);
    expect(chart[0].share).toBeGreaterThan(chart[chart.length - 1].share);
    expect(chart.reduce((s, k) => s + k.share, 0)).toBeLessThanOrEqual(1.0001);
    expect(summary.lanes.some((l) => l.kind === 'gpu')).toBe(true);
    await expect(page.getByTestId('gpu-busy').first()).toContainText('busy');
    await waitIdle(page);
    await shot(page, 'analysis-kernel-chart');

    await page.getByTestId('analysis-tab-stats').click();
    const table = page.getByTestId('stats-table');
    await expect(page.getByTestId('stats-row').first()).toBeAttached();
    expect(Number(await table.getAttribute('data-total-rows'))).toBeGreaterThan(10);
    await shot(page, 'analysis-stats');

    await page.getByTestId('analysis-tab-calltree').click();
    const tree = page.getByTestId('calltree-row');
    await expect(tree.first()).toBeAttached();
    expect(await tree.first().getAttribute('data-name')).toContain('python3');
    await page.getByTestId('calltree-bottomup').click();
    await expect(page.getByTestId('calltree-bottomup')).toHaveAttribute('aria-pressed', 'true');
    await expect(tree.nth(1)).toBeAttached();
    await shot(page, 'analysis-calltree');

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('analysis-tab-kernels').click();
    await expect(bars.first()).toBeAttached();
    await waitIdle(page);
    await shot(page, 'analysis-kernel-chart-dark');
    expect(errors).toEqual([]);
  });

  test('the steps table: decode steps, outliers, a step becomes the range', async ({ page }) => {
    const errors = collectConsoleErrors(page);
    await openApp(page);
    await openByPicker(page, FILE);
    await waitReady(page);
    await page.getByTestId('analysis-tab-steps').click();
    const table = page.getByTestId('steps-table');
    await expect(table).toBeVisible();
    const steps = await tl(page, (api) => api.find({ name: 'decode_step', laneKind: 'cpu' }));
    await expect(table).toHaveAttribute('data-total-rows', String(steps.length));
    const rows = page.getByTestId('step-row');
    const durs = await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-dur-ns'))));
    expect(durs).toEqual(steps.map((s) => Math.round(s.durNs)));
    // The two steps that wait for the host copy stand out.
    const outliers = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-outlier')));
    expect(outliers.filter((o) => o === 'true')).toHaveLength(2);
    await rows.nth(2).click();
    await expect(page.getByTestId('analysis-scope')).toContainText('Range');
    await expect.poll(async () => ((await tl(page, (api) => api.selection())) as { name: string } | null)?.name).toBe('decode_step');
    await page.keyboard.press(']');
    await expect(rows.nth(3)).toHaveClass(/current/);
    await waitIdle(page);
    await shot(page, 'analysis-steps');
    expect(errors).toEqual([]);
  });

  test('search: count, Enter / Shift+Enter, hits outlined when zoomed out', async ({ page }) => {
    const errors = collectConsoleErrors(page);
    await openApp(page);
    await openByPicker(page, FILE);
    await waitReady(page);
    const expected = await tl(page, (api) => api.find({ regex: 'CatArrayBatchedCopy', limit: 100000 }));
    const input = page.getByTestId('search-input');
    await input.fill('catarraybatchedcopy');
    const count = page.getByTestId('search-count');
    await expect(count).toHaveAttribute('data-total', String(expected.length));
    await expect(count).toContainText(`${expected.length} hits`);
    await input.press('Enter');
    await expect(count).toContainText(`1 / ${expected.length}`);
    const first = (await tl(page, (api) => api.selection())) as { key: string };
    expect(first.key).toBe(expected[0].key);
    await input.press('Shift+Enter');
    await expect(count).toContainText(`${expected.length} / ${expected.length}`);
    await expect.poll(async () => ((await tl(page, (api) => api.selection())) as { key: string }).key).toBe(expected[expected.length - 1].key);
    await page.keyboard.press('Escape');
    await input.fill('cudaLaunchKernel');
    await expect(count).toContainText('hits');
    await tl(page, (api) => api.select(null));
    const s = await tl(page, (api) => api.summary());
    await tl(page, (api, e) => api.setViewport(e), { startNs: s.startNs, endNs: s.endNs });
    await waitIdle(page);
    await shot(page, 'analysis-search-zoomed-out');
    await input.fill('(');
    await page.getByTestId('search-regex').click();
    await expect(count).toHaveText('error');
    expect(errors).toEqual([]);
  });

  test('idle gaps are listed and marked; allocations of train_step', async ({ page }) => {
    const errors = collectConsoleErrors(page);
    await openApp(page);
    await openByPicker(page, FILE);
    await waitReady(page);
    await page.getByTestId('analysis-tab-gaps').click();
    const rows = page.getByTestId('gap-row');
    await expect(rows.first()).toBeAttached();
    const n = Number(await page.getByTestId('gaps-table').getAttribute('data-total-rows'));
    expect(n).toBe(await rows.count());
    const durs = await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-dur-ns'))));
    expect(durs.every((d) => d > 1e6)).toBe(true);
    await page.keyboard.press('.');
    await expect(rows.first()).toHaveClass(/current/);
    await expect(page.getByTestId('analysis-scope')).toContainText('Range');
    await waitIdle(page);
    await shot(page, 'analysis-gaps');

    await openByPicker(page, 'train_step.json.gz');
    await waitReady(page);
    await page.getByTestId('analysis-tab-memory').click();
    const allocs = page.getByTestId('allocation-row');
    await expect(allocs.first()).toBeAttached();
    const kinds = await allocs.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds.filter((k) => k === 'alloc').length).toBe(3);
    await page.getByTestId('allocations-sort').selectOption('bytes');
    await waitIdle(page);
    await shot(page, 'analysis-allocations');
    expect(errors).toEqual([]);
  });
});

