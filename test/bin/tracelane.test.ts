// Issue 24: `npm run index` (bin/tracelane.mjs, built here as `npm run build` builds it) on real
// traces: what it writes, what it skips, how it fails; and an interrupted write.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, openAsBlob, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { CORPUS, corpusText } from '../support/corpus';
import { loadTrace } from '../../workers/ingest/loadTrace';
import { writeIndexFolder } from '../../workers/indexFolder/writeIndex';
import { openIndexFolder, prefetchLanes, readManifest } from '../../workers/indexFolder/openIndex';
import { dirFiles, dirSink } from '../../bin/src/dirFolder';
import { openTraceFile } from '../../bin/src/nodeFile';
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { INDEX_FORMAT_VERSION, MANIFEST_FILE } from '../../workers/indexFolder/format';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/tracelane.mjs');
const BAD = join(ROOT, 'test/fixtures/bad');
const out = mkdtempSync(join(tmpdir(), 'tracelane-cli-'));
const run = (...args: string[]) => spawnSync('node', [BIN, ...args], { encoding: 'utf8' });
/** An index folder's files and folders, by path inside it (every file is named by its content's hash). */
const files = (root: string) => readdirSync(root, { recursive: true, encoding: 'utf8' }).sort();
/** An index folder's manifest but its timings. */
const manifest = (root: string) => {
  const m = JSON.parse(readFileSync(join(root, MANIFEST_FILE), 'utf8'));
  delete m.result.parseMs;
  delete m.result.stagesMs;
  return m;
};
/** Whether two index folders hold the same files, byte for byte (the manifest but its timings). */
function expectSameFolder(actual: string, expected: string): void {
  expect(files(actual)).toEqual(files(expected));
  expect(manifest(actual)).toEqual(manifest(expected));
  for (const f of files(expected)) {
    if (f === MANIFEST_FILE || statSync(join(expected, f)).isDirectory()) continue;
    expect(readFileSync(join(actual, f)).equals(readFileSync(join(expected, f))), f).toBe(true);
  }
}

afterAll(() => rmSync(out, { recursive: true, force: true }));
beforeAll(() => {
  execFileSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--logLevel', 'error'], { cwd: ROOT });
});

