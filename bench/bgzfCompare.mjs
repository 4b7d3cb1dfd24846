// Opt-in (not part of `npm run bench`): a BGZF file against its single-member twin, the same
// trace's bytes (issue 16), opened by picker in turns (single, BGZF, single, BGZF, …) so both
// see the same minutes of a shared machine. Prints each run's first frame (the input's change
// to traceState "ready", as run.mjs times it), the worker's parse time and load stages, then
// the medians and BGZF ÷ single-member, with the load average before and after.
// Usage: node bench/bgzfCompare.mjs --dist DIR [--sizes 100] [--runs 3]
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { serveStatic } from '../scripts/serve.mjs';
import { ensureTraces } from './generate.mjs';
import { installPageProbe } from './pageProbe.mjs';
import { TRACES, argValue, outDir, parseSizes, repoRoot } from './traces.mjs';

const argv = process.argv.slice(2);
const dist = path.resolve(argValue(argv, '--dist') ?? path.join(repoRoot, 'dist'));
const sizes = parseSizes(argValue(argv, '--sizes') ?? '100');
const runs = Number(argValue(argv, '--runs') ?? 3);
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
/** A closed tab frees its memory for a while after close(): each run starts after it (run.mjs: SETTLE_MS). */
const SETTLE_MS = 2000;
const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
const load = () => os.loadavg()[0].toFixed(1);

async function pickerLoad(browser, origin, file) {
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
  await context.addInitScript(installPageProbe);
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => (document.getElementById('root')?.childElementCount ?? 0) > 0);
    await page.getByTestId('file-input').setInputFiles(path.join(outDir, file));
    await page.waitForFunction(() => ['ready', 'error'].includes(window.__bench.states.at(-1)?.state), null, { timeout: 300_000, polling: 50 });
    const { change, states } = await page.evaluate(() => ({ change: window.__bench.change, states: window.__bench.states }));
    const s = await page.evaluate(() => window.tracelane.summary());
    if (states.at(-1).state !== 'ready') throw new Error(`${file}: load error`);
    return { firstFrameMs: states.at(-1).t - change, parseMs: s.parseMs, events: s.events, stages: s.stagesMs?.[0] ?? {} };
  } finally {
    await context.close();
  }
}

async function main() {
  const pairs = TRACES.filter((t) => t.source === 'bgzf' && sizes.includes(t.size));
  await ensureTraces(sizes);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const server = await serveStatic({ mounts: { '/': dist }, port: 0 });
  const origin = server.url.replace(/\/$/, '');
  try {
    for (const t of pairs) {
      console.log(`${t.file} against ${t.twin}: ${runs} run(s) each, in turns; load average ${load()}`);
      const got = { [t.twin]: [], [t.file]: [] };
      for (let i = 0; i < runs; i++) {
        for (const file of [t.twin, t.file]) {
          const r = await pickerLoad(browser, origin, file);
          got[file].push(r);
          const stages = Object.entries(r.stages).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ');
          console.log(`  ${file}: first frame ${Math.round(r.firstFrameMs)} ms, parse ${Math.round(r.parseMs)} ms, ${r.events} events; stages ${stages}`);
        }
      }
      const ff = (file) => median(got[file].map((r) => r.firstFrameMs));
      const parse = (file) => median(got[file].map((r) => r.parseMs));
      console.log(
        `  median first frame: single-member ${Math.round(ff(t.twin))} ms, BGZF ${Math.round(ff(t.file))} ms: BGZF ÷ single-member ${(ff(t.file) / ff(t.twin)).toFixed(2)}×; parse ${Math.round(parse(t.twin))} vs ${Math.round(parse(t.file))} ms; load average ${load()}`,
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
