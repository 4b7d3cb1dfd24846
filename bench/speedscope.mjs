// The peer: speedscope's own static build (npm `speedscope`, dist/release) served locally,
// opened with `#profileURL=<trace url>`. "Loaded" = its flame view is drawn: the toolbar's
// view modes are shown and a canvas has a non-zero size, with no error message.
import path from 'node:path';
import { repoRoot } from './traces.mjs';

export const speedscopeDir = path.join(repoRoot, 'node_modules', 'speedscope', 'dist', 'release');

/**
 * Open one trace in speedscope; resolves to { loaded, ms, error?, rssBytes? }. speedscope parses on
 * its main thread, where Playwright's own in-page timeouts cannot fire, so the deadline is kept here.
 */
export async function measureSpeedscope(context, { origin, traceUrl, timeoutMs, rss }) {
  const page = await context.newPage();
  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ loaded: false, ms: timeoutMs, error: `not drawn within ${Math.round(timeoutMs / 1000)} s (main thread busy)` }), timeoutMs + 2_000);
  });
  try {
    return await Promise.race([openAndWait(page, { origin, traceUrl, timeoutMs, rss }), deadline]);
  } finally {
    clearTimeout(timer);
    // A renderer stuck in a long task still closes: the browser ends it.
    await Promise.race([page.close({ runBeforeUnload: false }), new Promise((r) => setTimeout(r, 10_000))]).catch(() => undefined);
  }
}

async function openAndWait(page, { origin, traceUrl, timeoutMs, rss }) {
  const consoleErrors = [];
  page.on('console', (m) => {
    if (/fail|error/i.test(m.text())) consoleErrors.push(m.text().split('\n')[0].slice(0, 160));
  });
  page.on('crash', () => consoleErrors.push('renderer crashed'));
  const t0 = Date.now();
  try {
    await page.goto(`${origin}/speedscope/index.html#profileURL=${encodeURIComponent(traceUrl)}`, { timeout: timeoutMs });
    const state = await page
      .waitForFunction(
        () => {
          const text = document.body ? document.body.innerText : '';
          if (/Something went wrong/i.test(text)) return 'error';
          const drawn = [...document.querySelectorAll('canvas')].some((c) => c.width > 0 && c.height > 0);
          return drawn && /Left Heavy/.test(text) && /Sandwich/.test(text) ? 'loaded' : false;
        },
        null,
        { timeout: Math.max(1, timeoutMs - (Date.now() - t0)), polling: 250 },
      )
      .then((h) => h.jsonValue());
    const ms = Date.now() - t0;
    if (state === 'loaded') return { loaded: true, ms, rssBytes: rss ? await rss() : undefined };
    return { loaded: false, ms, error: `error shown: ${consoleErrors.find((e) => /Failed to load/i.test(e)) ?? consoleErrors[0] ?? 'Something went wrong'}` };
  } catch (err) {
    const ms = Date.now() - t0;
    const why = /Timeout/i.test(String(err)) ? `not drawn within ${Math.round(timeoutMs / 1000)} s` : String(err.message || err).split('\n')[0];
    return { loaded: false, ms, error: consoleErrors.length ? `${why}; ${consoleErrors[0]}` : why };
  }
}
