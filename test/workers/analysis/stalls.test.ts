// The stall finder on the real two-rank gloo traces: rank 1 sleeps ~3 s before a recv,
// so rank 0's matching send waits. Expectations come from the raw JSON, computed here.

import { describe, expect, it } from 'vitest';
import { commOps, gpuIdleWithin, normaliseOp } from '../../../workers/analysis/commOps';
import { findStalls } from '../../../workers/analysis/stalls';
import { corpusText, loadCorpus } from '../../support/corpus';

interface Ev {
  ph: string;
  name: string;
  cat?: string;
  ts: number;
  dur?: number;
}

function raw(file: string) {
  const doc = JSON.parse(corpusText(file)) as { traceEvents: Ev[]; baseTimeNanoseconds: number };
  const byName = (n: string) => doc.traceEvents.filter((e) => e.ph === 'X' && e.name === n && e.cat === 'user_annotation').sort((a, b) => a.ts - b.ts);
  return { doc, byName };
}

describe('stall finder on two_rank_stall', () => {
  it('names rank 1, its 7th execute_model and a ~3 s wait as the worst finding', async () => {
    const r0 = raw('two_rank_stall_rank0.json.gz');
    const r1 = raw('two_rank_stall_rank1.json.gz');
    // Both files share baseTimeNanoseconds, so their ts (µs) are on one clock.
    expect(r0.doc.baseTimeNanoseconds).toBe(r1.doc.baseTimeNanoseconds);
    const sends = r0.byName('gloo:send');
    const recvs = r1.byName('gloo:recv');
    expect(sends.length).toBe(recvs.length);
    const gaps = sends.map((s, k) => recvs[k].ts - s.ts);
    const worstK = gaps.indexOf(Math.max(...gaps));
    const steps1 = r1.byName('execute_model');
    const stepOrdinal = steps1.findIndex((s) => s.ts <= recvs[worstK].ts && recvs[worstK].ts <= s.ts + s.dur!) + 1;
    expect(gaps[worstK]).toBeGreaterThan(2.9e6);

    const [i0, i1] = await Promise.all([loadCorpus('two_rank_stall_rank0.json.gz'), loadCorpus('two_rank_stall_rank1.json.gz')]);
    const report = findStalls([commOps(i0), commOps(i1)]);
    const worst = report.findings[0];
    expect(worst.late.rank).toBe(1);
    expect(worst.late.op.op).toBe('recv');
    expect(worst.waiting.map((w) => [w.rank, w.op.op])).toEqual([[0, 'send']]);
    expect(worst.step).toBe(`execute_model #${stepOrdinal}`);
    expect(stepOrdinal).toBe(7);
    expect(Math.abs(worst.waitNs - gaps[worstK] * 1000)).toBeLessThan(1000);
    expect(worst.outsideCapture).toBe(false);

    // Every finding is above the threshold and every real one is no worse than the worst.
    for (const f of report.findings) {
      expect(f.waitNs).toBeGreaterThan(100e6);
      if (!f.outsideCapture) expect(f.waitNs).toBeLessThanOrEqual(worst.waitNs);
    }
    // Rank 0's GPU sat idle while it waited.
    const w = worst.waiting[0];
    const idle = gpuIdleWithin(i0, w.op.startNs, w.op.startNs + worst.waitNs);
    expect(idle).toBeGreaterThan(0.9 * worst.waitNs);
  });

  it('labels the first broadcast, before rank 1 started capturing, as outside the peer’s capture', async () => {
    const [i0, i1] = await Promise.all([loadCorpus('two_rank_stall_rank0.json.gz'), loadCorpus('two_rank_stall_rank1.json.gz')]);
    const report = findStalls([commOps(i0), commOps(i1)]);
    const start1 = Number(BigInt(i1.result.originNs) + BigInt(i1.result.minNs) - BigInt(report.axisOriginNs));
    const edge = report.findings.filter((f) => f.outsideCapture);
    for (const f of edge) expect(f.waiting[0].startNs).toBeLessThan(start1);
    const first = report.findings.find((f) => f.id === 'gloo broadcast #1');
    if (first) expect(first.outsideCapture).toBe(true);
  });

  it('reports a rank alone as unmatched, and nothing as a stall below the threshold', async () => {
    const i0 = await loadCorpus('two_rank_stall_rank0.json.gz');
    const alone = findStalls([commOps(i0)]);
    expect(alone.findings).toEqual([]);
    expect(alone.unmatched.length).toBe(commOps(i0).ops.length);
    expect(alone.unmatched.every((u) => u.reason === 'no-peer')).toBe(true);
    const i1 = await loadCorpus('two_rank_stall_rank1.json.gz');
    expect(findStalls([commOps(i0), commOps(i1)], 10e9).findings).toEqual([]);
  });
});

