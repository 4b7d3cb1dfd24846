// Other accelerators and trace writers (issue 17): the synthetic recorder fixtures
// (test/fixtures/recorders/, see its README) open with device work on GPU lanes named for
// the hardware, runtime calls on runtime lanes, and msServiceProfiler domains as named lanes
// in the file's thread_sort_index order — asserted on the lane headers the page draws.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openApp, openFilesByPicker, REPO_ROOT, waitIdle, waitReady } from './helpers';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/recorders');

/** The drawn lane headers, top to bottom: [kind, lane name (the title's first line; the kind badge follows)]. */
async function headers(page: Page): Promise<[string, string][]> {
  const rows = await page.getByTestId('lane-header').evaluateAll((els) =>
    els.map((e) => [e.getBoundingClientRect().top, (e as HTMLElement).dataset.laneKind ?? '', (e.querySelector('.lane-title') as HTMLElement | null)?.innerText ?? ''] as const),
  );
  return [...rows].sort((a, b) => a[0] - b[0]).map(([, kind, title]) => [kind, title.split('\n')[0].trim()]);
}

async function open(page: Page, file: string): Promise<[string, string][]> {
  await openApp(page);
  await openFilesByPicker(page, [{ name: file, buffer: readFileSync(join(FIXTURES, file)) }]);
  await waitReady(page);
  await waitIdle(page);
  return headers(page);
}

function has(rows: [string, string][], kind: string, name: string): void {
  expect(
    rows.some(([k, t]) => k === kind && t.includes(name)),
    `${kind} "${name}" in ${JSON.stringify(rows)}`,
  ).toBe(true);
}

test('JAX/XLA: stream kernels on a GPU lane named for the device, XLA summaries beside it', async ({ page }) => {
  const rows = await open(page, 'jax_perfetto_trace.json');
  has(rows, 'gpu', 'GPU 0 · Stream #14(Memset,Compute)');
  has(rows, 'gpu', 'GPU 0 · XLA Ops');
  has(rows, 'cpu', 'python3 · CPU');
  await expect(page.getByTestId('load-warning')).toHaveCount(0);
});

test('Ascend: NPU streams and HCCL on GPU lanes, AscendCL on a runtime lane', async ({ page }) => {
  const rows = await open(page, 'ascend_trace_view.json');
  has(rows, 'gpu', 'NPU 0 · Stream 2');
  has(rows, 'gpu', 'NPU 0 · Group 0 Communication');
  has(rows, 'cuda_api', 'Thread 1234 · AscendCL');
  has(rows, 'gpu', 'Overlap Analysis · Computing');
});

test('MTIA: device work and runtime calls', async ({ page }) => {
  const rows = await open(page, 'mtia_kineto.json');
  has(rows, 'gpu', 'MTIA 7 · Stream 1 FW');
  has(rows, 'cuda_api', 'MTIA Runtime');
});

test('msServiceProfiler: one lane per domain (the tid), in thread_sort_index order', async ({ page }) => {
  const rows = await open(page, 'msserviceprofiler_chrome_tracing.json');
  const order = ['httpReq', 'ReqEnQueue', 'ReqState', 'BatchSchedule', 'ReqDeQueue', 'modelExec', 'decode', 'deviceKvCache', 'httpRes'];
  expect(rows.filter(([k]) => k === 'cpu')).toEqual(order.map((d) => ['cpu', d]));
});
