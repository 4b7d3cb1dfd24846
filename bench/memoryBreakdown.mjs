#!/usr/bin/env -S node --expose-gc
// Where a loaded trace's bytes go, per structure, in Node (no browser):
//   node --expose-gc bench/memoryBreakdown.mjs [files…] [--cores N] [--json] [--no-warm-up]
// Default files: bench/out/synthetic-100MB.json and .json.gz (node bench/generate.mjs --sizes 100).
//
// Runs the worker-side pipeline of the app (workers/ingest/loadTrace.ts, through Vite's SSR
// loader so the TypeScript runs as is) the way a trace worker in the browser runs it:
//   - a plain file is a path-backed Blob and FileReaderSync is provided, so args stay in the
//     file (negative offsets) and are read back in 4 MB blocks, as in the browser;
//   - files ≥ 48 MB take the parallel fragment path: navigator.hardwareConcurrency = --cores
//     (default 2, as on the bench machine) and a Worker stand-in runs fragment.worker.ts's job
//     in this thread (its result is transferred data either way);
//   - .gz inflates with DecompressionStream in this thread (the app's gunzip worker is gone once
//     the load is done, so it holds nothing afterwards).
// Then it reports (a) every typed array's byteLength (of its whole buffer, so growth slack
// counts) per structure and (b) "measured": V8 heap used (compiled code excluded) + ArrayBuffers
// after a forced GC (a 10 MB trace loaded first warms up modules and JIT), with
// the structures dropped one after the other, so JS objects (Maps, arrays, strings) are counted
// too. Total measured ≈ what bench/memory.mjs calls "workers hold", minus an empty worker; but
// Node runs V8 without pointer compression, so JS objects (not typed arrays) take up to twice
// what they take in Chromium.
import { existsSync, openSync, readSync, closeSync, statSync, createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const cores = Number(opt('--cores', '2'));
const asJson = argv.includes('--json');
const files = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--cores');
if (files.length === 0) files.push('bench/out/synthetic-100MB.json', 'bench/out/synthetic-100MB.json.gz');

if (typeof globalThis.gc !== 'function') {
  console.error('Run with node --expose-gc bench/memoryBreakdown.mjs');
  process.exit(2);
}

// ---- a browser-like File / FileReaderSync / Worker for the ingest ----

/** A Blob-shaped slice of a file on disk: size, slice(), stream(), and sync reads for FileReaderSync. */
class DiskBlob {
  constructor(file, start = 0, end = statSync(file).size) {
    this.file = file;
    this.start = start;
    this.end = end;
    this.name = path.basename(file);
    this.type = '';
  }
  get size() {
    return this.end - this.start;
  }
  slice(a = 0, b = this.size) {
    const clamp = (v) => Math.max(0, Math.min(this.size, v < 0 ? this.size + v : v));
    return new DiskBlob(this.file, this.start + clamp(a), this.start + Math.max(clamp(a), clamp(b)));
  }
  stream() {
    if (this.size === 0) return new ReadableStream({ start: (c) => c.close() });
    const nodeStream = createReadStream(this.file, { start: this.start, end: this.end - 1, highWaterMark: 1 << 20 });
    return Readable.toWeb(nodeStream);
  }
  readSync() {
    const buf = new Uint8Array(this.size);
    const fd = openSync(this.file, 'r');
    try {
      let done = 0;
      while (done < buf.length) {
        const n = readSync(fd, buf, done, buf.length - done, this.start + done);
        if (n <= 0) break;
        done += n;
      }
    } finally {
      closeSync(fd);
    }
    return buf.buffer;
  }
}

globalThis.FileReaderSync = class {
  readAsArrayBuffer(blob) {
    return blob.readSync();
  }
};
Object.defineProperty(globalThis, 'navigator', { value: { hardwareConcurrency: cores }, configurable: true });

let fragmentJob = null; // set once the modules are loaded
let fragmentsRun = 0;
/** Runs fragment.worker.ts's job in this thread (only the fragment worker is ever started here). */
class InlineWorker {
  constructor(url) {
    if (!String(url).includes('fragment.worker')) throw new Error(`no stand-in for worker ${url}`);
    this.onmessage = null;
    this.onerror = null;
  }
  postMessage(job) {
    fragmentsRun++;
    setTimeout(() => fragmentJob(job, (msg) => this.onmessage?.({ data: msg })), 0);
  }
  terminate() {}
}

// ---- the app's modules, through Vite ----

const { createServer } = await import('vite');
const server = await createServer({ root: ROOT, configFile: false, logLevel: 'silent', server: { middlewareMode: true, hmr: false }, appType: 'custom', optimizeDeps: { noDiscovery: true, include: [] } });
const load = (p) => server.ssrLoadModule(path.join(ROOT, p));
const { loadTrace } = await load('workers/ingest/loadTrace.ts');
const { RawTrace } = await load('workers/ingest/rawTrace.ts');
const { ChromeTraceJsonImporter } = await load('workers/importers/chromeTraceJson.ts');
fragmentJob = async ({ file, start, end, top }, post) => {
  try {
    const raw = new RawTrace();
    raw.argsFile = file;
    raw.args.compress = false;
    const importer = new ChromeTraceJsonImporter(raw, { top, base: start });
    const reader = file.slice(start, end).stream().getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      importer.push(value);
      post({ progress: value.length });
    }
    post({ result: importer.fragmentResult() });
  } catch (err) {
    post({ error: err.message || String(err) });
  }
};