describe('npm run index (issue 24)', () => {
  it('--help explains the command', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--out DIR');
    expect(run('x.json').status).toBe(2);
  });

  it('indexes a corpus trace once, then skips it while current', () => {
    const trace = join(CORPUS, 'two_rank_stall_rank0.json.gz');
    const first = run(trace, '--out', out, '--chunk-events', '256');
    expect(first.status).toBe(0);
    expect(first.stderr).toContain('done');
    const manifest = JSON.parse(readFileSync(join(out, 'two_rank_stall_rank0.json.gz', MANIFEST_FILE), 'utf8'));
    expect(manifest.complete).toBe(true);
    expect(manifest.version).toBe(INDEX_FORMAT_VERSION);
    // Events placed in lanes, counted from the raw JSON: X and i (Kineto writes no other placed phases here).
    const doc = JSON.parse(corpusText('two_rank_stall_rank0.json.gz')) as { traceEvents: { ph: string }[]; trace_id?: string; baseTimeNanoseconds: number };
    const placed = doc.traceEvents.filter((e) => e.ph === 'X' || e.ph === 'i').length;
    expect(manifest.result.events).toBe(placed);
    const chunked = manifest.lanes.reduce((n: number, l: { chunks: { count: number }[] }) => n + l.chunks.reduce((m, c) => m + c.count, 0), 0);
    const counted = manifest.counters.reduce((n: number, c: { count: number }) => n + c.count, 0);
    expect(chunked + counted).toBe(placed);
    expect(manifest.fingerprint).toBe(doc.trace_id ? `id:${doc.trace_id}@${doc.baseTimeNanoseconds}` : null);
    const again = run(trace, '--out', out);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('is current, skipped');
  });

  it('a plain trace: args read back from the file, files deflated by node:zlib, and the browser code reads them as the trace', async () => {
    // The bundle reads a plain trace's args from the file by offset (bin/src/nodeFile.ts) and deflates with
    // node:zlib (bin/src/nodeRawDeflate.ts); this test opens the index with the browser's modules (fflate).
    const plain = join(mkdtempSync(join(out, 'plain-')), 'train_step.json');
    writeFileSync(plain, corpusText('train_step.json.gz'));
    const r = run(plain, '--out', out, '--chunk-events', '512');
    expect(r.status).toBe(0);
    const index = await openIndexFolder(dirFiles(join(out, 'train_step.json')), { trace: 'train_step' });
    await prefetchLanes(index);
    const direct = await loadTrace({ kind: 'file', file: await openAsBlob(plain), name: 'train_step.json' }, { trace: 'train_step' });
    let withArgs = 0;
    for (const lane of direct.lanes.values()) {
      for (let k = 0; k < lane.start.length; k++) {
        const details = direct.slice(lane.info.id, k);
        expect(index.slice(lane.info.id, k)).toEqual(details);
        if (details && details.args) withArgs++;
      }
    }
    // Kineto writes args on most of a trace's slices: the comparison covered them.
    expect(withArgs).toBeGreaterThan(1000);
  });

  it('a big plain trace, and a .gz as it inflates, give the same index bounded (spilled in blocks) and in memory on one thread or several', () => {
    // llm_decode_large unzipped (98.6 MB) is past the parallel parse's 48 MB: with --in-memory, cut into
    // pieces for fragment worker threads (bin/src/nodeWorkers.ts) with --threads 4, which then also sort,
    // row and tile the lanes (index/parallelLanes.ts, from 4 cores); --in-memory --threads 1 is the reference.
    // The default, bounded writer (indexFolder/boundedIndex.ts) spills blocks of 100 000 events (~4 M at 10 GB):
    // its args stay offsets into the plain file, and its folder is the same, file for file.
    const dir = mkdtempSync(join(out, 'threads-'));
    const plain = join(dir, 'llm_decode_large.json');
    writeFileSync(plain, corpusText('llm_decode_large.json.gz'));
    const one = run(plain, '--out', join(dir, 'one'), '--in-memory', '--threads', '1');
    const two = run(plain, '--out', join(dir, 'two'), '--in-memory', '--threads', '4');
    const bounded = run(plain, '--out', join(dir, 'bounded'), '--block-events', '100000');
    expect(bounded.status, bounded.stderr).toBe(0);
    expect(bounded.stderr).toMatch(/\(\d+ blocks spilled to /);
    // Its args stay in the trace, read back by offset: none kept apart.
    expect(bounded.stderr).not.toContain('bytes of args kept');
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    expect(one.stderr).toContain('parsed on 1 thread and indexed');
    expect(two.stderr).toMatch(/parsed on [234] threads and indexed/);
    // Every file is named by its content's hash: the same names are the same chunks, args, tiles and summaries.
    const oneDir = join(dir, 'one', 'llm_decode_large.json');
    const twoDir = join(dir, 'two', 'llm_decode_large.json');
    expect(files(twoDir)).toEqual(files(oneDir));
    expect(files(oneDir).length).toBeGreaterThan(10);
    expect(manifest(twoDir)).toEqual(manifest(oneDir));
    expectSameFolder(join(dir, 'bounded', 'llm_decode_large.json'), oneDir);
    expect(run(plain, '--out', dir, '--in-memory', '--threads', '0').status).toBe(2);
    expect(run(plain, '--out', dir, '--block-events', '0').status).toBe(2);

    // A .gz is cut into pieces as it inflates (streamPieces.ts), given 4 threads (as on a 4-core machine);
    // bounded, the next test.
    const gz = join(CORPUS, 'llm_decode_large.json.gz');
    const gzOne = run(gz, '--out', join(dir, 'gz-one'), '--in-memory', '--threads', '1');
    const gzFour = run(gz, '--out', join(dir, 'gz-four'), '--in-memory', '--threads', '4');
    expect(gzOne.stderr).toContain('parsed on 1 thread and indexed');
    expect(gzFour.stderr).toMatch(/parsed on [234] threads and indexed/);
    const gzOneDir = join(dir, 'gz-one', 'llm_decode_large.json.gz');
    const gzFourDir = join(dir, 'gz-four', 'llm_decode_large.json.gz');
    expect(files(gzFourDir)).toEqual(files(gzOneDir));
    expect(manifest(gzFourDir)).toEqual(manifest(gzOneDir));
  });

  it('a .gz (single- or multi-member, cut or corrupt) indexed bounded: its args kept in a temporary file, the same folder as in memory, the file gone after', () => {
    const dir = mkdtempSync(join(out, 'gz-'));
    // Three gzip members, each a third of the JSON text (as BGZF and concatenated .gz files are): every one is read.
    const text = Buffer.from(corpusText('train_step.json.gz'));
    const third = Math.ceil(text.length / 3);
    const multi = join(dir, 'train_step-3-members.json.gz');
    writeFileSync(multi, Buffer.concat([0, 1, 2].map((k) => gzipSync(text.subarray(k * third, (k + 1) * third)))));
    // Chrome JSON, and strace (not spilled: its args go to the same file).
    const corpus = readdirSync(CORPUS).filter((f) => f.endsWith('.gz'));
    expect(corpus.length).toBeGreaterThanOrEqual(7);
    const traces = [...corpus.map((f) => join(CORPUS, f)), multi];
    for (const trace of traces) {
      const name = basename(trace);
      const bounded = run(trace, '--out', join(dir, 'bounded'), '--block-events', '20000');
      const inMemory = run(trace, '--out', join(dir, 'in-memory'), '--in-memory', '--threads', '1');
      expect(bounded.status, bounded.stderr).toBe(0);
      expect(inMemory.status, inMemory.stderr).toBe(0);
      // Its args were kept in a file of the run's folder (fewer bytes than node:zlib inflates), gone with it.
      const kept = /, ([\d,]+) bytes of args kept there/.exec(bounded.stderr);
      expect(kept, name).not.toBeNull();
      const keptBytes = Number(kept![1].replace(/,/g, ''));
      expect(keptBytes).toBeGreaterThan(0);
      expect(keptBytes).toBeLessThan(gunzipSync(readFileSync(trace)).length);
      expect(readdirSync(join(dir, 'bounded')).sort()).toEqual([...traces.slice(0, traces.indexOf(trace) + 1).map((t) => basename(t))].sort());
      expectSameFolder(join(dir, 'bounded', name), join(dir, 'in-memory', name));
    }
    expect(manifest(join(dir, 'bounded', basename(multi))).result.events).toBe(manifest(join(dir, 'bounded', 'train_step.json.gz')).result.events);

    // Cut or corrupt: the warnings of the in-memory load (tests/fixtures/bad/EXPECTED.md), the same folder.
    for (const bad of ['gzip-cut-short.json.gz', 'gzip-bad-crc.json.gz', 'gzip-no-trailer.json.gz']) {
      const trace = join(BAD, bad);
      const bounded = run(trace, '--out', join(dir, 'bad-bounded'), '--block-events', '1000');
      const inMemory = run(trace, '--out', join(dir, 'bad-in-memory'), '--in-memory', '--threads', '1');
      expect(bounded.status, bounded.stderr).toBe(0);
      expect(inMemory.status, inMemory.stderr).toBe(0);
      const warnings = manifest(join(dir, 'bad-bounded', bad)).result.warnings as { code: string }[];
      expect(warnings.map((w) => w.code), bad).toContain('gzip-truncated');
      expectSameFolder(join(dir, 'bad-bounded', bad), join(dir, 'bad-in-memory', bad));
    }
    // Nothing inflates: the same message either way, and no temporary folder left (RunFiles: tracelane-runs-…).
    const magic = join(BAD, 'gzip-magic-only.json.gz');
    const failed = [run(magic, '--out', join(dir, 'magic-bounded')), run(magic, '--out', join(dir, 'magic-in-memory'), '--in-memory')];
    for (const r of failed) {
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('tracelane: gzip-magic-only.json.gz: The file looks gzipped but could not be decompressed');
    }
    expect(failed[0].stderr).toBe(failed[1].stderr);
    expect(readdirSync(join(dir, 'magic-bounded')).filter((f) => f.startsWith('tracelane-runs-'))).toEqual([]);
  });

  it('reads a trace file past 4 GiB by its true size and offsets (Node 20 openAsBlob wraps them at 2^32)', async () => {
    // A sparse file: 4.5 GiB long, a few bytes written past 4 GiB, no disk spent on the rest.
    const path = join(out, 'sparse.json');
    const size = 4.5 * 2 ** 30;
    const at = 2 ** 32 + 12345;
    const fd = openSync(path, 'w');
    ftruncateSync(fd, size);
    writeSync(fd, Buffer.from('{"ph": "X"}'), 0, 11, at);
    closeSync(fd);
    const file = openTraceFile(path);
    expect(file.size).toBe(size);
    expect(await file.slice(at, at + 11).text()).toBe('{"ph": "X"}');
    expect(file.slice(at - 3, at + 4).size).toBe(7);
    expect(file.slice(size - 5).size).toBe(5);
    const reader = await file.slice(at - 2, at + 11).stream().getReader().read();
    expect(new TextDecoder().decode(reader.value)).toBe('\0\0{"ph": "X"}');
    rmSync(path);
  });

  it('refuses to write an index where the trace itself lies, and keeps the trace', () => {
    const dir = mkdtempSync(join(out, 'same-'));
    const trace = join(dir, 'two_rank_stall_rank0.json.gz');
    const bytes = readFileSync(join(CORPUS, 'two_rank_stall_rank0.json.gz'));
    writeFileSync(trace, bytes);
    const r = run(trace, '--out', dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('which is the trace itself: choose another --out');
    expect(readFileSync(trace).equals(bytes)).toBe(true);
  });

  it('fails with the browser message on a bad input, and goes on with the others', async () => {
    const bad = join(mkdtempSync(join(out, 'bad-')), 'notes.json');
    writeFileSync(bad, 'hello, this is not a trace');
    const browser = await loadTrace({ kind: 'file', file: await openAsBlob(bad), name: 'notes.json' }, { trace: 'notes' }).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(browser).toContain('not a trace format');
    const r = run(bad, join(CORPUS, 'two_rank_stall_rank1.json.gz'), '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(browser);
    expect(JSON.parse(readFileSync(join(out, 'two_rank_stall_rank1.json.gz', MANIFEST_FILE), 'utf8')).complete).toBe(true);
  });

  it('an interrupted write leaves an index that says it is incomplete', async () => {
    const index = await loadTrace({ kind: 'file', file: await openAsBlob(join(CORPUS, 'train_step.json.gz')), name: 'train_step.json.gz' }, { trace: 'train_step' });
    const dir = join(out, 'cut');
    const disk = dirSink(dir);
    let writes = 0;
    const dying = { ...disk, write: (p: string, b: Uint8Array) => (++writes > 5 ? Promise.reject(new Error('disk full')) : disk.write(p, b)) };
    await expect(writeIndexFolder(index, dying, { input: { name: 'train_step.json.gz', bytes: 0, mtimeMs: null }, chunkEvents: 512 })).rejects.toThrow('disk full');
    await expect(readManifest(dirFiles(dir))).rejects.toThrow(/incomplete/);
  });
});
