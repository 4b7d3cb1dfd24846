// `?index=<job folder URL>` (issue 25): a folder written by `npm run index -- --rank-from-env` and
// `--merge` (workers/indexFolder/jobFormat.ts) opens as the index folders of all its ranks, the
// same sources `?index=<folder>` opens one by one (no rank chooser: the job names its ranks). The
// stall finder takes each rank's comm ops from the job's comms.json instead of asking its worker.

import type { RankComms } from '../../workers/analysis/commOps';
import { checkJobFile, isJobMarker, JobFolderError, type JobComms, type JobManifest } from '../../workers/indexFolder/jobFormat';
import type { TraceSource } from '../model/types';

type IndexSource = TraceSource & { kind: 'index' };

/** Each job's comms.json, read once when the stall finder first needs it. */
const jobComms = new Map<string, Promise<RankComms[]>>();

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
  const where = new URL('job.json', job).href;
  const manifest = checkJobFile<JobManifest>(await readJson(where), where);
  return manifest.ranks.map((r, at) => ({ kind: 'index', url: new URL(r.folder, job).href, name: r.trace, job: { url: job, at } }));
}

/** Sources with every job folder replaced by its ranks' index folders (a job named twice opens once). Rejects with a JobFolderError. */
export async function expandJobSources(sources: TraceSource[]): Promise<TraceSource[]> {
  const expanded = await Promise.all(
    sources.map(async (s) => (s.kind === 'index' && !s.job && (await isJobFolder(s.url)) ? rankSources(s.url) : [s])),
  );
  const seen = new Set<string>();
  return expanded.flat().filter((s) => {
    const id = s.kind === 'file' ? null : s.url;
    if (id === null) return true;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** A job rank's comm ops as stored by the merge (RankComms, as its worker's comms() answers), or null for other sources. */
export async function precomputedComms(source: TraceSource): Promise<RankComms | null> {
  if (source.kind !== 'index' || !source.job) return null;
  const { url, at } = source.job;
  let all = jobComms.get(url);
  if (!all) {
    jobComms.set(url, (all = readJobComms(url)));
    all.catch(() => jobComms.delete(url));
  }
  return (await all)[at] ?? null;
}

async function readJobComms(job: string): Promise<RankComms[]> {
  const manifest = checkJobFile<JobManifest>(await readJson(new URL('job.json', job).href), job);
  const where = new URL(manifest.comms.file, job).href;
  return checkJobFile<JobComms>(await readJson(where), where).ranks;
}