// ---- measuring ----

function settle() {
  for (let i = 0; i < 4; i++) globalThis.gc();
}
/** V8 heap used without compiled code (JIT varies between runs), plus ArrayBuffer backing stores. */
function heldBytes() {
  settle();
  const heap = v8.getHeapSpaceStatistics().reduce((n, sp) => n + (sp.space_name.startsWith('code') ? 0 : sp.space_used_size), 0);
  return heap + process.memoryUsage().arrayBuffers;
}
const isTyped = (a) => ArrayBuffer.isView(a);
/** Bytes of a typed array's whole buffer (growth slack included), or of a list of them. */
function bytesOf(x) {
  if (!x) return 0;
  if (isTyped(x)) return x.buffer.byteLength;
  if (Array.isArray(x)) return x.reduce((n, a) => n + bytesOf(a), 0);
  if (x instanceof Map) return [...x.values()].reduce((n, a) => n + bytesOf(a), 0);
  if (typeof x === 'object') return Object.values(x).reduce((n, a) => n + bytesOf(a), 0);
  return 0;
}
const colBytes = (c) => (c ? c.data.buffer.byteLength : 0);

/**
 * The structures of a TraceIndex, each with its typed bytes and a function that drops it (for
 * the measured figure). Dropping goes in this order; later rows do not include earlier ones.
 */
function structures(index) {
  const raw = index.raw;
  const lanes = [...index.lanes.values()];
  const counters = [...index.counters.values()];
  const fi = index.flowIndex;
  const laneCol = (key) => ({
    name: `lanes.${key}`,
    typed: lanes.reduce((n, l) => n + bytesOf(l[key]), 0),
    drop: () => lanes.forEach((l) => (l[key] = null)),
  });
  const rawEventCols = ['kind', 'flags', 'start', 'dur', 'pid', 'tid', 'cat', 'name', 'argsOff', 'argsLen'];
  return [
    ...['start', 'dur', 'argsOff', 'name', 'cat', 'argsLen', 'row', 'instant', 'flags', 'rows', 'rowBlocks'].map(laneCol),
    {
      name: 'counters (t, values, source)',
      typed: counters.reduce((n, c) => n + bytesOf(c.t) + bytesOf(c.values) + bytesOf(c.source), 0),
      drop: () => counters.forEach((c) => ((c.t = null), (c.values = null), (c.source = null))),
    },
    { name: 'raw event columns (released?)', typed: rawEventCols.reduce((n, k) => n + colBytes(raw[k]), 0), drop: () => rawEventCols.forEach((k) => raw[k].release()) },
    { name: 'raw.flows columns', typed: Object.values(raw.flows).reduce((n, c) => n + colBytes(c), 0), drop: () => Object.values(raw.flows).forEach((c) => c.release()) },
    {
      // Typed arrays of its own (point → slice, key → points, slice → points) and any JS maps.
      name: 'flow index (bindings, lookups)',
      typed: Object.values(fi).reduce((n, v) => n + (isTyped(v) ? bytesOf(v) : 0), 0),
      drop: () => {
        for (const [k, v] of Object.entries(fi)) if (isTyped(v) || v instanceof Map) fi[k] = null;
      },
    },
    {
      name: 'flow keys ("cat|id")',
      typed: raw.flowKeys?.byteLength ?? 0,
      drop: () => raw.flowKeys && Object.keys(raw.flowKeys).forEach((k) => (raw.flowKeys[k] = null)),
    },
    {
      name: 'args store (ByteStore)',
      typed: raw.args.byteLength,
      inflatedCache: [...(raw.args.inflated?.values() ?? [])].reduce((n, a) => n + a.buffer.byteLength, 0),
      drop: () => (raw.args = null),
    },
    {
      // Args read while indexing (counters' sources), kept apart where the build has them.
      name: 'hot args (ByteStore)',
      typed: raw.hotArgs?.byteLength ?? 0,
      drop: () => raw.hotArgs && (raw.hotArgs = null),
    },
    { name: 'args file blocks (4 MB cache)', typed: [...raw.fileBlocks.values()].reduce((n, a) => n + a.buffer.byteLength, 0), drop: () => raw.fileBlocks.clear() },
    {
      name: 'string table (values + Map)',
      typed: 0,
      drop: () => {
        raw.strings.values.length = 0;
        raw.strings.ids.clear();
      },
    },
    {
      // Level-of-detail tiles (workers/index/tiledViewport.ts), when this build has them.
      name: 'tiles (pyramids, caches)',
      typed: 0,
      drop: () => index.tiles && (index.tiles = null),
    },
    {
      name: 'rest (lane infos, groups, metadata, result)',
      typed: 0,
      drop: () => {
        index.lanes.clear();
        index.counters.clear();
        index.result = null;
        index.groups = null;
        index.flowIndex = null;
        index.raw = null;
      },
    },
  ];
}

