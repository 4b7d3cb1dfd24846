// Issue 14: no quadratic corners. For each importer and each shape real traces reach at
// scale, ingest + lanes + index (loadTrace, as every other test loads) at n and at 4n;
// the time may grow at most 6× (4× is linear, a little more n log n; quadratic is 16×).
// n doubles until a load at n takes 250 ms, so 4n takes about a second or more; each
// time is the best of 3 after a warm-up, in a worker thread (a runaway load is stopped,
// not waited for), on a freshly collected heap. The time is CPU time: the wall clock of
// a shared 2-core machine also counts other processes' turns, which made linear shapes
// read 5–8×. Ratios, not absolute times.
//
// `npx vitest run test/complexity -t "quadratic before"` runs the two Chrome shapes that
// issue 14's row assignment and begin/end matching fixes made linear.

import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIngestWorker, IngestRunner } from '../fuzz/ingestFuzz';
import * as gen from '../support/extremeTraces';

const MAX_GROWTH = 6;
const MIN_N_MS = 250;
/** A 4n load whose wall time passes this many times the n load's CPU time is stopped (a busy machine's wall clock runs a few times faster than CPU time): waiting for a quadratic one costs minutes. */
const STOP_AT = 40;

type Input = string | Blob | Uint8Array;

interface Case {
  name: string;
  /** The file name: it only has to let detection and strace's -ff tid reading do their usual thing. */
  file: string;
  n0: number;
  /** Stop doubling here (default 64 n0). */
  maxN?: number;
  /** This case's bound on t(4n) ÷ t(n) (default MAX_GROWTH); a quadratic path reads 16×. */
  maxGrowth?: number;
  make: (n: number) => Input | Promise<Input>;
}

let runner: IngestRunner;
let bundle = '';
const table: string[] = [];

beforeAll(async () => {
  bundle = await buildIngestWorker();
  runner = new IngestRunner(bundle, 120_000);
});
afterAll(async () => {
  await runner?.close();
  if (bundle) rmSync(dirname(bundle), { recursive: true, force: true });
  if (table.length) console.log(`complexity (best of 3, CPU ms):\n${table.join('\n')}`);
});

async function bytesOf(input: Input): Promise<Uint8Array> {
  if (input instanceof Uint8Array) return input;
  if (typeof input === 'string') return new TextEncoder().encode(input);
  return new Uint8Array(await input.arrayBuffer());
}

/** One load's CPU time in ms, or Infinity when the watchdog stopped it (wall clock). */
async function timed(c: Case, bytes: Uint8Array, timeoutMs: number): Promise<number> {
  runner.timeoutMs = timeoutMs;
  const o = await runner.run(c.file, bytes, true);
  if (o.outcome === 'hung') return Infinity;
  if (o.outcome !== 'loaded') throw new Error(`${c.name}: the load ${o.outcome}: ${o.message}`);
  return o.cpuMs;
}

/** The best of 3 loads at n after a warm-up, doubling n while that is under MIN_N_MS. */
async function baseline(c: Case): Promise<{ n: number; tN: number }> {
  const best3 = async (bytes: Uint8Array) => Math.min(await timed(c, bytes, 120_000), await timed(c, bytes, 120_000), await timed(c, bytes, 120_000));
  let n = c.n0;
  let small = await bytesOf(await c.make(n));
  await timed(c, small, 120_000); // warm-up: JIT, sql.js's wasm
  let tN = await best3(small);
  while (tN < MIN_N_MS && n < (c.maxN ?? c.n0 * 64)) {
    n *= 2;
    small = await bytesOf(await c.make(n));
    tN = await best3(small);
  }
  return { n, tN };
}

async function growth(c: Case): Promise<{ n: number; tN: number; t4N: number }> {
  const { n, tN } = await baseline(c);
  const big = await bytesOf(await c.make(4 * n));
  let t4N = Infinity;
  // The best of up to 5; once one run is within the bound the best is too (a 128 MB line's
  // GC made single runs read 6.2× once, against 3.8–4.6× otherwise). A stopped run ends
  // the tries: 40× in wall time is beyond any noise of a busy machine.
  for (let k = 0; k < 5 && t4N > (c.maxGrowth ?? MAX_GROWTH) * tN; k++) {
    const t4 = await timed(c, big, Math.max(10_000, STOP_AT * tN));
    t4N = Math.min(t4N, t4);
    if (t4 === Infinity) break;
  }
  table.push(`  ${c.name.padEnd(48)} n=${String(n).padStart(9)}  ${tN.toFixed(0).padStart(6)} → ${t4N === Infinity ? 'stopped' : t4N.toFixed(0).padStart(6)}  ×${(t4N / tN).toFixed(1)}`);
  return { n, tN, t4N };
}

