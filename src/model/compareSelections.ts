// What the comparison view compares: whole traces, stages, ranges the user added, and rank
// groups (several traces as one). Each becomes parts: one (trace, span of the trace's own
// time) per trace it covers. Pure: the panel passes the traces and stages it sees.

import type { Annotation } from './annotations';

export type CompareSelection =
  | { type: 'trace'; trace: string }
  | { type: 'group'; traces: string[]; label: string }
  | { type: 'stage'; id: string }
  /** One step of one trace (steps.ts), its span in the trace's own time. */
  | { type: 'step'; trace: string; ordinal: number; startNs: number; endNs: number }
  /** A range on the global axis the user added (a step from the Steps tab, a drag). */
  | { type: 'range'; startNs: number; endNs: number };

export interface TraceSpan {
  key: string;
  name: string;
  /** ns to add to the trace's own times for axis time. */
  shiftNs: number;
  minNs: number;
  maxNs: number;
}

export interface SelectionPart {
  trace: string;
  /** Trace-relative span. */
  startNs: number;
  endNs: number;
}

export function selectionId(s: CompareSelection): string {
  switch (s.type) {
    case 'trace':
      return `trace:${s.trace}`;
    case 'group':
      return `group:${s.traces.join(',')}`;
    case 'stage':
      return `stage:${s.id}`;
    case 'step':
      return `step:${s.trace}:${s.ordinal}`;
    case 'range':
      return `range:${s.startNs}:${s.endNs}`;
  }
}

/** The parts of a selection: whole traces, or every trace the axis span overlaps, clipped to it. */
export function selectionParts(s: CompareSelection, traces: readonly TraceSpan[], stages: readonly Annotation[]): SelectionPart[] {
  const whole = (t: TraceSpan): SelectionPart => ({ trace: t.key, startNs: t.minNs, endNs: t.maxNs });
  if (s.type === 'trace') return traces.filter((t) => t.key === s.trace).map(whole);
  if (s.type === 'group') return traces.filter((t) => s.traces.includes(t.key)).map(whole);
  if (s.type === 'step') return traces.some((t) => t.key === s.trace) ? [{ trace: s.trace, startNs: s.startNs, endNs: s.endNs }] : [];
  const span = s.type === 'range' ? s : stages.find((a) => a.id === s.id);
  if (!span || span.endNs === undefined) return [];
  const out: SelectionPart[] = [];
  for (const t of traces) {
    const a = Math.max(t.minNs, span.startNs - t.shiftNs);
    const b = Math.min(t.maxNs, span.endNs - t.shiftNs);
    if (b > a) out.push({ trace: t.key, startNs: a, endNs: b });
  }
  return out;
}

/** The selections offered before the user picks: two traces (the first opened is the baseline), else the stages. */
export function defaultSelections(traces: readonly TraceSpan[], stages: readonly Annotation[]): CompareSelection[] {
  if (traces.length >= 2) return traces.slice(0, 2).map((t) => ({ type: 'trace', trace: t.key }));
  const ranged = stages.filter((a) => a.endNs !== undefined && a.endNs > a.startNs);
  if (ranged.length >= 2) return ranged.map((a) => ({ type: 'stage', id: a.id }));
  return [];
}

/** Two whole traces: a baseline and a candidate, whose steps are matched by number. */
export function isTracePair(selections: readonly CompareSelection[]): selections is [{ type: 'trace'; trace: string }, { type: 'trace'; trace: string }] {
  return selections.length === 2 && selections.every((s) => s.type === 'trace');
}
