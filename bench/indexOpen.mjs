// `--sizes index`: a trace indexed once by `npm run index` (the CLI built into bench/out/bin, the
// index in bench/out/index/, skipped when current) and opened by `?index=` (issue 24). Per run:
// first frame from navigation start (as the `?url=` rows), the files and bytes fetched before it
// (from the server's request log, each file's size on disk, up to the page's ready time), and
// after it the lane chunks a scripted pan / zoom (frames.mjs) reads and its frame CPU; on the first run
// the tab's memory above the empty app after the open and after the pan / zoom (memory.mjs).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { serveStatic } from '../scripts/serve.mjs';
import { frameStats, panZoomScript } from './frames.mjs';
import { openMemoryProbe } from './memory.mjs';
import { outDir, repoRoot } from './traces.mjs';

export const INDEX_DIR = path.join(outDir, 'index');
const CLI = path.join(outDir, 'bin', 'tracelane.mjs');

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(err) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-500)}`))));
  });
}

/** Builds the index writer and indexes `file` unless a current index exists; the writer's own report when it ran. */
async function ensureIndex(file, log) {
  await run('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--outDir', path.dirname(CLI), '--logLevel', 'error']);
  const t0 = performance.now();
  const stderr = await run('/usr/bin/time', ['-f', 'peak RSS %M kB', 'node', CLI, path.join(outDir, file), '--out', INDEX_DIR]);
  const done = stderr.split('\n').find((l) => l.includes(': done,'));
  const rss = /peak RSS (\d+) kB/.exec(stderr);
  if (!done) return { skipped: true };
  log(`  indexed: ${done.trim()}`);
  return { skipped: false, seconds: (performance.now() - t0) / 1000, peakRssMB: rss ? Math.round(Number(rss[1]) / 1024) : null };
}

/** Bytes of the index folder's files, by kind (lane chunks, args, the rest). */
function folderBytes(dir) {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const size = (f) => statSync(path.join(dir, f)).size;
  const chunks = manifest.lanes.flatMap((l) => l.chunks.map((c) => c.file));
  return {
    manifest: size('manifest.json'),
    coarse: size(manifest.coarse),
    chunks: chunks.reduce((n, f) => n + size(f), 0),
    chunkFiles: chunks.length,
    args: manifest.args.files.reduce((n, f) => n + size(f), 0),
    summaries: size(manifest.summaries),
  };
}

/**
 * @param helpers run.mjs's newPage / waitLoaded (the same page probe and settle time as the other rows)
 * @returns the entry results.json keeps for this trace's index
 */
export async function measureIndexOpen({ browser, browserSession, dist, trace, runs, timeoutMs, newPage, waitLoaded, emptyAppIdleMs, log }) {
  const writer = await ensureIndex(trace.file, log);
  const folder = path.join(INDEX_DIR, trace.file);
  if (!existsSync(path.join(folder, 'manifest.json'))) throw new Error(`no index at ${folder}`);
  const requests = [];
  const prefix = `/index/${trace.file}/`;
  const server = await serveStatic({
    mounts: { '/': dist, '/index/': INDEX_DIR },
    port: 0,
    log: (m) => {
      // `<status> GET <url>[ bytes=<start>-<end>]` (scripts/serve.mjs): a ranged answer counts its range.
      const [, , url = '', range] = m.split(' ');
      const r = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
      if (url.startsWith(prefix)) requests.push({ at: Date.now(), file: decodeURIComponent(url.slice(prefix.length).split('?')[0]), bytes: r ? Number(r[2]) - Number(r[1]) + 1 : null });
    },
  });
  const origin = server.url.replace(/\/$/, '');
  const size = (q) => q.bytes ?? statSync(path.join(folder, q.file)).size;
  const out = { file: trace.file, writer, folder: folderBytes(folder), runs: [] };
  try {
    for (let i = 0; i < runs; i++) {
      const { context, page } = await newPage(browser);
      try {
        const emptyIdleMs = await emptyAppIdleMs(page, origin);
        // Memory on the first run: the empty app, then after the first frame and after the pan / zoom (forced GC first).
        const mem = i === 0 ? await openMemoryProbe(page, browserSession) : null;
        const empty = mem ? await mem.measure() : null;
        const memory = async () => {
          const m = await mem.measure();
          return { rssDeltaMB: Math.round((m.rendererRssBytes - empty.rendererRssBytes) / 1e6), workerMB: Math.round(m.workerBytes / 1e6) };
        };
        requests.length = 0;
        await page.goto(`${origin}/?index=${encodeURIComponent(prefix)}`);
        await waitLoaded(page, timeoutMs);
        const { ready, origin: timeOrigin, summary } = await page.evaluate(() => ({ ready: window.__bench.states.find((s) => s.state === 'ready').t, origin: performance.timeOrigin, summary: window.tracelane.summary() }));
        const readyAt = timeOrigin + ready;
        const before = requests.filter((r) => r.at <= readyAt);
        const r = {
          firstFrameMs: ready,
          emptyIdleMs,
          // The worker's open (manifest, coarse file, counters), and the page's ms from the load's start to its result and to its first frame.
          openMs: summary.parseMs,
          resultMs: summary.resultMs,
          appFirstFrameMs: summary.firstFrameMs,
          bytesBeforeFirstFrame: before.reduce((n, q) => n + size(q), 0),
          filesBeforeFirstFrame: before.map((q) => q.file.replace(/-[0-9a-f]{16}\.bin$/, '.bin') + (q.bytes === null ? '' : ` (${q.bytes} B range)`)),
        };
        if (mem) r.memoryAfterOpen = await memory();
        // The first zoom into the middle thousandth: the lanes it needs are read then (chunks fetched, columns built).
        const zoomAt = requests.length;
        r.firstZoomMs = await page.evaluate(async () => {
          const vp = window.tracelane.viewport();
          const mid = (vp.startNs + vp.endNs) / 2;
          const half = (vp.endNs - vp.startNs) / 2000;
          const t0 = performance.now();
          window.tracelane.setViewport({ startNs: mid - half, endNs: mid + half });
          await new Promise((resolve) => requestAnimationFrame(resolve));
          while (document.documentElement.dataset.renderState !== 'idle') await new Promise((resolve) => setTimeout(resolve, 5));
          return performance.now() - t0;
        });
        r.firstZoomChunks = requests.slice(zoomAt).filter((q) => q.file.startsWith('lanes/')).length;
        const seen = requests.length;
        r.frames = frameStats(await panZoomScript(page));
        if (mem) {
          r.memoryAfterPanZoom = await memory();
          await mem.close();
        }
        const after = requests.slice(seen);
        r.panZoom = { files: after.length, bytes: after.reduce((n, q) => n + size(q), 0), chunks: after.filter((q) => q.file.startsWith('lanes/')).length };
        out.runs.push(r);
        log(`  ?index= run ${i + 1}: first frame ${Math.round(ready)} ms (empty app to idle ${Math.round(emptyIdleMs)} ms; worker open ${Math.round(r.openMs)} ms, result on the page ${Math.round(r.resultMs)} ms, first frame (app) ${Math.round(r.appFirstFrameMs)} ms), ${(r.bytesBeforeFirstFrame / 1e6).toFixed(2)} MB in ${before.length} files before it (${r.filesBeforeFirstFrame.join(', ')}); first zoom ${Math.round(r.firstZoomMs)} ms (${r.firstZoomChunks} chunks); then pan/zoom read ${r.panZoom.chunks} chunks, ${(r.panZoom.bytes / 1e6).toFixed(1)} MB, draw p95 ${r.frames.draw.p95?.toFixed(1)} ms, input latency p95 ${Math.round(r.frames.inputLatency.p95 ?? NaN)} ms${mem ? `; tab above the empty app ${r.memoryAfterOpen.rssDeltaMB} MB after open, ${r.memoryAfterPanZoom.rssDeltaMB} MB after pan / zoom (workers ${r.memoryAfterOpen.workerMB} → ${r.memoryAfterPanZoom.workerMB} MB)` : ''}`);
      } catch (err) {
        out.runs.push({ error: err.message });
        log(`  ?index= run ${i + 1}: FAILED ${err.message}`);
      } finally {
        await context.close().catch(() => undefined);
      }
    }
  } finally {
    await server.close();
  }
  return out;
}
