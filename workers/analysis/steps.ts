// Iterations ("steps") of a trace: repeated user annotations such as ProfilerStep#N,
// execute_model or decode_step. Other analyses (steps table, stall finder) name a
// moment by its step, e.g. "execute_model #7".

import type { TraceIndex } from '../index/traceIndex';

export interface Step {
  /** 1-based, in time order. */
  ordinal: number;
  name: string;
  laneId: string;
  eventIdx: number;
  /** ns relative to the trace origin. */
  startNs: number;
  endNs: number;
}

export interface StepCandidate {
  /** Marker name; ProfilerStep#N markers share the name "ProfilerStep#". */
  name: string;
  count: number;
  totalNs: number;
}

/** Well-known step markers, most specific first. */
const PREFERRED = [/^ProfilerStep#$/, /^execute_model$/, /^decode_step$/, /step$/i];
const STEP_CATEGORIES = new Set(['user_annotation', 'cpu_op', '']);

/** ProfilerStep#12 → ProfilerStep#; other names are their own marker. */
export function markerName(name: string): string {
  return /^ProfilerStep#\d+$/.test(name) ? 'ProfilerStep#' : name;
}

/** Names of user annotations on CPU lanes that repeat: what the user may pick as the step marker. */
export function stepCandidates(index: TraceIndex): StepCandidate[] {
  const names = index.result.names;
  const found = new Map<string, StepCandidate>();
  for (const lane of index.lanes.values()) {
    if (lane.info.kind !== 'cpu') continue;
    for (let k = 0; k < lane.start.length; k++) {
      const cat = names[lane.cat[k]];
      if (cat !== 'user_annotation' && !(STEP_CATEGORIES.has(cat) && /^ProfilerStep#\d+$/.test(names[lane.name[k]]))) continue;
      if (lane.instant[k]) continue;
      const name = markerName(names[lane.name[k]]);
      const c = found.get(name) ?? { name, count: 0, totalNs: 0 };
      c.count++;
      c.totalNs += lane.dur[k];
      found.set(name, c);
    }
  }
  return [...found.values()].filter((c) => c.count >= 2).sort((a, b) => rank(a) - rank(b) || b.totalNs - a.totalNs);
}

function rank(c: StepCandidate): number {
  const i = PREFERRED.findIndex((re) => re.test(c.name));
  return i < 0 ? PREFERRED.length : i;
}

/** The steps of the chosen marker (default: the best candidate), in time order. */
export function detectSteps(index: TraceIndex, marker?: string): Step[] {
  const chosen = marker ?? stepCandidates(index)[0]?.name;
  if (!chosen) return [];
  const names = index.result.names;
  const steps: Step[] = [];
  for (const lane of index.lanes.values()) {
    if (lane.info.kind !== 'cpu') continue;
    for (let k = 0; k < lane.start.length; k++) {
      if (lane.instant[k] || markerName(names[lane.name[k]]) !== chosen) continue;
      steps.push({ ordinal: 0, name: chosen, laneId: lane.info.id, eventIdx: k, startNs: lane.start[k], endNs: lane.start[k] + lane.dur[k] });
    }
  }
  steps.sort((a, b) => a.startNs - b.startNs);
  // A marker nested in another of the same name (re-entrant annotation) is not a new step.
  const outer: Step[] = [];
  for (const s of steps) {
    const last = outer[outer.length - 1];
    if (last && s.startNs >= last.startNs && s.endNs <= last.endNs) continue;
    outer.push(s);
  }
  outer.forEach((s, i) => (s.ordinal = i + 1));
  return outer;
}

/** "execute_model #7", "ProfilerStep #3": the ordinal counts from 1 in the capture. */
export function stepLabel(step: Step): string {
  return `${step.name.replace(/#$/, '')} #${step.ordinal}`;
}

/** The step whose time range contains t, if any (steps sorted by start). */
export function stepAt(steps: readonly Step[], t: number): Step | null {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid].startNs <= t) lo = mid + 1;
    else hi = mid;
  }
  const s = steps[lo - 1];
  return s && t <= s.endNs ? s : null;
}
