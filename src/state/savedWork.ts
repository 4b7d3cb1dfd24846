// Saved work in IndexedDB (idb-keyval): the last view and the annotations per trace
// fingerprint, kept in the link's wire format so old saves go through the same
// validation and version upgrades as old links. IndexedDB can be missing, refuse, or be
// full (private windows, quotas, full disks): saving then says why, so the user can be
// told while the annotations are still on screen (viewPersistence.ts).

import { get, set } from 'idb-keyval';
import { fromWire, toWire, type ViewState } from './urlState';

const WORK_PREFIX = 'tracelane:work:';
/** A database that never answers (blocked open, stuck disk) counts as failed: opening a trace never waits on it. */
const STORAGE_TIMEOUT_MS = 5000;

/** An IndexedDB request, or a TimeoutError once it has not answered for `ms`. */
export async function answered<T>(request: Promise<T>, ms = STORAGE_TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      request,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new DOMException('no answer', 'TimeoutError')), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function loadSavedWork(fingerprint: string): Promise<ViewState | null> {
  try {
    const saved = (await answered(get(WORK_PREFIX + fingerprint))) as { wire?: unknown } | undefined;
    return saved?.wire ? fromWire(saved.wire).state : null;
  } catch {
    return null;
  }
}

/** Saves; resolves to null when saved, else to a sentence saying why the browser did not keep it. */
export async function saveWork(fingerprint: string, state: ViewState): Promise<string | null> {
  try {
    await answered(set(WORK_PREFIX + fingerprint, { wire: toWire(state), savedAt: Date.now() }));
    return null;
  } catch (e) {
    return storageFailure(e);
  }
}

function storageFailure(e: unknown): string {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  const detail = (e instanceof Error || e instanceof DOMException ? e.message : String(e)).replace(/\.$/, '');
  const why =
    name === 'QuotaExceededError'
      ? 'its storage is full'
      : name === 'TimeoutError'
        ? 'its storage (IndexedDB) did not answer'
        : `its storage (IndexedDB) is unavailable, as in private windows${detail ? ` (${detail})` : ''}`;
  return `This browser did not save your annotations and view: ${why}. They stay in this tab and in the link; export the annotations as JSON to keep a copy.`;
}
