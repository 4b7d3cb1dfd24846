#!/usr/bin/env node
// `npm run bench`: tracelane against its own targets (issue 4) and against speedscope, in
// headless Chromium on this machine. Writes bench/results.json and bench/results.md and exits
// 0 even when a target is missed (a measurement, not a test).
//
//   npm run bench -- [--sizes 10,100,real,300,shuffled,external,1g,2g,index] [--runs N] [--peer-runs N]
//                    [--no-peer] [--no-profile] [--dist DIR] [--port 4430] [--timeout 180] [--fresh]
//
// --sizes   which traces (bench/traces.mjs); default all but the opt-in index10g (a 10 GB trace indexed and opened by ?index=). --runs: runs per trace (default 5,
//           always 1 for ≥ 1 GB). --dist: serve this build instead of building bench/out/dist.
// --no-profile  skip the CPU-profiled load of each trace (bench/cpuProfile.mjs: its own Chromium,
//           an unminified build of the same source in bench/out/dist-profile, on --port + 1).
// --fresh   forget earlier results (otherwise entries of traces not run now are kept).
// --report-only  only re-render results.md from results.json.
import { spawn } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serveStatic } from '../scripts/serve.mjs';
import { PARSE_LIMIT, runBaseline } from './baselines.mjs';
import { frameStats, median, panZoomScript } from './frames.mjs';
import { ensureTraces } from './generate.mjs';
import { launchPiped } from './cdpPipe.mjs';
import { serveInChild } from './childServer.mjs';
import { profileLoad, summariseProfiles } from './cpuProfile.mjs';
import { linkRun } from './linkLoads.mjs';
import { openMemoryProbe, rendererRss } from './memory.mjs';
import { installPageProbe } from './pageProbe.mjs';
import { renderResults } from './report.mjs';
import { measureSpeedscope, speedscopeDir } from './speedscope.mjs';
import { measureIndexOpen } from './indexOpen.mjs';
import { TRACES, argValue, benchDir, outDir, parseSizes, repoRoot } from './traces.mjs';
import { CHROMIUM_ARGS } from '../scripts/chromiumArgs.mjs';

const argv = process.argv.slice(2);
const opts = {
  sizes: parseSizes(argValue(argv, '--sizes')),
  runs: Number(argValue(argv, '--runs') ?? 5),
  peerRuns: Number(argValue(argv, '--peer-runs') ?? 1),
  peer: !argv.includes('--no-peer'),
  profile: !argv.includes('--no-profile'),
  dist: argValue(argv, '--dist'),
  port: Number(argValue(argv, '--port') ?? 4430),
  timeoutMs: Number(argValue(argv, '--timeout') ?? 180) * 1000,
  fresh: argv.includes('--fresh'),
};
const PEER_TIMEOUT_MS = 120_000;
const RESULTS_JSON = path.join(benchDir, 'results.json');
const RESULTS_MD = path.join(benchDir, 'results.md');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// The same flags as playwright.config.ts (Debian's Chromium, headless, in a container).
const VIEWPORT = { width: 1600, height: 900 };

const log = (msg) => console.log(`[bench] ${msg}`);

