// Issue 25: the Kubernetes Indexed Job rehearsed locally. The command lines are read from the
// manifests in deploy/ and run as the Job would: one process per completion index with
// JOB_COMPLETION_INDEX set (as many at once as its parallelism), then the merge Job's. The ranks are
// generated with one late rank (bench/rankJob.mjs); the job manifest must name it from the
// precomputed comm ops. JOB_RANKS=64 npx vitest run test/bin/rankJob.test.ts rehearses 64 ranks.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { jobTimeline, JOB_BASE_TIME_NS, rankTrace } from '../../bench/rankJob.mjs';
import { findStalls } from '../../workers/analysis/stalls';
import type { JobComms, JobManifest, JobOverviews } from '../../workers/indexFolder/jobFormat';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RANKS = Number(process.env.JOB_RANKS ?? 8);
const STEPS = 6;
const LATE = { rank: Math.floor(RANKS / 2) + 1, step: 3, ns: 300e6 };
const data = mkdtempSync(join(tmpdir(), 'tracelane-job-'));
/** The bundle `npm run build` makes, built into this test's own folder (the image's /app): another test building bin/ at the same time cannot cut it. */
const APP = join(data, 'app');
const BIN = join(APP, 'tracelane.mjs');

/** A container's command line from a manifest (`command:` and `args:` are JSON arrays on one line each), with /app and /data placed here. */
function commandLine(manifest: string): { argv: string[]; spec: Record<string, number> } {
  const text = readFileSync(join(ROOT, 'deploy', manifest), 'utf8');
  const list = (key: string) => JSON.parse(new RegExp(`^\\s*${key}: (\\[.*\\])\\s*$`, 'm').exec(text)![1]) as string[];
  const here = (a: string) => a.replace('/app/tracelane.mjs', BIN).replace(/^\/data\//, `${data}/`);
  const spec: Record<string, number> = {};
  for (const key of ['completions', 'parallelism']) {
    const m = new RegExp(`^  ${key}: (\\d+)$`, 'm').exec(text);
    if (m) spec[key] = Number(m[1]);
  }
  return { argv: [...list('command'), ...list('args')].map(here), spec };
}

function runProcess(argv: string[], env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.on('close', (status) => done({ status, stderr }));
  });
}

/** Completion indexes 0 … n−1, at most `parallelism` processes at a time (what the Job controller does with pods). */
async function runIndexed(argv: string[], n: number, parallelism: number) {
  const results: { status: number | null; stderr: string }[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) results[i] = await runProcess(argv, { JOB_COMPLETION_INDEX: String(i) });
  };
  await Promise.all(Array.from({ length: parallelism }, worker));
  return results;
}

const run = (args: string[], env: Record<string, string | undefined> = {}) => {
  const e = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete e[k];
  return spawnSync('node', [BIN, ...args], { encoding: 'utf8', env: e });
};

beforeAll(() => {
  execFileSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--outDir', APP, '--logLevel', 'error'], { cwd: ROOT });
  mkdirSync(join(data, 'traces'));
  for (let r = 0; r < RANKS; r++) writeFileSync(join(data, 'traces', `rank${r}.json.gz`), gz(rankTrace({ rank: r, worldSize: RANKS, steps: STEPS, late: LATE })));
});
afterAll(() => rmSync(data, { recursive: true, force: true }));

const gz = (text: string) => gzipSync(text, { level: 1 });

