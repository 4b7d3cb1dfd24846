// Jumping to a slice from a panel (stack frame, launch, kernel, search hit, list row):
// select it, scroll its lane into view and bring it on screen, keeping the zoom
// unless the slice is wider than the view.

import type { SliceRef } from '../model/analysisTypes';
import { selectSlice } from '../timeline/Timeline';
import { clampTo, fitSpan, MIN_SPAN_NS } from '../timeline/viewportMath';
import { animateViewportTo } from '../timeline/viewportAnimation';
import { useStore } from './store';
import { openTraces } from './traceClient';

export interface RevealOptions {
  /**
   * Zoom in (gliding) when the slice would be a sliver: narrower than this share of the view.
   * Search and flow jumps use it, so a 2 µs kernel found in a 4 s view can be seen.
   */
  minShare?: number;
}

/** A sliver is zoomed to take this share of the view, so it reads as a slice with a label. */
const ZOOMED_SHARE = 0.05;

/** Bring [startNs, endNs] (global axis) into view: recentre at the current zoom, or fit when wider. */
export function revealSpan(startNs: number, endNs: number, opts: RevealOptions = {}): void {
  const s = useStore.getState();
  const vp = s.viewport;
  const span = vp.endNs - vp.startNs;
  if (endNs - startNs > span * 0.9) return s.setViewport(fitSpan(s.extent, startNs, endNs));
  const mid = (startNs + endNs) / 2;
  if (opts.minShare !== undefined && endNs - startNs < span * opts.minShare) {
    const next = Math.min(span, Math.max(MIN_SPAN_NS, (endNs - startNs) / ZOOMED_SHARE));
    return animateViewportTo(clampTo(s.extent, { startNs: mid - next / 2, endNs: mid + next / 2 }));
  }
  if (startNs >= vp.startNs && endNs <= vp.endNs) return;
  s.setViewport(clampTo(s.extent, { startNs: mid - span / 2, endNs: mid + span / 2 }));
}

/** The trace's shift onto the global axis (0 when the trace is gone). */
export function shiftOf(trace: string): number {
  return useStore.getState().traces.find((t) => t.key === trace)?.shiftNs ?? 0;
}

/** Select a slice returned by an analysis (trace-relative times) and show it. */
export async function goToSlice(trace: string, ref: Pick<SliceRef, 'laneId' | 'eventIdx' | 'startNs' | 'durNs'> & { key?: string }, opts: RevealOptions = {}): Promise<boolean> {
  // A job's rank not opened yet (the stall finder's late rank, a precomputed analysis) is opened first.
  await openTraces([trace]);
  const ok = await selectSlice(trace, ref.laneId, ref.eventIdx, ref.key || undefined);
  if (!ok) return false;
  useStore.getState().requestScroll(ref.laneId);
  const start = ref.startNs + shiftOf(trace);
  revealSpan(start, start + ref.durNs, opts);
  return true;
}

/** The trace's shift onto the global axis, re-rendering when an offset changes it. */
export function useTraceShift(trace: string): number {
  return useStore((s) => s.traces.find((t) => t.key === trace)?.shiftNs ?? 0);
}
