// The job folder (issue 25): the index folders of every rank of one distributed job, written by
// `npm run index -- --rank-from-env` (one Kubernetes Indexed Job pod each) into `rank-<i>/<trace>/`,
// and the job manifest `job.json` written by `npm run index -- --merge`. `?index=<job folder URL>`
// opens every rank from it; the stall finder runs on the comm ops stored in `comms.json` and the
// whole-trace Overview on the figures in `overview.json`, without asking each rank's worker for them.

import type { RankComms } from '../analysis/commOps';
import type { TraceOverview } from '../../src/model/overviewTypes';

export const JOB_FORMAT_NAME = 'tracelane-job';
/** Bumped whenever job.json, comms.json or overview.json change layout or meaning; a reader refuses any other version. */
export const JOB_FORMAT_VERSION = 1;
export const JOB_FILE = 'job.json';
export const JOB_COMMS_FILE = 'comms.json';
export const JOB_OVERVIEW_FILE = 'overview.json';
/**
 * The job folder's `manifest.json` names the job format and nothing else: the page reads a folder's
 * manifest.json whatever it is (a rank's index folder or a job), so telling the two apart costs no
 * request that fails.
 */
export const JOB_MARKER = { format: JOB_FORMAT_NAME, version: JOB_FORMAT_VERSION, job: JOB_FILE } as const;

/** Where the pod of completion index `i` writes: `rank-<i>/` (its trace's index folder inside, named after the trace). */
export function rankFolderName(i: number): string {
  return `rank-${i}`;
}
export const RANK_FOLDER = /^rank-(\d+)$/;

export interface JobRank {
  /** The rank's index folder, relative to the job folder, ending in '/': `rank-3/trace.json.gz/`. */
  folder: string;
  /** The pod's completion index (JOB_COMPLETION_INDEX) that wrote it. */
  index: number;
  /** distributedInfo.rank when the trace has it, else `index`. */
  rank: number;
  /** distributedInfo.world_size when the trace has it. */
  worldSize: number | null;
  /** The trace's file name (the UI's trace key comes from it, as for the file itself). */
  trace: string;
  /** The trace key the index was written under: lane ids in comms.json and overview.json start with it. */
  key: string;
  /** `id:<trace_id>@<baseTimeNanoseconds>` (IndexManifest.fingerprint). */
  fingerprint: string | null;
  /** Absolute ns of the trace origin (decimal string) and the extent, ns relative to it. */
  originNs: string;
  startNs: number;
  endNs: number;
  events: number;
}

export interface JobManifest {
  format: typeof JOB_FORMAT_NAME;
  version: number;
  /** The world size every rank agrees on (null when no trace says). */
  worldSize: number | null;
  /** In rank order. */
  ranks: JobRank[];
  /** The cross-rank communication ops the stall finder matches: `file` holds JobComms. */
  comms: { file: string; ops: number };
  /** Each rank's whole-trace Overview (default kernel-wait threshold): `file` holds JobOverviews. */
  overview: { file: string };
}

/** comms.json: per rank (JobManifest.ranks order) its commOps() as the trace worker answers comms(). */
export interface JobComms {
  format: typeof JOB_FORMAT_NAME;
  version: number;
  ranks: RankComms[];
  /**
   * Per rank, per op (ranks[r].ops order): the rank's GPU idle time from the op's start until the last rank
   * of its group arrived (gpuIdleWithin; 0 for the last to arrive and for ops matched with no other rank),
   * the stall finder's "GPU idle" of a waiting rank, valid while no trace is shifted by an offset.
   */
  waitIdleNs: number[][];
}

/** overview.json: per rank (JobManifest.ranks order) its whole-trace overview() as the trace worker answers it. */
export interface JobOverviews {
  format: typeof JOB_FORMAT_NAME;
  version: number;
  ranks: TraceOverview[];
}

export class JobFolderError extends Error {
  override name = 'JobFolderError';
}

/** Whether a folder's manifest.json (parsed) marks a job folder. */
export function isJobMarker(m: unknown): boolean {
  return (m as { format?: unknown } | null)?.format === JOB_FORMAT_NAME;
}

/** Checks a job.json or comms.json before it is used. */
export function checkJobFile<T extends JobManifest | JobComms | JobOverviews>(m: unknown, where: string): T {
  const job = m as Partial<JobManifest> | null;
  if (!job || job.format !== JOB_FORMAT_NAME) throw new JobFolderError(`${where} is not a tracelane job file (it names no "${JOB_FORMAT_NAME}" format).`);
  if (job.version !== JOB_FORMAT_VERSION) {
    throw new JobFolderError(`${where} is a job of version ${String(job.version)}; this tracelane reads version ${JOB_FORMAT_VERSION}. Merge the job again with this version's \`npm run index -- --merge\`.`);
  }
  return m as T;
}
