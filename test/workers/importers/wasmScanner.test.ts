// The WebAssembly scanner against the JS scanner it replaces: on every Chrome-JSON trace
// in ../shared/corpus and ../shared/external (a missing folder fails), and on damaged
// copies, both give the same raw columns, names, flows, metadata, warnings (byte
// offsets included) or the same error; and the wasm path read every complete event.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ChromeTraceJsonImporter } from '../../../workers/importers/chromeTraceJson';
import { useJsScanner } from '../../../workers/importers/wasmScanner';
import { RawTrace } from '../../../workers/ingest/rawTrace';
import { CORPUS, EXTERNAL } from '../../support/corpus';

const CHUNK = 64 << 10;

/** Every file of the folders that holds Chrome trace JSON (by content: `{`/`[` first, no speedscope $schema). */
function chromeJsonFiles(): string[] {
  const dirs = [CORPUS, ...['chrome-trace', 'kineto', 'kineto-hta-sampled-2ranks', 'edge-cases'].map((d) => join(EXTERNAL, d))];
  const out: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) throw new Error(`missing trace folder ${dir}`);
    for (const f of readdirSync(dir).sort()) {
      const path = join(dir, f);
      if (!statSync(path).isFile() || f.endsWith('.md')) continue;
      const head = bytesOf(path).subarray(0, 4096);
      const text = new TextDecoder().decode(head).replace(/^\uFEFF/, '').trimStart();
      if ((text[0] === '{' || text[0] === '[') && !text.includes('"$schema"')) out.push(path);
    }
  }
  return out;
}

const cache = new Map<string, Uint8Array>();
function bytesOf(path: string): Uint8Array {
  let b = cache.get(path);
  if (!b) {
    const raw = readFileSync(path);
    b = new Uint8Array(path.endsWith('.gz') || (raw[0] === 0x1f && raw[1] === 0x8b) ? gunzipSync(raw) : raw);
    cache.set(path, b);
  }
  return b;
}

interface Parsed {
  error: string | null;
  raw: RawTrace;
  stats: ChromeTraceJsonImporter['scanStats'];
}

