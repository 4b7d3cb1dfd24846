#!/usr/bin/env node
// Writes the bad-input corpus test/fixtures/bad/ (issue 9): small hostile or broken
// files, each with its expected outcome in test/fixtures/bad/EXPECTED.md. The big
// cases (100 MB string, 100 000 tids, multi-GB stream) are generated at test time by
// test/support/badInput.ts and never committed.
//
// Deterministic: running it twice gives the same bytes. Node builtins only.
//   node scripts/make-bad-fixtures.mjs [outDir]

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(process.argv[2] ?? join(ROOT, 'test/fixtures/bad'));

/** A tiny deterministic PRNG (mulberry32), so garbage is the same garbage every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function garbage(n, seed) {
  const r = rng(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  // Never start with the gzip magic or a JSON bracket: this case is "garbage", not a cut trace.
  b[0] = 0x9c;
  return b;
}

/** A small Kineto-like trace: metadata, CPU ops with args, GPU kernels and their flows. */
function baseTrace() {
  const ev = [
    { ph: 'M', name: 'process_name', pid: 4242, tid: 0, args: { name: 'python' } },
    { ph: 'M', name: 'thread_name', pid: 4242, tid: 4242, args: { name: 'MainThread' } },
    { ph: 'M', name: 'process_name', pid: 0, tid: 0, args: { name: 'GPU 0' } },
  ];
  let ts = 1000;
  for (let i = 0; i < 60; i++) {
    ev.push({
      ph: 'X', cat: 'cpu_op', name: `aten::op_${i}`, pid: 4242, tid: 4242, ts: ts + 0.125, dur: 20.5,
      args: { 'External id': i, 'Input Dims': [[8, 128], [128]], 'Input type': ['float', 'float'], note: `step ${i} "quoted"` },
    });
    ev.push({ ph: 'X', cat: 'cuda_runtime', name: 'cudaLaunchKernel', pid: 4242, tid: 4242, ts: ts + 5, dur: 4, args: { correlation: 100 + i } });
    ev.push({ ph: 's', cat: 'ac2g', name: 'ac2g', id: 100 + i, pid: 4242, tid: 4242, ts: ts + 5 });
    ev.push({ ph: 'X', cat: 'kernel', name: `gemm_kernel_${i % 4}`, pid: 0, tid: 7, ts: ts + 12, dur: 30.25, args: { correlation: 100 + i, grid: [64, 1, 1] } });
    ev.push({ ph: 'f', bp: 'e', cat: 'ac2g', name: 'ac2g', id: 100 + i, pid: 0, tid: 7, ts: ts + 12 });
    ts += 50;
  }
  return { schemaVersion: 1, baseTimeNanoseconds: 1790857026000000000, traceEvents: ev, displayTimeUnit: 'ms' };
}

/** One event per line, like torch.profiler writes, so cut points are easy to find and to read. */
function traceText(trace) {
  const { traceEvents, ...meta } = trace;
  const head = Object.entries(meta).filter(([k]) => k !== 'displayTimeUnit').map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},\n`).join('');
  return `{\n${head}  "traceEvents": [\n${traceEvents.map((e) => `    ${JSON.stringify(e)}`).join(',\n')}\n  ],\n  "displayTimeUnit": "ms"\n}\n`;
}

const events = (list) => JSON.stringify({ traceEvents: list });
const x = (name, ts, dur, extra = {}) => ({ ph: 'X', cat: 'cpu_op', name, pid: 1, tid: 1, ts, dur, ...extra });

const base = traceText(baseTrace());
/** Byte offset of the first `needle` after 55% of the base trace, plus `delta`. */
function cutAt(needle, delta) {
  const at = base.indexOf(needle, Math.floor(base.length * 0.55));
  if (at < 0) throw new Error(`no ${needle} in the base trace`);
  return at + delta;
}
const cuts = {
  // Inside the name string of a cpu_op: `"name": "aten::op_3` + cut.
  'in-string': cutAt('"name":"aten::op_', 12),
  // Inside the digits of a ts.
  'in-number': cutAt('"ts":', 7),
  // Inside an args object, after its first key.
  'in-args': cutAt('"args":{"External id"', 20),
  // Right after an event's closing brace and comma: between events.
  'between-events': cutAt('},\n', 2),
};

