#!/usr/bin/env node
// `npm test`: the whole pipeline CI runs (`.ci/run`), also fine on a fresh Debian machine.
//   1. npm ci            if node_modules is missing or older than package-lock.json
//   2. apt-get install   Debian's `chromium` if /usr/bin/chromium is missing (root only;
//                        the e2e tests never use a browser downloaded by Playwright)
//   3. vitest run        unit tests (test/**/*.test.ts)
//   4. vite build        production build into dist/
//   5. playwright test   e2e tests (e2e/*.spec.ts), headless, against dist/ served by scripts/serve.mjs --e2e
// Unit-test failures do not stop the build and e2e steps (more signal per CI run),
// but the exit code is non-zero if any step failed. A failed build skips e2e.
//
// Options: --skip-unit, --skip-e2e; any other argument goes to `playwright test`
// (e.g. `npm test -- --skip-unit --grep smoke`, or run `npx playwright test e2e/smoke.spec.ts` directly).
import net from 'node:net';
import { bin, ensureChromium, ensureDeps, log, run } from './lib.mjs';

const argv = process.argv.slice(2);
const skipUnit = argv.includes('--skip-unit');
const skipE2e = argv.includes('--skip-e2e');
const pwArgs = argv.filter((a) => a !== '--skip-unit' && a !== '--skip-e2e');

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const results = [];
const step = async (name, cmd, args) => {
  const t0 = Date.now();
  log(`step: ${name}`);
  const code = await run(cmd, args);
  results.push({ name, code, s: ((Date.now() - t0) / 1000).toFixed(1) });
  return code;
};

await ensureDeps();
if (!skipE2e) await ensureChromium();

// vite build strips types without checking them: a type error must fail here.
if (!skipUnit) await step('type check (tsc --noEmit)', bin('tsc'), ['--noEmit', '-p', '.']);
if (!skipUnit) await step('unit tests (vitest run)', bin('vitest'), ['run']);
const buildCode = await step('production build (vite build)', bin('vite'), ['build']);
if (!skipE2e) {
  if (buildCode !== 0) {
    results.push({ name: 'e2e tests (playwright test)', code: 'skipped: the build failed', s: '0.0' });
  } else {
    // The e2e server uses a fixed port (4321). If something else holds it (another
    // checkout running its tests), use a free one rather than testing someone else's build.
    if (!process.env.E2E_PORT && !(await portFree(4321))) {
      process.env.E2E_PORT = String(await freePort());
      log(`port 4321 is busy; the e2e server uses port ${process.env.E2E_PORT}`);
    }
    await step('e2e tests (playwright test)', bin('playwright'), ['test', ...pwArgs]);
  }
}

log('summary');
for (const r of results) {
  const status = r.code === 0 ? 'ok  ' : typeof r.code === 'string' ? 'SKIP' : 'FAIL';
  const detail = r.code === 0 ? `${r.s}s` : typeof r.code === 'string' ? r.code : `exit ${r.code}, ${r.s}s`;
  console.log(`  ${status}  ${r.name}  (${detail})`);
}
const failed = results.some((r) => r.code !== 0);
console.log(failed ? '\n[tracelane] npm test FAILED\n' : '\n[tracelane] npm test passed\n');
process.exit(failed ? 1 : 0);
