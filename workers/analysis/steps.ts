// Iterations ("steps") of a trace: repeated user annotations such as ProfilerStep#N,
// execute_model or decode_step. Other analyses (steps table, stall finder) name a
// moment by its step, e.g. "execute_model #7".

import type { TraceIndex } from '../index/traceIndex';
import { laneParts } from '../index/laneIndex';

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

/** Names of user annotations on CPU lanes that repeat: what the user may pick as the step marker (lanes walked part by part). */
export function stepCandidates(index: TraceIndex): StepCandidate[] {
  const names = index.result.names;
  const found = new Map<string, StepCandidate>();
  for (const lane of index.lanes.values()) {
    if (lane.info.kind !== 'cpu') continue;
    for (const { cols } of laneParts(lane)) {
      for (let k = 0; k < cols.start.length; k++) {
        const cat = names[cols.cat[k]];
        if (cat !== 'user_annotation' && !(STEP_CATEGORIES.has(cat) && /^ProfilerStep#\d+$/.test(names[cols.name[k]]))) continue;
        if (cols.instant[k]) continue;
        const name = markerName(names[cols.name[k]]);
        const c = found.get(name) ?? { name, count: 0, totalNs: 0 };
        c.count++;
        c.totalNs += cols.dur[k];
        found.set(name, c);
      }
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
    for (const { cols, first } of laneParts(lane)) {
      for (let j = 0; j < cols.start.length; j++) {
        if (cols.instant[j] || markerName(names[cols.name[j]]) !== chosen) continue;
        steps.push({ ordinal: 0, name: chosen, laneId: lane.info.id, eventIdx: first + j, startNs: cols.start[j], endNs: cols.start[j] + cols.dur[j] });
      }
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
