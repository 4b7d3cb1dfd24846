// Property-based fuzzing of the ingest (issue 9): real corpus traces, damaged by
// byte flips, truncation, chunk swaps, duplicated ranges, deleted brackets and
// inserted JSON tokens (plain or re-gzipped, sometimes with the gzip bytes damaged
// too), loaded in a worker thread with a 10 s watchdog. Properties: no crash, no
// hang, only worded rejections, and every index that loads is sorted with rows
// that never overlap. FUZZ_RUNS sets the count (CI: 120; `npm run fuzz`: 3000).

import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, loadText } from '../support/corpus';
import { indexProblems } from '../support/indexInvariants';
import { buildIngestWorker, IngestRunner, isGracefulRejection, type RunOutcome } from './ingestFuzz';
import { mutate, mutation } from './mutations';

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
/** Small real traces (the big ones would spend the budget on parsing, not on variety). */
const TRACES = ['two_rank_stall_rank0.json.gz', 'two_rank_stall_rank1.json.gz', 'llm_decode_small.json.gz', 'strace_model_load.txt.gz'];
const plain = new Map(TRACES.map((t) => [t, new Uint8Array(gunzipSync(readFileSync(join(CORPUS, t))))]));

let runner: IngestRunner;
let bundle = '';
const counts = { runs: 0, loaded: 0, partial: 0, rejected: 0, crashed: 0, hung: 0, brokenIndex: 0 };
const failures: string[] = [];
/** Rejection messages (numbers blanked), counted: shows what the mutations mostly hit. */
const reasons = new Map<string, number>();

beforeAll(async () => {
  bundle = await buildIngestWorker();
  runner = new IngestRunner(bundle, 10_000);
});
afterAll(async () => {
  await runner?.close();
  if (bundle) rmSync(dirname(bundle), { recursive: true, force: true });
  console.log(`fuzz: ${JSON.stringify(counts)}\nrejections: ${JSON.stringify(Object.fromEntries(reasons))}${failures.length ? `\nfirst failures:\n${failures.slice(0, 5).join('\n')}` : ''}`);
});

function verdict(o: RunOutcome): string | null {
  switch (o.outcome) {
    case 'loaded':
      return o.problems.length ? `broken index: ${o.problems.slice(0, 3).join('; ')}` : null;
    case 'rejected':
      return isGracefulRejection(o) ? null : `ungraceful ${o.errorName}: ${o.message}\n${o.stack.split('\n').slice(0, 4).join('\n')}`;
    case 'crashed':
      return `worker crashed: ${o.message}`;
    case 'hung':
      return 'hung for more than 10 s';
  }
}

describe('ingest fuzzing', () => {
  it(`survives ${RUNS} damaged corpus traces`, async () => {
    const input = fc.record({
      trace: fc.constantFrom(...TRACES),
      mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
      gzip: fc.boolean(),
      gzipDamage: fc.option(mutation, { freq: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(input, async ({ trace, mutations, gzip, gzipDamage }) => {
        let bytes: Uint8Array = plain.get(trace)!;
        for (const m of mutations) bytes = mutate(bytes, m);
        let name = trace.replace(/\.gz$/, '');
        if (gzip) {
          bytes = new Uint8Array(gzipSync(bytes, { level: 1 }));
          if (gzipDamage) bytes = mutate(bytes, gzipDamage);
          name += '.gz';
        }
        const o = await runner.run(name, bytes);
        counts.runs++;
        if (o.outcome === 'loaded') counts[o.warnings.length ? 'partial' : 'loaded']++;
        else if (o.outcome === 'rejected') {
          counts.rejected++;
          const why = o.message.replace(/[\d,]+/g, 'N').replace(/^.*?(is|needs|ends|has|looks) /, '$1 ').slice(0, 60);
          reasons.set(why, (reasons.get(why) ?? 0) + 1);
        }
        else counts[o.outcome]++;
        const problem = verdict(o);
        if (problem) {
          if (o.outcome === 'loaded') counts.brokenIndex++;
          failures.push(`${trace} ${JSON.stringify({ mutations, gzip, gzipDamage })}: ${problem}`);
        }
        expect(problem).toBeNull();
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: RUNS > 500 ? false : true },
    );
  }, Math.max(60_000, RUNS * 1_000));
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
