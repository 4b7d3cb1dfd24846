// `npm run index -- --merge DIR`: once every pod of the Indexed Job has written its
// `DIR/rank-<i>/<trace>/`, gathers them into the job manifest DIR/job.json (ranks, fingerprints,
// extents, world size), DIR/comms.json (each rank's communication ops, as its index stored
// them: summaries.json's comms, what the trace worker's comms() answers) and DIR/overview.json
// (each rank's whole-trace Overview, likewise), so the page runs the stall finder and the Overview
// over the job without asking every rank's worker (workers/indexFolder/jobFormat.ts).

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openIndexFolder, readManifest } from '../../workers/indexFolder/openIndex';
import { findStalls } from '../../workers/analysis/stalls';
import { gpuIdleWithin } from '../../workers/analysis/commOps';
import type { IndexManifest } from '../../workers/indexFolder/format';
import { json, type IndexSummaries } from '../../workers/indexFolder/writeIndex';
import { JOB_COMMS_FILE, JOB_FILE, JOB_FORMAT_NAME, JOB_FORMAT_VERSION, JOB_MARKER, JOB_OVERVIEW_FILE, JobFolderError, RANK_FOLDER, type JobComms, type JobManifest, type JobOverviews, type JobRank } from '../../workers/indexFolder/jobFormat';
import type { TraceOverview } from '../../src/model/overviewTypes';
import type { RankComms } from '../../workers/analysis/commOps';
import { dirFiles, dirSink } from './dirFolder';

/** distributedInfo's rank and world size, when the trace records them. */
function distributed(m: IndexManifest): { rank: number | null; worldSize: number | null } {
  const info = m.result.metadata.distributedInfo as { rank?: unknown; world_size?: unknown } | undefined;
  return { rank: typeof info?.rank === 'number' ? info.rank : null, worldSize: typeof info?.world_size === 'number' ? info.world_size : null };
}

/** The one index folder a pod wrote into `rank-<i>/`. */
function rankIndexFolder(dir: string, rankDir: string): string {
  const inside = readdirSync(join(dir, rankDir)).filter((f) => statSync(join(dir, rankDir, f)).isDirectory());
  if (inside.length !== 1) throw new JobFolderError(`${join(dir, rankDir)} holds ${inside.length} index folders (${inside.join(', ') || 'none'}); a pod writes exactly one.`);
  return inside[0];
}

export async function mergeJob(dir: string, log: (line: string) => void): Promise<JobManifest> {
  const rankDirs = readdirSync(dir)
    .map((f) => RANK_FOLDER.exec(f))
    .filter((m): m is RegExpExecArray => m !== null && statSync(join(dir, m[0])).isDirectory())
    .map((m) => ({ name: m[0], index: Number(m[1]) }))
    .sort((a, b) => a.index - b.index);
  if (!rankDirs.length) throw new JobFolderError(`${dir} holds no rank-<i>/ folders: index the ranks first (npm run index -- --rank-from-env --out ${dir} …).`);
  const missing = rankDirs.length - 1 < rankDirs[rankDirs.length - 1].index ? holes(rankDirs.map((r) => r.index)) : [];
  if (missing.length) throw new JobFolderError(`${dir} has no folder for completion index ${missing.join(', ')} (rank-${missing[0]}/ …): did every pod of the job finish?`);

  const ranks: JobRank[] = [];
  const comms: RankComms[] = [];
  const overviews: TraceOverview[] = [];
  for (const { name, index } of rankDirs) {
    const trace = rankIndexFolder(dir, name);
    const files = dirFiles(join(dir, name, trace));
    // Refuses an incomplete index, or one of another version, naming the folder.
    const manifest = await readManifest(files);
    const summaries = JSON.parse(new TextDecoder().decode(await files.read(manifest.summaries))) as IndexSummaries;
    const d = distributed(manifest);
    ranks.push({
      folder: `${name}/${trace}/`,
      index,
      rank: d.rank ?? index,
      worldSize: d.worldSize,
      trace: manifest.input.name,
      key: manifest.result.trace,
      fingerprint: manifest.fingerprint,
      originNs: manifest.result.originNs,
      startNs: manifest.result.minNs,
      endNs: manifest.result.maxNs,
      events: manifest.result.events,
    });
    comms.push(summaries.comms);
    overviews.push(summaries.overview);
    log(`${name}/${trace}: rank ${d.rank ?? index}, ${summaries.comms.ops.length} comm ops`);
  }
  const worldSize = agreedWorldSize(ranks);
  refuseDuplicates(ranks, (r) => r.fingerprint, (r, other) => `${other.folder} and ${r.folder} hold the same trace (fingerprint ${r.fingerprint}): two pods indexed one file?`);
  refuseDuplicates(ranks, (r) => String(r.rank), (r, other) => `${other.folder} and ${r.folder} are both rank ${r.rank} (by their traces' distributedInfo): traces of two jobs?`);
  const outside = ranks.find((r) => worldSize !== null && r.rank >= worldSize);
  if (outside) throw new JobFolderError(`${outside.folder} is rank ${outside.rank}, outside the world size ${worldSize}.`);

  // Rank order, so comms.json and the page list ranks as the job numbers them.
  const order = ranks.map((_, i) => i).sort((a, b) => ranks[a].rank - ranks[b].rank);
  const waitIdleNs = await waitIdle(dir, ranks, comms);
  const commsFile: JobComms = { format: JOB_FORMAT_NAME, version: JOB_FORMAT_VERSION, ranks: order.map((i) => comms[i]), waitIdleNs: order.map((i) => waitIdleNs[i]) };
  const overviewFile: JobOverviews = { format: JOB_FORMAT_NAME, version: JOB_FORMAT_VERSION, ranks: order.map((i) => overviews[i]) };
  const job: JobManifest = {
    format: JOB_FORMAT_NAME,
    version: JOB_FORMAT_VERSION,
    worldSize,
    ranks: order.map((i) => ranks[i]),
    comms: { file: JOB_COMMS_FILE, ops: comms.reduce((n, c) => n + c.ops.length, 0) },
    overview: { file: JOB_OVERVIEW_FILE },
  };
  const sink = dirSink(dir);
  await sink.write(JOB_COMMS_FILE, json(commsFile));
  await sink.write(JOB_OVERVIEW_FILE, json(overviewFile));
  await sink.write(JOB_FILE, json(job));
  // Last: a folder is a job for the page only once its job.json is whole.
  await sink.write('manifest.json', json(JOB_MARKER));
  return job;
}

