// bench/results.json (all measurements so far, one entry per trace file) → bench/results.md:
// the tables, each target of issues 4 and 15 marked met / NOT met / not measured, with figures,
// and the CPU profile of one load per trace summarised by function.
import { TRACES } from './traces.mjs';

const fmt = (v, digits = 0) => (v == null || Number.isNaN(v) ? '–' : Number(v).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const mb = (bytes) => fmt(bytes / 1e6, 1);
/** A markdown table of one row per entry (`rowOf` → cells, or null to leave the entry out), then a blank line. */
function table(L, head, entries, rowOf) {
  L.push(`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`);
  for (const e of entries) {
    const cells = rowOf(e);
    if (cells) L.push(`| ${cells.join(' | ')} |`);
  }
  L.push('');
}

const sec = (ms) => (ms == null ? '–' : `${fmt(ms / 1000, 2)} s`);
const ratio = (v) => (v == null ? '–' : `${fmt(v, 2)}×`);

/** Absolute first-frame targets (plain JSON) by decompressed size. */
const ABSOLUTE = [
  { label: '100 MB ≤ 0.65 s', maxMs: 650, fits: (b) => b >= 80e6 && b < 200e6 },
  { label: '300 MB ≤ 1.7 s', maxMs: 1700, fits: (b) => b >= 200e6 && b < 600e6 },
  { label: '1 GB ≤ 5 s', maxMs: 5000, fits: (b) => b >= 600e6 && b < 1.5e9 },
  { label: '2 GB ≤ 10 s', maxMs: 10000, fits: (b) => b >= 1.5e9 },
];

function loadCell(r) {
  if (r.error) return `**failed**: ${r.error}`;
  return sec(r.medianMs);
}

/**
 * What a `?url=` load is compared with: the picker load in its own browser (linkLoads.mjs: no DevTools
 * client), or, in results from before that browser, the Playwright picker load.
 */
function urlPickerMs(e) {
  return e.tracelane.url?.picker?.medianMs ?? e.tracelane.picker?.medianMs;
}

function peerCell(p) {
  if (!p) return 'not run';
  const when = p.date ? ` (run ${p.date})` : '';
  return p.loaded ? `${sec(p.ms)}${when}` : `**failed** (${p.error})${when}`;
}

/** Each target: { name, verdict: 'met' | 'NOT met' | 'not measured', detail }. */
export function evaluateTargets(entries) {
  const out = [];
  const ok = (e) => e.tracelane && !e.tracelane.picker.error;
  const add = (name, rows) => {
    if (!rows.length) out.push({ name, verdict: 'not measured', detail: 'no trace of this kind was measured' });
    else {
      const failed = rows.filter((r) => !r.met);
      out.push({ name, verdict: failed.length ? 'NOT met' : 'met', detail: rows.map((r) => `${r.file}: ${r.text}${r.met ? '' : ' ✗'}`).join('; ') });
    }
  };
  const plain = entries.filter((e) => !e.gz);
  const gz = entries.filter((e) => e.gz);

  add(
    'Ingest ≥ 1.5× JSON.parse MB/s (same bytes, same run)',
    entries.filter((e) => ok(e) && e.baselines?.parseMBs).map((e) => {
      const r = e.tracelane.ingestMBs / e.baselines.parseMBs;
      return { file: e.file, met: r >= 1.5, text: `${fmt(e.tracelane.ingestMBs)} vs ${fmt(e.baselines.parseMBs)} MB/s = ${ratio(r)}` };
    }),
  );
  add(
    'First frame ≤ 2.5× one bare scan pass (plain)',
    plain.filter((e) => ok(e) && e.baselines?.scanMs).map((e) => {
      const r = e.tracelane.picker.medianMs / e.baselines.scanMs;
      return { file: e.file, met: r <= 2.5, text: `${sec(e.tracelane.picker.medianMs)} vs ${sec(e.baselines.scanMs)} = ${ratio(r)}` };
    }),
  );
  add(
    '.gz: first frame ≤ 1.2× gunzip alone',
    gz.filter((e) => ok(e) && e.baselines?.gunzipMs).map((e) => {
      const r = e.tracelane.picker.medianMs / e.baselines.gunzipMs;
      return { file: e.file, met: r <= 1.2, text: `${sec(e.tracelane.picker.medianMs)} vs ${sec(e.baselines.gunzipMs)} = ${ratio(r)}` };
    }),
  );
  for (const a of ABSOLUTE) {
    add(
      `Absolute first frame ${a.label} (plain)`,
      plain.filter((e) => a.fits(e.bytes) && e.tracelane).map((e) => {
        const t = e.tracelane.picker;
        if (t.error) return { file: e.file, met: false, text: `failed: ${t.error}` };
        return { file: e.file, met: t.medianMs <= a.maxMs, text: sec(t.medianMs) };
      }),
    );
  }
  add(
    '≤ 64 B per event, everything the workers hold',
    entries.filter((e) => ok(e) && e.tracelane.memory).map((e) => {
      const b = e.tracelane.memory.workerBytesPerEvent;
      return { file: e.file, met: b <= 64, text: `${fmt(b)} B/event` };
    }),
  );
  // Issue 15 (same run): parse against the read-only floor and first frame against the bare scan,
  // at 100 MB and 1 GB; other layouts of the same kind of trace against llm_decode_large's MB/s.
  const issue15 = plain.filter((e) => ok(e) && (ABSOLUTE[0].fits(e.decompressedBytes) || ABSOLUTE[2].fits(e.decompressedBytes)));
  add(
    'Parse (read + scan) ≤ 1.25× the read-only pass, 100 MB and 1 GB (plain; issue 15)',
    issue15.filter((e) => e.baselines?.readMs && e.tracelane.parseMs).map((e) => {
      const r = e.tracelane.parseMs / e.baselines.readMs;
      return { file: e.file, met: r <= 1.25, text: `${sec(e.tracelane.parseMs)} vs ${sec(e.baselines.readMs)} = ${ratio(r)}` };
    }),
  );
  add(
    'First frame ≤ 1.5× the bare scan, 100 MB and 1 GB (plain; issue 15)',
    issue15.filter((e) => e.baselines?.scanMs).map((e) => {
      const r = e.tracelane.picker.medianMs / e.baselines.scanMs;
      return { file: e.file, met: r <= 1.5, text: `${sec(e.tracelane.picker.medianMs)} vs ${sec(e.baselines.scanMs)} = ${ratio(r)}` };
    }),
  );
  add(
    '`?url=` first frame, less the empty app\'s navigation to idle, ≤ 1.2× picker first frame, 100 MB and 1 GB (plain, server with ranges; issue 16)',
    issue15.filter((e) => e.tracelane.url?.medianMs && e.tracelane.url.emptyIdleMs != null).map((e) => {
      const net = e.tracelane.url.medianMs - e.tracelane.url.emptyIdleMs;
      const picker = urlPickerMs(e);
      const r = net / picker;
      return { file: e.file, met: r <= 1.2, text: `${sec(net)} vs ${sec(picker)} = ${ratio(r)}` };
    }),
  );
  // Issue 16: a BGZF file (inflated and parsed in parallel fragments) against the same bytes as one gzip member.
  const byFile = new Map(entries.map((e) => [e.file, e]));
  add(
    'A BGZF .gz beats its single-member twin: BGZF ÷ single-member first frame < 1 (picker; issue 16)',
    TRACES.filter((t) => t.source === 'bgzf' && ok(byFile.get(t.file) ?? {}) && ok(byFile.get(t.twin) ?? {})).map((t) => {
      const [b, s] = [byFile.get(t.file), byFile.get(t.twin)];
      const r = b.tracelane.picker.medianMs / s.tracelane.picker.medianMs;
      return { file: t.file, met: r < 1, text: `${sec(b.tracelane.picker.medianMs)} vs ${sec(s.tracelane.picker.medianMs)} = ${ratio(r)}${b.date.slice(0, 13) !== s.date.slice(0, 13) ? ` (twin run ${s.date})` : ''}` };
    }),
  );
  const reference = entries.find((e) => e.file === 'llm_decode_large.json' && ok(e) && e.tracelane.ingestMBs);
  const layouts = TRACES.filter((t) => t.size === 'shuffled' || t.size === 'external').map((t) => t.file);
  add(
    "Shuffled, minified and one-line files ingest within 20 % of llm_decode_large's MB/s (issue 15)",
    reference
      ? entries.filter((e) => layouts.includes(e.file) && ok(e) && e.tracelane.ingestMBs).map((e) => {
          const r = e.tracelane.ingestMBs / reference.tracelane.ingestMBs;
          return { file: e.file, met: r >= 0.8, text: `${fmt(e.tracelane.ingestMBs)} vs ${fmt(reference.tracelane.ingestMBs)} MB/s = ${ratio(r)}${e.date !== reference.date ? ` (llm_decode_large run ${reference.date})` : ''}` };
        })
      : [],
  );
  const twoGb = plain.filter((e) => e.bytes >= 1.5e9 && ok(e) && e.tracelane.frames && !e.tracelane.frames.error);
  add(
    'Pan/zoom at 2 GB: p95 frame CPU ≤ 8 ms, no dropped frames',
    twoGb.map((e) => {
      const f = e.tracelane.frames;
      return { file: e.file, met: f.inputCpu.p95 <= 8 && f.dropped === 0, text: `p95 ${fmt(f.inputCpu.p95, 1)} ms, ${f.dropped} dropped` };
    }),
  );
  return out;
}

export function renderResults({ machine, entries, indexOpens = [] }) {
  const order = new Map(TRACES.filter((t) => t.open !== 'index').map((t, i) => [t.file, i]));
  entries = [...entries].sort((a, b) => (order.get(a.file) ?? 99) - (order.get(b.file) ?? 99));
  const L = [];
  L.push('# tracelane benchmark results', '');
  L.push('Written by `npm run bench` (bench/run.mjs); see bench/README.md for what each figure means. A measurement, not a test:');
  L.push('missed targets are listed below with their figures.', '');
  L.push('## Machine', '');
  for (const [k, v] of Object.entries(machine)) L.push(`- ${k}: ${v}`);
  L.push('');

  L.push('## Targets', '');
  L.push('| target | verdict | figures |', '| --- | --- | --- |');
  for (const t of evaluateTargets(entries)) L.push(`| ${t.name} | ${t.verdict === 'met' ? 'met' : `**${t.verdict}**`} | ${t.detail} |`);
  L.push('');

  L.push('## First frame and ingest (median of the runs)', '');
  L.push('| trace | MB (decompressed) | events | runs | first frame, picker | first frame, ?url= | ingest MB/s | JSON.parse MB/s | ingest ÷ JSON.parse | read-only | parse ÷ read-only | bare scan | first frame ÷ scan | gunzip | first frame ÷ gunzip | speedscope |');
  L.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const e of entries) {
    const t = e.tracelane;
    const b = e.baselines ?? {};
    const size = e.gz ? `${mb(e.bytes)} gz (${mb(e.decompressedBytes)})` : mb(e.bytes);
    const ff = t && !t.picker.error ? t.picker.medianMs : null;
    L.push(
      `| ${e.file} | ${size} | ${fmt(t?.events)} | ${e.runs} | ${t ? loadCell(t.picker) : 'not run'} | ${t ? loadCell(t.url) : 'not run'} | ${fmt(t?.ingestMBs)} | ${b.parseMBs ? fmt(b.parseMBs) : b.parseSkipped ?? '–'} | ${t?.ingestMBs && b.parseMBs ? ratio(t.ingestMBs / b.parseMBs) : '–'} | ${sec(b.readMs)} | ${t?.parseMs && b.readMs && !e.gz ? ratio(t.parseMs / b.readMs) : '–'} | ${sec(b.scanMs)} | ${ff && b.scanMs ? ratio(ff / b.scanMs) : '–'} | ${e.gz ? sec(b.gunzipMs) : '–'} | ${ff && e.gz && b.gunzipMs ? ratio(ff / b.gunzipMs) : '–'} | ${peerCell(e.speedscope)} |`,
    );
  }
  L.push('');
  L.push('Ingest MB/s = decompressed bytes ÷ the worker\'s parse time (`summary().parseMs`: read + gunzip + scan into raw columns, before the index). JSON.parse MB/s = the same decompressed text through `JSON.parse` in a worker (the string already in memory; skipped ≥ 400 MB). Read-only = a worker draining the same File\'s stream without touching the bytes (a .gz: its compressed bytes), the floor; parse ÷ read-only = the worker\'s parse time over it (plain files only). Bare scan = a worker reading the same File and touching every decompressed byte once. All three in the same page, right after the load.', '');

  L.push('## WebAssembly scanner against the JS scanner (same run, picker)', '');
  L.push('Each picker run is followed by one with `?scanner=js` (the JS scanner, the fallback and the reference); same build, same machine, minutes apart.', '');
  table(L, ['trace', 'scanner', 'parse, wasm', 'parse, JS', 'JS ÷ wasm', 'first frame, wasm', 'first frame, JS', 'JS ÷ wasm'], entries, (e) => {
    const t = e.tracelane;
    const j = t?.jsScanner;
    if (!t || !j || t.picker.error || j.picker.error) return null;
    return [e.file, t.scanner ?? '–', sec(t.parseMs), sec(j.parseMs), t.parseMs && j.parseMs ? ratio(j.parseMs / t.parseMs) : '–', sec(t.picker.medianMs), sec(j.picker.medianMs), ratio(j.picker.medianMs / t.picker.medianMs)];
  });

  L.push('## After ready (picker, median)', '');
  L.push('`traceState === "ready"` keeps its contract (every event parsed; find, select and the analyses answer): the first `find()` + `select()` right after ready, and ready → `settled()` (background work such as args deflation done).', '');
  table(L, ['trace', 'first find + select after ready', 'ready → settled()'], entries, (e) => {
    const t = e.tracelane;
    return !t || t.picker.error || t.firstSelectMs == null ? null : [e.file, `${fmt(t.firstSelectMs)} ms`, `${fmt(t.readyToSettledMs)} ms`];
  });

  L.push('## Where the first frame goes (picker, the median run)', '');
  L.push('Times from the input\'s change event to each progress label the app showed (labels update at most every 100 ms), then to `traceState === "ready"`; parse = the worker\'s own `parseMs`.', '');
  table(L, ['trace', 'progress labels (ms after change)', 'parse (worker)', 'after parse → ready'], entries, (e) => {
    const t = e.tracelane;
    return !t || t.picker.error ? null : [e.file, phaseTrail(t.phases) || '–', `${fmt(t.parseMs)} ms`, `${fmt(t.picker.medianMs - t.parseMs)} ms`];
  });
  L.push('`?url=` loads (the median run), ms after navigation start; empty app = navigation start to the empty app\'s first idle state in the same page just before (a `?url=` load pays it before its first byte); fetch alone = the same URL fetched and drained in the page afterwards; ÷ picker = against a picker load in the same browser (bench/linkLoads.mjs: no DevTools client watches its network, as in a user\'s browser):', '');
  L.push('| trace | progress labels (ms after navigation) | empty app to idle | first frame less it | ÷ picker first frame | fetch alone | server without ranges: first frame less the empty app | its ÷ picker |');
  L.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const e of entries) {
    const u = e.tracelane?.url;
    if (!u || u.error) continue;
    const net = u.emptyIdleMs != null ? u.medianMs - u.emptyIdleMs : null;
    const picker = urlPickerMs(e);
    // A server that answers 200 to ranged requests: the file streamed once, parsed as it comes.
    const w = e.tracelane.urlWithoutRanges;
    const wNet = w && !w.error && w.medianMs && w.emptyIdleMs != null ? w.medianMs - w.emptyIdleMs : null;
    L.push(`| ${e.file} | ${phaseTrail(u.phases) || '–'} | ${u.emptyIdleMs != null ? `${fmt(u.emptyIdleMs)} ms` : '–'} | ${net != null ? `${fmt(net)} ms` : '–'} | ${net != null && picker ? ratio(net / picker) : '–'} | ${u.fetchMs != null ? `${fmt(u.fetchMs)} ms` : '–'} | ${wNet != null ? `${fmt(wNet)} ms` : w?.error ? 'failed' : 'not run'} | ${wNet != null && picker ? ratio(wNet / picker) : '–'} |`);
  }
  L.push('');

  L.push('## Memory (after a forced GC, first run)', '');
  L.push('| trace | events | workers hold | B/event (workers) | page JS heap Δ | renderer RSS Δ vs empty app | B/event (RSS Δ) | speedscope renderer RSS Δ |');
  L.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const e of entries) {
    const m = e.tracelane?.memory;
    if (!m) continue;
    const peer = e.speedscope?.rssDeltaBytes;
    L.push(`| ${e.file} | ${fmt(e.tracelane.events)} | ${mb(m.workerBytes)} MB | ${fmt(m.workerBytesPerEvent)} | ${mb(m.pageHeapDeltaBytes)} MB | ${mb(m.rssDeltaBytes)} MB | ${fmt(m.rssBytesPerEvent)} | ${peer != null ? `${mb(peer)} MB` : '–'} |`);
  }
  L.push('');
  L.push('Workers hold = V8 heap used + ArrayBuffer backing stores + embedder heap of every dedicated worker of the page (`Runtime.getHeapUsage` after `HeapProfiler.collectGarbage` in each). RSS Δ = VmRSS of all renderer processes minus the same with the empty app, after GC.', '');

  L.push('## Pan/zoom frames (first run)', '');
  L.push('| trace | inputs | draws | draw CPU p50 / p95 / max | input → end of draw CPU p50 / p95 / max | input → end of draw latency p50 / p95 / max | frames | dropped | long tasks (max) | items drawn p50 / max (from tiles, max) |');
  L.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const e of entries) {
    const f = e.tracelane?.frames;
    if (!f) continue;
    if (f.error) {
      L.push(`| ${e.file} | **failed**: ${f.error} | | | | | | | | |`);
      continue;
    }
    const trio = (s) => `${fmt(s.p50, 1)} / ${fmt(s.p95, 1)} / ${fmt(s.max, 1)} ms`;
    const items = f.itemsMax == null ? '–' : `${fmt(f.itemsP50)} / ${fmt(f.itemsMax)} (${fmt(f.fromTilesMax)})`;
    L.push(`| ${e.file} | ${f.inputs} | ${f.draw.n} | ${trio(f.draw)} | ${trio(f.inputCpu)} | ${trio(f.inputLatency)} | ${f.frames} (vsync ${fmt(f.vsyncMs, 1)} ms) | ${f.dropped} | ${f.longTasks} (${fmt(f.longestTaskMs)} ms) | ${items} |`);
  }
  L.push('');
  L.push('Script: W×10, D×8, A×8, Ctrl+wheel in ×12, Shift+wheel ±10 each way, Ctrl+wheel out ×12, S×10, W×6, D×6 (30–40 ms apart). Draw CPU = the app\'s rAF callback; input → end of draw CPU = the app\'s handler time + the next draw; latency = event timestamp → end of that draw; dropped = vsyncs missed by a rAF loop; items drawn = slices, tile runs and counter samples of the visible lanes in a frame (`window.tracelane.drawn()`; issue 4 budgets ~20 k rects), in brackets those from level-of-detail tiles.', '');

  renderProfiles(L, entries);

  const measured = new Set(entries.map((e) => e.file));
  renderIndexOpens(L, indexOpens);
  const missing = TRACES.filter((t) => !measured.has(t.file) && t.open !== 'index').map((t) => t.file);
  L.push('## Not run', '');
  L.push(missing.length ? `Not measured in any saved run (each takes long on a 2-core machine; \`npm run bench -- --sizes <size>\` adds it):\n\n${missing.map((f) => `- ${f}`).join('\n')}` : '- (everything was run)');
  L.push('');
  L.push('Dates per trace (with the 1-minute load average before → after its runs, where recorded; above the core count the machine was shared and the figures are noisy): ' + entries.map((e) => `${e.file} ${e.date}${e.loadAvg ? ` (load ${e.loadAvg.join(' → ')})` : ''}`).join('; '), '');
  return L.join('\n');
}

