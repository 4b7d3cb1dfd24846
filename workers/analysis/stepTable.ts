// The steps table: one row per iteration (steps.ts finds them) with its duration,
// GPU busy / idle time inside it, its top kernel and mean launch latency, and
// whether it is an outlier among the steps.

import type { StepRow, StepTable } from '../../src/model/analysisTypes';
import type { TraceIndex } from '../index/traceIndex';
import { busyWithin, deviceIntervals } from './gpuBusy';
import { rangeStats } from './rangeStats';
import { sliceRefAt } from './sliceRef';
import { detectSteps, stepCandidates } from './steps';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Outliers by the robust z-score: |d − median| / (1.4826 · MAD) > 3. When most steps
 * take the same time (MAD 0), a step 50% above the median counts.
 */
export function outlierFlags(durations: number[]): boolean[] {
  if (durations.length < 3) return durations.map(() => false);
  const med = median(durations);
  const mad = median(durations.map((d) => Math.abs(d - med)));
  return durations.map((d) => (mad > 0 ? Math.abs(d - med) / (1.4826 * mad) > 3 : d > med * 1.5));
}

export function stepTable(index: TraceIndex, marker?: string): StepTable {
  const candidates = stepCandidates(index);
  const steps = detectSteps(index, marker);
  const devices = [...deviceIntervals(index).values()];
  const rows: StepRow[] = steps.map((s) => {
    const lane = index.lanes.get(s.laneId)!;
    const durNs = s.endNs - s.startNs;
    let gpuBusyNs = 0;
    for (const m of devices) gpuBusyNs += busyWithin(m, s.startNs, s.endNs);
    const capacity = durNs * devices.length;
    const { kernels, classes } = rangeStats(index, { startNs: s.startNs, endNs: s.endNs, laneIds: [] });
    let latencySum = 0;
    let latencyCount = 0;
    for (const k of kernels) {
      if (k.meanLatencyNs === null) continue;
      latencySum += k.meanLatencyNs * k.count;
      latencyCount += k.count;
    }
    const ref = sliceRefAt(index, lane, s.eventIdx, s.startNs);
    return {
      ordinal: s.ordinal,
      name: ref.name,
      ref,
      durNs,
      gpuBusyNs,
      gpuIdleNs: Math.max(0, capacity - gpuBusyNs),
      gpuBusyShare: capacity > 0 ? gpuBusyNs / capacity : 0,
      topKernel: kernels[0]?.name ?? null,
      topKernelNs: kernels[0]?.totalNs ?? 0,
      topClass: classes[0]?.cls ?? null,
      topClassNs: classes[0]?.totalNs ?? 0,
      meanLatencyNs: latencyCount ? latencySum / latencyCount : null,
      outlier: false,
    };
  });
  outlierFlags(rows.map((r) => r.durNs)).forEach((o, i) => (rows[i].outlier = o));
  return { candidates, marker: steps[0]?.name ?? marker ?? candidates[0]?.name ?? null, steps: rows };
}
