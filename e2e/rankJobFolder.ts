// A generated job folder for the job e2e specs (issue 25): the CLI built once into `dir/app`, each rank's trace from
// bench/rankJob.mjs indexed as its Indexed Job pod would (`--rank-from-env`, JOB_COMPLETION_INDEX set), then merged.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rankTrace, type LateRank } from '../bench/rankJob.mjs';
import { REPO_ROOT } from './helpers';

/** Builds the indexer into `dir/app` (once per spec) and returns the path of its bundle. */
export function buildIndexer(dir: string): string {
  const app = path.join(dir, 'app');
  execFileSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--outDir', app, '--logLevel', 'error'], { cwd: REPO_ROOT });
  return path.join(app, 'tracelane.mjs');
}

/** Indexes `traces` (one per completion index) into `out` as a job's pods would, then merges it. */
export function indexJob(bin: string, out: string, traces: string[]): void {
  for (let i = 0; i < traces.length; i++) {
    execFileSync('node', [bin, '--rank-from-env', '--out', out, ...traces], { env: { ...process.env, JOB_COMPLETION_INDEX: String(i) }, stdio: 'pipe' });
  }
  execFileSync('node', [bin, '--merge', out], { stdio: 'pipe' });
}

/** A generated job of `ranks` ranks (one late) indexed and merged into `dir/job`. */
export function generatedJob(bin: string, dir: string, opts: { ranks: number; steps: number; late: LateRank }): void {
  mkdirSync(path.join(dir, 'traces'));
  const traces = Array.from({ length: opts.ranks }, (_, r) => {
    const file = path.join(dir, 'traces', `rank${r}.json`);
    writeFileSync(file, rankTrace({ rank: r, worldSize: opts.ranks, steps: opts.steps, late: opts.late }));
    return file;
  });
  indexJob(bin, path.join(dir, 'job'), traces);
}
