// Async lanes and flows (issue 20) on catapult's real files, with real input: catapult's legacy
// async test file opens with an async lane per process + category + name, its operations
// clickable; in Chrome's input-latency trace a click on the slice a flow leaves shows, in the
// details panel, the slice the flow goes to, and following that link selects it. Expectations
// from the files (read here with zlib + JSON.parse), by the Trace Event Format's rules: legacy
// async operations are S … F of one category + name + id; a flow's s and t bind to the slice
// enclosing them on their thread.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { CORPUS_DIR, clickSliceOnCanvas, collectConsoleErrors, openApp, openFilesByPicker, shot, tl, waitIdle, waitReady } from './helpers';

const EXTERNAL = path.resolve(CORPUS_DIR, '../external/chrome-trace');

interface Ev {
  ph: string;
  cat?: string;
  name: string;
  id?: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
}

function file(name: string): { name: string; buffer: Buffer; events: Ev[] } {
  const buffer = readFileSync(path.join(EXTERNAL, name));
  const json = JSON.parse(gunzipSync(buffer).toString('utf8')) as Ev[] | { traceEvents: Ev[] };
  return { name, buffer, events: Array.isArray(json) ? json : json.traceEvents };
}

test('async lanes of catapult’s legacy async file, and a flow followed from the details panel', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectConsoleErrors(page);
  await openApp(page);

  // --- Legacy async (S/T/F): one lane per process + category + name of the operations' S.
  const asyncFile = file('catapult__async_begin_end.json.gz');
  await openFilesByPicker(page, [asyncFile]);
  const summary = await waitReady(page);
  await waitIdle(page);
  const expectedLanes = new Set(asyncFile.events.filter((e) => e.ph === 'S' || e.ph === 'b').map((e) => `${e.pid} ${e.name}`));
  const asyncLanes = summary.lanes.filter((l) => l.async);
  expect(new Set(asyncLanes.map((l) => `${l.group.split('|').pop()} ${l.name}`))).toEqual(expectedLanes);
  expect((summary.warnings as { code: string }[]).map((w) => w.code)).not.toContain('unknown-phase');
  for (const l of asyncLanes) await expect(page.locator(`[data-testid="lane-header"][data-lane-id="${l.id}"]`)).toContainText(`${l.name}async`);

  // Operation B id 2: S at 200 µs, step X (T) at 240, F at 400 — a 200 µs slice with its step below.
  const t0 = Math.min(...asyncFile.events.map((e) => e.ts));
  const ops = await tl(page, (api) => api.find({ name: 'B' }));
  const b2 = ops.find((h) => h.startNs === (200 - t0) * 1000)!;
  expect(b2.durNs).toBe(200_000);
  await clickSliceOnCanvas(page, b2);
  await expect(page.getByTestId('details-panel')).toContainText('B');
  const step = (await tl(page, (api) => api.find({ name: 'B:X' })))[0];
  expect([step.laneId, step.startNs, step.durNs]).toEqual([b2.laneId, (240 - t0) * 1000, 160_000]);
  await shot(page, 'async-lanes-legacy');

  // --- Flows (s → t… → f) in Chrome's input latency trace: the first flow with a step.
  await openApp(page);
  const latency = file('catapult__multiple_input_latency.json.gz');
  const slices = latency.events.filter((e) => e.ph === 'X');
  const enclosing = (p: Ev) =>
    slices.filter((x) => x.pid === p.pid && x.tid === p.tid && x.ts <= p.ts && p.ts <= x.ts + x.dur!).sort((a, c) => a.dur! - c.dur!)[0];
  const byId = new Map<string, Ev[]>();
  for (const e of latency.events) if (e.ph === 's' || e.ph === 't' || e.ph === 'f') byId.set(`${e.cat}|${e.id}`, [...(byId.get(`${e.cat}|${e.id}`) ?? []), e]);
  const flow = [...byId.values()].map((v) => v.sort((a, c) => a.ts - c.ts)).find((v) => v[0].ph === 's' && v[1]?.ph === 't' && enclosing(v[0]) && enclosing(v[1]))!;
  const from = enclosing(flow[0]);
  const to = enclosing(flow[1]);
  await openFilesByPicker(page, [latency]);
  const s2 = await waitReady(page);
  await waitIdle(page);
  expect(s2.lanes.some((l) => l.async && l.name === 'InputLatency')).toBe(true);
  const origin = BigInt(s2.originNs);
  const startNs = (ts: number) => Number(BigInt(ts) * 1000n - origin);
  const source = (await tl(page, (api, name) => api.find({ name }), from.name)).find((h) => h.startNs === startNs(from.ts))!;
  expect(source).toBeTruthy();
  await clickSliceOnCanvas(page, source);
  const links = page.getByTestId('flow-link');
  await expect(links.first()).toBeVisible();
  expect(await links.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.name))).toContain(to.name);
  await waitIdle(page);
  await shot(page, 'flow-details-source');

  // Following the link selects the slice the flow goes to.
  await links.filter({ hasText: to.name }).first().click();
  await expect.poll(async () => ((await tl(page, (api) => api.selection())) as { name: string; startNs: number } | null)?.startNs).toBe(startNs(to.ts));
  await waitIdle(page);
  await shot(page, 'flow-details-target');
  expect(errors).toEqual([]);
});
