// `?index=<job folder URL>` (issue 25): a folder written by `npm run index -- --rank-from-env` and
// `--merge` (workers/indexFolder/jobFormat.ts) opens as the index folders of all its ranks, the
// same sources `?index=<folder>` opens one by one (no rank chooser: the job names its ranks). The
// stall finder and the whole-trace Overview take each rank's comm ops and figures from the job's
// comms.json and overview.json instead of asking its worker.

import type { RankComms } from '../../workers/analysis/commOps';
import { checkJobFile, isJobMarker, JobFolderError, type JobComms, type JobManifest, type JobOverviews } from '../../workers/indexFolder/jobFormat';
import type { TraceSource } from '../model/types';
import type { TraceOverview } from '../model/overviewTypes';

type IndexSource = TraceSource & { kind: 'index' };

async function readJson(url: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new JobFolderError(`Could not read ${url}: ${(err as Error).message} (offline, or a server on another origin without CORS?).`);
  }
  if (!res.ok) throw new JobFolderError(`Could not read ${url}: the server answered HTTP ${res.status}.`);
  try {
    return await res.json();
  } catch {
    throw new JobFolderError(`${url} is not JSON: the job folder is damaged.`);
  }
}

/**
 * Whether a folder is a job: its manifest.json's first bytes name the job format (a rank's index
 * folder has a manifest too, so no request fails either way). Only the first bytes are read: an
 * index's manifest may be megabytes, and its worker reads it next. Unreadable: not a job (the
 * worker then says what is wrong with the folder).
 */
async function isJobFolder(folder: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('manifest.json', folder), { headers: { Range: 'bytes=0-255' } });
    if (!res.ok || !res.body) return false;
    const reader = res.body.getReader();
    const first = await reader.read();
    void reader.cancel();
    const head = new TextDecoder().decode(first.value ?? new Uint8Array()).slice(0, 256);
    // The marker is a few bytes of JSON: parse it whole when it is one, else look at how it starts.
    return isJobMarker(safeParse(head)) || head.replace(/\s/g, '').startsWith('{"format":"tracelane-job"');
  } catch {
    return false;
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The job's ranks as index sources, in rank order; each remembers its job and its place in comms.json. */
async function rankSources(job: string): Promise<IndexSource[]> {
  // Read afresh on every open (the job may have been merged again), for the stored parts too.
  const read = readJobManifest(job);
  manifests.set(job, read);
  for (const key of parts.keys()) if (key.startsWith(job)) parts.delete(key);
  const manifest = await read.catch((err: Error) => {
    manifests.delete(job);
    throw err;
  });
  return manifest.ranks.map((r, at) => ({
    kind: 'index',
    url: new URL(r.folder, job).href,
    name: r.trace,
    job: { url: job, at, rank: { rank: r.rank, originNs: r.originNs, startNs: r.startNs, endNs: r.endNs, events: r.events, fingerprint: r.fingerprint } },
  }));
}

async function readJobManifest(job: string): Promise<JobManifest> {
  const where = new URL('job.json', job).href;
  return checkJobFile<JobManifest>(await readJson(where), where);
}

/** Sources with every job folder replaced by its ranks' index folders (a job named twice opens once). Rejects with a JobFolderError. */
export async function expandJobSources(sources: TraceSource[]): Promise<TraceSource[]> {
  const jobs = await Promise.all(sources.map(async (s) => s.kind === 'index' && !s.job && (await isJobFolder(s.url))));
  const opened = new Set<string>();
  const out: TraceSource[] = [];
  for (const [i, s] of sources.entries()) {
    if (!jobs[i] || s.kind !== 'index') out.push(s);
    else if (!opened.has(s.url)) {
      opened.add(s.url);
      out.push(...(await rankSources(s.url)));
    }
  }
  return out;
}

/** A job's job.json, read once per job (the ranks' sources point into it). */
const manifests = new Map<string, Promise<JobManifest>>();
/** A job's comms.json / overview.json, read once, when the stall finder or the Overview first needs them. */
const parts = new Map<string, Promise<JobComms | JobOverviews>>();

function once<T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    cache.set(key, (p = read()));
    // A failed read is tried again next time (the server may be back).
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** A job rank's stored part file, its place in it and the trace key its lane ids start with, or null for other sources. */
async function storedPart<T extends JobComms | JobOverviews>(source: TraceSource, part: 'comms' | 'overview'): Promise<{ file: T; at: number; key: string } | null> {
  if (source.kind !== 'index' || !source.job) return null;
  const { url, at } = source.job;
  const manifest = await once(manifests, url, () => readJobManifest(url));
  const where = new URL(manifest[part].file, url).href;
  const file = (await once(parts, where, async () => checkJobFile<JobComms | JobOverviews>(await readJson(where), where))) as T;
  return file.ranks[at] === undefined ? null : { file, at, key: manifest.ranks[at].key };
}

/** `laneId` written under trace key `from`, under the key the page gave the rank (as openIndex re-keys its lanes). */
function underKey(laneId: string, from: string, to: string): string {
  return from === to || !laneId.startsWith(`${from}|`) ? laneId : `${to}${laneId.slice(from.length)}`;
}

/**
 * A job rank's comm ops as the merge stored them (its worker's comms() would read every lane), under trace key
 * `key`, with per op its GPU idle while it waited for its group's last rank (JobComms.waitIdleNs); null for other sources.
 */
export async function precomputedComms(source: TraceSource, key: string): Promise<{ comms: RankComms; waitIdleNs: number[]; job: { url: string; ranks: number } } | null> {
  const stored = await storedPart<JobComms>(source, 'comms');
  if (!stored || source.kind !== 'index' || !source.job) return null;
  const c = stored.file.ranks[stored.at];
  return {
    comms: { ...c, trace: key, ops: c.ops.map((op) => ({ ...op, laneId: underKey(op.laneId, stored.key, key) })) },
    waitIdleNs: stored.file.waitIdleNs[stored.at],
    job: { url: source.job.url, ranks: stored.file.ranks.length },
  };
}

/** A job rank's whole-trace Overview (default kernel-wait threshold) as the merge stored it, under trace key `key`; null for other sources. */
export async function precomputedOverview(source: TraceSource, key: string): Promise<TraceOverview | null> {
  const stored = await storedPart<JobOverviews>(source, 'overview');
  if (!stored) return null;
  const o = stored.file.ranks[stored.at];
  return { ...o, idleByStream: o.idleByStream.map((s) => ({ ...s, laneId: underKey(s.laneId, stored.key, key) })) };
}
