// Property-based fuzzing of the ingest (issues 9 and 14): real traces for every importer
// (Chrome JSON, strace, speedscope, collapsed stacks, nsys SQLite) from ../shared/corpus
// and every folder of ../shared/external, damaged by byte flips, cuts, chunk swaps,
// duplicated ranges, deleted brackets, inserted tokens, invalid UTF-8 and deep nesting
// (plain or re-gzipped, sometimes with the gzip bytes damaged too); JSON traces also value
// by value (still JSON), nsys exports row by row with sql.js. Each is loaded in a worker thread with a 10 s
// watchdog. Properties: no crash, no hang, only worded rejections, and every index that
// loads is sorted with rows that never overlap; a rejection is one of the ingest's own
// errors and says where (byte, line, position) unless the fault is the whole file's.
// FUZZ_RUNS scales the runs per importer (SHARE; CI: 40; `npm run fuzz`: 3000), FUZZ_SEED replays.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadText } from '../support/corpus';
import { indexProblems } from '../support/indexInvariants';
import { buildIngestWorker, IngestRunner, isGracefulRejection, type RunOutcome } from './ingestFuzz';
import { mutate, mutation, type Mutation } from './mutations';
import { EXTERNAL_FOLDERS, IMPORTERS, loadSeeds, type Importer, type Seed } from './seeds';
import { jsonMutation, mutateJsonText } from './jsonMutations';
import { mutateExport, sqlMutation } from './sqliteMutations';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
/** Runs per importer, in RUNS: Chrome JSON has the most seeds and code; an nsys run costs ten of the others (sql.js twice). */
const SHARE: Record<Importer, number> = { chrome: 2, strace: 1, speedscope: 1, collapsed: 1, nsys: 0.5 };
const runsOf = (imp: Importer) => Math.max(1, Math.round(RUNS * SHARE[imp]));
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
/** Seeds up to this size once decompressed: bigger ones spend the budget on parsing, not on variety. */
const SEEDS = loadSeeds(4_500_000);

let runner: IngestRunner;
let bundle = '';
let SQL: SqlJsStatic;
const counts: Record<string, Record<string, number>> = {};
const failures: string[] = [];
/** Rejection messages (numbers blanked), counted: shows what the mutations mostly hit. */
const reasons = new Map<string, number>();

beforeAll(async () => {
  [bundle, SQL] = await Promise.all([buildIngestWorker(), initSqlJs()]);
  runner = new IngestRunner(bundle, 10_000);
});
afterAll(async () => {
  await runner?.close();
  if (bundle) rmSync(dirname(bundle), { recursive: true, force: true });
  console.log(`fuzz: ${JSON.stringify(counts)}\nrejections: ${JSON.stringify(Object.fromEntries(reasons))}${failures.length ? `\nfirst failures:\n${failures.slice(0, 5).join('\n')}` : ''}`);
});

/** A rejection says where the damage is: a byte offset, a line, a JSON position… */
const LOCATED = /\b(?:byte|line|position|offset)s? [\d,]+|#[\d,]+/i;
/** …or names a fault of the whole file, which has no place. */
const WHOLE_FILE = /is empty|could not be decompressed|is damaged|is not an Nsight Systems export|has no (?:"traceEvents"|samples|syscall lines|kernels)|is larger than/;

function verdict(o: RunOutcome): string | null {
  switch (o.outcome) {
    case 'loaded':
      return o.problems.length ? `broken index: ${o.problems.slice(0, 3).join('; ')}` : null;
    case 'rejected':
      if (!isGracefulRejection(o)) return `ungraceful ${o.errorName}: ${o.message}\n${o.stack.split('\n').slice(0, 4).join('\n')}`;
      return o.byteOffset !== undefined || LOCATED.test(o.message) || WHOLE_FILE.test(o.message) ? null : `rejected without saying where: ${o.message}`;
    case 'crashed':
      return `worker crashed: ${o.message}`;
    case 'hung':
      return 'hung for more than 10 s';
  }
}