describe('the Indexed Job, rehearsed (issue 25)', () => {
  it(`indexes ${RANKS} ranks as the Job's pods would, merges them, and the job manifest names the late rank`, async () => {
    const index = commandLine('indexed-job.yaml');
    expect(index.argv).toContain('--rank-from-env');
    expect(index.spec.completions).toBeGreaterThan(0);
    // The manifest's completions are set per job to its number of traces: here, RANKS.
    const pods = await runIndexed(index.argv, RANKS, index.spec.parallelism ?? 1);
    pods.forEach((p, i) => expect(p.status, `pod ${i}: ${p.stderr}`).toBe(0));
    const merge = commandLine('merge-job.yaml');
    const merged = await runProcess(merge.argv, {});
    expect(merged.status, merged.stderr).toBe(0);

    const job = JSON.parse(readFileSync(join(data, 'index', 'job.json'), 'utf8')) as JobManifest;
    expect(job.format).toBe('tracelane-job');
    expect(job.worldSize).toBe(RANKS);
    expect(job.ranks.map((r) => r.rank)).toEqual(Array.from({ length: RANKS }, (_, r) => r));
    expect(job.ranks.map((r) => r.folder)).toEqual(Array.from({ length: RANKS }, (_, r) => `rank-${r}/rank${r}.json.gz/`));
    const traceIds = Array.from({ length: RANKS }, (_, r) => (JSON.parse(rankTrace({ rank: r, worldSize: RANKS, steps: STEPS, late: LATE })) as { trace_id: string }).trace_id);
    expect(job.ranks.map((r) => r.fingerprint)).toEqual(traceIds.map((id) => `id:${id}@${JOB_BASE_TIME_NS}`));
    expect(job.ranks.map((r) => r.key)).toEqual(Array.from({ length: RANKS }, (_, r) => `rank${r}`));
    const overviews = JSON.parse(readFileSync(join(data, 'index', job.overview.file), 'utf8')) as JobOverviews;
    // Every rank's GPU ops: per step its GEMM and its all-reduce.
    expect(overviews.ranks.map((o) => o.ops)).toEqual(Array.from({ length: RANKS }, () => 2 * STEPS));
    // Each rank's folder is the index `?index=` opens.
    for (const r of job.ranks) expect(JSON.parse(readFileSync(join(data, 'index', r.folder, 'manifest.json'), 'utf8')).complete).toBe(true);

    // The stall finder over the precomputed ops alone: one finding above its threshold, the late rank,
    // waiting from the first arrival to the late one (the generator's own timeline).
    const comms = JSON.parse(readFileSync(join(data, 'index', job.comms.file), 'utf8')) as JobComms;
    expect(comms.ranks.map((c) => c.rank)).toEqual(job.ranks.map((r) => r.rank));
    expect(comms.ranks.every((c) => c.ops.length === STEPS)).toBe(true);
    const { arrive } = jobTimeline({ worldSize: RANKS, steps: STEPS, late: LATE });
    const report = findStalls(comms.ranks);
    expect(report.findings).toHaveLength(1);
    const f = report.findings[0];
    expect(f.late.rank).toBe(LATE.rank);
    expect(f.waiting.map((w) => w.rank).sort((a, b) => a! - b!)).toEqual(Array.from({ length: RANKS }, (_, r) => r).filter((r) => r !== LATE.rank));
    expect(f.waitNs).toBe(arrive[LATE.step][LATE.rank] - Math.min(...arrive[LATE.step]));
    // Steps are named with their ordinal in the trace (steps.ts: stepLabel): ProfilerStep#3 is the 4th.
    expect(f.step).toBe(`ProfilerStep #${LATE.step + 1}`);
  });

  it('--rank-from-env fails clearly without JOB_COMPLETION_INDEX, or past the traces named', () => {
    const out = join(data, 'errors');
    const traces = [0, 1].map((r) => join(data, 'traces', `rank${r}.json.gz`));
    const unset = run(['--rank-from-env', '--out', out, ...traces], { JOB_COMPLETION_INDEX: undefined });
    expect(unset.status).toBe(2);
    expect(unset.stderr).toContain('JOB_COMPLETION_INDEX is not set');
    const past = run(['--rank-from-env', '--out', out, ...traces], { JOB_COMPLETION_INDEX: '2' });
    expect(past.status).toBe(2);
    expect(past.stderr).toContain('JOB_COMPLETION_INDEX=2, but only 2 traces are named');
    const garbled = run(['--rank-from-env', '--out', out, ...traces], { JOB_COMPLETION_INDEX: 'one' });
    expect(garbled.status).toBe(2);
    expect(garbled.stderr).toContain('is not a whole number');
    const noFile = run(['--rank-from-env', '--out', out, join(data, 'traces', 'rank{rank}.json.gz')], { JOB_COMPLETION_INDEX: String(RANKS) });
    expect(noFile.status).toBe(2);
    expect(noFile.stderr).toContain(`rank${RANKS}.json.gz does not exist`);
    // A list picks by position: completion index 1 → the second trace named.
    const second = run(['--rank-from-env', '--out', out, ...traces], { JOB_COMPLETION_INDEX: '1' });
    expect(second.status, second.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'rank-1', 'rank1.json.gz', 'manifest.json'), 'utf8')).input.name).toBe('rank1.json.gz');
    expect(run(['--help']).stdout).toContain('--rank-from-env');
  });

  it('--merge refuses ranks that do not belong together, naming them', () => {
    const job = (name: string) => {
      const dir = join(data, name);
      for (let r = 0; r < 2; r++) expect(run(['--rank-from-env', '--out', dir, join(data, 'traces', 'rank{rank}.json.gz')], { JOB_COMPLETION_INDEX: String(r) }).status).toBe(0);
      return dir;
    };
    // The same trace in two ranks' folders.
    const twice = job('twice');
    cpSync(join(twice, 'rank-0'), join(twice, 'rank-2'), { recursive: true });
    const dup = run(['--merge', twice]);
    expect(dup.status).toBe(1);
    expect(dup.stderr).toContain('rank-0/rank0.json.gz/ and rank-2/rank0.json.gz/ hold the same trace');
    // A rank of another job: another world size.
    const mixed = job('mixed');
    writeFileSync(join(data, 'other.json'), rankTrace({ rank: 2, worldSize: RANKS + 1, steps: STEPS }));
    expect(run(['--rank-from-env', '--out', mixed, 'unused0.json', 'unused1.json', join(data, 'other.json')], { JOB_COMPLETION_INDEX: '2' }).status).toBe(0);
    const sizes = run(['--merge', mixed]);
    expect(sizes.status).toBe(1);
    expect(sizes.stderr).toContain(`disagree on the world size: rank-0/rank0.json.gz/ says ${RANKS}, rank-2/other.json/ says ${RANKS + 1}`);
    // A pod that never wrote its folder.
    const gap = job('gap');
    cpSync(join(gap, 'rank-1'), join(gap, 'rank-3'), { recursive: true });
    rmSync(join(gap, 'rank-1'), { recursive: true });
    const hole = run(['--merge', gap]);
    expect(hole.status).toBe(1);
    expect(hole.stderr).toContain('no folder for completion index 1, 2');
  });
});
