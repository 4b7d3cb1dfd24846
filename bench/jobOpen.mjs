// Opt-in (not part of `npm run bench`): a generated job of N ranks (bench/rankJob.mjs, one late rank)
// indexed as the Indexed Job would (one `--rank-from-env` process per completion index, 2 at a time),
// merged, and opened by one link `?index=<job folder>` in Chromium (issue 25). Per N it prints the
// indexing wall time, the time from navigation to the ready timeline and to the stall row naming the
// late rank, the trace workers started, and the tab's memory above the empty app (memory.mjs: renderer
// RSS, what the workers hold). Usage: node bench/jobOpen.mjs --dist DIR [--ranks 8,64]
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { serveStatic } from '../scripts/serve.mjs';
import { openMemoryProbe } from './memory.mjs';
import { rankTrace } from './rankJob.mjs';
import { outDir, repoRoot } from './traces.mjs';
import { CHROMIUM_ARGS } from '../scripts/chromiumArgs.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const dist = path.resolve(opt('--dist', path.join(repoRoot, 'dist')));
const rankCounts = opt('--ranks', '8,64').split(',').map(Number);
const STEPS = 6;
const base = path.join(outDir, 'job');
const cli = path.join(base, 'app', 'tracelane.mjs');

function pod(args, env) {
  return new Promise((resolve, reject) => {
    const p = spawn('node', [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')}: ${err}`))));
  });
}

async function indexJob(ranks) {
  const dir = path.join(base, `ranks-${ranks}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'traces'), { recursive: true });
  const late = { rank: Math.floor(ranks / 2) + 1, step: 3, ns: 300e6 };
  for (let r = 0; r < ranks; r++) writeFileSync(path.join(dir, 'traces', `rank${r}.json`), rankTrace({ rank: r, worldSize: ranks, steps: STEPS, late }));
  const t0 = performance.now();
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < ranks; i = next++) await pod(['--rank-from-env', '--out', path.join(dir, 'job'), path.join(dir, 'traces', 'rank{rank}.json')], { JOB_COMPLETION_INDEX: String(i) });
  };
  await Promise.all([lane(), lane()]);
  await pod(['--merge', path.join(dir, 'job')], {});
  return { dir, late, indexS: (performance.now() - t0) / 1000 };
}

/** Waits until no rank is opening and the set of opened ranks held still for a second; returns how many are open. */
async function settledRanks(page) {
  let last = -1;
  for (;;) {
    await page.waitForFunction(() => document.documentElement.dataset.traceState === 'ready' && document.documentElement.dataset.renderState === 'idle', null, { timeout: 600_000, polling: 50 });
    const opened = await page.evaluate(() => {
      const s = window.tracelane.summary();
      return new Set(s.lanes.map((l) => l.trace)).size;
    });
    if (opened === last) return opened;
    last = opened;
    await page.waitForTimeout(1000);
  }
}

async function main() {
  execFileSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--outDir', path.dirname(cli), '--logLevel', 'error'], { cwd: repoRoot });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const browserSession = await browser.newBrowserCDPSession();
  try {
    for (const ranks of rankCounts) {
      const { dir, late, indexS } = await indexJob(ranks);
      const server = await serveStatic({ mounts: { '/': dist, '/jobs/': dir }, port: 0 });
      const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
      const page = await context.newPage();
      try {
        await page.goto(server.url, { waitUntil: 'load' });
        const mem = await openMemoryProbe(page, browserSession);
        const empty = await mem.measure();
        const t0 = Date.now();
        await page.goto(`${server.url}?index=jobs/job/`, { waitUntil: 'load' });
        await page.waitForFunction(() => document.documentElement.dataset.traceState === 'ready', null, { timeout: 600_000, polling: 50 });
        const readyMs = Date.now() - t0;
        const row = page.getByTestId('stall-row').first();
        await row.waitFor({ timeout: 600_000 });
        const stallMs = Date.now() - t0;
        const named = await row.getAttribute('data-rank');
        // The ranks in view open after the first frame (the rest wait, issue 25): measure once none is opening.
        const opened = await settledRanks(page);
        const m = await mem.measure();
        console.log(
          `${ranks} ranks: indexed + merged in ${indexS.toFixed(1)} s (2 processes at a time); ?index=<job>: ready ${readyMs} ms, stall row ${stallMs} ms naming rank ${named} (late: ${late.rank}); ` +
            `${opened} of ${ranks} ranks opened (the rest wait out of view); ${m.workers.length} workers; tab above the empty app: renderer RSS ${Math.round((m.rendererRssBytes - empty.rendererRssBytes) / 1e6)} MB, ` +
            `page heap ${Math.round((m.pageHeapBytes - empty.pageHeapBytes) / 1e6)} MB, workers hold ${Math.round(m.workerBytes / 1e6)} MB`,
        );
        await mem.close();
      } finally {
        await context.close();
        await server.close();
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
