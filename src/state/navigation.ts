// Jumping to a slice from a panel (stack frame, launch, kernel, search hit, list row):
// select it, scroll its lane into view and bring it on screen, keeping the zoom
// unless the slice is wider than the view.

import type { SliceRef } from '../model/analysisTypes';
import { selectSlice } from '../timeline/Timeline';
import { clampTo, fitSpan } from '../timeline/viewportMath';
import { useStore } from './store';

/** Bring [startNs, endNs] (global axis) into view: recentre at the current zoom, or fit when wider. */
export function revealSpan(startNs: number, endNs: number): void {
  const s = useStore.getState();
  const vp = s.viewport;
  const span = vp.endNs - vp.startNs;
  if (endNs - startNs > span * 0.9) return s.setViewport(fitSpan(s.extent, startNs, endNs));
  if (startNs >= vp.startNs && endNs <= vp.endNs) return;
  const mid = (startNs + endNs) / 2;
  s.setViewport(clampTo(s.extent, { startNs: mid - span / 2, endNs: mid + span / 2 }));
}

/** The trace's shift onto the global axis (0 when the trace is gone). */
export function shiftOf(trace: string): number {
  return useStore.getState().traces.find((t) => t.key === trace)?.shiftNs ?? 0;
}

/** Select a slice returned by an analysis (trace-relative times) and show it. */
export async function goToSlice(trace: string, ref: Pick<SliceRef, 'laneId' | 'eventIdx' | 'startNs' | 'durNs'> & { key?: string }): Promise<boolean> {
  const ok = await selectSlice(trace, ref.laneId, ref.eventIdx, ref.key || undefined);
  if (!ok) return false;
  useStore.getState().requestScroll(ref.laneId);
  const start = ref.startNs + shiftOf(trace);
  revealSpan(start, start + ref.durNs);
  return true;
}

/** The trace's shift onto the global axis, re-rendering when an offset changes it. */
export function useTraceShift(trace: string): number {
  return useStore((s) => s.traces.find((t) => t.key === trace)?.shiftNs ?? 0);
}
