// Issue 9: trace text never runs. The production build carries a
// Content-Security-Policy (build/csp.ts) that blocks nothing in normal use, and
// <script>, <img onerror> and <svg onload> in names, categories, args, process and
// thread names stay inert text in the lane headers, the tooltip and the details panel.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { collectConsoleErrors, openApp, REPO_ROOT, shot, tl, waitIdle, waitReady } from './helpers';

const HOSTILE = path.join(REPO_ROOT, 'test/fixtures/bad/hostile-names.json');
const PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><svg onload="window.__pwned=3">';

/** Records CSP violations and dialogs from the first script on. */
async function watchInjection(page: Page): Promise<string[]> {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return dialogs;
}

const violations = (page: Page) => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);

test('the build carries the Content-Security-Policy and the sample trace loads with nothing blocked', async ({ page, request }) => {
  const html = await (await request.get('/')).text();
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
  expect(meta, 'CSP <meta> in index.html').not.toBeNull();
  const policy = meta![1].replace(/&#39;/g, "'");
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policy).toContain("worker-src 'self' blob:");
  expect(policy).toContain('connect-src *');
  expect(policy).toContain("img-src 'self' blob: data:");
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

  const errors = collectConsoleErrors(page);
  await watchInjection(page);
  await openApp(page);
  await page.evaluate(() => document.documentElement.removeAttribute('data-trace-state'));
  await page.getByRole('button', { name: /sample/i }).click();
  await waitReady(page);
  await waitIdle(page);
  expect(await violations(page)).toEqual([]);
  expect(errors.filter((e) => /Content.Security.Policy|Refused to/i.test(e))).toEqual([]);
});

test('script, img onerror and svg onload in trace text do nothing in headers, tooltip and details', async ({ page }) => {
  const dialogs = await watchInjection(page);
  await openApp(page);
  await page.evaluate(() => document.documentElement.removeAttribute('data-trace-state'));
  await page.getByTestId('file-input').setInputFiles({ name: 'hostile-names.json', mimeType: 'application/json', buffer: readFileSync(HOSTILE) });
  await waitReady(page);
  await waitIdle(page);

  // Thread and process names are shown as text in the lane headers.
  await expect(page.getByTestId('lane-header').filter({ hasText: `thread ${PAYLOAD}` })).toHaveCount(1);

  // Hover and click the slice with the hostile name, category and args.
  const [hit] = await tl(page, (api, name) => api.find({ name }), `name ${PAYLOAD}`);
  expect(hit).toBeTruthy();
  await tl(page, (api, h) => api.setViewport({ startNs: h.startNs - h.durNs, endNs: h.startNs + 2 * h.durNs }), hit);
  await waitIdle(page);
  const canvas = (await page.getByTestId('timeline-canvas').boundingBox())!;
  const lane = (await page.locator(`[data-testid="lane-header"][data-lane-id="${hit.laneId}"]`).boundingBox())!;
  const x = canvas.x + canvas.width / 2;
  let selected = false;
  for (let y = lane.y + 2; y < lane.y + lane.height && !selected; y += 4) {
    await page.mouse.move(x, y);
    await page.mouse.click(x, y);
    selected = ((await tl(page, (api) => api.selection())) as { key: string } | null)?.key === hit.key;
  }
  expect(selected).toBe(true);
  await page.mouse.move(x, lane.y + lane.height / 2);
  await expect(page.locator('.tooltip')).toContainText(`name ${PAYLOAD}`);
  const details = page.getByTestId('details-panel');
  await expect(details).toContainText(`name ${PAYLOAD}`);
  await expect(details).toContainText(`value ${PAYLOAD}`.replace(/"/g, '\\"'));
  await shot(page, 'csp-hostile-details');

  const injected = await page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
    elements: document.querySelectorAll('#root script, #root img[onerror], #root svg[onload], #root img[src="x"]').length,
  }));
  expect(injected).toEqual({ pwned: null, elements: 0 });
  expect(dialogs).toEqual([]);
  // Nothing even tried to run: text never became markup, so the policy had nothing to block.
  expect(await violations(page)).toEqual([]);
});
