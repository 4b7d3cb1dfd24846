// The Overview across traces: asks every loaded trace's worker for its figures over the selected
// range (each trace's own time: the range minus its shift) or the whole trace, and flags per
// metric the rank that stands out (workers/analysis/overviewRanks.ts).

import type { OverviewQuery, TraceOverview } from '../model/overviewTypes';
import { isPlaceholder, useStore, type Span, type TraceEntry } from './store';
import { openTraces, traceWorker } from './traceClient';
import { traceLabel } from './traceLabel';
import { precomputedOverview } from './jobSources';
import { DEFAULT_KERNEL_WAIT_NS } from '../../workers/analysis/overviewIdle';

export interface TraceOverviewRow {
  trace: string;
  label: string;
  /** ns to add to the overview's times for axis time. */
  shiftNs: number;
  overview: TraceOverview;
}

export async function overviewOfTraces(traces: TraceEntry[], range: Span | null, q: Omit<OverviewQuery, 'startNs' | 'endNs'> = {}): Promise<TraceOverviewRow[]> {
  const r = range && range.endNs !== range.startNs ? { startNs: Math.min(range.startNs, range.endNs), endNs: Math.max(range.startNs, range.endNs) } : null;
  const stored = !r && (q.kernelWaitNs ?? DEFAULT_KERNEL_WAIT_NS) === DEFAULT_KERNEL_WAIT_NS;
  // A job's ranks not opened yet: the merge's figures when those are asked, else the ranks are opened to be asked.
  const waiting = traces.filter(isPlaceholder);
  const precomputed = new Map(await Promise.all(waiting.map(async (t) => [t.key, stored ? await precomputedOverview(t.source, t.key).catch(() => null) : null] as const)));
  const toOpen = waiting.filter((t) => !precomputed.get(t.key)).map((t) => t.key);
  if (toOpen.length) await openTraces(toOpen);
  const now = toOpen.length ? useStore.getState().traces.filter((t) => traces.some((x) => x.key === t.key)) : traces;
  const ready = now.filter((t) => (t.result && traceWorker(t.key)) || precomputed.get(t.key));
  return Promise.all(
    ready.map(async (t) => ({
      trace: t.key,
      label: traceLabel(t),
      shiftNs: t.shiftNs,
      overview:
        // A job's rank over its whole trace at the default threshold: the figures the merge stored.
        precomputed.get(t.key) ??
        (stored ? await precomputedOverview(t.source, t.key).catch(() => null) : null) ??
        (await traceWorker(t.key)!.overview({ ...q, ...(r ? { startNs: r.startNs - t.shiftNs, endNs: r.endNs - t.shiftNs } : {}) })),
    })),
  );
}
