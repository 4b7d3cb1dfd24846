// What the timeline does with annotations: create at the cursor / slice / range,
// drag a handle (snapping to slice edges), jump to one. Timeline.tsx only forwards
// gestures here; the picture comes from sceneAnnotations().

import { isStage, makeAnnotation, type Annotation } from '../model/annotations';
import type { LaneSlices } from '../model/types';
import { useStore, type AppState } from '../state/store';
import { annotationHandleAt, type HandleHit, type SceneAnnotation } from './annotationDrawing';
import { clampTo } from './viewportMath';

const FLASH_MS = 1200;
const SNAP_PX = 6;

/** What the renderer draws: the store's annotations, the flashed / dragged one emphasised. */
export function sceneAnnotations(st: Pick<AppState, 'annotations' | 'annotationFlash'>): SceneAnnotation[] {
  const flashId = st.annotationFlash?.id ?? drag?.id;
  return st.annotations.map((a) => ({ id: a.id, startNs: a.startNs, endNs: isStage(a) ? a.endNs : undefined, label: a.label, color: a.color, flash: a.id === flashId }));
}

export function addAnnotation(fields: { startNs: number; endNs?: number; label?: string; color?: string; note?: string }): Annotation {
  const st = useStore.getState();
  const a = makeAnnotation(st.annotations, fields);
  st.setAnnotations([...st.annotations, a]);
  return a;
}

// ---- cursor: M marks "at the cursor" when no slice is hovered ----
let cursorNs: number | null = null;

/** Remember the axis time under the pointer (called by the timeline on pointer moves). */
export function noteCursorNs(ns: number | null): void {
  cursorNs = ns;
}

/**
 * M: at the hovered slice's start when that start is on screen (a long parent's start
 * may be far off to the left: then the user means here), else at the cursor, else at
 * the centre of the view.
 */
export function addMarkAtCursor(): Annotation {
  const st = useStore.getState();
  const h = st.hovered;
  const { startNs: v0, endNs: v1 } = st.viewport;
  const sliceStart = h && !h.counterValues && h.count >= 1 && h.startNs >= v0 && h.startNs <= v1 ? h.startNs : null;
  const ns = sliceStart ?? cursorNs ?? (v0 + v1) / 2;
  return addAnnotation({ startNs: ns });
}

/** Shift+M: the selected time range becomes a named stage. Nothing happens without a range. */
export function addStageFromRange(): Annotation | null {
  const r = useStore.getState().range;
  if (!r || !(r.endNs > r.startNs)) return null;
  const a = addAnnotation({ startNs: r.startNs, endNs: r.endNs });
  useStore.getState().setRange(null);
  return a;
}

/** Centre the view on an annotation (a stage wider than the view is fitted) and flash it. */
export function jumpToAnnotation(id: string): void {
  const st = useStore.getState();
  const a = st.annotations.find((x) => x.id === id);
  if (!a) return;
  const span = st.viewport.endNs - st.viewport.startNs;
  const end = a.endNs ?? a.startNs;
  const want = Math.max(span, (end - a.startNs) * 1.2);
  const mid = (a.startNs + end) / 2;
  st.setViewport(clampTo(st.extent, { startNs: mid - want / 2, endNs: mid + want / 2 }));
  st.flashAnnotation(id);
  const nonce = useStore.getState().annotationFlash?.nonce;
  setTimeout(() => {
    if (useStore.getState().annotationFlash?.nonce === nonce) useStore.setState({ annotationFlash: null });
  }, FLASH_MS);
}

// ---- dragging a handle on the axis ----
let drag: (HandleHit & { moved: boolean }) | null = null;

/** Start dragging if x (px in the plot) is on a handle; true when a drag started. */
export function beginHandleDrag(x: number, widthPx: number): boolean {
  const st = useStore.getState();
  const hit = annotationHandleAt(st.annotations, st.viewport, widthPx, x);
  drag = hit ? { ...hit, moved: false } : null;
  return !!hit;
}

export function handleAt(x: number, widthPx: number): HandleHit | null {
  const st = useStore.getState();
  return annotationHandleAt(st.annotations, st.viewport, widthPx, x);
}

/** Move the dragged edge to x, snapping to the nearest visible slice edge within a few px. */
export function moveHandleDrag(x: number, widthPx: number, slices: ReadonlyMap<string, LaneSlices>): void {
  if (!drag) return;
  const st = useStore.getState();
  const vp = st.viewport;
  const nsPerPx = (vp.endNs - vp.startNs) / Math.max(1, widthPx);
  const raw = vp.startNs + x * nsPerPx;
  const ns = snapToSliceEdge(raw, slices, SNAP_PX * nsPerPx);
  const a = st.annotations.find((v) => v.id === drag!.id);
  if (!a) return;
  drag.moved = true;
  if (!isStage(a)) return st.updateAnnotation(a.id, { startNs: ns });
  // A stage edge dragged past the other edge swaps roles, so a stage never inverts.
  const other = drag.edge === 'start' ? a.endNs : a.startNs;
  if (ns === other) return;
  st.updateAnnotation(a.id, { startNs: Math.min(ns, other), endNs: Math.max(ns, other) });
  drag.edge = ns < other ? 'start' : 'end';
}

export function endHandleDrag(): boolean {
  const moved = !!drag?.moved;
  drag = null;
  return moved;
}

/** The slice start or end nearest to ns within tolNs (real events only, not merged buckets), else ns. */
export function snapToSliceEdge(ns: number, slices: ReadonlyMap<string, LaneSlices>, tolNs: number): number {
  let best = ns;
  let bestD = tolNs;
  for (const s of slices.values()) {
    for (let i = 0; i < s.start.length; i++) {
      if (s.eventIdx[i] < 0) continue;
      const d0 = Math.abs(s.start[i] - ns);
      if (d0 < bestD) {
        bestD = d0;
        best = s.start[i];
      }
      const d1 = Math.abs(s.end[i] - ns);
      if (d1 < bestD) {
        bestD = d1;
        best = s.end[i];
      }
    }
  }
  return best;
}