/** `fileArgs`: args kept as offsets into the file, as for a plain File in the browser (argsSource.ts). */
function parse(bytes: Uint8Array, js: boolean, chunk = CHUNK, fileArgs = false): Parsed {
  useJsScanner(js);
  const raw = new RawTrace();
  if (fileArgs) raw.argsSource = { read: (at, len) => bytes.subarray(at, at + len) };
  const importer = new ChromeTraceJsonImporter(raw);
  let error: string | null = null;
  try {
    for (let at = 0; at < bytes.length; at += chunk) importer.push(bytes.subarray(at, at + chunk));
    importer.finish();
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  return { error, raw, stats: importer.scanStats };
}

/** A digest of a column's values (the two parses must agree to the bit). */
function digest(data: ArrayBufferView, length: number, bytesPer: number): string {
  return createHash('sha1').update(new Uint8Array(data.buffer, data.byteOffset, length * bytesPer)).digest('hex');
}

function columnDigest(c: { data: ArrayLike<number> & ArrayBufferView & { BYTES_PER_ELEMENT: number }; length: number }): string {
  return digest(c.data, c.length, c.data.BYTES_PER_ELEMENT);
}

const textDigest = (parts: Iterable<string | null>) => {
  const h = createHash('sha1');
  for (const p of parts) h.update(p === null ? '\u0001' : `${p}\u0000`);
  return h.digest('hex');
};

/** Everything the importer leaves for the lanes and the index, as plain values (big ones as digests). */
function snapshot({ raw, error }: Parsed) {
  return {
    error,
    count: raw.count,
    columns: Object.fromEntries((['kind', 'flags', 'start', 'dur', 'pid', 'tid', 'cat', 'name', 'argsOff', 'argsLen'] as const).map((k) => [k, columnDigest(raw[k])])),
    strings: textDigest(raw.strings.values),
    flows: Object.fromEntries(Object.entries(raw.flows).map(([k, c]) => [k, columnDigest(c)])),
    flowKeys: textDigest(raw.flowKeys.values),
    warnings: raw.warnings,
    metadata: raw.metadata,
    phases: raw.phases,
    names: [...raw.processNames, ...raw.threadNames, ...raw.processLabels],
    sort: [...raw.processSort, ...raw.threadSort],
    originUs: raw.originUs,
    baseNs: String(raw.baseNs),
    args: textDigest(Array.from({ length: raw.count }, (_, k) => raw.argsText(raw.argsOff.data[k], raw.argsLen.data[k]))),
  };
}

afterEach(() => useJsScanner(false));

describe('the WebAssembly scanner reads exactly what the JS scanner reads', () => {
  const files = chromeJsonFiles();
  it('finds the Chrome-JSON traces', () => {
    expect(files.length).toBeGreaterThan(40);
  });
  for (const path of files) {
    const label = path.slice(path.lastIndexOf('/shared/') + 8);
    it(label, () => {
      const bytes = bytesOf(path);
      const wasm = parse(bytes, false);
      const js = parse(bytes, true);
      expect(js.stats.scanner).toBe('js');
      expect(wasm.stats.scanner).toBe('wasm');
      expect(snapshot(wasm)).toEqual(snapshot(js));
      // Every event the JS fast path would read in place, the wasm scanner read.
      expect(wasm.stats.jsFastEvents).toBe(0);
      if (js.stats.jsFastEvents > 0) expect(wasm.stats.wasmBytes).toBeGreaterThan(0);
    });
  }
});

/**
 * Events the scanner's records can put straight into the columns (plainEvent), from the
 * JSON itself: X with a dur ≥ 0 and no flow binding, or i / I / R; a numeric ts; pid, tid,
 * cat and name present.
 */
function plainEventCount(bytes: Uint8Array): number {
  const doc = JSON.parse(new TextDecoder().decode(bytes)) as { traceEvents: Record<string, unknown>[] } | Record<string, unknown>[];
  const events = Array.isArray(doc) ? doc : doc.traceEvents;
  return events.filter((e) => {
    const kindOk = e.ph === 'X' ? typeof e.dur === 'number' && e.dur >= 0 && e.bind_id === undefined : e.ph === 'i' || e.ph === 'I' || e.ph === 'R';
    return kindOk && typeof e.ts === 'number' && ['pid', 'tid', 'cat', 'name'].every((k) => e[k] !== undefined);
  }).length;
}

describe('args kept as file offsets; events straight from the records', () => {
  for (const name of readdirSync(CORPUS).filter((f) => /\.json(\.gz)?$/.test(f)).sort()) {
    it(name, () => {
      const bytes = bytesOf(join(CORPUS, name));
      // One chunk: every event is read by the WebAssembly scanner (none is cut by a chunk end).
      const wasm = parse(bytes, false, bytes.length, true);
      const js = parse(bytes, true, bytes.length, true);
      expect(snapshot(wasm)).toEqual(snapshot(js));
      const plain = plainEventCount(bytes);
      expect(plain).toBeGreaterThan(0);
      expect(wasm.stats.plainEvents).toBe(plain);
      expect(js.stats.plainEvents).toBe(0);
    });
  }
});

describe('metadata repeats', () => {
  it('a repeat is skipped only when it repeats the last args of the same name, pid and tid, however pid is written', () => {
    const meta = (pid: string, name: string) => `{"ph":"M","name":"process_name","pid":${pid},"tid":0,"args":{"name":"${name}"}}`;
    const events = [meta('1', 'A'), meta('"1"', 'B'), meta('1', 'A'), meta('2', 'C'), meta('2', 'C'), '{"ph":"X","name":"x","pid":1,"tid":0,"ts":1,"dur":1}'];
    const bytes = new TextEncoder().encode(`{"traceEvents":[${events.join(',')}]}`);
    for (const js of [false, true]) {
      const { raw, stats } = parse(bytes, js);
      expect(stats.scanner).toBe(js ? 'js' : 'wasm');
      // Only the second C repeats what was applied last for its name, pid and tid; the WebAssembly
      // path skips it from its record, the JS scanner in metadataEvent (no count).
      expect(stats.metadataRepeats).toBe(js ? 0 : 1);
      expect(raw.phases).toEqual({ M: 5, X: 1 });
      // The last process_name of pid 1 says A (its second A follows a B for "1").
      expect([...raw.processNames]).toEqual([
        ['1', 'A'],
        ['2', 'C'],
      ]);
    }
  });
});

describe('the WebAssembly scanner on damaged input', () => {
  const base = bytesOf(join(CORPUS, 'two_rank_stall_rank0.json.gz'));
  const enc = new TextEncoder();
  const cases: [string, Uint8Array][] = [];
  for (const at of [1, 999, 12_345, 100_001, Math.floor(base.length / 2), base.length - 3]) cases.push([`cut at byte ${at}`, base.subarray(0, at)]);
  for (const at of [5_000, 77_777, 300_000]) {
    const b = base.slice();
    b[at] = 0xff;
    b[at + 1] = 0xc0;
    cases.push([`bad UTF-8 at byte ${at}`, b]);
  }
  for (const at of [20_000, 250_000]) {
    const b = base.slice();
    b[at] = 0x7b; // a stray '{'
    cases.push([`stray brace at byte ${at}`, b]);
  }
  const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
  const events = [
    `{"ph":"X","name":"a\\"b\\\\c","pid":1,"tid":1,"ts":1,"dur":2,"args":{"deep":${deep},"s":"x\\\\\\"y\\\\","u":"\u00e9\u4e2d"}}`,
    '{"ph":"B","name":"outer","pid":1,"tid":1,"ts":3}',
    '{"ph":"E","pid":1,"tid":1,"ts":9}',
    '{"ph":"X","n\\u0061me":"escaped key","name":"k","pid":1,"tid":1,"ts":4,"dur":1,"scope":"g","bind_id":7,"flow_in":true,"flow_out":false,"s":"t"}',
    ' 17 ',
    '{"ph":"X","name":"after a number in the list","pid":1,"tid":1,"ts":5,"dur":1}',
  ];
  cases.push(['deep args, escapes, a nameless E, a number among the events', enc.encode(`{"traceEvents":[${events.join(',\n')}]}`)]);
  for (const [name, bytes] of cases) {
    it(name, () => {
      for (const chunk of [CHUNK, 4099, 1 << 20]) expect(snapshot(parse(bytes, false, chunk)), `chunks of ${chunk}`).toEqual(snapshot(parse(bytes, true, chunk)));
    });
  }
});
