// window.tracelane: a small scripting surface for tests and power users, plus
// the data-trace-state attribute that tells automation when the app is ready.

import type { FindQuery, LoadWarning, SliceDetails } from './model/types';
import { isPlaceholder, useStore } from './state/store';
import { findInTrace, openAllTraces, traceWorker } from './state/traceClient';
import { clearSelection, pendingSelection } from './timeline/Timeline';
import { selectByKey } from './state/selectByKey';
import { clampTo } from './timeline/viewportMath';
import { sortAnnotations, type Annotation } from './model/annotations';
import { addAnnotation } from './timeline/annotationActions';
import { lastDrawnScene } from './export/png';
import { overviewOfTraces } from './state/overviewReport';

export interface TracelaneAutomation {
  summary(): unknown;
  viewport(): { startNs: number; endNs: number };
  setViewport(vp: { startNs: number; endNs: number }): void;
  find(q: FindQuery): Promise<{ key: string; laneId: string; startNs: number; durNs: number }[]>;
  select(key: string | null): Promise<boolean>;
  /** The selection; a Promise of it only while a click's details are still loading. */
  selection(): AutomationSelection | null | Promise<AutomationSelection | null>;
  /** Annotation lines and stages in time order (global-axis ns). */
  annotations(): Annotation[];
  /** Add a line (or a stage with endNs); returns it. */
  annotate(a: { startNs: number; endNs?: number; label?: string; note?: string }): Annotation;
  /** Resolves once every loaded trace's worker has finished its background work (memory settled). */
  settled(): Promise<void>;
  /** What the last frame drew per visible lane: items, and how many came from level-of-detail tiles. */
  drawn(): { items: number; outlines: number; arrows: number; lanes: { id: string; items: number; fromTiles: number; firstNs: number | null }[] };
  /** The selected range on the axis, or null. */
  range(): { startNs: number; endNs: number } | null;
  /** Per trace, the Overview's temporal breakdown over the selected range (else the whole trace). */
  overview(): Promise<{ trace: string; spanNs: number; idleNs: number; computeNs: number; nonComputeNs: number; overlapPct: number | null }[]>;
}

type AutomationSelection = Omit<SliceDetails, 'args'> & { args: unknown; argsText: string | null };

declare global {
  interface Window {
    tracelane?: TracelaneAutomation;
  }
}

export function installAutomation(): void {
  const api: TracelaneAutomation = {
    async settled() {
      await Promise.all(useStore.getState().traces.map((t) => traceWorker(t.key)?.settled()));
    },
    async overview() {
      const s = useStore.getState();
      const rows = await overviewOfTraces(s.traces, s.range);
      return rows.map(({ trace, overview: o }) => ({ trace, spanNs: o.spanNs, idleNs: o.idleNs, computeNs: o.computeNs, nonComputeNs: o.nonComputeNs, overlapPct: o.overlapPct }));
    },
    range() {
      const r = useStore.getState().range;
      return r ? { startNs: Math.min(r.startNs, r.endNs), endNs: Math.max(r.startNs, r.endNs) } : null;
    },
    drawn() {
      const scene = lastDrawnScene();
      const lanes = (scene?.lanes ?? []).map((l) => {
        const s = l.slices;
        let fromTiles = 0;
        if (s?.busy) for (const b of s.busy) if (b >= 0) fromTiles++;
        let firstNs = Infinity;
        if (s) for (let i = 0; i < s.start.length; i++) firstNs = Math.min(firstNs, s.start[i]);
        return { id: l.id, items: (s?.start.length ?? 0) + (l.counter?.t.length ?? 0), fromTiles, firstNs: Number.isFinite(firstNs) ? firstNs : null };
      });
      return { items: lanes.reduce((n, l) => n + l.items, 0), outlines: scene?.overlay?.hits.length ?? 0, arrows: scene?.overlay?.arrows.length ?? 0, lanes };
    },
    summary() {
      const s = useStore.getState();
      const ready = s.traces.filter((t) => t.result);
      const warnings: LoadWarning[] = ready.flatMap((t) => t.result!.warnings);
      return {
        events: s.lanes.reduce((n, l) => n + l.events, 0),
        originNs: s.axisOriginNs,
        startNs: s.extent.startNs,
        endNs: s.extent.endNs,
        parseMs: Math.max(0, ...ready.map((t) => t.result!.parseMs)),
        scanners: ready.map((t) => t.result!.scanner ?? null),
        stagesMs: ready.map((t) => t.result!.stagesMs ?? null),
        firstFrameMs: s.firstFrameMs,
        resultMs: s.resultMs,
        // A job's ranks not opened yet (their lanes are not in view): no lanes of theirs are listed.
        deferred: s.traces.filter(isPlaceholder).map((t) => t.key),
        warnings: warnings.map((w) => ({ code: w.code, message: w.message, byteOffset: w.byteOffset, eventIndex: w.eventIndex })),
        lanes: s.lanes.map((l) => ({ id: l.id, kind: l.kind, name: l.name, group: l.group, trace: l.trace, events: l.events, rows: l.rows, ...(l.async ? { async: true } : {}) })),
      };
    },
    viewport() {
      const { startNs, endNs } = useStore.getState().viewport;
      return { startNs, endNs };
    },
    setViewport(vp) {
      const s = useStore.getState();
      if (!(Number.isFinite(vp.startNs) && Number.isFinite(vp.endNs) && vp.endNs > vp.startNs)) return;
      s.setViewport(clampTo(s.extent, { startNs: vp.startNs, endNs: vp.endNs }));
    },
    async find(q) {
      // Across every trace: a job's ranks not opened yet are opened first.
      await openAllTraces();
      const s = useStore.getState();
      const per = await Promise.all(
        s.traces
          .filter((t) => t.result)
          .map(async (t) => (await findInTrace(t.key, q)).map((h) => ({ key: h.key, laneId: h.laneId, startNs: h.startNs + t.shiftNs, durNs: h.durNs }))),
      );
      const all = per.flat().sort((a, b) => a.startNs - b.startNs);
      return q.limit !== undefined ? all.slice(0, q.limit) : all;
    },
    async select(key) {
      if (key == null) {
        clearSelection();
        return true;
      }
      return selectByKey(key);
    },
    selection() {
      const pending = pendingSelection();
      if (pending) return pending.then(() => currentSelection());
      return currentSelection();
    },
    annotations() {
      return sortAnnotations(useStore.getState().annotations).map((a) => ({ ...a }));
    },
    annotate(a) {
      return { ...addAnnotation(a) };
    },
  };
  window.tracelane = api;

  const root = document.documentElement;
  const sync = () => {
    const s = useStore.getState();
    // Ready means every opened trace is ready: a job's rank opening as it scrolls into view makes it 'loading' again.
    const st = s.traceState === 'ready' && s.traces.some((t) => t.status === 'opening') ? 'loading' : s.traceState;
    if (root.dataset.traceState !== st) root.dataset.traceState = st;
  };
  sync();
  useStore.subscribe(sync);
  if (!root.dataset.renderState) root.dataset.renderState = 'idle';
}

function currentSelection(): AutomationSelection | null {
  const d = useStore.getState().details;
  if (!d) return null;
  let args: unknown = null;
  if (d.args != null) {
    try {
      args = JSON.parse(d.args);
    } catch {
      args = d.args;
    }
  }
  return { ...d, args, argsText: d.args };
}
