import { expect, test } from '@playwright/test';
import { collectConsoleErrors, openApp, summary, SUB_PATH, waitReady } from './helpers';

// The e2e server itself (scripts/serve.mjs --e2e): passes even before the app exists.
test.describe('static server', () => {
  test('serves the build at / and at the portal sub-path', async ({ request }) => {
    for (const p of ['/', SUB_PATH]) {
      const res = await request.get(p);
      expect(res.status(), p).toBe(200);
      expect(res.headers()['content-type']).toMatch(/^text\/html/);
      expect(res.headers()['cross-origin-embedder-policy']).toBeUndefined();
      expect(res.headers()['cross-origin-opener-policy']).toBeUndefined();
    }
    const bare = await request.get(SUB_PATH.slice(0, -1), { maxRedirects: 0 });
    expect(bare.status()).toBe(301);
    expect(bare.headers()['location']).toBe(SUB_PATH);
  });

  test('serves .gz as application/gzip without Content-Encoding', async ({ request }) => {
    for (const p of [`${SUB_PATH}samples/llm_decode_small.json.gz`, '/corpus/llm_decode_small.json.gz']) {
      const res = await request.get(p);
      expect(res.status(), p).toBe(200);
      expect(res.headers()['content-type']).toBe('application/gzip');
      expect(res.headers()['content-encoding']).toBeUndefined();
      const body = await res.body();
      expect(Number(res.headers()['content-length'])).toBe(body.length);
      expect([body[0], body[1]]).toEqual([0x1f, 0x8b]); // raw gzip magic
    }
  });

  test('answers byte ranges: 206 with Content-Range, 416 past the end', async ({ request }) => {
    const whole = await (await request.get('/corpus/llm_decode_small.json.gz')).body();
    const part = await request.get('/corpus/llm_decode_small.json.gz', { headers: { Range: 'bytes=100-199' } });
    expect(part.status()).toBe(206);
    expect(part.headers()['content-range']).toBe(`bytes 100-199/${whole.length}`);
    expect((await part.body()).equals(whole.subarray(100, 200))).toBe(true);
    const past = await request.get('/corpus/llm_decode_small.json.gz', { headers: { Range: `bytes=${whole.length}-` } });
    expect(past.status()).toBe(416);
    expect(past.headers()['content-range']).toBe(`bytes */${whole.length}`);
  });

  test('refuses path traversal', async ({ request }) => {
    for (const p of ['/corpus/..%2f..%2fmain%2fpackage.json', '/corpus/%2e%2e%2fcorpus%2fREADME.md', '/..%2fpackage.json']) {
      const res = await request.get(p);
      expect(res.status(), p).toBeGreaterThanOrEqual(400);
    }
  });
});

test.describe('app', () => {
  for (const p of ['/', SUB_PATH]) {
    test(`landing page at ${p} loads without console errors`, async ({ page }) => {
      const errors = collectConsoleErrors(page);
      await openApp(page, p);
      await expect(page.getByTestId('open-sample')).toBeVisible();
      expect(errors).toEqual([]);
    });
  }

  test('"Open sample trace" at the sub-path loads lanes', async ({ page }) => {
    const errors = collectConsoleErrors(page);
    await openApp(page, SUB_PATH);
    await page.getByTestId('open-sample').click();
    const s = await waitReady(page);
    expect(s.events).toBeGreaterThan(0);
    expect(s.lanes.length).toBeGreaterThan(0);
    await expect(page.getByTestId('timeline-canvas')).toBeVisible();
    expect(await summary(page)).toMatchObject({ lanes: expect.any(Array) });
    expect(errors).toEqual([]);
  });
});
