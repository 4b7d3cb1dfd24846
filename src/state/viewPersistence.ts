// Where the view lives besides the screen: the URL hash (shareable, debounced),
// IndexedDB (saved work per trace fingerprint). On start the hash is decoded and
// its traces opened; once they are ready the view is restored (the link first,
// else saved work) and from then on every change is written back.

import { loadSources } from './traceClient';
import { linkSource } from './sources';
import { urlParamSources } from '../model/linkLoad';
import { expandJobSources } from './jobSources';
import { useStore, type AppState } from './store';
import { traceIdentity } from './fingerprint';
import { decodeViewState, fitLink, hashFor, payloadOfHash, type DecodedViewState, type FileRef, type ViewState } from './urlState';
import type { TraceSource } from '../model/types';
import { applyViewState, captureViewState } from './viewState';
import { loadSavedWork, saveWork } from './savedWork';
import { recordRecent } from './recentTraces';
import { applyLinkRules } from './laneRules';
import { annotationsFromJson, EMBEDDED_ANNOTATIONS_KEY } from '../model/annotationFiles';

const SAVE_DEBOUNCE_MS = 300;

/** A decoded link waiting for its traces. */
let pending: DecodedViewState | null = null;
/** Identity of each loaded trace (same order as store.traces) and of the whole set. */
let identities: string[] = [];
let fingerprint = '';
let syncing = false;
let readySeq = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
/** The view when the open traces' worker failed: Retry puts it back, even where saved work cannot be kept. */
let beforeFailure: ViewState | null = null;
/** The last notices raised, so a dismissed one is not raised again by the next save. */
let linkNotice: string | null = null;
let storageFailing = false;

function setRestoreState(state: 'pending' | 'done'): void {
  document.documentElement.dataset.viewRestore = state;
}

/** Decode the hash and open what the page URL names: ?url= first, else the link's own sources. */
export async function openFromLocation(): Promise<void> {
  const urls = urlParamSources(window.location.search);
  const payload = payloadOfHash(window.location.hash);
  pending = payload ? await decodeViewState(payload) : null;
  const state = pending?.state;
  // The link's lane rules, before its traces load, so the colleague sees the same lanes.
  if (state?.laneRules) applyLinkRules(state.laneRules);
  // Traces the link opened in part are opened in part again (the same window and threads).
  const keep = state?.parts;
  if (urls.length) await openExpanded(urls, keep);
  else if (state?.sources.length) await openExpanded(state.sources.map(linkSource), keep);
  else if (state?.files.length) useStore.getState().setFileRequest(state.files);
  else if (pending) {
    if (pending.problems.length) useStore.getState().setRestoreNotice(pending.problems);
    pending = null;
  }
}

/** Opens sources with job folders expanded into their ranks (jobSources.ts); a job that cannot be read is the load's error. */
async function openExpanded(sources: TraceSource[], keep: ViewState['parts']): Promise<void> {
  let expanded: TraceSource[];
  try {
    expanded = await expandJobSources(sources);
  } catch (err) {
    useStore.getState().fail((err as Error).message);
    return;
  }
  loadSources(expanded, { keep });
}

/** The parts of traces a link waiting for its files opens (its files are picked later: App). */
export function linkParts(): ViewState['parts'] {
  return pending?.state?.parts;
}

export function installViewPersistence(): void {
  // A link pasted into this tab changes only the hash: no page load happens, so start over from it.
  // (The app's own writes use replaceState, which fires no hashchange.)
  window.addEventListener('hashchange', () => {
    if (payloadOfHash(window.location.hash) !== null) window.location.reload();
  });
  useStore.subscribe((s, prev) => {
    if (s.traceState !== 'ready') {
      if (prev.traceState === 'ready' || s.traceState === 'loading') {
        // Leaving a trace (another file, a bad one, Close): its unsaved change is written now,
        // from the state being left, not dropped with the debounce timer.
        if (prev.traceState === 'ready' && timer) {
          clearTimeout(timer);
          timer = null;
          void save(prev);
        }
        if (prev.traceState === 'ready' && s.traceState === 'error') beforeFailure = captureViewState(prev, fileRefs(prev));
        syncing = false;
        setRestoreState('pending');
      }
      return;
    }
    if (prev.traceState !== 'ready') return void onReady();
    if (
      syncing &&
      (s.viewport !== prev.viewport ||
        s.annotations !== prev.annotations ||
        s.selection !== prev.selection ||
        s.range !== prev.range ||
        s.laneState !== prev.laneState ||
        s.traces !== prev.traces)
    )
      scheduleSave();
  });
}