const hostile = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><svg onload="window.__pwned=3">';

/** file → [bytes, what it is, outcome, expectation] (the expectation column is parsed by test/workers/badInput.test.ts). */
const cases = [];
function add(file, bytes, what, outcome, expect) {
  cases.push({ file, bytes: typeof bytes === 'string' ? Buffer.from(bytes) : bytes, what, outcome, expect });
}

add('empty.json', '', 'zero bytes', 'error', '`/empty/`');
add('whitespace-only.json', '  \n\t\n  ', 'only whitespace', 'error', '`/empty/`');
add('html-error-page.json.gz', gzipSync('<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n'), 'a portal\'s HTML error page, gzipped, with a trace name', 'error', '`/HTML\\/XML page, not a trace/`');
add('html-error-page.json', '\n<html><body><h1>403 Forbidden</h1><p>Please log in.</p></body></html>\n', 'an HTML page served instead of the trace', 'error', '`/HTML\\/XML page, not a trace/`');
add('not-json.txt', 'Traceback (most recent call last):\n  File "train.py", line 12\nRuntimeError: CUDA out of memory\n', 'a Python traceback', 'error', '`/not a trace format .* starts with "Traceback/`');
add('binary-garbage.bin', garbage(4096, 1), '4 KiB of random bytes', 'error', '`/not a trace format/`');
add('gzip-of-garbage.json.gz', gzipSync(garbage(4096, 2)), 'a valid gzip stream of random bytes', 'error', '`/not a trace format/`');
add('gzip-magic-only.json.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]), 'the gzip magic and nothing decodable', 'error', '`/looks gzipped but could not be decompressed/`');

const baseGz = gzipSync(base);
const badCrc = Buffer.from(baseGz);
badCrc[badCrc.length - 6] ^= 0xff; // the CRC32 in the 8-byte trailer
// The runtime's DecompressionStream withholds its last output chunk when the CRC check fails: what came before is kept.
add('gzip-bad-crc.json.gz', badCrc, 'a complete trace whose gzip CRC is wrong', 'partial', '`gzip-truncated` (byteOffset), `truncated` (byteOffset, eventIndex); the events of all but the last decompressed chunk');
add('gzip-cut-short.json.gz', baseGz.subarray(0, Math.floor(baseGz.length * 0.6)), 'gzip cut at 60% of its bytes', 'partial', '`gzip-truncated`, `truncated` (byteOffset, eventIndex)');
add('gzip-no-trailer.json.gz', baseGz.subarray(0, baseGz.length - 8), 'gzip missing its 8-byte CRC/size trailer', 'partial', '`gzip-truncated`; every event loaded');

for (const [where, at] of Object.entries(cuts)) {
  const text = base.slice(0, at);
  add(`cut-${where}.json`, text, `the trace cut ${where.replace('-', ' ')} (byte ${at})`, 'partial', '`truncated` (byteOffset, eventIndex); every event before the cut');
  add(`cut-${where}.json.gz`, gzipSync(text), `the same cut, gzipped (a complete gzip of a cut file)`, 'partial', '`truncated` (byteOffset, eventIndex); every event before the cut');
}
add('cut-before-events.json', base.slice(0, base.indexOf('"traceEvents"') - 3), 'cut in the metadata, before "traceEvents"', 'error', '`/ends at byte \\d+ before any trace events/`');
add('cut-after-bracket.json', base.slice(0, base.indexOf('[') + 1), 'cut right after the opening `[` of traceEvents', 'partial', '`truncated` (byteOffset, eventIndex 0); no events');

add('top-level-string.json', '"traceEvents"', 'a JSON string at the top level', 'error', '`/not a trace format/`');
add('top-level-number.json', '42\n', 'a JSON number at the top level', 'error', '`/not a trace format/`');
add('top-level-null.json', 'null', 'JSON null', 'error', '`/not a trace format/`');
add('no-trace-events.json', '{"schemaVersion": 1, "events": []}', 'an object without "traceEvents"', 'error', '`/no "traceEvents" array/`');
add('trace-events-object.json', '{"traceEvents": {"ph": "X"}}', '"traceEvents" is an object', 'error', '`/"traceEvents" is not an array \\(at byte 16\\)/`');
add('trace-events-string.json', '{"traceEvents": "[]"}', '"traceEvents" is a string', 'error', '`/"traceEvents" is not an array \\(at byte 16\\)/`');
add('trace-events-null.json', '{"traceEvents": null}', '"traceEvents" is null', 'error', '`/"traceEvents" is not an array \\(at byte 16\\)/`');
add('array-of-numbers.json', '[1, 2, 3]', 'a bare array whose items are not events', 'ok', 'no events, no crash');
add('array-of-junk-events.json', '[{"ph":"X","name":"ok","pid":1,"tid":1,"ts":1,"dur":1}, {"ph" "X"}, {"name":}, {"ph":"X","name":"ok2","pid":1,"tid":1,"ts":3,"dur":1}]', 'events that are not valid JSON objects between good ones', 'partial', '`bad-event` (byteOffset, eventIndex 1); 2 events');

add('bad-ts.json', `{"traceEvents":[${[
  '{"ph":"X","name":"good","pid":1,"tid":1,"ts":10,"dur":5}',
  '{"ph":"X","name":"no-ts","pid":1,"tid":1,"dur":5}',
  '{"ph":"X","name":"nan-ts","pid":1,"tid":1,"ts":NaN,"dur":5}',
  '{"ph":"X","name":"string-ts","pid":1,"tid":1,"ts":"soon","dur":5}',
  '{"ph":"X","name":"huge-ts","pid":1,"tid":1,"ts":1e300,"dur":5}',
  '{"ph":"X","name":"inf-ts","pid":1,"tid":1,"ts":Infinity,"dur":5}',
  '{"ph":"X","name":"null-ts","pid":1,"tid":1,"ts":null,"dur":5}',
  '{"ph":"X","name":"negative-ts","pid":1,"tid":1,"ts":-20,"dur":5}',
  '{"ph":"X","name":"quoted-ts","pid":1,"tid":1,"ts":"30.5","dur":5}',
].join(',')}]}`, 'missing / NaN / string / 1e300 / Infinity / null ts (negative and quoted-number ts are valid times)', 'partial', '`bad-ts` (byteOffset, eventIndex 1); 3 events');
add('bad-dur.json', `{"traceEvents":[${[
  '{"ph":"X","name":"good","pid":1,"tid":1,"ts":10,"dur":5}',
  '{"ph":"X","name":"no-dur","pid":1,"tid":1,"ts":20}',
  '{"ph":"X","name":"nan-dur","pid":1,"tid":1,"ts":30,"dur":NaN}',
  '{"ph":"X","name":"negative-dur","pid":1,"tid":1,"ts":40,"dur":-5}',
  '{"ph":"X","name":"string-dur","pid":1,"tid":1,"ts":50,"dur":"long"}',
  '{"ph":"X","name":"huge-dur","pid":1,"tid":1,"ts":60,"dur":1e300}',
].join(',')}]}`, 'missing / NaN / negative / string / 1e300 dur', 'partial', '`bad-dur` (byteOffset, eventIndex 1); 6 events, the bad ones zero-length');
add('unmatched-begin-end.json', events([
  { ph: 'E', pid: 1, tid: 1, ts: 1 },
  { ph: 'B', name: 'outer', pid: 1, tid: 1, ts: 2 },
  { ph: 'B', name: 'inner', pid: 1, tid: 1, ts: 3 },
  { ph: 'E', pid: 1, tid: 1, ts: 4 },
  { ph: 'X', name: 'last', pid: 1, tid: 1, ts: 9, dur: 1 },
  { ph: 'E', pid: 1, tid: 2, ts: 5 },
]), 'E without B (twice) and a B without E', 'partial', '`unmatched-end` (byteOffset, eventIndex 0), `unclosed-begin`; 3 events');
add('flows-without-partner.json', events([
  x('a', 1, 5), x('b', 10, 5), x('c', 20, 5),
  { ph: 's', cat: 'ac2g', name: 'ac2g', id: 1, pid: 1, tid: 1, ts: 2 },
  { ph: 'f', bp: 'e', cat: 'ac2g', name: 'ac2g', id: 2, pid: 1, tid: 1, ts: 21 },
  { ph: 't', cat: 'ac2g', name: 'ac2g', id: 3, pid: 1, tid: 1, ts: 11 },
  { ph: 'f', bp: 'e', cat: 'ac2g', name: 'ac2g', id: 4, pid: 9, tid: 9, ts: 500 },
]), 's without f, f without s, a lone t, an f with no slice to bind to', 'ok', 'no warnings; 3 events, 0 complete flows');
add('duplicate-ids.json', events([
  x('dup', 1, 5), x('dup', 1, 5), x('dup', 1, 5),
  { ph: 's', cat: 'ac2g', name: 'ac2g', id: 7, pid: 1, tid: 1, ts: 1 },
  { ph: 's', cat: 'ac2g', name: 'ac2g', id: 7, pid: 1, tid: 1, ts: 2 },
  { ph: 'f', bp: 'e', cat: 'ac2g', name: 'ac2g', id: 7, pid: 1, tid: 1, ts: 3 },
  { ph: 'f', bp: 'e', cat: 'ac2g', name: 'ac2g', id: 7, pid: 1, tid: 1, ts: 4 },
  { ph: 'b', cat: 'req', name: 'r', id: '0x1', pid: 1, tid: 1, ts: 1 },
  { ph: 'b', cat: 'req', name: 'r', id: '0x1', pid: 1, tid: 1, ts: 2 },
  { ph: 'e', cat: 'req', name: 'r', id: '0x1', pid: 1, tid: 1, ts: 3 },
  { ph: 'e', cat: 'req', name: 'r', id: '0x1', pid: 1, tid: 1, ts: 4 },
]), 'identical events, flow ids and async ids used twice', 'ok', 'no warnings; 5 events with distinct keys');

const deep = `${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}`;
const deepList = `${'['.repeat(10000)}${']'.repeat(10000)}`;
add('deep-args.json', `{"traceEvents":[{"ph":"X","name":"deep","pid":1,"tid":1,"ts":1,"dur":2,"args":${deep}},{"ph":"X","name":"deep-list","pid":1,"tid":1,"ts":4,"dur":2,"args":{"v":${deepList}}},{"ph":"M","name":"thread_name","pid":1,"tid":1,"args":${deep}},{"ph":"X","name":"after","pid":1,"tid":1,"ts":8,"dur":1}]}`, 'args nested 10 000 deep (objects and arrays), also in a metadata event', 'ok', 'no warnings; 3 events, args kept as text');
add('deep-top-level.json', `{"deep":${deep},"traceEvents":[{"ph":"X","name":"after","pid":1,"tid":1,"ts":8,"dur":1}]}`, 'a top-level metadata value nested 10 000 deep', 'ok', 'no warnings; 1 event');

add('hostile-names.json', events([
  { ph: 'M', name: 'process_name', pid: 1, tid: 0, args: { name: `proc ${hostile}` } },
  { ph: 'M', name: 'thread_name', pid: 1, tid: 1, args: { name: `thread ${hostile}` } },
  { ph: 'X', cat: `cat ${hostile}`, name: `name ${hostile}`, pid: 1, tid: 1, ts: 1, dur: 50, args: { [`key ${hostile}`]: `value ${hostile}` } },
  { ph: 'X', cat: 'kernel', name: `kernel ${hostile}`, pid: 0, tid: 7, ts: 10, dur: 20, args: { html: '<b>bold</b>&amp;' } },
  { ph: 'i', s: 't', name: `instant ${hostile}`, pid: 1, tid: 1, ts: 60 },
]), 'HTML, <script>, <img onerror> and <svg onload> in names, categories, args, process and thread names', 'ok', 'no warnings; names kept verbatim as text');
add('unicode-names.json', events([
  x('مرحبا بالعالم ‏RTL‮ override', 1, 5),
  x('emoji 🔥🚀👩‍👩‍👧 ok', 10, 5),
  x('combining é ñ ﬁ 𝔘𝔫𝔦', 20, 5),
  x('lone surrogate \ud800 here', 30, 5),
  x('zero width\u200b\u200d and nul \u0000 char', 40, 5),
]), 'RTL text and overrides, emoji ZWJ sequences, combining marks, a lone surrogate escape, NUL', 'ok', 'no warnings; 5 events, names round-trip');
const invalidUtf8 = Buffer.concat([
  Buffer.from('{"traceEvents":[{"ph":"X","name":"bad \xff\xfe bytes","pid":1,"tid":1,"ts":1,"dur":1},', 'latin1'),
  Buffer.from('{"ph":"X","name":"cut ', 'latin1'), Buffer.from([0xe2, 0x82]), Buffer.from(' seq","pid":1,"tid":1,"ts":2,"dur":1},', 'latin1'),
  Buffer.from('{"ph":"X","name":"overlong ', 'latin1'), Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]), Buffer.from('","pid":1,"tid":1,"ts":3,"dur":1,"args":{"k\xff":"v\x80"}},', 'latin1'),
  Buffer.from('{"ph":"X","name":"bad escape \\uZZZZ \\q","pid":1,"tid":1,"ts":4,"dur":1},', 'latin1'),
  Buffer.from('{"ph":"X","name":"fine","pid":1,"tid":1,"ts":5,"dur":1}]}', 'latin1'),
]);
add('invalid-utf8.json', invalidUtf8, 'invalid UTF-8 (0xFF, cut sequences, overlong, encoded surrogates) and invalid escapes (\\uZZZZ, \\q)', 'ok', 'no warnings; 5 events, bad bytes shown as U+FFFD, bad escapes as written');
add('bom-and-crlf.json', `\ufeff{\r\n"traceEvents":[\r\n${JSON.stringify(x('a', 1, 1))}\r\n]\r\n}\r\n`, 'UTF-8 BOM and CRLF line ends', 'ok', 'no warnings; 1 event');