function spawnChecked(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

/** The production build to serve: --dist, else a fresh `vite build` into bench/out/dist. */
async function productionBuild() {
  if (opts.dist) return path.resolve(opts.dist);
  return viteBuild('dist');
}

/** `vite build` into bench/out/<name> (extra arguments: `--minify false` for the profiled build). */
async function viteBuild(name, extra = []) {
  const dir = path.join(outDir, name);
  await spawnChecked(path.join(repoRoot, 'node_modules', '.bin', 'vite'), ['build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn', ...extra]);
  return dir;
}

/**
 * Closing the previous run's tab frees hundreds of MB in the browser and renderer processes
 * for a while after close() returns; on two cores that teardown would be timed as the next
 * run's load (later runs measured ~30 % slower than the first). Each run starts after it.
 */
const SETTLE_MS = 2000;
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

async function newPage(browser) {
  await settle();
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  await context.addInitScript(installPageProbe);
  const page = await context.newPage();
  return { context, page };
}

/** Wait for traceState ready/error after a load started; returns 'ready' or throws with the reason. */
async function waitLoaded(page, timeoutMs) {
  let crashed = false;
  page.once('crash', () => (crashed = true));
  try {
    await page.waitForFunction(
      () => {
        const s = window.__bench.states;
        const last = s[s.length - 1];
        return last && (last.state === 'ready' || last.state === 'error') && last.state;
      },
      null,
      { timeout: timeoutMs, polling: 50 },
    );
  } catch (err) {
    if (crashed) throw new Error('renderer crashed (out of memory?)');
    if (/Timeout/i.test(String(err))) throw new Error(`not ready within ${Math.round(timeoutMs / 1000)} s`);
    throw err;
  }
  const state = await page.evaluate(() => document.documentElement.dataset.traceState);
  if (state !== 'ready') {
    const text = await page.getByTestId('load-error').first().innerText({ timeout: 2000 }).catch(() => '(no message)');
    throw new Error(`load error: ${text.trim().slice(0, 200)}`);
  }
}

const appReady = (page) => page.waitForFunction(() => (document.getElementById('root')?.childElementCount ?? 0) > 0, null, { timeout: 30_000 });

/** One picker run: load through the file input, then (same page) memory, baselines and frames. */
async function pickerRun(browser, browserSession, origin, trace, { first, scanner = 'wasm' }) {
  const { context, page } = await newPage(browser);
  const file = path.join(outDir, trace.file);
  const gz = trace.file.endsWith('.gz');
  const out = {};
  try {
    // `?scanner=js`: the same load read by the JS scanner, for the same-run comparison (timing only).
    await page.goto(`${origin}/${scanner === 'js' ? '?scanner=js' : ''}`);
    await appReady(page);
    const mem = first ? await openMemoryProbe(page, browserSession) : null;
    const empty = mem ? await mem.measure() : null;
    await page.getByTestId('file-input').setInputFiles(file);
    try {
      await waitLoaded(page, opts.timeoutMs);
    } catch (err) {
      out.error = err.message;
      return out;
    }
    const probe = await page.evaluate(() => ({ change: window.__bench.change, states: window.__bench.states, phases: window.__bench.phases }));
    const summary = await page.evaluate(() => window.tracelane.summary());
    const ready = probe.states.find((s) => s.state === 'ready');
    out.firstFrameMs = ready.t - probe.change;
    out.appFirstFrameMs = summary.firstFrameMs;
    out.scanner = summary.scanners?.[0] ?? null;
    if (scanner === 'js') {
      out.parseMs = summary.parseMs;
      return out;
    }
    out.parseMs = summary.parseMs;
    // The page's part: from the load result's arrival to the first full frame (query, layout, draw).
    out.stagesMs = summary.stagesMs?.[0] ? { ...summary.stagesMs[0], 'result on the page': summary.resultMs, 'first frame (app)': summary.firstFrameMs } : null;
    out.events = summary.events;
    out.lanes = summary.lanes.length;
    out.phases = probe.phases.map((p) => ({ label: p.label, ms: p.t - probe.change })).concat([{ label: 'ready', ms: out.firstFrameMs }]);
    // Ready means every event is parsed and answers; background work (args deflation) may run on.
    out.afterReady = { settledMs: await page.evaluate(async () => {
      const t0 = performance.now();
      await window.tracelane.settled();
      return performance.now() - t0;
    }) };
    if (mem) {
      // Args chunks finish deflating on a helper thread after the first frame.
      await page.evaluate(() => window.tracelane.settled());
      const after = await mem.measure();
      out.memory = {
        workerBytes: after.workerBytes,
        workers: after.workers,
        workerBytesPerEvent: after.workerBytes / summary.events,
        pageHeapDeltaBytes: after.pageHeapBytes - empty.pageHeapBytes,
        rssDeltaBytes: after.rendererRssBytes - empty.rendererRssBytes,
        rssBytesPerEvent: (after.rendererRssBytes - empty.rendererRssBytes) / summary.events,
      };
      await mem.close();
    }
    // A selection builds the flow index and correlation caches: it comes after the memory reading.
    out.afterReady.firstSelectMs = await page.evaluate(async () => {
      const t0 = performance.now();
      const hits = await window.tracelane.find({ regex: '.', limit: 1 });
      if (hits.length) await window.tracelane.select(hits[0].key);
      return performance.now() - t0;
    });
    const timeoutMs = opts.timeoutMs;
    // A BGZF file has no baselines: their one DecompressionStream stops after its first member
    // (its twin's are the same bytes' figures).
    if (trace.source === 'bgzf') out.decompressedBytes = (await fsp.stat(path.join(outDir, trace.of))).size;
    else {
      out.read = await runBaseline(page, { op: 'read', gz, timeoutMs });
      const scan = await runBaseline(page, { op: 'scan', gz, timeoutMs });
      out.scan = scan;
      if (gz) out.gunzip = await runBaseline(page, { op: 'gunzip', gz, timeoutMs });
      const decompressed = scan.ok ? scan.bytes : trace.bytes;
      out.decompressedBytes = decompressed;
      out.parse = decompressed < PARSE_LIMIT ? await runBaseline(page, { op: 'parse', gz, timeoutMs }) : { ok: false, skipped: true };
    }
    if (first) {
      // What the user sees once ready, for a look (bench/out/screens/, not committed).
      await fsp.mkdir(path.join(outDir, 'screens'), { recursive: true });
      await page.screenshot({ path: path.join(outDir, 'screens', `${trace.file}.png`) }).catch(() => undefined);
      try {
        out.frames = frameStats(await panZoomScript(page));
      } catch (err) {
        out.frames = { error: String(err.message || err).split('\n')[0] };
      }
    }
    return out;
  } finally {
    await context.close().catch(() => undefined);
  }
}

/**
 * The empty app in the same page just before: navigation start to the frame after its first
 * render (module loaded, `idle`, the landing page drawn), which a `?url=` load pays before any byte.
 * Polled once per frame, so it may read up to a frame late.
 */
async function emptyAppIdleMs(page, origin) {
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => document.documentElement.dataset.traceState === 'idle' && document.getElementById('root')?.childElementCount > 0, null, { polling: 'raf', timeout: 30_000 });
  return page.evaluate(() => performance.now());
}