/** Traces opened from their index folder by `?index=` (bench/indexOpen.mjs, issue 24). */
function renderIndexOpens(L, opens) {
  if (!opens.length) return;
  const mb = (b) => (b == null ? '–' : `${(b / 1e6).toFixed(2)} MB`);
  L.push('## Index folder (`?index=`, issue 24)', '');
  L.push('Targets: first frame ≤ 1 s from navigation, ≤ 5 MB fetched before it. Bytes = the sizes of the files the server sent before the page was ready; pan / zoom = the scripted inputs of the frames row, after the first frame.', '');
  L.push('| trace | run | first frame (empty app to idle; worker open / result on the page / first frame, app) | fetched before it | files before it | first zoom (middle 1/1000): to drawn, chunks | then pan / zoom: chunks read, bytes | draw p95 | input latency p95 | tab above the empty app: after open, after pan / zoom (workers) | index folder (chunks / args / coarse / summaries) | writer | date, build |');
  L.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const e of opens) {
    const f = e.folder ?? {};
    const writer = e.writer?.skipped === false ? `${e.writer.seconds.toFixed(0)} s, peak RSS ${e.writer.peakRssMB} MB` : 'current, skipped';
    e.runs.forEach((r, i) => {
      if (r.error) return L.push(`| ${e.file} | ${i + 1} | failed: ${r.error} | | | | | | | | | | |`);
      L.push(`| ${e.file} | ${i + 1} | ${(r.firstFrameMs / 1000).toFixed(2)} s (${r.emptyIdleMs == null ? '–' : Math.round(r.emptyIdleMs)}; ${Math.round(r.openMs)} / ${Math.round(r.resultMs)} / ${Math.round(r.appFirstFrameMs)} ms) | ${mb(r.bytesBeforeFirstFrame)} | ${r.filesBeforeFirstFrame.length} | ${r.firstZoomMs == null ? '–' : `${Math.round(r.firstZoomMs)} ms, ${r.firstZoomChunks}`} | ${r.panZoom.chunks}, ${mb(r.panZoom.bytes)} | ${r.frames.draw.p95?.toFixed(1)} ms | ${Math.round(r.frames.inputLatency.p95)} ms | ${r.memoryAfterOpen ? `${r.memoryAfterOpen.rssDeltaMB} MB, ${r.memoryAfterPanZoom.rssDeltaMB} MB (${r.memoryAfterOpen.workerMB} → ${r.memoryAfterPanZoom.workerMB} MB)` : '–'} | ${mb(f.chunks)} in ${f.chunkFiles} / ${mb(f.args)} / ${mb(f.coarse)} / ${mb(f.summaries)} | ${writer} | ${e.date}, ${e.build} |`);
    });
  }
  L.push('');
}