// ---------------------------------------------------------------------------

mkdirSync(OUT, { recursive: true });
for (const f of readdirSync(OUT)) if (f !== 'EXPECTED.md') rmSync(join(OUT, f));
for (const c of cases) writeFileSync(join(OUT, c.file), c.bytes);

const row = (c) => `| \`${c.file}\` | ${c.what.replace(/\|/g, '\\|')} | ${c.outcome} | ${c.expect} |`;
writeFileSync(
  join(OUT, 'EXPECTED.md'),
  `# Bad-input corpus: expected outcomes

Written by \`scripts/make-bad-fixtures.mjs\` (do not edit by hand; rerun it). \`test/workers/badInput.test.ts\`
loads every file through \`loadTrace\` and checks this table:

- **error**: loading rejects with a message matching the pattern; where the problem has a place the message
  gives the byte offset and the error carries \`byteOffset\` (the UI prefixes the file name when the
  message does not already name it).
- **partial**: the trace loads; \`result.warnings\` has each listed code, with \`byteOffset\`/\`eventIndex\`
  where the row says so, and everything before the problem is kept.
- **ok**: the trace loads with no warnings (unusual but valid input).

Generated at test time (too big to commit), in \`test/support/badInput.ts\`:

| case | outcome |
| --- | --- |
| one event whose name is a 100 MB string | ok: the name is cut to 4 096 characters (\`long-name\` warning), the args and later events kept |
| 100 000 distinct tids, one slice each | ok: 100 000 lanes |
| a ~300 MB (default) or 3 GB (\`TRACELANE_BIG=1\`) Kineto-like stream, never held in memory | ok: every event counted |

| file | what it is | outcome | expected |
| --- | --- | --- | --- |
${cases.map(row).join('\n')}
`,
);
console.log(`wrote ${cases.length} files and EXPECTED.md to ${OUT}`);
