// Opt-in (not part of `npm run bench`): a BGZF file against its single-member twin, the same
// trace's bytes (issue 16), opened by picker in turns (single, BGZF, plain, single, BGZF, plain, …)
// so all see the same minutes of a shared machine; the plain file is the floor BGZF adds inflation to. Prints each run's first frame (the input's change
// to traceState "ready", as run.mjs times it), the CPU time Chromium's processes spent meanwhile
// (utime + stime from /proc: less sensitive to other work on a shared machine than wall time), the
// worker's parse time and load stages, then the medians and BGZF ÷ single-member, with the load average.
// With --profile-dist (an unminified build: vite build --minify false), one CPU-profiled load of
// each (bench/cpuProfile.mjs): busy time per thread and the functions with most self time.
// Usage: node bench/bgzfCompare.mjs --dist DIR [--sizes 100] [--runs 3] [--profile-dist DIR]
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { serveStatic } from '../scripts/serve.mjs';
import { profileLoad, summariseProfiles } from './cpuProfile.mjs';
import { ensureTraces } from './generate.mjs';
import { installPageProbe } from './pageProbe.mjs';
import { TRACES, argValue, outDir, parseSizes, repoRoot } from './traces.mjs';
import { CHROMIUM_ARGS } from '../scripts/chromiumArgs.mjs';

const argv = process.argv.slice(2);
const dist = path.resolve(argValue(argv, '--dist') ?? path.join(repoRoot, 'dist'));
const sizes = parseSizes(argValue(argv, '--sizes') ?? '100');
const runs = Number(argValue(argv, '--runs') ?? 3);
const profileDist = argValue(argv, '--profile-dist');
/** A closed tab frees its memory for a while after close(): each run starts after it (run.mjs: SETTLE_MS). */
const SETTLE_MS = 2000;
const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
const load = () => os.loadavg()[0].toFixed(1);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** One profiled load of `file`: busy ms per thread, then the top functions by self time. */
async function profiled(file) {
  const server = await serveStatic({ mounts: { '/': path.resolve(profileDist) }, port: 0 });
  try {
    const r = await profileLoad({ executable: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1600, height: 900 }, origin: server.url.replace(/\/$/, ''), file: path.join(outDir, file), timeoutMs: 300_000 });
    if (r.error) return console.log(`  profiled ${file}: FAILED ${r.error}`);
    const sum = await summariseProfiles(r.profiles, { distDir: path.resolve(profileDist), limit: 12 });
    console.log(`  profiled ${file}: first frame ${Math.round(r.firstFrameMs)} ms, parse ${Math.round(r.parseMs)} ms; busy ${Math.round(sum.busyMs)} ms: ${sum.threads.map((t) => `${t.thread} ${Math.round(t.busyMs ?? 0)}`).join(', ')}`);
    for (const f of sum.top) console.log(`    ${Math.round(f.selfMs)} ms ${f.fn} (${f.source ?? f.script}; ${f.threads})`);
  } finally {
    await server.close();
  }
}

/** CPU seconds (user + system) of every live process descended from this one (the browser we launched). */
function browserCpuS() {
  const procs = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      // Fields after the command's closing parenthesis: state, ppid, …, utime (14th field), stime (15th).
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      procs.set(Number(pid), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // gone meanwhile
    }
  }
  const ours = (pid) => {
    for (let p = pid; p > 1; p = procs.get(p)?.ppid ?? 0) if (p === process.pid) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, p] of procs) if (pid !== process.pid && ours(pid)) ticks += p.ticks;
  return ticks / 100;
}

async function pickerLoad(browser, origin, file) {
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
  await context.addInitScript(installPageProbe);
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => (document.getElementById('root')?.childElementCount ?? 0) > 0);
    const cpu0 = browserCpuS();
    await page.getByTestId('file-input').setInputFiles(path.join(outDir, file));
    await page.waitForFunction(() => ['ready', 'error'].includes(window.__bench.states.at(-1)?.state), null, { timeout: 300_000, polling: 50 });
    const cpuS = browserCpuS() - cpu0;
    const { change, states } = await page.evaluate(() => ({ change: window.__bench.change, states: window.__bench.states }));
    const s = await page.evaluate(() => window.tracelane.summary());
    if (states.at(-1).state !== 'ready') throw new Error(`${file}: load error`);
    return { firstFrameMs: states.at(-1).t - change, cpuS, parseMs: s.parseMs, events: s.events, stages: s.stagesMs?.[0] ?? {} };
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
      const got = { [t.twin]: [], [t.file]: [], [t.of]: [] };
      for (let i = 0; i < runs; i++) {
        for (const file of [t.twin, t.file, t.of]) {
          const r = await pickerLoad(browser, origin, file);
          got[file].push(r);
          const stages = Object.entries(r.stages).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ');
          console.log(`  ${file}: first frame ${Math.round(r.firstFrameMs)} ms, browser CPU ${r.cpuS.toFixed(2)} s, parse ${Math.round(r.parseMs)} ms, ${r.events} events; stages ${stages}`);
        }
      }
      const ff = (file) => median(got[file].map((r) => r.firstFrameMs));
      const parse = (file) => median(got[file].map((r) => r.parseMs));
      const cpu = (file) => median(got[file].map((r) => r.cpuS));
      console.log(
        `  median first frame: single-member ${Math.round(ff(t.twin))} ms, BGZF ${Math.round(ff(t.file))} ms: BGZF ÷ single-member ${(ff(t.file) / ff(t.twin)).toFixed(2)}×; parse ${Math.round(parse(t.twin))} vs ${Math.round(parse(t.file))} ms; plain ${Math.round(ff(t.of))} ms (parse ${Math.round(parse(t.of))} ms); browser CPU single-member ${cpu(t.twin).toFixed(2)} s, BGZF ${cpu(t.file).toFixed(2)} s (${(cpu(t.file) / cpu(t.twin)).toFixed(2)}×), plain ${cpu(t.of).toFixed(2)} s; load average ${load()}`,
      );
      if (profileDist) for (const file of [t.twin, t.file, t.of]) await profiled(file);
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