async function onReady(): Promise<void> {
  const my = ++readySeq;
  const traces = useStore.getState().traces;
  identities = await Promise.all(traces.map((t) => traceIdentity(t.source, t.result)));
  if (my !== readySeq) return;
  fingerprint = [...identities].sort().join('+');
  const link = pending;
  pending = null;
  if (link) {
    const problems = [...link.problems];
    const expected = link.state?.files ?? [];
    const mismatched = expected.filter((f) => !identities.includes(f.id));
    if (link.state && mismatched.length) {
      problems.push(...mismatched.map((f) => `“${f.name}” is not the trace the link was made from, so the link’s view and annotations were not restored.`));
    } else if (link.state) problems.push(...(await applyViewState(link.state)));
    if (my !== readySeq) return;
    useStore.getState().setRestoreNotice(problems.length ? problems : null);
  } else {
    const saved = await loadSavedWork(fingerprint);
    if (my !== readySeq) return;
    if (saved) await applyViewState(saved);
    else importEmbeddedAnnotations();
  }
  if (my !== readySeq) return;
  syncing = true;
  setRestoreState('done');
  scheduleSave(0);
  void recordRecent(
    fingerprint,
    traces.map((t) => ({ source: t.source, name: t.name, bytes: t.result?.bytes ?? 0 })),
    identities,
  );
}

/** A window exported by tracelane carries its annotations (traceWindow.ts): show them on first open. */
function importEmbeddedAnnotations(): void {
  const st = useStore.getState();
  for (const t of st.traces) {
    const embedded = t.result?.metadata?.[EMBEDDED_ANNOTATIONS_KEY];
    if (!embedded) continue;
    try {
      const { annotations } = annotationsFromJson(JSON.stringify(embedded), st.axisOriginNs, useStore.getState().annotations);
      useStore.getState().setAnnotations([...useStore.getState().annotations, ...annotations]);
    } catch {
      /* not ours after all */
    }
  }
}

function scheduleSave(delay = SAVE_DEBOUNCE_MS): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    void save();
  }, delay);
}

function fileRefs(st: AppState): FileRef[] {
  return st.traces.flatMap((t, i) => (t.source.kind === 'file' ? [{ name: t.name, size: t.source.file.size, id: identities[i] ?? '' }] : []));
}

/**
 * Open again after a worker failed (Retry and its alternatives). The view and annotations
 * come back as from a link: the one the failed load was opening, else the view the
 * failure interrupted.
 */
export function reopenAfterFailure(sources: TraceSource[], opts?: { budgetMB?: number }): void {
  if (beforeFailure && !pending) pending = { state: beforeFailure, problems: [] };
  beforeFailure = null;
  // Opening fewer traces: the view's files are the ones opened, so it still applies.
  const names = new Set(sources.map((s) => s.name));
  if (pending?.state) pending = { ...pending, state: { ...pending.state, files: pending.state.files.filter((f) => names.has(f.name)) } };
  loadSources(sources, { ...opts, keep: pending?.state?.parts });
}

/** Reopen the open traces with their view and annotations (a worker that stopped answering). */
export function reopenKeepingView(): void {
  const st = useStore.getState();
  if (st.traceState === 'ready') pending = { state: captureViewState(st, fileRefs(st)), problems: [] };
  loadSources(st.traces.map((t) => t.source), { keep: pending?.state?.parts });
}

async function save(st: AppState = useStore.getState()): Promise<void> {
  const my = readySeq;
  if (!syncing || st.traceState !== 'ready') return;
  const print = fingerprint;
  const state = captureViewState(st, fileRefs(st));
  const search = state.sources.length ? '?' + state.sources.map((u) => `url=${encodeURIComponent(u)}`).join('&') : '';
  const base = `${window.location.origin}${window.location.pathname}${search}`;
  const { link: url, notice } = await fitLink(state, st.lanes.map((l) => l.id), (payload) => base + hashFor(payload));
  // The address only follows the trace still open; the saved work is kept either way.
  if (my === readySeq && syncing) {
    if (url !== window.location.href) window.history.replaceState(window.history.state, '', url);
    st.setShareUrl(url);
    if (notice !== linkNotice) useStore.getState().setNotice('link', notice);
    linkNotice = notice;
  }
  const failure = await saveWork(print, state);
  // Said once per failure, not on every save: a dismissed notice stays dismissed until storage recovers and fails again.
  if (failure !== null && !storageFailing) useStore.getState().setNotice('storage', failure);
  storageFailing = failure !== null;
}