/** Loads the damaged bytes and records the outcome; the returned problem fails the property. */
async function check(importer: Importer, seed: Seed, bytes: Uint8Array, name: string, what: unknown): Promise<string | null> {
  const o = await runner.run(name, bytes);
  const c = (counts[importer] ??= { runs: 0, loaded: 0, partial: 0, rejected: 0, crashed: 0, hung: 0, brokenIndex: 0 });
  c.runs++;
  if (o.outcome === 'loaded') c[o.warnings.length ? 'partial' : 'loaded']++;
  else if (o.outcome === 'rejected') {
    c.rejected++;
    const why = `${importer}: ${o.message.replace(/[\d,]+/g, 'N').replace(/^.*?(is|needs|ends|has|looks) /, '$1 ').slice(0, 60)}`;
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  } else c[o.outcome]++;
  const problem = verdict(o);
  if (problem) {
    if (o.outcome === 'loaded') c.brokenIndex++;
    failures.push(`${seed.origin} ${JSON.stringify(what)}: ${problem}`);
  }
  return problem;
}

const byImporter = (imp: Importer) => SEEDS.filter((s) => s.importer === imp);

/** `arb` in one case of `every`, else null (fc.option's freq is the other way round: one null in freq). */
const sometimes = <T>(arb: fc.Arbitrary<T>, every: number) => fc.oneof({ weight: every - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

/**
 * Byte damage, then maybe gzip (and, in one case of four, damage to the gzip bytes: more
 * would mostly test gunzip). Not deep nesting in gzip bytes: a long repeated run there
 * inflates to hundreds of MB (a 2 MB run gave 415 MB), which tests throughput, not hangs.
 */
const damage = fc.record({
  mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
  gzip: fc.boolean(),
  gzipDamage: sometimes(
    mutation.filter((m) => m.kind !== 'nest'),
    4,
  ),
});

function damaged(bytes: Uint8Array, name: string, d: { mutations: Mutation[]; gzip: boolean; gzipDamage: Mutation | null }): { bytes: Uint8Array; name: string } {
  for (const m of d.mutations) bytes = mutate(bytes, m);
  if (d.gzip) {
    bytes = new Uint8Array(gzipSync(bytes, { level: 1 }));
    if (d.gzipDamage) bytes = mutate(bytes, d.gzipDamage);
    name += '.gz';
  }
  return { bytes, name };
}

const timeout = Math.max(60_000, RUNS * 3_000);
const options = (runs: number) => ({ numRuns: runs, seed: SEED, endOnFailure: runs > 500 ? false : true });

const JSON_IMPORTERS = new Set<Importer>(['chrome', 'speedscope']);
const utf8 = new TextDecoder();
const enc = new TextEncoder();

describe('ingest fuzzing', () => {
  for (const importer of IMPORTERS.filter((i) => i !== 'nsys')) {
    it(`survives ${runsOf(importer)} damaged ${importer} files`, async () => {
      const seeds = byImporter(importer);
      // JSON formats: in half the cases the values are damaged first, keeping the file JSON.
      const json = JSON_IMPORTERS.has(importer) ? sometimes(fc.array(jsonMutation, { minLength: 1, maxLength: 4 }), 2) : fc.constant(null);
      const bytesToo = sometimes(damage, 3);
      // Seeds by index: a counterexample then prints a number, not megabytes.
      await fc.assert(
        fc.asyncProperty(fc.nat(seeds.length - 1), damage, json, bytesToo, async (k, d, values, after) => {
          const seed = seeds[k];
          const text = values && mutateJsonText(utf8.decode(seed.bytes), values);
          // Value damage, then byte damage in one case of three; else byte damage.
          const { bytes, name } = text === null ? damaged(seed.bytes, seed.name, d) : after ? damaged(enc.encode(text), seed.name, after) : { bytes: enc.encode(text), name: seed.name };
          expect(await check(importer, seed, bytes, name, values ? { values, bytes: after } : d)).toBeNull();
        }),
        options(runsOf(importer)),
      );
    }, timeout);
  }

  it(`survives ${runsOf('nsys')} nsys SQLite exports damaged row by row`, async () => {
    const seeds = byImporter('nsys');
    // Byte damage on top in one case of five: most runs should reach the importer's reading of rows.
    const input = fc.record({ sql: fc.array(sqlMutation, { minLength: 1, maxLength: 4 }), bytes: sometimes(damage, 5) });
    await fc.assert(
      fc.asyncProperty(fc.nat(seeds.length - 1), input, async (k, d) => {
        const seed = seeds[k];
        let bytes = mutateExport(SQL, seed.bytes, d.sql);
        let name = seed.name;
        if (d.bytes) ({ bytes, name } = damaged(bytes, name, d.bytes));
        expect(await check('nsys', seed, bytes, name, d)).toBeNull();
      }),
      options(runsOf('nsys')),
    );
  }, timeout);
});

describe('the fuzz seeds', () => {
  it('come from the corpus and every folder of ../shared/external, for every importer', () => {
    const folders = new Set(SEEDS.map((s) => s.origin.split('/').slice(0, -1).join('/')));
    expect([...folders].sort()).toEqual(['corpus', ...Object.keys(EXTERNAL_FOLDERS).map((f) => `external/${f}`)].sort());
    expect(new Set(SEEDS.map((s) => s.importer))).toEqual(new Set(IMPORTERS));
  });

  it('fail the run when a folder is missing, never skip it', () => {
    const root = mkdtempSync(join(tmpdir(), 'tracelane-seeds-'));
    try {
      mkdirSync(join(root, 'corpus'));
      expect(() => loadSeeds(1, { corpus: join(root, 'corpus'), external: join(root, 'external') })).toThrow(/corpus is empty/);
      expect(() => loadSeeds(1, { corpus: join(root, 'nowhere'), external: join(root, 'external') })).toThrow(/nowhere is missing/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the fuzz harness can fail', () => {
  const worker = (code: string) => new URL(`data:text/javascript,${encodeURIComponent(code)}`);
  it('reports a worker that throws asynchronously as crashed, one that spins as hung', async () => {
    const crashing = new IngestRunner(worker(`import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => setTimeout(() => { throw new TypeError('boom'); }));`), 2_000);
    expect(await crashing.run('x.json', new Uint8Array(1))).toMatchObject({ outcome: 'crashed', message: expect.stringContaining('boom') });
    await crashing.close();
    const spinning = new IngestRunner(worker(`import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => { for (;;); });`), 300);
    expect(await spinning.run('x.json', new Uint8Array(1))).toEqual({ id: 1, outcome: 'hung' });
    await spinning.close();
  });

  it('fails a rejection that is not the ingest\'s own, or does not say where', () => {
    const rejected = (errorName: string, message: string, byteOffset?: number): RunOutcome => ({ id: 1, outcome: 'rejected', errorName, message, stack: '', byteOffset });
    expect(verdict(rejected('TypeError', 'x is undefined at line 3'))).toMatch(/^ungraceful TypeError/);
    expect(verdict(rejected('TraceFormatError', 'The file is bad.'))).toBe('rejected without saying where: The file is bad.');
    expect(verdict(rejected('TraceFormatError', 'The file is bad.', 120))).toBeNull();
    expect(verdict(rejected('TraceFormatError', 'The speedscope file is not valid JSON at line 3 (…)'))).toBeNull();
    expect(verdict(rejected('TraceFormatError', 'The collapsed-stacks file has no samples.'))).toBeNull();
  });

  it('sees overlapping rows and unsorted starts in an index', async () => {
    const index = await loadText(JSON.stringify([{ ph: 'X', name: 'a', pid: 1, tid: 1, ts: 1, dur: 5 }, { ph: 'X', name: 'b', pid: 1, tid: 1, ts: 10, dur: 5 }]));
    expect(indexProblems(index)).toEqual([]);
    const lane = [...index.lanes.values()][0];
    lane.dur[0] = 20_000; // a (0..20 µs) now overlaps b (9 µs) on row 0
    expect(indexProblems(index)).toEqual([`${lane.info.id}: row 0 overlaps at event 1`]);
    lane.start[1] = -1; // and b starts before a
    expect(indexProblems(index)).toContain(`${lane.info.id}: not sorted by start at 1`);
  });
});
