// The single app store. Everything the UI shows derives from here; workers and
// canvases are side effects driven by it. Later features (annotations, URL
// state) add slices here rather than new stores.

import { create } from 'zustand';
import type { LaneGroup, LaneInfo, LaneKind, LoadProgress, LoadWarning, SliceDetails, TraceLoadResult, TraceSource } from '../model/types';
import { earliestOrigin, traceShiftNs } from '../model/time';
import type { Annotation } from '../model/annotations';
import type { FileRef } from './urlState';
import type { AnalysisOverlay } from '../timeline/analysisOverlay';

/** Standing notices about the app's own limits (the link's length, storage), one per kind. */
export type NoticeKind = 'link' | 'storage' | 'worker';

/**
 * `deferred`: a job's rank not opened yet (its lanes are out of view): a placeholder placed and named from job.json
 * (TraceSource.job.rank), no worker load, no lanes; `opening`: such a rank being opened (it scrolled into view, or a
 * feature needs it: src/state/traceClient.ts openTraces) while the rest of the page stays usable.
 */
export type TraceStatus = 'loading' | 'ready' | 'error' | 'deferred' | 'opening';
export type TraceState = 'idle' | 'loading' | 'ready' | 'error';

export interface TraceEntry {
  key: string;
  name: string;
  source: TraceSource;
  status: TraceStatus;
  progress: LoadProgress | null;
  result: TraceLoadResult | null;
  /** ns to add to this trace's times to put them on the global axis (origin shift + offsetNs). */
  shiftNs: number;
  /** The user's per-trace offset (a view transform: "align on event", typed µs). */
  offsetNs: number;
}

export interface SearchRequest {
  text: string;
  regex: boolean;
  laneKind?: LaneKind;
  nonce: number;
}

export interface Span {
  startNs: number;
  endNs: number;
}

export interface Selection {
  trace: string;
  laneId: string;
  eventIdx: number;
  key: string;
}

/** Hover target (global-axis times); also drives the tooltip. */
export interface Hovered {
  laneId: string;
  row: number;
  startNs: number;
  endNs: number;
  name: string;
  count: number;
  /** Drawn from tiles: the share of [startNs, endNs] slices cover (0–1); absent for exact slices. */
  busy?: number;
  /** Tooltip anchor in client px. */
  clientX: number;
  clientY: number;
  counterValues?: { series: string; value: number }[];
}

export interface LaneState {
  hidden: Set<string>;
  pinned: string[];
  collapsed: Set<string>;
  order: string[];
  /** Deep lanes unfolded to all their rows. */
  expanded: Set<string>;
  /** Groups shown inside another group after the user confirmed a join offer (group id → target group id). */
  joined: Map<string, string>;
  /** Lane filter by name (lane, process or trace contains it); '' shows every lane. Part of the link. */
  filter: string;
}

export interface AppState {
  traces: TraceEntry[];
  axisOriginNs: string;
  /** Extent of all loaded traces on the global axis. */
  extent: Span;
  viewport: Span;
  /** All lanes and groups of ready traces, in load order. */
  lanes: LaneInfo[];
  groups: LaneGroup[];
  selection: Selection | null;
  /** Details of the selection; startNs already on the global axis. */
  details: SliceDetails | null;
  hovered: Hovered | null;
  range: Span | null;
  laneState: LaneState;
  traceState: TraceState;
  error: string | null;
  warnings: LoadWarning[];
  loadStartedAt: number;
  firstFrameMs: number | null;
  /** When the last trace's load result reached the page (ms after the load started): the rest of firstFrameMs is the page's. */
  resultMs: number | null;
  /** A request to scroll a lane into view (nonce so repeated requests re-fire). */
  scrollRequest: { laneId: string; nonce: number } | null;
  helpOpen: boolean;
  /** Annotation lines and stages, global-axis ns (src/model/annotations.ts). */
  annotations: Annotation[];
  /** The annotation to flash (after a jump); nonce so repeated jumps re-fire. */
  annotationFlash: { id: string; nonce: number } | null;
  /** The annotation whose editor is open in the annotations panel. */
  editingAnnotation: string | null;
  /** The current shareable link (also written to the address bar). */
  shareUrl: string;
  /** What a link or saved work could not restore; shown as a notice. */
  restoreNotice: string[] | null;
  /** Files a link made from dropped traces asks for. */
  fileRequest: FileRef[] | null;
  notices: Partial<Record<NoticeKind, string>>;
  /** What the analyses mark on the timeline: flow arrows, search hits, idle gaps (global-axis ns). */
  analysisOverlay: AnalysisOverlay;
  /** A search a panel asks the search bar to run (a kernel's instances); nonce so a repeat re-fires. */
  searchRequest: SearchRequest | null;

