// A CPU profile of one load (issue 15): Chromium's sampling profiler (CDP Profiler.start /
// Profiler.stop) in the page and in every worker the load starts — the trace worker and its
// helpers (parse fragments, gunzip, deflate), each a CDP target of its own, reached by
// Target.setAutoAttach (flatten, waitForDebuggerOnStart) in the page's session and again in
// each worker's for the helpers it starts. Each worker's profiler is started while the worker
// waits at its first line, and only then is it let run.
//
// That needs a browser no other client holds: Playwright auto-attaches to workers too and
// lets them run as soon as it has, so under load a worker parsed before the profiler was on
// (seen: a fragment worker's whole parse missing). So this load has a Chromium of its own,
// driven over --remote-debugging-pipe with the same flags as the bench's.
//
// A helper is terminated (or closes itself) as soon as its part is done, and its profile
// would go with it: while profiling, each worker's `Worker.prototype.terminate` and
// `self.close` are held back (installed before the worker runs) and let go once every
// profile is taken.
//
// summariseProfiles(): self time per function (script URL without its hash + function
// name), the script position mapped to the original source by the build's source maps,
// and the same time by part of the code base (scan, index, page, libraries, V8).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { launchPiped, openPage, pickFile } from './cdpPipe.mjs';
import { installPageProbe } from './pageProbe.mjs';

const HOLD_EXITS = `(() => {
  if (self.__benchHeld) return;
  const held = (self.__benchHeld = []);
  if (typeof Worker !== 'undefined') {
    const terminate = Worker.prototype.terminate;
    Worker.prototype.terminate = function () { held.push(() => terminate.call(this)); };
  }
  const close = self.close;
  self.close = function () { held.push(() => close.call(self)); };
  self.__benchRelease = () => { for (const f of held.splice(0)) f(); };
})()`;

/**
 * One picker load of `file` at `origin` in a Chromium of its own, profiled in the page and
 * every worker. Resolves to { firstFrameMs, parseMs, profiles: [{ label, url, profile | error }] }
 * (or { error, profiles } when the load failed).
 */
export async function profileLoad({ executable, args, viewport, origin, file, timeoutMs, intervalUs = 200 }) {
  const cdp = await launchPiped(executable, args);
  const workers = new Map(); // sessionId → { label, url, gone, error }
  const starting = [];
  cdp.on((msg) => {
    if (msg.method === 'Target.detachedFromTarget') {
      const w = workers.get(msg.params.sessionId);
      if (w) w.gone = true;
    }
    if (msg.method !== 'Target.attachedToTarget') return;
    const { sessionId, targetInfo } = msg.params;
    const send = (m, p) => cdp.send(m, p, sessionId);
    if (targetInfo.type !== 'worker') {
      starting.push(send('Runtime.runIfWaitingForDebugger').catch(() => undefined));
      return;
    }
    const w = { label: targetInfo.title || targetInfo.url, url: targetInfo.url, sessionId, gone: false };
    workers.set(sessionId, w);
    starting.push(
      (async () => {
        await send('Runtime.evaluate', { expression: HOLD_EXITS });
        await send('Profiler.enable');
        await send('Profiler.setSamplingInterval', { interval: intervalUs });
        await send('Profiler.start');
        await send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
      })()
        .catch((err) => (w.error = String(err.message || err)))
        .finally(() => send('Runtime.runIfWaitingForDebugger').catch(() => undefined)),
    );
  });
  try {
    const { inPage, evaluate, until } = await openPage(cdp, { viewport, initScript: `(${installPageProbe})()` });
    await inPage('Page.navigate', { url: `${origin}/` });
    await until(`(document.getElementById('root')?.childElementCount ?? 0) > 0`, 30_000);
    await inPage('Profiler.enable');
    await inPage('Profiler.setSamplingInterval', { interval: intervalUs });
    await inPage('Profiler.start');
    await inPage('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
    await pickFile(inPage, path.resolve(file));
    let error = null;
    let timing = {};
    try {
      const state = await until(`['ready', 'error'].includes(document.documentElement.dataset.traceState) && document.documentElement.dataset.traceState`, timeoutMs);
      if (state !== 'ready') error = 'load error';
      else timing = await evaluate(`({ firstFrameMs: window.__bench.states.find((s) => s.state === 'ready').t - window.__bench.change, parseMs: window.tracelane.summary().parseMs })`);
    } catch (err) {
      error = err.message;
    }
    await Promise.all(starting);
    const profiles = [{ label: 'page (main thread)', url: `${origin}/`, profile: (await inPage('Profiler.stop')).profile }];
    for (const w of workers.values()) {
      if (w.gone) {
        profiles.push({ label: w.label, url: w.url, error: 'exited before its profile was taken' });
        continue;
      }
      const r = await cdp.send('Profiler.stop', {}, w.sessionId).catch((err) => ({ error: String(err.message || err) }));
      profiles.push({ label: w.label, url: w.url, ...(r.profile ? { profile: r.profile } : { error: r.error ?? w.error ?? 'no profile' }) });
    }
    for (const w of [...workers.values()].reverse()) if (!w.gone) await cdp.send('Runtime.evaluate', { expression: 'self.__benchRelease?.()' }, w.sessionId).catch(() => undefined);
    return { ...(error ? { error } : {}), ...timing, profiles };
  } finally {
    await cdp.close();
  }
}

// ---- source maps (the build's own .map files; a VLQ decoder, enough for position lookups) ----

const B64 = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]));

