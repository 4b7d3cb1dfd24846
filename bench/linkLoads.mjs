// Issue 16's ratio: a `?url=` load against a picker load, both in a Chromium no DevTools client
// watches the network of. Playwright enables DevTools' Network domain in the page and in every
// worker it attaches to, and Chromium then keeps account of each answer's bytes for the inspector:
// a 1 GB `?url=` load took 3.92 s with the domain on against 3.44 s without (3 + 3 loads, same
// minutes, bench/README.md), while a picker load reads no answer and pays nothing. A user's
// browser has no such client, so both loads of the ratio run here, over a CDP pipe (cdpPipe.mjs).
import { openPage, pickFile } from './cdpPipe.mjs';
import { installPageProbe } from './pageProbe.mjs';

const READY_OR_ERROR = `window.__bench && ['ready', 'error'].includes(document.documentElement.dataset.traceState) && document.documentElement.dataset.traceState`;
/** The empty app drawn: navigation start to the first frame that shows it idle (as bench/run.mjs's Playwright polling per frame). */
const EMPTY_APP_IDLE = `new Promise((resolve) => {
  const drawn = () => document.documentElement.dataset.traceState === 'idle' && (document.getElementById('root')?.childElementCount ?? 0) > 0;
  const tick = () => (drawn() ? resolve(performance.now()) : requestAnimationFrame(tick));
  tick();
})`;

async function loaded(page, timeoutMs) {
  const state = await page.until(READY_OR_ERROR, timeoutMs);
  if (state !== 'ready') throw new Error(`load error: ${String(await page.evaluate(`document.querySelector('[data-testid=load-error]')?.innerText ?? '(no message)'`)).trim().slice(0, 200)}`);
}

async function emptyAppIdleMs(page, origin) {
  await page.inPage('Page.navigate', { url: `${origin}/` });
  await page.until(`location.href.startsWith(${JSON.stringify(origin)}) && document.readyState !== 'loading' && !!window.__bench`, 30_000);
  return page.evaluate(EMPTY_APP_IDLE);
}

/**
 * One load of `file` (bench/out's, at `${origin}/traces/`) in a new tab of `cdp`'s browser, in a
 * browser context of its own: `picker` through the file input (first frame from its change event),
 * `url` by `?url=` (first frame from navigation start, with the empty app's navigation to idle in the
 * same tab just before, and the same URL fetched alone afterwards when `fetchAlone`).
 */
export async function linkRun(cdp, { mode, origin, file, path: filePath, viewport, timeoutMs, fetchAlone = false }) {
  const page = await openPage(cdp, { viewport, initScript: `(${installPageProbe})()`, isolated: true });
  try {
    const emptyIdleMs = await emptyAppIdleMs(page, origin);
    if (mode === 'picker') {
      await pickFile(page.inPage, filePath);
      await loaded(page, timeoutMs);
      return { firstFrameMs: await page.evaluate(`window.__bench.states.find((s) => s.state === 'ready').t - window.__bench.change`) };
    }
    await page.inPage('Page.navigate', { url: `${origin}/?url=${encodeURIComponent(`/traces/${file}`)}` });
    await loaded(page, timeoutMs);
    const probe = await page.evaluate(`({ states: window.__bench.states, phases: window.__bench.phases })`);
    const ready = probe.states.find((s) => s.state === 'ready').t;
    // The same URL fetched and drained alone, to tell the network path from the app's work.
    const fetchMs = fetchAlone
      ? await page.evaluate(`(async () => {
          const t0 = performance.now();
          const reader = (await fetch(${JSON.stringify(`/traces/${file}`)}, { cache: 'no-store' })).body.getReader();
          while (!(await reader.read()).done);
          return performance.now() - t0;
        })()`)
      : null;
    return { firstFrameMs: ready, emptyIdleMs, fetchMs, phases: probe.phases.map((p) => ({ label: p.label, ms: p.t })).concat([{ label: 'ready', ms: ready }]) };
  } catch (err) {
    return { error: String(err.message || err).split('\n')[0] };
  } finally {
    await page.close();
  }
}