/** One load in the bench's piped Chromium (linkLoads.mjs), after the same settling time as a Playwright page's. */
async function linkLoad(links, mode, origin, trace, fetchAlone = false) {
  await settle();
  return linkRun(links, { mode, origin, file: trace.file, path: path.join(outDir, trace.file), viewport: VIEWPORT, timeoutMs: opts.timeoutMs, fetchAlone });
}

/**
 * One more picker load with Chromium's profiler on in the page and every worker, in a Chromium of
 * its own (bench/cpuProfile.mjs), from the unminified build; summarised by function. Raw profiles:
 * bench/out/profiles/ (DevTools → Performance → Load profile).
 */
async function profileRun(profiling, trace) {
  await settle();
  try {
    const r = await profileLoad({ executable: CHROMIUM, args: CHROMIUM_ARGS, viewport: VIEWPORT, origin: profiling.origin, file: path.join(outDir, trace.file), timeoutMs: opts.timeoutMs });
    const dir = path.join(outDir, 'profiles');
    await fsp.mkdir(dir, { recursive: true });
    for (const [i, p] of r.profiles.entries()) if (p.profile) await fsp.writeFile(path.join(dir, `${trace.file}.${i}.cpuprofile`), JSON.stringify(p.profile));
    const { profiles, ...timing } = r;
    return { ...timing, build: 'unminified (vite build --minify false)', ...(await summariseProfiles(profiles, { distDir: profiling.dist })) };
  } catch (err) {
    return { error: String(err.message || err).split('\n')[0] };
  }
}

const okMedian = (runs, key) => median(runs.filter((r) => !r.error && r[key] != null).map((r) => r[key]));

/** The successful run with the median first frame (its phases are shown). */
function medianOf(runs) {
  const good = runs.filter((r) => !r.error).sort((a, b) => a.firstFrameMs - b.firstFrameMs);
  return good.length ? good[Math.floor((good.length - 1) / 2)] : null;
}

