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

/** The selected time range becomes a stage (it stays selected: the drawer shows the stage). Nothing happens without a range. */
export function addStageFromRange(): Annotation | null {
  const r = useStore.getState().range;
  if (!r || !(r.endNs > r.startNs)) return null;
  return addAnnotation({ startNs: r.startNs, endNs: r.endNs });
}

/** A stage over a slice's span (axis ns), selected as the range. Null for an instant. */
export function addStageFromSlice(slice: { startNs: number; endNs: number }): Annotation | null {
  if (!(slice.endNs > slice.startNs)) return null;
  const a = addAnnotation({ startNs: slice.startNs, endNs: slice.endNs });
  selectStageRange(a);
  return a;
}

/**
 * M, and Shift+M which then asks for the name inline: with a range selected, a stage of the
 * range; else with a slice selected, a stage of its span; else a line (addMarkAtCursor).
 */
export function markFromContext(askName: boolean): Annotation {
  const st = useStore.getState();
  const d = st.details;
  const r = st.range;
  // The range of a stage already there (a click on a stage selects it): Shift+M renames that
  // stage, M goes on to the slice or the line instead of a second stage over the same span.
  const same = r && st.annotations.find((x) => isStage(x) && x.startNs === r.startNs && x.endNs === r.endNs);
  if (same && askName) {
    st.setEditingAnnotation(same.id);
    return same;
  }
  const a = (same ? null : addStageFromRange()) ?? (d ? addStageFromSlice({ startNs: d.startNs, endNs: d.startNs + d.durNs }) : null) ?? addMarkAtCursor();
  if (askName) useStore.getState().setEditingAnnotation(a.id);
  return a;
}

/** A stage's range becomes the selected range, so the analysis drawer covers the stage. */
export function selectStageRange(a: Annotation): void {
  if (isStage(a)) useStore.getState().setRange({ startNs: a.startNs, endNs: a.endNs });
}

/** Click on the time axis: the narrowest stage under x (px in the plot) becomes the range; false when none is there. */
export function selectStageAt(x: number, widthPx: number): boolean {
  const st = useStore.getState();
  const vp = st.viewport;
  const ns = vp.startNs + (x / Math.max(1, widthPx)) * (vp.endNs - vp.startNs);
  const under = st.annotations.filter((a) => isStage(a) && a.startNs <= ns && ns <= a.endNs!).sort((a, b) => a.endNs! - a.startNs - (b.endNs! - b.startNs));
  if (!under.length) return false;
  selectStageRange(under[0]);
  return true;
}

/** Centre the view on an annotation (a stage wider than the view is fitted) and flash it; a stage becomes the range. */
export function jumpToAnnotation(id: string): void {
  const st = useStore.getState();
  const a = st.annotations.find((x) => x.id === id);
  if (!a) return;
  selectStageRange(a);
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

/** Move the dragged edge to x, snapping to the nearest visible slice edge or other annotation within a few px. */
export function moveHandleDrag(x: number, widthPx: number, slices: ReadonlyMap<string, LaneSlices>): void {
  if (!drag) return;
  const st = useStore.getState();
  const ns = snappedAt(x, widthPx, slices, drag.id);
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

/**
 * Axis ns at x (px in the plot) snapped to the nearest visible slice edge or annotation edge
 * (but `exceptId`'s own) within SNAP_PX; range drags and handle drags both land here.
 */
export function snappedAt(x: number, widthPx: number, slices: ReadonlyMap<string, LaneSlices>, exceptId?: string): number {
  const st = useStore.getState();
  const vp = st.viewport;
  const nsPerPx = (vp.endNs - vp.startNs) / Math.max(1, widthPx);
  const raw = vp.startNs + x * nsPerPx;
  const tol = SNAP_PX * nsPerPx;
  const toSlice = snapToSliceEdge(raw, slices, tol);
  let best = toSlice;
  let bestD = toSlice === raw ? tol : Math.abs(toSlice - raw);
  for (const a of st.annotations) {
    if (a.id === exceptId) continue;
    for (const edge of a.endNs !== undefined ? [a.startNs, a.endNs] : [a.startNs]) {
      const d = Math.abs(edge - raw);
      if (d < bestD) {
        bestD = d;
        best = edge;
      }
    }
  }
  return best;
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