  startLoading(entries: { key: string; name: string; source: TraceSource; deferred?: boolean }[]): void;
  /** Deferred ranks whose open has started (status `opening`). */
  openingTraces(keys: string[]): void;
  setProgress(key: string, p: LoadProgress): void;
  traceLoaded(key: string, result: TraceLoadResult): void;
  /** Lanes a trace's worker made after loading (GPU queue length); ids already present are skipped. */
  addLanes(key: string, lanes: LaneInfo[]): void;
  /** Shift one trace on the axis (view transform; stored columns never change). */
  setTraceOffset(key: string, offsetNs: number): void;
  fail(message: string): void;
  reset(): void;
  markFirstFrame(): void;
  setViewport(vp: Span): void;
  setSelection(sel: Selection | null, details?: SliceDetails | null): void;
  setDetails(details: SliceDetails | null): void;
  setHovered(h: Hovered | null): void;
  setRange(r: Span | null): void;
  toggleHidden(laneId: string): void;
  showAllLanes(): void;
  togglePinned(laneId: string): void;
  toggleCollapsed(groupId: string): void;
  setOrder(order: string[]): void;
  toggleExpanded(laneId: string): void;
  setLaneFilter(text: string): void;
  /** Show `groupId`'s lanes inside `targetGroupId` (a view change; see src/state/joinCandidates.ts). */
  joinGroup(groupId: string, targetGroupId: string): void;
  requestScroll(laneId: string): void;
  setHelpOpen(open: boolean): void;
  setAnnotations(list: Annotation[]): void;
  updateAnnotation(id: string, patch: Partial<Omit<Annotation, 'id'>>): void;
  removeAnnotation(id: string): void;
  flashAnnotation(id: string): void;
  setEditingAnnotation(id: string | null): void;
  setShareUrl(url: string): void;
  setRestoreNotice(problems: string[] | null): void;
  setFileRequest(files: FileRef[] | null): void;
  setNotice(kind: NoticeKind, text: string | null): void;
  setAnalysisOverlay(patch: Partial<AnalysisOverlay>): void;
  requestSearch(r: Omit<SearchRequest, 'nonce'>): void;
}

const emptyLaneState = (): LaneState => ({ hidden: new Set(), pinned: [], collapsed: new Set(), order: [], expanded: new Set(), joined: new Map(), filter: '' });

const idle = {
  traces: [] as TraceEntry[],
  axisOriginNs: '0',
  extent: { startNs: 0, endNs: 1 },
  viewport: { startNs: 0, endNs: 1 },
  lanes: [] as LaneInfo[],
  groups: [] as LaneGroup[],
  selection: null,
  details: null,
  hovered: null,
  range: null,
  traceState: 'idle' as TraceState,
  error: null,
  warnings: [] as LoadWarning[],
  loadStartedAt: 0,
  firstFrameMs: null,
  resultMs: null,
  scrollRequest: null,
  annotations: [] as Annotation[],
  annotationFlash: null,
  editingAnnotation: null,
  shareUrl: '',
  restoreNotice: null as string[] | null,
  fileRequest: null as FileRef[] | null,
  notices: {} as Partial<Record<NoticeKind, string>>,
  analysisOverlay: { arrows: [], hits: [], currentHit: -1, gaps: [] } as AnalysisOverlay,
  searchRequest: null as SearchRequest | null,
};

