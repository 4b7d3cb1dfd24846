// How a trace is named in the timeline: by its rank when the trace says which
// (Kineto's distributedInfo), else by its file name.

import type { TraceLoadResult, TraceSource } from '../model/types';

export function rankOfResult(result: TraceLoadResult | null): number | null {
  const info = result?.metadata.distributedInfo as { rank?: unknown } | undefined;
  return typeof info?.rank === 'number' ? info.rank : null;
}

/** A trace's rank: from its load result, or for a job's rank not opened yet from job.json. */
function rankOf(t: { result: TraceLoadResult | null; source?: TraceSource }): number | null {
  const placed = t.source?.kind === 'index' ? t.source.job?.rank : undefined;
  return t.result ? rankOfResult(t.result) : placed?.rank ?? null;
}

/** Several traces that all name their rank: they are ranks of one job (else just traces). */
export function tracesAreRanks(traces: readonly { result: TraceLoadResult | null; source?: TraceSource }[]): boolean {
  return traces.length > 1 && traces.every((t) => rankOf(t) !== null);
}

export function traceLabel(t: { name: string; result: TraceLoadResult | null; source?: TraceSource }): string {
  const rank = rankOf(t);
  return rank === null ? t.name : `rank ${rank} · ${t.name}`;
}
