// Saved work in IndexedDB (idb-keyval): the last view and the annotations per trace
// fingerprint, kept in the link's wire format so old saves go through the same
// validation and version upgrades as old links. IndexedDB can be missing or full
// (private windows, quotas): saving then silently does nothing.

import { get, set } from 'idb-keyval';
import { fromWire, toWire, type ViewState } from './urlState';

const WORK_PREFIX = 'tracelane:work:';

export async function loadSavedWork(fingerprint: string): Promise<ViewState | null> {
  try {
    const saved = (await get(WORK_PREFIX + fingerprint)) as { wire?: unknown } | undefined;
    return saved?.wire ? fromWire(saved.wire).state : null;
  } catch {
    return null;
  }
}

export async function saveWork(fingerprint: string, state: ViewState): Promise<void> {
  try {
    await set(WORK_PREFIX + fingerprint, { wire: toWire(state), savedAt: Date.now() });
  } catch {
    /* no IndexedDB here: nothing to keep */
  }
}
