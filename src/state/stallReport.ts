// Runs the cross-rank stall finder (workers/analysis/stalls.ts, a pure function) over
// the communication ops each trace worker extracts, with the user's per-trace offsets
// applied, and places the findings on the app's axis.

import type { CommOp, RankComms } from '../../workers/analysis/commOps';
import { DEFAULT_STALL_THRESHOLD_NS, findStalls, type StallFinding, type UnmatchedOp } from '../../workers/analysis/stalls';
import { isPlaceholder, type TraceEntry } from './store';
import { traceWorker } from './traceClient';
import { precomputedComms } from './jobSources';

export interface PlacedFinding extends StallFinding {
  /** Wait window on the app's axis: earliest arrival → the late rank's arrival. */
  axisStartNs: number;
  axisEndNs: number;
  /** GPU idle time of the waiting ranks during the wait (max over them). */
  gpuIdleNs: number;
}

export interface StallSummary {
  findings: PlacedFinding[];
  unmatched: UnmatchedOp[];
  thresholdNs: number;
  /** Whether any trace has communication operations at all. */
  hasOps: boolean;
}

export { DEFAULT_STALL_THRESHOLD_NS };

export async function computeStalls(traces: TraceEntry[], axisOriginNs: string, thresholdNs: number): Promise<StallSummary> {
  // A job's ranks not opened yet take part too: their ops come from the job's comms.json.
  const ready = traces.filter((t) => t.result || isPlaceholder(t));
  const ranks: RankComms[] = [];
  const stored: NonNullable<Awaited<ReturnType<typeof precomputedComms>>>[] = [];
  for (const t of ready) {
    const worker = traceWorker(t.key);
    // A job's rank: its ops as the merge stored them (the worker would read every lane to find them).
    const job = await precomputedComms(t.source, t.key).catch(() => null);
    if (!job && !worker) continue;
    if (job) stored.push(job);
    const comms = job?.comms ?? (await worker!.comms());
    // Offsets correct clock skew between hosts: the finder must see what the user aligned.
    const off = t.offsetNs;
    ranks.push({
      ...comms,
      captureStartNs: comms.captureStartNs + off,
      captureEndNs: comms.captureEndNs + off,
      ops: comms.ops.map((op) => ({ ...op, startNs: op.startNs + off })),
    });
  }
  // The merge measured each waiting op's GPU idle over the groups of exactly this job's ranks, unshifted: valid
  // when those are what is open (no other trace joins a group, no offset moves a window).
  const knownIdle = new Map<CommOp, number>();
  const wholeJob = stored.length === ranks.length && stored.length === stored[0]?.job.ranks && stored.every((s) => s.job.url === stored[0].job.url);
  if (wholeJob && ready.every((t) => t.offsetNs === 0)) ranks.forEach((r, i) => r.ops.forEach((op, k) => knownIdle.set(op, stored[i].waitIdleNs[k])));
  const report = findStalls(ranks, thresholdNs);
  const toAxis = Number(BigInt(report.axisOriginNs) - BigInt(axisOriginNs));
  const findings: PlacedFinding[] = [];
  for (const f of report.findings) {
    const axisStartNs = f.waiting[0].startNs + toAxis;
    const axisEndNs = f.late.startNs + toAxis;
    let gpuIdleNs = 0;
    for (const w of f.waiting) {
      const known = knownIdle.get(w.op);
      if (known !== undefined) {
        gpuIdleNs = Math.max(gpuIdleNs, known);
        continue;
      }
      const t = ready.find((x) => x.key === w.trace);
      const worker = t && traceWorker(t.key);
      if (!t || !worker) continue;
      // Back to the waiting trace's own clock: undo the offset applied above.
      const start = w.op.startNs - t.offsetNs;
      gpuIdleNs = Math.max(gpuIdleNs, await worker.gpuIdle(start, start + (f.late.startNs - w.startNs)));
    }
    findings.push({ ...f, axisStartNs, axisEndNs, gpuIdleNs });
  }
  return { findings, unmatched: report.unmatched, thresholdNs, hasOps: ranks.some((r) => r.ops.length > 0) };
}
