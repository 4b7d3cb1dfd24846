// Issue 16, an index that keeps up: after a big plain file is parsed in parallel pieces, its lanes
// are sorted, rowed and tiled by the fragment workers (workers/index/parallelLanes.ts; on its own
// from 4 cores, here asked for by `?lanes=helpers`) while the trace worker reads the counters. The .gz
// of the same trace is read as one stream and indexed on one thread: both must give the same lanes,
// rows, keys and first frame. `?lanes=one` keeps the lanes on the trace worker. Cancel still stops every worker.

import { expect, test, type Page } from '@playwright/test';
import { gunzipSync } from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';
import { cancelWhileParsing, collectConsoleErrors, corpusPath, openApp, openByPicker, summary, tl, waitIdle, waitReady } from './helpers';

/** The stage marks of the open trace's load (TraceLoadResult.stagesMs). */
const stagesOf = (page: Page) => page.evaluate(() => Object.keys((window as unknown as { tracelane: { summary(): { stagesMs: (Record<string, number> | null)[] } } }).tracelane.summary().stagesMs[0] ?? {}));

test('a big plain trace\'s lanes built by its fragment workers equal the lanes its .gz gets on one thread', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectConsoleErrors(page);
  const plainPath = test.info().outputPath('llm_decode_large.json');
  writeFileSync(plainPath, gunzipSync(readFileSync(corpusPath('llm_decode_large.json.gz'))));
  const keysOf = () => tl(page, async (api) => (await api.find({ regex: 'Kernel|kernel|aten::mm|cudaLaunchKernel', limit: 5000 })).map((h) => h.key));
  const frameOf = async () => {
    await waitIdle(page);
    return tl(page, (api) => api.drawn().lanes.map((l) => [l.id, l.items, l.fromTiles, l.firstNs]));
  };

  await openApp(page);
  await openByPicker(page, 'llm_decode_large.json.gz');
  const gz = await waitReady(page);
  // One stream, one thread: no lane went anywhere.
  expect(await stagesOf(page)).not.toContain('lanes sent');
  const gzKeys = await keysOf();
  const gzFrame = await frameOf();

  const openPlain = async (lanes: 'helpers' | 'one') => {
    // On two cores a plain file this size parses on one thread (parallelParse.ts): the parallel parse is asked for.
    await openApp(page, `/?lanes=${lanes}&pieces=parallel`);
    await page.evaluate(() => document.documentElement.removeAttribute('data-trace-state'));
    await page.getByTestId('file-input').setInputFiles(plainPath);
    await page.waitForFunction(() => document.documentElement.dataset.traceState === 'ready', null, { timeout: 120_000 });
  };
  // Asked to keep the lanes: parsed in pieces, no lane sent.
  await openPlain('one');
  expect(await stagesOf(page)).toContain('fragment 1 parsed');
  expect(await stagesOf(page)).not.toContain('lanes sent');

  await openPlain('helpers');
  const plain = await summary(page);
  // Parsed in pieces, its lanes sent to the fragment workers.
  const stages = await stagesOf(page);
  expect(stages).toContain('fragment 1 parsed');
  expect(stages).toContain('lanes sent');
  expect(plain.events).toBe(gz.events);
  expect(plain.lanes.map((l) => [l.id, l.name, l.kind, l.events, l.rows])).toEqual(gz.lanes.map((l) => [l.id, l.name, l.kind, l.events, l.rows]));
  expect(gzKeys.length).toBeGreaterThan(1000);
  expect(await keysOf()).toEqual(gzKeys);
  // The whole-trace frame, its busy lanes drawn from the tiles the fragment workers built.
  const frame = await frameOf();
  expect(frame).toEqual(gzFrame);
  expect(frame.some(([, , fromTiles]) => (fromTiles as number) > 0)).toBe(true);
  // A kernel found by key is selected with its args, read back from the file.
  await tl(page, (api, key) => api.select(key), gzKeys[0]);
  expect(((await tl(page, (api) => api.selection())) as { key: string }).key).toBe(gzKeys[0]);
  expect(errors).toEqual([]);
});

test('Cancel while a big plain trace is parsed in parallel stops the trace worker and its fragment workers', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectConsoleErrors(page);
  const plainPath = test.info().outputPath('llm_decode_large.json');
  writeFileSync(plainPath, gunzipSync(readFileSync(corpusPath('llm_decode_large.json.gz'))));
  await openApp(page, '/?lanes=helpers&pieces=parallel');
  await cancelWhileParsing(page, plainPath);
  // The next big plain file opens whole, its lanes built by new fragment workers.
  await page.evaluate(() => document.documentElement.removeAttribute('data-trace-state'));
  await page.getByTestId('file-input').setInputFiles(plainPath);
  await page.waitForFunction(() => document.documentElement.dataset.traceState === 'ready', null, { timeout: 120_000 });
  expect(await stagesOf(page)).toContain('lanes sent');
  expect((await summary(page)).events).toBeGreaterThan(200_000);
  expect(errors).toEqual([]);
});