/** The "mappings" of a source map → per generated line, [genCol, srcIndex, srcLine] sorted by column. */
function decodeMappings(mappings) {
  const lines = [];
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  let name = 0;
  for (const lineText of mappings.split(';')) {
    const segs = [];
    let col = 0;
    for (const seg of lineText.split(',')) {
      if (!seg) continue;
      const v = [];
      let shift = 0;
      let value = 0;
      for (const ch of seg) {
        const d = B64.get(ch);
        value += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          v.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      col += v[0];
      if (v.length >= 4) {
        src += v[1];
        srcLine += v[2];
        srcCol += v[3];
        if (v.length >= 5) name += v[4];
        segs.push([col, src, srcLine]);
      }
    }
    lines.push(segs);
  }
  return lines;
}

/** url → (line, col) → "path/in/repo.ts:line", from the .map next to the script in `distDir`. */
export function sourceMapper(distDir) {
  const cache = new Map();
  const load = async (url) => {
    const file = path.join(distDir, new URL(url).pathname.replace(/^\/+/, ''));
    try {
      const map = JSON.parse(await fsp.readFile(`${file}.map`, 'utf8'));
      const sources = map.sources.map((s) => path.relative(distDir, path.resolve(path.dirname(file), map.sourceRoot ?? '', s)).replace(/^(\.\.\/)+/, '').replace(/^node_modules\/\.vite\/deps\//, 'node_modules/'));
      return { lines: decodeMappings(map.mappings), sources };
    } catch {
      return null;
    }
  };
  return async (url, line, col) => {
    if (!/^https?:/.test(url)) return null;
    if (!cache.has(url)) cache.set(url, await load(url));
    const m = cache.get(url);
    const segs = m?.lines[line];
    if (!segs?.length) return null;
    let best = segs[0];
    for (const s of segs) if (s[0] <= col) best = s;
    return `${m.sources[best[1]]}:${best[2] + 1}`;
  };
}

// ---- summary ----

/** Which part of the code base a function is in, from its original source path (or V8's own names). */
export function partOf(fn, source) {
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'GC';
  if (/^\(.*\)$/.test(fn)) return 'V8 / browser, outside JS ((program))';
  // The WebAssembly scanner's and inflater's functions have no source map: V8 names them by index.
  if (/^wasm-function\[\d+\]$/.test(fn)) return 'WebAssembly (scanner, inflater)';
  if (!source) return 'built-ins (TextDecoder.decode, …)';
  if (/node_modules\//.test(source)) return 'libraries';
  if (/^workers\/ingest\/(deflate|gunzip)/.test(source)) return 'gunzip / deflate (workers/ingest)';
  if (/^workers\/(importers|ingest)\//.test(source)) return 'scan (workers/importers, other workers/ingest)';
  if (/^workers\/(index|lanes|analysis)\//.test(source)) return 'index (workers/index, lanes, analysis)';
  if (/^workers\//.test(source)) return 'worker, other';
  if (/^src\//.test(source)) return 'page UI (src/)';
  return 'other';
}

const scriptName = (url) => (url ? url.replace(/^.*\//, '').replace(/-[\w-]{8}\.js$/, '.js') : '');

/**
 * Self time by function over every profile taken: { threads, top, parts }.
 *   threads  [{ label, sampledMs, busyMs, error? }]
 *   top      the `limit` functions with most self time: { fn, script, source, thread kinds, selfMs, share }
 *   parts    self time by part of the code base, in all and by thread ({ part, selfMs, share, byThread })
 */
export async function summariseProfiles(profiles, { distDir, limit = 20 }) {
  const mapSource = sourceMapper(distDir);
  const byFn = new Map();
  const byPart = new Map(); // part → thread → µs
  const threads = [];
  for (const p of profiles) {
    if (!p.profile) {
      threads.push({ label: p.label, error: p.error });
      continue;
    }
    const { nodes, samples, timeDeltas } = p.profile;
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const selfUs = new Map();
    // Sample i lasts until sample i + 1 (timeDeltas[i + 1]); the last one gets the mean interval.
    const mean = timeDeltas.length > 1 ? (p.profile.endTime - p.profile.startTime) / timeDeltas.length : 0;
    for (let i = 0; i < samples.length; i++) selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + (i + 1 < timeDeltas.length ? timeDeltas[i + 1] : mean));
    const thread = p.label.replace(/ #\w+$/, '').replace(/^trace \S+/, 'trace worker').replace(/trace worker › /, '');
    let sampled = 0;
    let idle = 0;
    for (const [id, us] of selfUs) {
      const { callFrame: cf } = byId.get(id);
      const fn = cf.functionName || (cf.url ? '(anonymous)' : '(program)');
      sampled += us;
      if (fn === '(idle)') idle += us;
      const source = cf.url ? await mapSource(cf.url, cf.lineNumber, cf.columnNumber) : null;
      const key = `${scriptName(cf.url)}|${fn}|${source ?? cf.lineNumber}`;
      const e = byFn.get(key) ?? { fn, script: scriptName(cf.url), source, selfUs: 0, threads: new Set() };
      e.selfUs += us;
      e.threads.add(thread);
      byFn.set(key, e);
      const part = byPart.get(partOf(fn, source)) ?? new Map();
      part.set(thread, (part.get(thread) ?? 0) + us);
      byPart.set(partOf(fn, source), part);
    }
    threads.push({ label: p.label, thread, sampledMs: sampled / 1000, busyMs: (sampled - idle) / 1000 });
  }
  const all = [...byFn.values()].sort((a, b) => b.selfUs - a.selfUs);
  const busyUs = all.filter((e) => e.fn !== '(idle)').reduce((n, e) => n + e.selfUs, 0);
  return {
    threads,
    busyMs: busyUs / 1000,
    top: all
      .filter((e) => e.fn !== '(idle)')
      .slice(0, limit)
      .map((e) => ({ fn: e.fn, script: e.script, source: e.source, threads: [...e.threads].join(', '), part: partOf(e.fn, e.source), selfMs: e.selfUs / 1000, share: e.selfUs / busyUs })),
    parts: [...byPart]
      .map(([part, t]) => {
        const us = [...t.values()].reduce((n, v) => n + v, 0);
        return { part, selfMs: us / 1000, share: part === 'idle' ? null : us / busyUs, byThread: Object.fromEntries([...t].map(([k, v]) => [k, v / 1000])) };
      })
      .sort((a, b) => b.selfMs - a.selfMs),
  };
}