function check(c: Case): void {
  it(`${c.name}: 4n takes ≤ ${c.maxGrowth ?? MAX_GROWTH}× the time of n`, async () => {
    const { n, tN, t4N } = await growth(c);
    const at4N = t4N === Infinity ? `stopped after ${STOP_AT}× in wall time` : `${t4N.toFixed(0)} ms`;
    expect(t4N / tN, `${c.name}: n = ${n}: ${tN.toFixed(0)} ms, 4n: ${at4N}`).toBeLessThanOrEqual(c.maxGrowth ?? MAX_GROWTH);
  }, 600_000);
}

const MB = 1 << 20;

describe('ingest + lanes + index time grows ≤ 6× from n to 4n', () => {
  describe('Chrome trace JSON', () => {
    check({ name: 'B/E nested n/2 deep', file: 'deep.json', n0: 64_000, make: gen.deepBeginEnd });
    check({ name: 'one flow id with n/2 f', file: 'flow.json', n0: 192_000, make: gen.oneFlowManyEnds });
    check({ name: 'n lanes (one slice per thread)', file: 'lanes.json', n0: 20_000, make: gen.manyLanes });
    check({ name: 'n distinct names', file: 'names.json', n0: 80_000, make: gen.distinctNames });
    check({ name: 'n slices, every 4096th with a 1 MB name', file: 'names.json', n0: 32_000, make: gen.megabyteNames });
  });
  describe('strace', () => {
    check({ name: 'n/4 threads, unfinished/resumed pairs', file: 'strace.txt', n0: 50_000, make: gen.straceThreads });
    // Fixed at 8 → 32 MB: it guards the regex rescans of a run of spaces (quadratic: 16× per 4n, far past
    // 6× at any size). Larger, one line's single strings grow the heap faster than the bytes: 32 → 128 MB
    // read 5.5–6.2× and 16 → 64 MB 4.8–6.0× here, so 4n stays under a second for this one case. Its
    // ~80 ms at n is GC-bound: 8 → 32 MB read 3.8–5.7× alone and 8.1× once beside the other test files
    // (CI, 2026-12-03), so it gets 10×: the rescans it guards against read 16×.
    check({ name: 'one line of n bytes', file: 'strace.txt', n0: 8 * MB, maxN: 8 * MB, maxGrowth: 10, make: gen.straceLongLine });
  });
  describe('speedscope', () => {
    check({ name: 'sampled: n frames in 64-deep samples', file: 'p.speedscope.json', n0: 800_000, make: gen.speedscopeSamples });
    check({ name: 'evented: n/2 deep', file: 'p.speedscope.json', n0: 80_000, make: gen.speedscopeDeepEvents });
  });
  describe('collapsed stacks', () => {
    check({ name: 'n/32 distinct stacks, 32 deep', file: 'stacks.txt', n0: 200_000, make: gen.collapsedManyStacks });
    check({ name: '16 stacks n/16 deep', file: 'stacks.txt', n0: 3_200_000, make: gen.collapsedDeepStacks });
  });
  describe('Nsight Systems SQLite', () => {
    check({ name: 'n rows: kernels, launches, NVTX, OS runtime, memory', file: 'report.sqlite', n0: 20_000, make: gen.nsysManyRows });
  });
  // Quadratic before issue 14's fixes of row assignment (workers/index/assignRows.ts) and
  // begin/end matching (workers/importers/chromeTraceJson.ts).
  describe('Chrome trace JSON shapes quadratic before issue 14', () => {
    check({ name: 'n X all overlapping on one GPU stream', file: 'overlap.json', n0: 64_000, make: gen.overlappingX });
    check({ name: 'n/2 nested B, then n/2 E backwards in time', file: 'reversed.json', n0: 64_000, make: gen.reversedEnds });
  });
  // Issue 20: an async end searches the open slices of its id for its name.
  describe('Chrome trace JSON async events', () => {
    check({ name: 'n/2 nested b of one id, then n/2 e of names never begun', file: 'async.json', n0: 64_000, make: gen.asyncEndsOfNoOpenName });
  });
});
