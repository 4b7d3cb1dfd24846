// What one selection of one trace contributes to a comparison (compare.ts): per lane kind
// and name the count and total of the range's statistics (rangeStats.ts, so both views
// agree), plus the time each name took inside the steps of the range, for per-step means.
// And for opening a compared row: per step, one name's time and its longest instance.

import type { SliceRef } from '../../src/model/analysisTypes';
import type { LaneKind } from '../../src/model/types';
import type { TraceIndex } from '../index/traceIndex';
import { comparableName, compareKindOf, type CompareKind } from './compare';
import { rangeStats } from './rangeStats';
import { isDeviceWork, sliceRef } from './sliceRef';
import { detectSteps, stepAt, type Step } from './steps';
import { kernelClass } from './kernelClass';

export interface NameTotal {
  kind: LaneKind;
  name: string;
  /** Set for device work: its class (kernelClass.ts). */
  kernelClass?: string;
  count: number;
  totalNs: number;
  /** Time inside the steps that start in the range (0 without steps). */
  stepNs: number;
}

export interface SelectionTotals {
  rows: NameTotal[];
  /** Steps of the marker that start in the range. */
  steps: number;
  marker: string | null;
}

export interface TotalsQuery {
  startNs: number;
  endNs: number;
  /** Step marker (default: the trace's best candidate, steps.ts). */
  marker?: string;
}

/** The steps of a marker whose start lies in [a, b]. */
function stepsIn(index: TraceIndex, a: number, b: number, marker?: string): Step[] {
  return detectSteps(index, marker).filter((s) => s.startNs >= a && s.startNs < b);
}

export function selectionTotals(index: TraceIndex, q: TotalsQuery): SelectionTotals {
  const byKey = new Map<string, NameTotal>();
  const row = (r: { kind: LaneKind; name: string; kernelClass?: string }) => {
    const key = `${r.kind}|${r.name}`;
    let t = byKey.get(key);
    if (!t) byKey.set(key, (t = { kind: r.kind, name: r.name, kernelClass: r.kernelClass, count: 0, totalNs: 0, stepNs: 0 }));
    return t;
  };
  for (const r of rangeStats(index, q).rows) {
    const t = row(r);
    t.count += r.count;
    t.totalNs += r.totalNs;
  }
  const steps = stepsIn(index, q.startNs, q.endNs, q.marker);
  for (const s of steps) for (const r of rangeStats(index, { startNs: s.startNs, endNs: s.endNs }).rows) row(r).stepNs += r.totalNs;
  return { rows: [...byKey.values()], steps: steps.length, marker: steps[0]?.name ?? q.marker ?? null };
}

export interface StepNameQuery {
  kind: CompareKind;
  /** The compared name (comparableName), or a kernel class for kind 'kernel class'. */
  name: string;
  marker?: string;
}

/** One step's share of a compared name: its time there and its longest instance. */
export interface StepName {
  ordinal: number;
  startNs: number;
  endNs: number;
  totalNs: number;
  longest: SliceRef | null;
}

/** Per step of the marker, the time of the slices of one compared name that start in it, and the longest of them. */
export function nameInSteps(index: TraceIndex, q: StepNameQuery): StepName[] {
  const steps = detectSteps(index, q.marker);
  const out: StepName[] = steps.map((s) => ({ ordinal: s.ordinal, startNs: s.startNs, endNs: s.endNs, totalNs: 0, longest: null }));
  const best: { lane: string; k: number; dur: number }[] = out.map(() => ({ lane: '', k: -1, dur: -1 }));
  for (const lane of index.lanes.values()) {
    for (let k = 0; k < lane.start.length; k++) {
      if (lane.instant[k]) continue;
      const device = isDeviceWork(index, lane, k);
      const kind = compareKindOf(lane.info.kind, device);
      if (!kind) continue;
      const name = index.nameOf(lane, k);
      const matches = q.kind === 'kernel class' ? kind === 'kernel' && kernelClass(name) === q.name : kind === q.kind && comparableName(name) === q.name;
      if (!matches) continue;
      const step = stepAt(steps, lane.start[k]);
      if (!step) continue;
      const i = step.ordinal - 1;
      const dur = Math.min(step.endNs, lane.start[k] + lane.dur[k]) - lane.start[k];
      out[i].totalNs += dur;
      if (dur > best[i].dur) best[i] = { lane: lane.info.id, k, dur };
    }
  }
  best.forEach((b, i) => {
    if (b.k >= 0) out[i].longest = sliceRef(index, index.lanes.get(b.lane)!, b.k);
  });
  return out;
}
