// Links stay ≤ 8 000 characters. A link restores 2 500 hidden lanes picked at random
// among 5 000 threads (no pattern covers them more briefly than their ids): the app's own
// link then leaves them out, says so in a notice, and still carries the annotation.
// The link is made and read here with Node's zlib, not the app's codec.

import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { E2E_ORIGIN, settledLink, shot, summary, waitReady } from './helpers';

const URL_PATH = '/generated/many-threads.json';
const THREADS = 5000;

function trace(): string {
  let x = 0x1234567;
  const events: string[] = [];
  for (let t = 0; t < THREADS; t++) {
    x = (x * 1103515245 + 12345) >>> 0;
    events.push(`{"ph":"X","cat":"cpu_op","name":"op ${t}","pid":7,"tid":${100_000 + (x % 900_000)},"ts":${t * 10},"dur":5}`);
  }
  return `{"traceEvents":[${events.join(',')}]}`;
}

function wireOf(link: string): { h?: string[]; hp?: string[]; a?: [number, string][] } {
  const payload = /#tl=([A-Za-z0-9_-]+)/.exec(link)![1];
  return JSON.parse(inflateRawSync(Buffer.from(payload, 'base64url')).toString('utf8'));
}

test('a link too long for its hidden lanes leaves them out with a notice and keeps the annotation', async ({ page }) => {
  test.setTimeout(120_000);
  const body = trace();
  await page.route(`**${URL_PATH}`, (route) => route.fulfill({ body, contentType: 'application/json' }));
  const traceUrl = `${E2E_ORIGIN}${URL_PATH}`;
  await page.goto(`/?url=${encodeURIComponent(traceUrl)}`);
  const s = await waitReady(page);
  const ids = s.lanes.map((l) => l.id).filter((id) => id.endsWith('|cpu'));
  expect(ids.length).toBe(new Set(ids).size);
  let y = 99;
  const hidden = ids.filter(() => ((y = (y * 69069 + 1) >>> 0) & 1) === 1);
  const origin = String(s.originNs ?? 0);

  const wire = { v: 2, o: /^\d+$/.test(origin) ? origin : '0', u: [traceUrl], h: hidden, a: [[20_000, 'kept in the link', 0]] };
  const payload = deflateRawSync(Buffer.from(JSON.stringify(wire))).toString('base64url');
  expect(payload.length).toBeGreaterThan(8000);
  await page.goto(`/?url=${encodeURIComponent(traceUrl)}#tl=${payload}`);
  await waitReady(page);
  await page.waitForFunction(() => document.documentElement.dataset.viewRestore === 'done');

  const notice = page.getByTestId('link-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText(`leaves out the ${hidden.length.toLocaleString('en-US')} hidden lanes`);
  const link = await settledLink(page);
  expect(link.length).toBeLessThanOrEqual(8000);
  const back = wireOf(link);
  expect(back.h ?? []).toEqual([]);
  expect(back.hp ?? []).toEqual([]);
  expect((back.a ?? []).map((a) => a[1])).toEqual(['kept in the link']);
  // The lanes stay hidden in this tab: only the link leaves them out.
  expect((await summary(page)).lanes.length).toBe(s.lanes.length);
  await expect(page.getByRole('button', { name: `Show ${hidden.length} hidden` })).toBeVisible();
  await shot(page, 'link-too-long-notice');
});