export const useStore = create<AppState>()((set, get) => ({
  ...idle,
  laneState: emptyLaneState(),
  helpOpen: false,

  startLoading(entries) {
    const traces: TraceEntry[] = entries.map(({ deferred, ...e }) => ({ ...e, status: deferred ? 'deferred' : 'loading', progress: null, result: null, shiftNs: 0, offsetNs: 0 }));
    set({
      ...idle,
      laneState: emptyLaneState(),
      traces,
      traceState: entries.length ? 'loading' : 'idle',
      loadStartedAt: performance.now(),
    });
  },

  openingTraces(keys) {
    const opening = new Set(keys);
    set({ traces: get().traces.map((t) => (opening.has(t.key) && t.status === 'deferred' ? { ...t, status: 'opening' as const } : t)) });
  },

  setProgress(key, p) {
    set({ traces: get().traces.map((t) => (t.key === key ? { ...t, progress: p } : t)) });
  },

  traceLoaded(key, result) {
    // A rank opened after the first frame (it scrolled into view) joins the view as it is: no reset of the viewport.
    const late = get().firstFrameMs !== null;
    const traces = get().traces.map((t) => (t.key === key ? { ...t, status: 'ready' as const, result } : t));
    const ready = traces.filter((t) => t.result);
    // Recomputed on every arrival: a later trace can start earlier and move the origin. Deferred ranks count with
    // the times job.json gives them, so opening one never moves the axis (annotations are in axis ns).
    const axisOriginNs = earliestOrigin(traces.flatMap((t) => traceTimes(t) ?? []));
    const { traces: withShift, extent: { startNs, endNs } } = placeTraces(traces, axisOriginNs);
    const lanes = ready.flatMap((t) => t.result!.lanes);
    const groups = ready.flatMap((t) => t.result!.groups);
    const allReady = traces.every(isSettled);
    const laneState = get().laneState;
    const collapsed = new Set(laneState.collapsed);
    for (const g of result.groups) if (g.profiler) collapsed.add(g.id);
    set({
      traces: withShift,
      axisOriginNs,
      extent: { startNs, endNs },
      viewport: late ? get().viewport : { startNs, endNs },
      lanes,
      groups,
      laneState: { ...laneState, collapsed },
      warnings: ready.flatMap((t) => t.result!.warnings),
      // 'ready' is only announced after the first full frame (see markFirstFrame); a late rank leaves it as it is
      // (src/automation.ts says 'loading' while one is opening).
      traceState: late || get().traceState === 'error' ? get().traceState : 'loading',
      firstFrameMs: allReady && !late ? null : get().firstFrameMs,
      resultMs: late ? get().resultMs : Math.round(performance.now() - get().loadStartedAt),
    });
  },

  addLanes(key, added) {
    const have = new Set(get().lanes.map((l) => l.id));
    const fresh = added.filter((l) => !have.has(l.id));
    if (!fresh.length) return;
    const traces = get().traces.map((t) => (t.key === key && t.result ? { ...t, result: { ...t.result, lanes: [...t.result.lanes, ...fresh] } } : t));
    set({ traces, lanes: traces.filter((t) => t.result).flatMap((t) => t.result!.lanes) });
  },

  setTraceOffset(key, offsetNs) {
    if (!Number.isFinite(offsetNs)) return;
    const before = get().traces.find((t) => t.key === key);
    const traces = get().traces.map((t) => (t.key === key ? { ...t, offsetNs } : t));
    const placed = placeTraces(traces, get().axisOriginNs);
    // The selected slice's details hold its axis time: it moves with its trace.
    const { selection, details } = get();
    const delta = before ? offsetNs - before.offsetNs : 0;
    const moved = selection?.trace === key && details && delta ? { details: { ...details, startNs: details.startNs + delta } } : {};
    set({ ...placed, ...moved });
  },

  fail(message) {
    set({ traceState: 'error', error: message });
  },

  reset() {
    set({ ...idle, laneState: emptyLaneState() });
  },

  markFirstFrame() {
    const s = get();
    if (s.traceState !== 'loading' || !s.traces.length || !s.traces.every(isSettled)) return;
    set({ traceState: 'ready', firstFrameMs: Math.round(performance.now() - s.loadStartedAt) });
  },

  setViewport(vp) {
    const cur = get().viewport;
    if (cur.startNs === vp.startNs && cur.endNs === vp.endNs) return;
    set({ viewport: vp });
  },

  setSelection(selection, details = null) {
    set({ selection, details });
  },

  setDetails(details) {
    set({ details });
  },

  setHovered(hovered) {
    const cur = get().hovered;
    if (cur === hovered) return;
    if (
      cur &&
      hovered &&
      cur.laneId === hovered.laneId &&
      cur.startNs === hovered.startNs &&
      cur.row === hovered.row &&
      cur.clientX === hovered.clientX &&
      cur.clientY === hovered.clientY
    )
      return;
    set({ hovered });
  },

  setRange(range) {
    set({ range });
  },

  toggleHidden(laneId) {
    const ls = get().laneState;
    const hidden = new Set(ls.hidden);
    if (hidden.has(laneId)) hidden.delete(laneId);
    else hidden.add(laneId);
    set({ laneState: { ...ls, hidden } });
  },

  showAllLanes() {
    set({ laneState: { ...get().laneState, hidden: new Set() } });
  },

  togglePinned(laneId) {
    const ls = get().laneState;
    const pinned = ls.pinned.includes(laneId) ? ls.pinned.filter((id) => id !== laneId) : [...ls.pinned, laneId];
    set({ laneState: { ...ls, pinned } });
  },

  joinGroup(groupId, targetGroupId) {
    const ls = get().laneState;
    set({ laneState: { ...ls, joined: new Map(ls.joined).set(groupId, targetGroupId) } });
  },

  toggleCollapsed(groupId) {
    const ls = get().laneState;
    const collapsed = new Set(ls.collapsed);
    if (collapsed.has(groupId)) collapsed.delete(groupId);
    else collapsed.add(groupId);
    set({ laneState: { ...ls, collapsed } });
  },

  toggleExpanded(laneId) {
    const ls = get().laneState;
    const expanded = new Set(ls.expanded);
    if (expanded.has(laneId)) expanded.delete(laneId);
    else expanded.add(laneId);
    set({ laneState: { ...ls, expanded } });
  },

  setLaneFilter(filter) {
    if (get().laneState.filter === filter) return;
    set({ laneState: { ...get().laneState, filter } });
  },

  setOrder(order) {
    set({ laneState: { ...get().laneState, order } });
  },

  requestScroll(laneId) {
    set({ scrollRequest: { laneId, nonce: (get().scrollRequest?.nonce ?? 0) + 1 } });
  },

  setHelpOpen(helpOpen) {
    set({ helpOpen });
  },

  setAnnotations(annotations) {
    set({ annotations });
  },

  updateAnnotation(id, patch) {
    set({ annotations: get().annotations.map((a) => (a.id === id ? { ...a, ...patch } : a)) });
  },

  removeAnnotation(id) {
    const s = get();
    set({ annotations: s.annotations.filter((a) => a.id !== id), editingAnnotation: s.editingAnnotation === id ? null : s.editingAnnotation });
  },

  flashAnnotation(id) {
    set({ annotationFlash: { id, nonce: (get().annotationFlash?.nonce ?? 0) + 1 } });
  },

  setEditingAnnotation(editingAnnotation) {
    set({ editingAnnotation });
  },

  setShareUrl(shareUrl) {
    set({ shareUrl });
  },

  setRestoreNotice(restoreNotice) {
    set({ restoreNotice });
  },

  setFileRequest(fileRequest) {
    set({ fileRequest });
  },

  setNotice(kind, text) {
    const notices = get().notices;
    if ((notices[kind] ?? null) === text) return;
    const next = { ...notices };
    if (text === null) delete next[kind];
    else next[kind] = text;
    set({ notices: next });
  },

  requestSearch(r) {
    set({ searchRequest: { ...r, nonce: (get().searchRequest?.nonce ?? 0) + 1 } });
  },

  setAnalysisOverlay(patch) {
    set({ analysisOverlay: { ...get().analysisOverlay, ...patch } });
  },
}));

