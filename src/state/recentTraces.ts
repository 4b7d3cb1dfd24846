// "Recent traces" on the landing page, kept in IndexedDB. A trace from a URL reopens
// from its URL; one from disk from a stored copy when it is small enough, else by
// asking for the file again (the file-request card). Saved work (views, annotations)
// is keyed by fingerprint separately and comes back either way.

import { del, get, set } from 'idb-keyval';
import type { TraceSource } from '../model/types';
import { fileSource, handleOf, linkSource, sourceLink } from './sources';
import { expandJobSources } from './jobSources';
import { loadSources } from './traceClient';
import { useStore } from './store';
import type { FileRef } from './urlState';

const LIST_KEY = 'tracelane:recent';
const COPY_PREFIX = 'tracelane:copy:';
const MAX_RECENT = 8;
/** Files up to this size (as opened, .gz stays compressed) are kept as a copy for one-click reopening. */
export const COPY_CAP_BYTES = 64 << 20;

export type RecentSource =
  | { kind: 'url'; url: string; name: string; size: number }
  /** `handle`: a File System Access handle is stored (dropped in Chromium): reopened with the user's permission. */
  | { kind: 'file'; name: string; size: number; id: string; copy: boolean; handle?: boolean };

const HANDLE_PREFIX = 'tracelane:handle:';

interface ReadPermission {
  queryPermission?(d: { mode: 'read' }): Promise<PermissionState>;
  requestPermission?(d: { mode: 'read' }): Promise<PermissionState>;
}

/** The file behind a stored handle, asking for read permission again if the browser wants that. */
async function fileFromHandle(id: string): Promise<File | null> {
  try {
    const handle = (await get(HANDLE_PREFIX + id)) as (FileSystemFileHandle & ReadPermission) | undefined;
    if (!handle) return null;
    let state = (await handle.queryPermission?.({ mode: 'read' })) ?? 'granted';
    if (state === 'prompt') state = (await handle.requestPermission?.({ mode: 'read' })) ?? 'denied';
    return state === 'granted' ? await handle.getFile() : null;
  } catch {
    return null;
  }
}

export interface RecentTrace {
  fingerprint: string;
  sources: RecentSource[];
  openedAt: number;
}

export async function listRecent(): Promise<RecentTrace[]> {
  try {
    const list = (await get(LIST_KEY)) as RecentTrace[] | undefined;
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/** Remember what was just opened (newest first), keeping copies of small files. */
export async function recordRecent(fingerprint: string, traces: { source: TraceSource; name: string; bytes: number }[], identities: string[]): Promise<void> {
  try {
    const sources: RecentSource[] = [];
    for (const [i, t] of traces.entries()) {
      if (t.source.kind !== 'file') {
        // A local index folder cannot be reopened by a link (nor kept: it is many files).
        const url = sourceLink(t.source);
        if (url) sources.push({ kind: 'url', url, name: t.name, size: t.bytes });
      } else {
        const copy = t.source.file.size <= COPY_CAP_BYTES;
        if (copy) await set(COPY_PREFIX + identities[i], t.source.file);
        // Bigger files: a handle where the browser gave one (a few bytes, not a copy).
        const handle = copy ? undefined : handleOf(t.source.file);
        if (handle) await set(HANDLE_PREFIX + identities[i], handle);
        sources.push({ kind: 'file', name: t.name, size: t.source.file.size, id: identities[i], copy, ...(handle ? { handle: true } : {}) });
      }
    }
    // Nothing of it can be reopened (local index folders only): no entry.
    if (!sources.length) return;
    const old = await listRecent();
    const list = [{ fingerprint, sources, openedAt: Date.now() }, ...old.filter((r) => r.fingerprint !== fingerprint)].slice(0, MAX_RECENT);
    await set(LIST_KEY, list);
    // Drop copies and handles no remaining entry refers to.
    const kept = new Set(list.flatMap((r) => r.sources.flatMap((s) => (s.kind === 'file' ? [s.id] : []))));
    for (const r of old) for (const s of r.sources) if (s.kind === 'file' && !kept.has(s.id)) await del((s.copy ? COPY_PREFIX : HANDLE_PREFIX) + s.id);
  } catch {
    /* no IndexedDB (or full): no recent list */
  }
}

/** Reopen: URLs and stored copies directly; anything else is asked for by name. */
export async function reopenRecent(r: RecentTrace): Promise<void> {
  const sources: TraceSource[] = [];
  const missing: FileRef[] = [];
  for (const s of r.sources) {
    if (s.kind === 'url') sources.push(linkSource(s.url));
    else {
      const blob = s.copy ? ((await get(COPY_PREFIX + s.id).catch(() => undefined)) as Blob | undefined) : s.handle ? await fileFromHandle(s.id) : undefined;
      if (blob) sources.push(fileSource(blob instanceof File ? blob : new File([blob], s.name), s.name));
      else missing.push({ name: s.name, size: s.size, id: s.id });
    }
  }
  if (missing.length) useStore.getState().setFileRequest(missing);
  // A job is recorded as its folder (once per rank: expanding opens it once).
  else {
    const expanded = await expandJobSources(sources).catch((err: Error) => err);
    if (expanded instanceof Error) useStore.getState().fail(expanded.message);
    else loadSources(expanded);
  }
}

export async function forgetRecent(fingerprint: string): Promise<void> {
  try {
    const list = await listRecent();
    const gone = list.find((r) => r.fingerprint === fingerprint);
    await set(LIST_KEY, list.filter((r) => r.fingerprint !== fingerprint));
    for (const s of gone?.sources ?? []) if (s.kind === 'file') await del((s.copy ? COPY_PREFIX : HANDLE_PREFIX) + s.id);
  } catch {
    /* nothing stored */
  }
}
