// One comparison over two or more selections (stages, steps, traces, rank groups): per
// kind and name the count, total, mean and per-step mean in each, and the difference to
// the first selection (the baseline), sorted by the largest |Δ total|. Pure: it reads the
// totals each trace worker gives (compareTotals.ts) and runs on the UI side, like stalls.ts.

import type { LaneKind } from '../../src/model/types';
import { kernelClass } from './kernelClass';
import type { NameTotal, SelectionTotals, StepName } from './compareTotals';

/** What is compared: device kernels, their classes, host ops, Python functions, runtime calls, syscalls. */
export type CompareKind = 'kernel' | 'kernel class' | 'cpu op' | 'python' | 'cuda api' | 'syscall';

export const COMPARE_KINDS: readonly { kind: CompareKind; label: string }[] = [
  { kind: 'kernel', label: 'Kernels' },
  { kind: 'kernel class', label: 'Kernel classes' },
  { kind: 'cpu op', label: 'CPU ops' },
  { kind: 'python', label: 'Python functions' },
  { kind: 'cuda api', label: 'Runtime API' },
  { kind: 'syscall', label: 'Syscalls' },
];

/** The compared kind of a lane's slice; null for what is not compared (counters, GPU-projected annotations). */
export function compareKindOf(laneKind: LaneKind, deviceWork: boolean): CompareKind | null {
  switch (laneKind) {
    case 'gpu':
      return deviceWork ? 'kernel' : null;
    case 'cpu':
      return 'cpu op';
    case 'python':
      return 'python';
    case 'cuda_api':
      return 'cuda api';
    case 'syscall':
      return 'syscall';
    default:
      return null;
  }
}

/**
 * The name as compared: without ` at 0x…` addresses (`<built-in method get of dict object at
 * 0x7f16d42f8f00>`), which differ between runs and would keep the same function apart.
 */
export function comparableName(name: string): string {
  return name.replace(/ at 0x[0-9a-f]+/gi, '');
}

export interface CompareCell {
  count: number;
  totalNs: number;
  /** totalNs / count (0 without instances). */
  meanNs: number;
  /** Time inside the selection's steps ÷ its steps; null without steps. */
  perStepNs: number | null;
}

export interface CompareRow {
  kind: CompareKind;
  name: string;
  /** One per selection, in the order given. */
  cells: CompareCell[];
  /** Per selection, total − the baseline's total (0 for the baseline). */
  deltaNs: number[];
  /** Per selection, per-step mean − the baseline's (null when either has no steps). */
  deltaPerStepNs: (number | null)[];
}

export interface Comparison {
  /** Rows whose difference passes the noise threshold, largest |Δ total| first. */
  rows: CompareRow[];
  /** Rows hidden as noise. */
  hidden: number;
  /** Steps per selection. */
  steps: number[];
}

export interface CompareOptions {
  /** Rows whose every |Δ total| and |Δ per-step mean| is below this are hidden (ns). */
  noiseNs: number;
  /** Only these kinds (all when omitted). */
  kinds?: readonly CompareKind[];
}

/** The (kind, comparable name) rows of a selection's totals, kernel classes included. */
function keyedTotals(parts: readonly SelectionTotals[]): Map<string, { kind: CompareKind; name: string; count: number; totalNs: number; stepNs: number }> {
  const out = new Map<string, { kind: CompareKind; name: string; count: number; totalNs: number; stepNs: number }>();
  const add = (kind: CompareKind, name: string, r: NameTotal) => {
    const key = `${kind}|${name}`;
    const t = out.get(key) ?? { kind, name, count: 0, totalNs: 0, stepNs: 0 };
    t.count += r.count;
    t.totalNs += r.totalNs;
    t.stepNs += r.stepNs;
    out.set(key, t);
  };
  for (const part of parts) {
    for (const r of part.rows) {
      const kind = compareKindOf(r.kind, r.kernelClass !== undefined);
      if (!kind) continue;
      add(kind, comparableName(r.name), r);
      if (kind === 'kernel') add('kernel class', kernelClass(r.name), r);
    }
  }
  return out;
}

/** Compare selections; each is one or more parts (a stage over several traces, a rank group). The first is the baseline. */
export function compareSelections(selections: readonly (readonly SelectionTotals[])[], opts: CompareOptions): Comparison {
  const keyed = selections.map(keyedTotals);
  const steps = selections.map((parts) => parts.reduce((n, p) => n + p.steps, 0));
  const keys = new Set<string>();
  for (const m of keyed) for (const k of m.keys()) keys.add(k);
  const kinds = opts.kinds ? new Set(opts.kinds) : null;
  const rows: CompareRow[] = [];
  let hidden = 0;
  for (const key of keys) {
    const first = keyed.find((m) => m.has(key))!.get(key)!;
    if (kinds && !kinds.has(first.kind)) continue;
    const cells: CompareCell[] = keyed.map((m, i) => {
      const t = m.get(key);
      return {
        count: t?.count ?? 0,
        totalNs: t?.totalNs ?? 0,
        meanNs: t && t.count ? t.totalNs / t.count : 0,
        perStepNs: steps[i] ? (t?.stepNs ?? 0) / steps[i] : null,
      };
    });
    const base = cells[0];
    const deltaNs = cells.map((c) => c.totalNs - base.totalNs);
    const deltaPerStepNs = cells.map((c) => (c.perStepNs === null || base.perStepNs === null ? null : c.perStepNs - base.perStepNs));
    const noise = deltaNs.every((d) => Math.abs(d) < opts.noiseNs) && deltaPerStepNs.every((d) => d === null || Math.abs(d) < opts.noiseNs);
    if (noise) {
      hidden++;
      continue;
    }
    rows.push({ kind: first.kind, name: first.name, cells, deltaNs, deltaPerStepNs });
  }
  rows.sort((a, b) => maxAbs(b.deltaNs) - maxAbs(a.deltaNs) || a.name.localeCompare(b.name));
  return { rows, hidden, steps };
}

function maxAbs(xs: readonly (number | null)[]): number {
  let m = 0;
  for (const x of xs) if (x !== null) m = Math.max(m, Math.abs(x));
  return m;
}

/** Steps matched by number: the pair where the name's time differs most (null when no step number is in both). */
export function largestStepDifference(baseline: readonly StepName[], candidate: readonly StepName[]): { baseline: StepName; candidate: StepName } | null {
  const byOrdinal = new Map(candidate.map((s) => [s.ordinal, s]));
  let best: { baseline: StepName; candidate: StepName } | null = null;
  let bestDelta = -1;
  for (const b of baseline) {
    const c = byOrdinal.get(b.ordinal);
    if (!c || (!b.longest && !c.longest)) continue;
    const d = Math.abs(c.totalNs - b.totalNs);
    if (d > bestDelta) {
      bestDelta = d;
      best = { baseline: b, candidate: c };
    }
  }
  return best;
}
