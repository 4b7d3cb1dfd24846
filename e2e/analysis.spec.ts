// Analyses on llm_decode_small: a kernel's launch and Python stack, the kernel chart
// of a range, the steps table.
import { expect, test } from '@playwright/test';
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
});