/** The CPU profile of one load per trace (bench/cpuProfile.mjs): threads, parts of the code base, top functions. */
function renderProfiles(L, entries) {
  const profiled = entries.filter((e) => e.profile);
  if (!profiled.length) return;
  L.push('## CPU profile of one load', '');
  L.push(
    "One extra picker load per trace with Chromium's sampling profiler (CDP `Profiler`, 200 µs) in the page and in every worker the load starts (the trace worker, its parse-fragment / gunzip / deflate helpers), from just before the file is given until ready is seen (≤ ~0.1 s later). It runs an unminified build of the same source so functions keep their names; each is mapped to its source file by the build's source maps. Self time summed over all threads; busy = not idle. Raw profiles: bench/out/profiles/ (DevTools → Performance → load).",
    '',
  );
  const pct = (v) => (v == null ? '–' : `${fmt(v * 100, 1)} %`);
  for (const e of profiled) {
    const p = e.profile;
    L.push(`### ${e.file}`, '');
    if (p.error && !p.top) {
      L.push(`**failed**: ${p.error}`, '');
      continue;
    }
    L.push(`Profiled load: first frame ${sec(p.firstFrameMs)}, parse ${sec(p.parseMs)}${p.error ? ` (**${p.error}**)` : ''}. Threads (busy / sampled): ${p.threads.map((t) => (t.error ? `${t.label}: ${t.error}` : `${t.thread} ${fmt(t.busyMs)} / ${fmt(t.sampledMs)} ms`)).join('; ')}.`, '');
    const names = [...new Set(p.threads.filter((t) => !t.error).map((t) => t.thread))];
    L.push(`| part of the code base | ${names.join(' | ')} | all threads | share of busy |`, `| --- |${' --- |'.repeat(names.length + 2)}`);
    for (const part of p.parts) L.push(`| ${part.part} | ${names.map((n) => (part.byThread?.[n] ? `${fmt(part.byThread[n])} ms` : '–')).join(' | ')} | ${fmt(part.selfMs)} ms | ${pct(part.share)} |`);
    L.push('');
    L.push(`Top ${p.top.length} functions by self time:`, '');
    L.push('| # | function | script | source | thread(s) | self time | share of busy |', '| --- | --- | --- | --- | --- | --- | --- |');
    p.top.forEach((f, i) => L.push(`| ${i + 1} | \`${f.fn.replace(/\|/g, '\\|')}\` | ${f.script || '–'} | ${f.source ?? '–'} | ${f.threads} | ${fmt(f.selfMs)} ms | ${pct(f.share)} |`));
    L.push('');
  }
}

/** "Parsing 259 → Indexing 1,131 → …": the progress labels a load showed, with their times. */
function phaseTrail(phases) {
  return (phases ?? []).map((p) => `${p.label} ${fmt(p.ms)}`).join(' → ');
}