/** The trace entry owning a lane id ("trace|pid|tid|kind"). */
export function traceOfLane(laneId: string): TraceEntry | undefined {
  const traces = useStore.getState().traces;
  return traces.find((t) => laneId.startsWith(t.key + '|'));
}

/** Opened, or waiting unopened (deferred or opening): nothing the first frame waits for. */
export function isSettled(t: TraceEntry): boolean {
  return t.status === 'ready' || t.status === 'deferred' || t.status === 'opening';
}

/** A job rank not opened yet (deferred or opening): a placeholder in the lane list. */
export function isPlaceholder(t: TraceEntry): boolean {
  return t.status === 'deferred' || t.status === 'opening';
}

/** Where a trace lies in its own time: its load result's, or for a rank not opened yet what job.json says; null before either. */
export function traceTimes(t: TraceEntry): { originNs: string; minNs: number; maxNs: number; events: number; wholeStartNs?: number } | null {
  if (t.result) return t.result;
  const rank = t.source.kind === 'index' ? t.source.job?.rank : undefined;
  return rank && isPlaceholder(t) ? { originNs: rank.originNs, minNs: rank.startNs, maxNs: rank.endNs, events: rank.events } : null;
}

/** Each trace's shift on the axis (its origin's distance to the axis origin + the user's offset) and the extent. */
export function placeTraces(traces: TraceEntry[], axisOriginNs: string): { traces: TraceEntry[]; extent: Span } {
  let startNs = Infinity;
  let endNs = -Infinity;
  const placed = traces.map((t) => {
    const times = traceTimes(t);
    if (!times) return t;
    const shiftNs = traceShiftNs(times.originNs, axisOriginNs) + t.offsetNs;
    // A trace without events has no extent to show (its origin may be decades away).
    if (times.events > 0) {
      startNs = Math.min(startNs, times.minNs + shiftNs);
      endNs = Math.max(endNs, times.maxNs + shiftNs);
    }
    return { ...t, shiftNs };
  });
  if (!Number.isFinite(startNs) || !(endNs > startNs)) {
    startNs = Number.isFinite(startNs) ? startNs : 0;
    endNs = startNs + 1000;
  }
  return { traces: placed, extent: { startNs, endNs } };
}