/**
 * Per rank and op, its GPU idle time while it waited for the last rank of its group: the windows the
 * stall finder's groups give (findStalls over every group: its matching does not depend on the
 * threshold), measured on each rank's index as its worker would (gpuIdleWithin). One rank open at a time.
 */
async function waitIdle(dir: string, ranks: JobRank[], comms: RankComms[]): Promise<number[][]> {
  const out = comms.map((c) => new Array<number>(c.ops.length).fill(0));
  const windows = comms.map(() => [] as { op: number; endNs: number }[]);
  const opIndex = comms.map((c) => new Map(c.ops.map((op, i) => [op, i])));
  // Keyed by position: ranks' traces may share a file name, and so a trace key.
  for (const f of findStalls(comms.map((c, r) => ({ ...c, trace: String(r) })), -1).findings) {
    for (const w of f.waiting) {
      const r = Number(w.trace);
      windows[r].push({ op: opIndex[r].get(w.op)!, endNs: w.op.startNs + (f.late.startNs - w.startNs) });
    }
  }
  for (const [r, list] of windows.entries()) {
    if (!list.length) continue;
    const index = await openIndexFolder(dirFiles(join(dir, ranks[r].folder)), { trace: comms[r].trace });
    for (const { op, endNs } of list) out[r][op] = gpuIdleWithin(index, comms[r].ops[op].startNs, endNs);
  }
  return out;
}

function holes(indexes: number[]): number[] {
  const have = new Set(indexes);
  const out: number[] = [];
  for (let i = 0; i < Math.max(...indexes); i++) if (!have.has(i)) out.push(i);
  return out;
}

function agreedWorldSize(ranks: JobRank[]): number | null {
  const said = ranks.filter((r) => r.worldSize !== null);
  const first = said[0];
  const other = said.find((r) => r.worldSize !== first.worldSize);
  if (other) throw new JobFolderError(`The ranks disagree on the world size: ${first.folder} says ${first.worldSize}, ${other.folder} says ${other.worldSize} (traces of different jobs?).`);
  return first?.worldSize ?? null;
}

function refuseDuplicates(ranks: JobRank[], key: (r: JobRank) => string | null, message: (r: JobRank, other: JobRank) => string): void {
  const seen = new Map<string, JobRank>();
  for (const r of ranks) {
    const k = key(r);
    if (k === null) continue;
    const other = seen.get(k);
    if (other) throw new JobFolderError(message(r, other));
    seen.set(k, r);
  }
}
