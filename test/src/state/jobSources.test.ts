// Issue 25: how the page tells a job folder from an index folder and expands it (src/state/jobSources.ts),
// against a job written by the merge (bin/src/mergeJob.ts) from two corpus ranks indexed as two pods would,
// served by scripts/serve.mjs: the job's ranks in rank order, a plain index folder left alone with no
// request that fails, the stored comm ops and Overview as the trace's own commOps / overview give them,
// another version refused.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, openAsBlob, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain ESM script without types
import { serveStatic } from '../../../scripts/serve.mjs';
import { CORPUS } from '../../support/corpus';
import { loadTrace } from '../../../workers/ingest/loadTrace';
import { writeIndexFolder } from '../../../workers/indexFolder/writeIndex';
import { commOps, gpuIdleWithin } from '../../../workers/analysis/commOps';
import { findStalls } from '../../../workers/analysis/stalls';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { overview } from '../../../workers/analysis/overview';
import { dirSink } from '../../../bin/src/dirFolder';
import { mergeJob } from '../../../bin/src/mergeJob';
import { expandJobSources, precomputedComms, precomputedOverview } from '../../../src/state/jobSources';
import type { TraceSource } from '../../../src/model/types';

const RANKS = ['two_rank_stall_rank0.json.gz', 'two_rank_stall_rank1.json.gz'];
const dir = mkdtempSync(join(tmpdir(), 'tracelane-jobsrc-'));
const log: string[] = [];
let server: { url: string; close(): Promise<void> };
const ownComms: ReturnType<typeof commOps>[] = [];
const ownOverview: ReturnType<typeof overview>[] = [];
const ownIndex: TraceIndex[] = [];

beforeAll(async () => {
  // Written in reverse completion order, so rank order (distributedInfo) is not folder order.
  for (const [i, name] of [...RANKS].reverse().entries()) {
    const index = await loadTrace({ kind: 'file', file: await openAsBlob(join(CORPUS, name)), name }, { trace: name.replace('.json.gz', '') });
    ownComms[RANKS.indexOf(name)] = commOps(index);
    ownOverview[RANKS.indexOf(name)] = overview(index);
    ownIndex[RANKS.indexOf(name)] = index;
    await writeIndexFolder(index, dirSink(join(dir, 'job', `rank-${i}`, name)), { input: { name, bytes: 0, mtimeMs: null }, chunkEvents: 1024 });
  }
  await mergeJob(join(dir, 'job'), () => undefined);
  server = await serveStatic({ mounts: { '/': dir }, port: 0, log: (m: string) => log.push(m) });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const index = (url: string): TraceSource => ({ kind: 'index', url, name: url.split('/').filter(Boolean).pop()! });

describe('job sources (issue 25)', () => {
  it('a job folder becomes its ranks, in rank order, each knowing its job', async () => {
    const job = `${server.url}job/`;
    const out = await expandJobSources([index(job)]);
    expect(out.map((s) => s.name)).toEqual(RANKS);
    expect(out.map((s) => (s.kind === 'index' ? s.url : ''))).toEqual([`${job}rank-1/${RANKS[0]}/`, `${job}rank-0/${RANKS[1]}/`]);
    expect(out.every((s) => s.kind === 'index' && s.job?.url === job)).toBe(true);
    // Named twice (a link and ?index=): opened once; other sources are left as they are, repeated or not.
    const url: TraceSource = { kind: 'url', url: `${server.url}elsewhere.json`, name: 'elsewhere.json' };
    log.length = 0;
    expect(await expandJobSources([index(job), url, index(job), url])).toEqual([...out, url, url]);
    // job.json is read once for the open and the stored parts that follow.
    await precomputedComms(out[0], 'k');
    expect(log.filter((m) => m.includes('/job/job.json'))).toHaveLength(1);
  });

  it('a plain index folder stays as it is, its manifest probed by its first bytes only, nothing failing', async () => {
    const rank = `${server.url}job/rank-0/${RANKS[1]}/`;
    log.length = 0;
    expect(await expandJobSources([index(rank)])).toEqual([index(rank)]);
    expect(log).toEqual([`206 GET /job/rank-0/${RANKS[1]}/manifest.json bytes=0-255`]);
  });

  it('the stored comm ops and Overview are the ones the trace itself gives, under the page\'s trace key', async () => {
    const ranks = await expandJobSources([index(`${server.url}job/`)]);
    for (const [i, s] of ranks.entries()) {
      const key = RANKS[i].replace('.json.gz', '');
      expect((await precomputedComms(s, key))?.comms).toEqual(JSON.parse(JSON.stringify(ownComms[i])));
      expect(await precomputedOverview(s, key)).toEqual(JSON.parse(JSON.stringify(ownOverview[i])));
      // Another key (the page dedupes same-named files): every lane id moves to it.
      const comms = (await precomputedComms(s, 'other'))!.comms;
      expect(comms.ops.length).toBeGreaterThan(0);
      expect(comms.trace).toBe('other');
      expect(comms.ops.map((op) => op.laneId)).toEqual(ownComms[i].ops.map((op) => op.laneId.replace(`${key}|`, 'other|')));
      const idle = (await precomputedOverview(s, 'other'))!.idleByStream;
      expect(idle.map((x) => x.laneId)).toEqual(ownOverview[i].idleByStream.map((x) => x.laneId.replace(`${key}|`, 'other|')));
    }
    expect(ownOverview.every((o) => o.idleByStream.length > 0)).toBe(true);
    expect(await precomputedComms(index(`${server.url}job/rank-0/${RANKS[1]}/`), 'x')).toBeNull();
  });

  it("per op, the GPU idle a waiting rank's worker gives for the stall finder's window", async () => {
    const ranks = await expandJobSources([index(`${server.url}job/`)]);
    const expected = ownComms.map((c) => c.ops.map(() => 0));
    for (const f of findStalls(ownComms, -1).findings) {
      for (const w of f.waiting) {
        const r = ownComms.findIndex((c) => c.trace === w.trace);
        expected[r][ownComms[r].ops.indexOf(w.op)] = gpuIdleWithin(ownIndex[r], w.op.startNs, w.op.startNs + (f.late.startNs - w.startNs));
      }
    }
    expect(expected.flat().some((ns) => ns > 0)).toBe(true);
    for (const [i, s] of ranks.entries()) {
      const stored = (await precomputedComms(s, 'k'))!;
      expect(stored.waitIdleNs).toEqual(expected[i]);
      expect(stored.job).toEqual({ url: `${server.url}job/`, ranks: RANKS.length });
    }
  });

  it('a job of another version is refused with both version numbers', async () => {
    const path = join(dir, 'job', 'job.json');
    const job = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...job, version: 99 }));
    await expect(expandJobSources([index(`${server.url}job/`)])).rejects.toThrow(/version 99; this tracelane reads version 1/);
    writeFileSync(path, JSON.stringify(job));
  });
});
