// How a trace is named in the timeline: by its rank when the trace says which
// (Kineto's distributedInfo), else by its file name.

import type { TraceLoadResult } from '../model/types';

export function rankOfResult(result: TraceLoadResult | null): number | null {
  const info = result?.metadata.distributedInfo as { rank?: unknown } | undefined;
  return typeof info?.rank === 'number' ? info.rank : null;
}

/** Several traces that all name their rank: they are ranks of one job (else just traces). */
export function tracesAreRanks(traces: readonly { result: TraceLoadResult | null }[]): boolean {
  return traces.length > 1 && traces.every((t) => rankOfResult(t.result) !== null);
}

export function traceLabel(t: { name: string; result: TraceLoadResult | null }): string {
  const rank = rankOfResult(t.result);
  return rank === null ? t.name : `rank ${rank} · ${t.name}`;
}
