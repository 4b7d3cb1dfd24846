// Aligning traces: "align on event" (the first occurrence of a named event lines up with
// the first trace's), "align starts", "align slice A with slice B", and the overlap check.
// Every one of them only sets the per-trace offsets (store.setTraceOffset, view
// transforms), after recording the previous ones for undo (offsetHistory.ts).

import { traceTimes, useStore, type TraceEntry } from './store';
import { findInTrace, openAllTraces } from './traceClient';
import { recordOffsets } from './offsetHistory';

/** One trace's extent on the axis (offset applied). */
export interface TraceSpan {
  key: string;
  label: string;
  startNs: number;
  endNs: number;
}

export function traceSpans(traces: readonly TraceEntry[], label: (t: TraceEntry) => string): TraceSpan[] {
  // A trace without events has no span (its extent is a placeholder): it neither overlaps nor misses the others.
  // A job's rank not opened yet has the span job.json gives it.
  return traces.flatMap((t) => {
    const times = traceTimes(t);
    return times && times.events > 0 ? [{ key: t.key, label: label(t), startNs: times.minNs + t.shiftNs, endNs: times.maxNs + t.shiftNs }] : [];
  });
}

/**
 * Why the traces share no instant, or null when they do: the trace that starts last begins
 * after the one that ends first has ended. (Two traces of one job normally overlap; if
 * they do not, their clocks or capture windows differ and comparing them misleads.)
 */
export function overlapProblem(spans: readonly TraceSpan[]): { late: TraceSpan; early: TraceSpan; gapNs: number } | null {
  if (spans.length < 2) return null;
  const late = spans.reduce((a, b) => (b.startNs > a.startNs ? b : a));
  const early = spans.reduce((a, b) => (b.endNs < a.endNs ? b : a));
  return late.startNs > early.endNs ? { late, early, gapNs: late.startNs - early.endNs } : null;
}

/** Offsets that put every trace's first event at the first trace's first event (axis time). */
export function startAlignedOffsets(traces: readonly TraceEntry[]): Map<string, number> {
  const ready = traces.flatMap((t) => {
    const times = traceTimes(t);
    return times ? [{ t, minNs: times.minNs }] : [];
  });
  const out = new Map<string, number>();
  if (!ready.length) return out;
  const target = ready[0].minNs + ready[0].t.shiftNs;
  for (const { t, minNs } of ready) out.set(t.key, t.offsetNs + target - (minNs + t.shiftNs));
  return out;
}

/** A slice picked for "align slice A with slice B": where it starts in its own trace's time. */
export interface PickedSlice {
  trace: string;
  key: string;
  name: string;
  /** Trace-relative start (ns from the trace origin, before any offset). */
  startNs: number;
}

/** The offset of B's trace that puts B's start at A's start on the axis; null when both are in one trace. */
export function sliceAlignedOffset(traces: readonly TraceEntry[], a: PickedSlice, b: PickedSlice): number | null {
  if (a.trace === b.trace) return null;
  const ta = traces.find((t) => t.key === a.trace);
  const tb = traces.find((t) => t.key === b.trace);
  if (!ta || !tb) return null;
  return tb.offsetNs + a.startNs + ta.shiftNs - (b.startNs + tb.shiftNs);
}

/** Set several offsets as one undoable change. */
export function applyOffsets(offsets: ReadonlyMap<string, number>): void {
  recordOffsets();
  const st = useStore.getState();
  for (const [key, off] of offsets) st.setTraceOffset(key, off);
}

/** Returns the names of traces without that event (left where they were). */
export async function alignOnEvent(name: string): Promise<string[]> {
  // Every trace is searched: a job's ranks not opened yet are opened first.
  await openAllTraces();
  const st = useStore.getState();
  const ready = st.traces.filter((t) => t.result);
  const firsts = await Promise.all(
    ready.map(async (t) => {
      const hits = await findInTrace(t.key, { name, limit: 1_000_000 });
      return hits.length ? Math.min(...hits.map((h) => h.startNs)) : null;
    }),
  );
  const anchorIdx = firsts.findIndex((f) => f !== null);
  if (anchorIdx < 0) return ready.map((t) => t.name);
  const anchor = ready[anchorIdx];
  // Axis time of the anchor's first occurrence, with its current offset.
  const target = firsts[anchorIdx]! + anchor.shiftNs;
  const missing: string[] = [];
  const offsets = new Map<string, number>();
  ready.forEach((t, i) => {
    const first = firsts[i];
    if (first === null) return void missing.push(t.name);
    const baseShift = t.shiftNs - t.offsetNs;
    offsets.set(t.key, target - first - baseShift);
  });
  applyOffsets(offsets);
  return missing;
}