describe('normaliseOp', () => {
  it('maps NCCL kernel and gloo spellings onto one name', () => {
    expect(normaliseOp('AllReduce')).toBe('all_reduce');
    expect(normaliseOp('all_reduce')).toBe('all_reduce');
    expect(normaliseOp('allreduce')).toBe('all_reduce');
    expect(normaliseOp('AllGather')).toBe('all_gather');
    expect(normaliseOp('Broadcast')).toBe('broadcast');
    expect(normaliseOp('SendRecv')).toBe('send_recv');
  });
});

describe('stall finder on NCCL', () => {
  // Two synthetic ranks: the CPU enqueues all-reduces on time, but rank 1's GPU reaches
  // the third one 400 ms late; only the GPU kernel clock shows it.
  const rankTrace = (rank: number, kernelStartsUs: number[]) =>
    JSON.stringify({
      baseTimeNanoseconds: 1_000_000_000,
      distributedInfo: { backend: 'nccl', rank, world_size: 2 },
      traceEvents: [
        ...kernelStartsUs.map((ts, i) => ({ ph: 'X', cat: 'user_annotation', name: 'ProfilerStep#' + i, pid: 1, tid: 1, ts: ts - 500, dur: 600_000 })),
        ...kernelStartsUs.map((ts) => ({ ph: 'X', cat: 'cpu_op', name: 'nccl:all_reduce', pid: 1, tid: 1, ts: ts - 400, dur: 20 })),
        ...kernelStartsUs.map((ts) => ({ ph: 'X', cat: 'kernel', name: 'ncclDevKernel_AllReduce_Sum_f32_RING_LL(ncclDevComm*, unsigned long, ncclWork*)', pid: 0, tid: 7, ts, dur: 50 })),
      ],
    });

  it('compares GPU kernel starts and names the late rank and step', async () => {
    const { loadText } = await import('../../support/corpus');
    const r0 = await loadText(rankTrace(0, [1000, 700_000, 1_400_000]));
    const r1 = await loadText(rankTrace(1, [1000, 700_000, 1_800_000]));
    const ops = commOps(r0).ops;
    expect(ops.every((o) => o.backend === 'nccl' && o.clock === 'gpu' && o.op === 'all_reduce')).toBe(true);
    const c0 = commOps(r0);
    const c1 = { ...commOps(r1), trace: 'rank1' };
    const report = findStalls([c0, c1]);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ id: 'nccl all_reduce #3', step: 'ProfilerStep #3', waitNs: 400e6 });
    expect(report.findings[0].late.rank).toBe(1);
  });
});

describe('stall finder with record_param_comms', () => {
  // Rank 1's capture starts one collective later than rank 0's: only the sequence
  // numbers (not the order of occurrence) pair the right all-reduces.
  const rankTrace = (rank: number, collectives: { seq: number; ts: number }[]) =>
    JSON.stringify({
      baseTimeNanoseconds: 1_000_000_000,
      distributedInfo: { backend: 'nccl', rank, world_size: 2 },
      traceEvents: collectives.flatMap(({ seq, ts }) => [
        {
          ph: 'X', cat: 'cpu_op', name: 'record_param_comms', pid: 1, tid: 1, ts: ts - 400, dur: 30,
          args: { 'External id': 100 + seq, 'Collective name': 'allreduce', 'Process Group Name': '0', Seq: seq },
        },
        { ph: 'X', cat: 'kernel', name: 'ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevComm*, unsigned long, ncclWork*)', pid: 0, tid: 7, ts, dur: 50, args: { 'External id': 100 + seq } },
      ]),
    });

  it('pairs collectives by (process group, seq) and compares their kernels', async () => {
    const { loadText } = await import('../../support/corpus');
    const r0 = commOps(await loadText(rankTrace(0, [{ seq: 1, ts: 1000 }, { seq: 2, ts: 700_000 }, { seq: 3, ts: 1_400_000 }])));
    const r1 = { ...commOps(await loadText(rankTrace(1, [{ seq: 2, ts: 700_000 }, { seq: 3, ts: 1_800_000 }]))), trace: 'rank1' };
    expect(r0.ops.map((o) => [o.op, o.channel, o.seq, o.clock])).toEqual([
      ['all_reduce', 'all_reduce pg 0', 1, 'gpu'],
      ['all_reduce', 'all_reduce pg 0', 2, 'gpu'],
      ['all_reduce', 'all_reduce pg 0', 3, 'gpu'],
    ]);
    const report = findStalls([r0, r1]);
    expect(report.findings.map((f) => [f.id, f.late.rank, f.waitNs])).toEqual([['nccl all_reduce pg 0 #3', 1, 400e6]]);
    expect(report.unmatched.map((u) => [u.participant.op.seq, u.reason])).toEqual([[1, 'outside-capture']]);
  });
});