const fmt = (n, d = 1) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const MB = 1 << 20;

async function measure(file) {
  const abs = path.resolve(ROOT, file);
  if (!existsSync(abs)) throw new Error(`${file} is missing (node bench/generate.mjs --sizes 100)`);
  const gz = abs.endsWith('.gz');
  // Only the fragment path uses Worker here; .gz inflates in this thread (see the header).
  if (gz) delete globalThis.Worker;
  else globalThis.Worker = InlineWorker;
  const blob = new DiskBlob(abs);
  fragmentsRun = 0;
  const before = heldBytes();
  const t0 = performance.now();
  let peak = 0;
  const peakTimer = setInterval(() => (peak = Math.max(peak, v8.getHeapStatistics().used_heap_size + process.memoryUsage().arrayBuffers)), 50);
  let index = await loadTrace({ kind: 'file', file: blob, name: path.basename(abs) }, { trace: path.basename(abs).replace(/\.json(\.gz)?$/, '') });
  await index.settled;
  clearInterval(peakTimer);
  const ms = performance.now() - t0;
  const events = index.result.events;
  const lanes = index.lanes.size;
  let flowPoints = index.raw.flows.key.length;
  let rowsTotal = 0;
  for (const l of index.lanes.values()) rowsTotal += l.rows.length;
  const total = heldBytes() - before;
  const rows = [];
  let last = total + before;
  for (const s of structures(index)) {
    s.drop();
    const now = heldBytes();
    rows.push({ name: s.name, typed: s.typed, measured: last - now, ...(s.inflatedCache ? { inflatedCache: s.inflatedCache } : {}) });
    last = now;
  }
  index = null;
  const remainder = heldBytes() - before;
  return { file, gz, fragments: fragmentsRun + 1, events, lanes, rows: rowsTotal, flowPoints, loadMs: ms, peakBytes: peak - before, totalBytes: total, remainderBytes: remainder, parts: rows };
}

// A first load warms up what is loaded and compiled once (modules, JIT), so the first file's figures are not inflated.
const warmUp = path.join(ROOT, 'bench/out/synthetic-10MB.json');
if (!argv.includes('--no-warm-up') && existsSync(warmUp)) await measure(warmUp);

const results = [];
for (const f of files) {
  const r = await measure(f);
  results.push(r);
  if (asJson) continue;
  console.log(`\n${r.file}: ${r.events.toLocaleString('en-US')} events, ${r.lanes} lanes, ${r.rows} rows, ${r.flowPoints.toLocaleString('en-US')} flow points, ${r.fragments} fragment(s); load ${fmt(r.loadMs / 1000, 2)} s, peak ≈ ${fmt(r.peakBytes / MB)} MB`);
  console.log('| structure | typed MB | B/event (typed) | measured MB | B/event (measured) |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const p of r.parts) {
    console.log(`| ${p.name} | ${fmt(p.typed / MB, 2)} | ${fmt(p.typed / r.events)} | ${fmt(p.measured / MB, 2)} | ${fmt(p.measured / r.events)} |`);
  }
  console.log(`| unaccounted (after dropping all) | | | ${fmt(r.remainderBytes / MB, 2)} | ${fmt(r.remainderBytes / r.events)} |`);
  const typed = r.parts.reduce((n, p) => n + p.typed, 0);
  console.log(`| **total** | ${fmt(typed / MB, 2)} | ${fmt(typed / r.events)} | **${fmt(r.totalBytes / MB, 2)}** | **${fmt(r.totalBytes / r.events)}** |`);
}
if (asJson) console.log(JSON.stringify(results, null, 2));
await server.close();