function summariseLoads(runs) {
  const failed = runs.find((r) => r.error);
  if (failed && runs.every((r) => r.error)) return { error: failed.error, runsMs: [] };
  const ms = runs.filter((r) => !r.error).map((r) => r.firstFrameMs);
  return { medianMs: median(ms), runsMs: ms.map(Math.round), ...(failed ? { failures: runs.filter((r) => r.error).map((r) => r.error) } : {}) };
}

async function measureTrace(browser, browserSession, links, { origin, streamOrigin }, trace, save, profiling) {
  const bytes = (await fsp.stat(path.join(outDir, trace.file))).size;
  // ≥ 1 GB of JSON (plain or .gz): one run, as the issue asks.
  const runs = trace.size === '1g' || trace.size === '2g' ? 1 : Math.max(1, opts.runs);
  const gz = trace.file.endsWith('.gz');
  // Other work on the machine shows in the 1-minute load average (kept with the figures).
  const loadBefore = os.loadavg()[0];
  log(`${trace.file} (${(bytes / 1e6).toFixed(1)} MB): ${runs} run(s), load average ${loadBefore.toFixed(1)}`);
  const picker = [];
  const jsRuns = [];
  const url = [];
  const urlStreamed = [];
  /** Picker loads in the browser of the `?url=` loads (their ratio's denominator). */
  const linkPicker = [];
  for (let i = 0; i < runs; i++) {
    const p = await pickerRun(browser, browserSession, origin, { ...trace, bytes }, { first: i === 0 });
    picker.push(p);
    log(`  picker run ${i + 1}: ${p.error ? `FAILED ${p.error}` : `first frame ${Math.round(p.firstFrameMs)} ms, parse ${Math.round(p.parseMs)} ms, read-only ${Math.round(p.read?.ms ?? NaN)} ms, scan ${Math.round(p.scan?.ms ?? NaN)} ms, JSON.parse ${p.parse?.ok ? Math.round(p.parse.parseMs) : '–'} ms${p.stagesMs ? `; stages ${Object.entries(p.stagesMs).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}`}`);
    if (!trace.file.includes('speedscope')) {
      const j = await pickerRun(browser, browserSession, origin, { ...trace, bytes }, { first: false, scanner: 'js' });
      jsRuns.push(j);
      log(`  picker run ${i + 1}, JS scanner: ${j.error ? `FAILED ${j.error}` : `first frame ${Math.round(j.firstFrameMs)} ms, parse ${Math.round(j.parseMs)} ms`}`);
    }
    const w = await linkLoad(links, 'url', streamOrigin, trace);
    urlStreamed.push(w);
    log(`  ?url= run ${i + 1}, server without ranges: ${w.error ? `FAILED ${w.error}` : `first frame ${Math.round(w.firstFrameMs)} ms (empty app to idle ${Math.round(w.emptyIdleMs)} ms)`}`);
  }
  // The `?url=` ratio's pairs run --runs times at every size: a 1 GB `?url=` load varied 3.1–4.1 s from one load to the next (2-core VM, quiet).
  for (let i = 0; i < Math.max(1, opts.runs); i++) {
    const lp = await linkLoad(links, 'picker', origin, trace);
    linkPicker.push(lp);
    log(`  picker pair ${i + 1}, no DevTools client: ${lp.error ? `FAILED ${lp.error}` : `first frame ${Math.round(lp.firstFrameMs)} ms`}`);
    const u = await linkLoad(links, 'url', origin, trace, true);
    url.push(u);
    log(`  ?url= pair ${i + 1}: ${u.error ? `FAILED ${u.error}` : `first frame ${Math.round(u.firstFrameMs)} ms (empty app to idle ${Math.round(u.emptyIdleMs)} ms, fetch alone ${Math.round(u.fetchMs)} ms)`}`);
  }
  const good = picker.filter((r) => !r.error);
  const firstRun = picker[0];
  const decompressedBytes = okMedian(good, 'decompressedBytes') ?? bytes;
  const parseMs = okMedian(good, 'parseMs');
  const medianRun = medianOf(picker);
  const parseOk = good.filter((r) => r.parse?.ok);
  const entry = {
    file: trace.file,
    bytes,
    gz,
    decompressedBytes,
    runs,
    date: new Date().toISOString().slice(0, 16).replace('T', ' '),
    loadAvg: [loadBefore, os.loadavg()[0]].map((v) => Math.round(v * 10) / 10),
    tracelane: {
      picker: summariseLoads(picker),
      scanner: medianRun?.scanner ?? null,
      jsScanner: jsRuns.length ? { picker: summariseLoads(jsRuns), parseMs: okMedian(jsRuns.filter((r) => !r.error), 'parseMs') } : null,
      url: { ...summariseLoads(url), fetchMs: okMedian(url, 'fetchMs'), emptyIdleMs: okMedian(url, 'emptyIdleMs'), phases: medianOf(url)?.phases ?? null, picker: summariseLoads(linkPicker) },
      urlWithoutRanges: { ...summariseLoads(urlStreamed), emptyIdleMs: okMedian(urlStreamed, 'emptyIdleMs') },
      events: medianRun?.events ?? null,
      lanes: medianRun?.lanes ?? null,
      parseMs,
      appFirstFrameMs: okMedian(good, 'appFirstFrameMs'),
      firstSelectMs: median(good.filter((r) => r.afterReady).map((r) => r.afterReady.firstSelectMs)),
      readyToSettledMs: median(good.filter((r) => r.afterReady).map((r) => r.afterReady.settledMs)),
      ingestMBs: parseMs ? decompressedBytes / 1e3 / parseMs : null,
      phases: medianRun?.phases ?? null,
      memory: firstRun.memory ?? null,
      frames: firstRun.frames ?? null,
    },
    baselines: {
      readMs: median(good.filter((r) => r.read?.ok).map((r) => r.read.ms)),
      scanMs: median(good.filter((r) => r.scan?.ok).map((r) => r.scan.ms)),
      gunzipMs: gz ? median(good.filter((r) => r.gunzip?.ok).map((r) => r.gunzip.ms)) : null,
      parseMs: median(parseOk.map((r) => r.parse.parseMs)),
      parseReadMs: median(parseOk.map((r) => r.parse.readMs)),
      parseMBs: parseOk.length ? decompressedBytes / 1e3 / median(parseOk.map((r) => r.parse.parseMs)) : null,
      parseSkipped: trace.source === 'bgzf' ? '–' : decompressedBytes >= PARSE_LIMIT ? 'skipped (≥ 400 MB)' : parseOk.length ? undefined : good.map((r) => r.parse?.error).find(Boolean) ?? 'failed',
    },
  };
  if (profiling) {
    entry.profile = await profileRun(profiling, trace);
    const pr = entry.profile;
    log(`  profiled load: ${pr.error ? `FAILED ${pr.error}` : `first frame ${Math.round(pr.firstFrameMs)} ms; top: ${pr.top.slice(0, 3).map((f) => `${f.fn} ${Math.round(f.selfMs)} ms`).join(', ')}`}`);
  }
  if (opts.peer) {
    await save(entry); // keep tracelane's figures even if the peer hangs the machine
    const peers = [];
    for (let i = 0; i < opts.peerRuns; i++) {
      const before = await rendererRss(browserSession);
      const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
      const r = await measureSpeedscope(context, { origin, traceUrl: `${origin}/traces/${trace.file}`, timeoutMs: PEER_TIMEOUT_MS, rss: () => rendererRss(browserSession) });
      await context.close().catch(() => undefined);
      if (r.rssBytes != null) r.rssDeltaBytes = r.rssBytes - before;
      peers.push(r);
      log(`  speedscope run ${i + 1}: ${r.loaded ? `drawn in ${r.ms} ms` : `FAILED after ${r.ms} ms: ${r.error}`}`);
    }
    const loaded = peers.filter((p) => p.loaded);
    entry.speedscope = loaded.length ? { loaded: true, ms: median(loaded.map((p) => p.ms)), rssDeltaBytes: loaded[0].rssDeltaBytes } : peers[0];
  }
  return entry;
}

/** The commit the build came from, and whether the tree had uncommitted changes. */
function gitDescription() {
  return new Promise((resolve) => {
    const child = spawn('git', ['describe', '--always', '--dirty'], { cwd: repoRoot });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', () => resolve('unknown'));
    child.on('exit', () => resolve(`vite build of ${out.trim() || 'unknown'}`));
  });
}

async function machineInfo(browser) {
  const cpus = os.cpus();
  return {
    CPU: `${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    OS: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    chromium: `${browser.version()} (${CHROMIUM}, headless, ${VIEWPORT.width}×${VIEWPORT.height}, DPR 1)`,
    speedscope: JSON.parse(await fsp.readFile(path.join(speedscopeDir, '..', '..', 'package.json'), 'utf8')).version,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    build: opts.dist ? `--dist ${opts.dist}` : await gitDescription(),
  };
}

async function main() {
  if (argv.includes('--report-only')) {
    await fsp.writeFile(RESULTS_MD, renderResults(JSON.parse(await fsp.readFile(RESULTS_JSON, 'utf8'))));
    return log(`re-rendered ${path.relative(repoRoot, RESULTS_MD)} from results.json`);
  }
  await ensureTraces(opts.sizes);
  const dist = await productionBuild();
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error(`${dist} has no index.html`);
  const server = await serveInChild({ mounts: { '/': dist, '/traces/': outDir, '/speedscope/': speedscopeDir }, port: opts.port });
  const origin = server.url.replace(/\/$/, '');
  // The same files from a server that answers every request 200 (no ranges): issue 16 asks `?url=` there reported too.
  const streamServer = await serveInChild({ mounts: { '/': dist, '/traces/': outDir }, port: opts.port + 2, ranges: false });
  const streamOrigin = streamServer.url.replace(/\/$/, '');
  log(`serving ${path.relative(repoRoot, dist)} at ${origin}/`);
  let profiling = null;
  if (opts.profile) {
    const profileDist = await viteBuild('dist-profile', ['--minify', 'false']);
    const profileServer = await serveStatic({ mounts: { '/': profileDist }, port: opts.port + 1 });
    profiling = { dist: profileDist, origin: profileServer.url.replace(/\/$/, ''), server: profileServer };
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const browserSession = await browser.newBrowserCDPSession();
  const links = await launchPiped(CHROMIUM, CHROMIUM_ARGS);
  const previous = opts.fresh ? null : await fsp.readFile(RESULTS_JSON, 'utf8').then(JSON.parse, () => null);
  const byFile = new Map((previous?.entries ?? []).map((e) => [e.file, e]));
  const indexOpens = new Map((previous?.indexOpens ?? []).map((e) => [e.file, e]));
  let machine;
  try {
    machine = await machineInfo(browser);
    for (const trace of TRACES.filter((t) => opts.sizes.includes(t.size))) {
      // Save as we go: a 2 GB run can take a while and the machine may be needed back.
      const save = async (entry) => {
        // A run without the peer keeps the peer's last result for this trace, dated.
        const before = byFile.get(trace.file);
        if (entry && !entry.speedscope && before?.speedscope) entry.speedscope = { ...before.speedscope, date: before.speedscope.date ?? before.date };
        if (entry) byFile.set(trace.file, entry);
        const results = { machine, entries: [...byFile.values()], indexOpens: [...indexOpens.values()] };
        await fsp.writeFile(RESULTS_JSON, JSON.stringify(results, null, 1) + '\n');
        await fsp.writeFile(RESULTS_MD, renderResults(results));
      };
      if (trace.open === 'index') {
        // An index folder of the trace opened by ?index= (bench/indexOpen.mjs): its own entry beside the trace's.
        log(`${trace.file} by ?index=`);
        const entry = await measureIndexOpen({ browser, browserSession, dist, trace, runs: Math.min(opts.runs, 2), timeoutMs: opts.timeoutMs, newPage, waitLoaded, emptyAppIdleMs, log });
        indexOpens.set(trace.file, { ...entry, date: new Date().toISOString().slice(0, 16).replace('T', ' '), build: opts.dist ? `--dist ${opts.dist}` : await gitDescription() });
        await save(null);
        continue;
      }
      await save(await measureTrace(browser, browserSession, links, { origin, streamOrigin }, trace, save, profiling));
    }
  } finally {
    await browser.close().catch(() => undefined);
    await links.close();
    await server.close();
    await streamServer.close();
    await profiling?.server.close();
  }
  log(`wrote ${path.relative(repoRoot, RESULTS_MD)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
