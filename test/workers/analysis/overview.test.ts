// The Overview's HTA-grade figures: a hand-made trace with every figure worked out by hand, and
// the HTA test traces against an independent computation from the raw JSON written here (HTA's
// kernel-type rules, plain interval unions, correlation joins). HTA's own figures (HTA
// f4d0062c382f run from source with Debian's python3-pandas 1.5.3; its times are whole µs) are in
// the comments; they agree to within 0.1 % of the span.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { overview } from '../../../workers/analysis/overview';
import { addQueueLanes, gpuQueueLengths } from '../../../workers/analysis/overviewQueue';
import { worstRank } from '../../../workers/analysis/overviewRanks';
import { externalText, loadExternal, loadText } from '../../support/corpus';
import { unionLength, type RefEvent } from './reference';

/** One GPU (pid 0), streams 7 and 20; launches on host thread 100 joined by correlation (times in µs). */
function handTrace(): string {
  const launch = (name: string, ts: number, dur: number, correlation: number) => ({ ph: 'X', cat: 'cuda_runtime', name, pid: 100, tid: 100, ts, dur, args: { correlation } });
  const op = (cat: string, name: string, tid: number, ts: number, dur: number, correlation: number) => ({ ph: 'X', cat, name, pid: 0, tid, ts, dur, args: { device: 0, stream: tid, correlation } });
  const events = [
    { ph: 'X', cat: 'cpu_op', name: 'step', pid: 100, tid: 100, ts: 40, dur: 500 },
    launch('cudaLaunchKernel', 90, 5, 1),
    launch('cudaLaunchKernel', 95, 5, 2),
    launch('cudaLaunchKernel', 120, 5, 5),
    launch('cudaLaunchKernel', 200, 60, 6),
    launch('cudaMemcpyAsync', 250, 10, 3),
    launch('cudaLaunchKernel', 263, 5, 4),
    launch('cudaLaunchKernel', 330, 4, 7),
    // A user range projected on the GPU: never a GPU operation.
    { ph: 'X', cat: 'gpu_user_annotation', name: 'forward', pid: 0, tid: 7, ts: 50, dur: 450 },
    op('kernel', 'gemm_kernel', 7, 100, 50, 1),
    op('kernel', 'elementwise_kernel', 7, 160, 40, 2),
    op('gpu_memcpy', 'Memcpy HtoD (Pageable -> Device)', 7, 300, 20, 3),
    op('kernel', 'softmax_kernel', 7, 400, 50, 4),
    op('kernel', 'ncclDevKernel_AllReduce_Sum_f32_RING_LL(ncclDevComm*, unsigned long, ncclWork*)', 20, 130, 100, 5),
    op('kernel', 'ncclDevKernel_AllGather_RING_LL(ncclDevComm*, unsigned long, ncclWork*)', 20, 310, 30, 6),
    op('kernel', 'fill_kernel', 20, 345, 2, 7),
  ];
  return JSON.stringify({ traceEvents: events });
}

const US = 1000;

describe('overview: hand-made trace', () => {
  it('gives the temporal, kernel type, overlap, idle and launch figures worked out by hand', async () => {
    const o = overview(await loadText(handTrace()));
    // Span 100 → 450 µs. Union of all operations [100,230] ∪ [300,340] ∪ [345,347] ∪ [400,450] = 222 µs.
    expect(o.ops).toBe(7);
    expect(o.spanNs).toBe(350 * US);
    expect(o.idleNs).toBe(128 * US);
    // Computation: gemm [100,150], elementwise [160,200], fill [345,347], softmax [400,450].
    expect(o.computeNs).toBe(142 * US);
    expect(o.nonComputeNs).toBe(80 * US);
    // Communication [130,230] ∪ [310,340] = 130 µs, of which [130,150] and [160,200] overlap computation.
    expect(o.overlapPct).toBeCloseTo((100 * 60) / 130, 9);
    expect(Object.fromEntries(o.kernelTypes.map((t) => [t.label, t.ns / US]))).toEqual({
      computation: 82,
      'computation overlapping communication': 60,
      communication: 60,
      memory: 10,
      'communication overlapping memory': 10,
    });
    const byStream = Object.fromEntries(o.idleByStream.map((s) => [s.stream, [s.hostWaitNs / US, s.kernelWaitNs / US, s.otherNs / US]]));
    // Stream 7: 150→160 kernel wait (launch at 95), 200→300 host wait (memcpy launched at 250),
    // 320→400 other (launched at 263, 80 µs ≥ 30). Stream 20: 230→310 other (launch began at 200),
    // 340→345 kernel wait.
    expect(byStream).toEqual({ '7': [100, 10, 80], '20': [0, 5, 80] });
    // Delays (start − call end): 5, 60, 40, 132, 5, 50, 11 µs; fill_kernel is short (2 < 4 µs call);
    // the 60 µs cudaLaunchKernel is a runtime outlier; 132 µs a launch delay outlier.
    const { meanDelayNs, ...counts } = o.launch;
    expect(counts).toEqual({ launches: 7, maxDelayNs: 132 * US, delayOutliers: 1, shortKernels: 1, runtimeOutliers: 1 });
    expect(meanDelayNs).toBeCloseTo((303 / 7) * US, 6);
  });

  it('covers a range: operations clipped to it', async () => {
    const o = overview(await loadText(handTrace()), { startNs: 0, endNs: 0 });
    expect(o.ops).toBe(0);
    const index = await loadText(handTrace());
    // The trace origin is the first event (40 µs); [140, 180] µs on the axis of the file.
    const r = overview(index, { startNs: 100 * US, endNs: 140 * US });
    // gemm clipped to [140,150], allreduce to [140,180], elementwise to [160,180].
    expect(r.spanNs).toBe(40 * US);
    expect(r.idleNs).toBe(0);
    expect(r.computeNs).toBe(30 * US);
    expect(r.overlapPct).toBeCloseTo(75, 9);
  });

  it('says n/a for overlap without communication, and counts the threshold in µs as HTA does', async () => {
    const o = overview(await loadText(handTrace()), { kernelWaitNs: 100 * US });
    const s7 = o.idleByStream.find((s) => s.stream === '7')!;
    expect([s7.hostWaitNs, s7.kernelWaitNs, s7.otherNs]).toEqual([100 * US, 90 * US, 0]);
    const noComm = JSON.parse(handTrace()) as { traceEvents: RefEvent[] };
    noComm.traceEvents = noComm.traceEvents.filter((e) => !e.name.startsWith('nccl'));
    expect(overview(await loadText(JSON.stringify(noComm))).overlapPct).toBeNull();
  });
});

describe('overview: an NPU trace (the Ascend recorder fixture)', () => {
  it('takes device tasks and HCCL planes as GPU operations, the hcom_ collective as communication', async () => {
    const text = readFileSync(join(__dirname, '../../fixtures/recorders/ascend_trace_view.json'), 'utf8');
    const o = overview(await loadText(text));
    // MatMulV2 [112.5, 120.5] on Stream 2, MemcpyAsync [118, 122] on Stream 3, hcom_allReduce
    // [132, 162] and Memcpy [133, 143] on the HCCL planes; the Overlap Analysis rows are not work.
    expect(o.ops).toBe(4);
    expect(o.spanNs).toBe(49.5 * US);
    expect(o.idleNs).toBe(10 * US);
    expect(o.computeNs).toBe(8 * US);
    expect(o.nonComputeNs).toBe(31.5 * US);
    expect(o.overlapPct).toBe(0);
    expect(Object.fromEntries(o.kernelTypes.map((t) => [t.label, t.ns / US]))).toEqual({
      computation: 5.5,
      'computation overlapping memory': 2.5,
      memory: 1.5,
      communication: 20,
      'communication overlapping memory': 10,
    });
  });
});

describe('overview across ranks: the worst rank', () => {
  it('names the worst rank by the metric’s direction, an outlier only by the robust z-score', () => {
    expect(worstRank([55.2, 52.9], true)).toEqual({ index: 0, outlier: false });
    expect(worstRank([14.9, 19.9], false)).toEqual({ index: 0, outlier: false });
    // Median 10, MAD 0.5: 30 is 27 robust standard deviations away.
    expect(worstRank([10, 10.5, 9.5, 30, 10], true)).toEqual({ index: 3, outlier: true });
    expect(worstRank([10, 11, 9, 12, 10], true)).toEqual({ index: 3, outlier: false });
    expect(worstRank([null, 3, null], true)).toEqual({ index: -1, outlier: false });
    expect(worstRank([4, 4, 4], true)).toEqual({ index: -1, outlier: false });
  });
});

// ---- An independent computation from the raw JSON, as HTA defines the figures. ----

const GPU_OPS = new Set(['kernel', 'gpu_memcpy', 'gpu_memset']);
/** HTA's kernel types (hta/common/types.py), for the names these traces hold. */
const refType = (e: RefEvent) => (/^nccl|ncclKernel/.test(e.name) ? 'communication' : e.cat === 'gpu_memcpy' || e.cat === 'gpu_memset' ? 'memory' : 'computation');
const HTA_LAUNCHES = new Set(['cudaLaunchKernel', 'cudaLaunchKernelExC', 'cudaMemcpyAsync', 'cudaMemsetAsync']);

function intersectionLength(x: [number, number][], y: [number, number][]): number {
  return unionLength(x) + unionLength(y) - unionLength([...x, ...y]);
}

function reference(path: string) {
  const events = (JSON.parse(externalText(path)) as { traceEvents: RefEvent[] }).traceEvents;
  const ops = events.filter((e) => e.ph === 'X' && GPU_OPS.has(e.cat ?? ''));
  // Whole ns from a base near the trace (Kineto writes µs with 3 decimals; absolute µs × 1000 would round).
  const base = Math.trunc(ops[0].ts);
  const at = (us: number) => Math.round((us - base) * US);
  const ns = (e: RefEvent): [number, number] => [at(e.ts), at(e.ts) + Math.round(e.dur! * US)];
  const of = (t: string) => ops.filter((e) => refType(e) === t).map(ns);
  const all = ops.map(ns);
  const start = Math.min(...all.map((i) => i[0]));
  const end = Math.max(...all.map((i) => i[1]));
  const span = end - start;
  const idle = span - unionLength(all);
  const compute = unionLength(of('computation'));
  const comm = unionLength(of('communication'));
  const overlap = comm > 0 ? (100 * intersectionLength(of('computation'), of('communication'))) / comm : null;

  const runtime = new Map<number, RefEvent>();
  for (const e of events) if (e.ph === 'X' && (e.cat === 'cuda_runtime' || e.cat === 'cuda_driver') && e.args?.correlation !== undefined) runtime.set(Number(e.args.correlation), e);
  const streams = new Map<string, RefEvent[]>();
  for (const e of ops) streams.set(`${e.pid}|${e.tid}`, [...(streams.get(`${e.pid}|${e.tid}`) ?? []), e]);
  const idleByStream: Record<string, [number, number, number]> = {};
  for (const [key, list] of streams) {
    list.sort((x, y) => x.ts - y.ts);
    const sums: [number, number, number] = [0, 0, 0];
    let prevEnd = -Infinity;
    for (const e of list) {
      const gap = at(e.ts) - prevEnd;
      const call = runtime.get(Number(e.args?.correlation));
      if (gap > 0 && Number.isFinite(gap)) sums[call && at(call.ts) > prevEnd ? 0 : gap < 30 * US ? 1 : 2] += gap;
      prevEnd = Math.max(prevEnd, ns(e)[1]);
    }
    idleByStream[key.split('|')[1]] = sums;
  }

  const delays: number[] = [];
  let short = 0;
  let runtimeOutliers = 0;
  for (const e of ops) {
    const call = runtime.get(Number(e.args?.correlation));
    if (!call || !HTA_LAUNCHES.has(call.name)) continue;
    delays.push(Math.max(0, at(e.ts) - at(call.ts) - Math.round(call.dur! * US)));
    if (call.dur! <= 50 && e.dur! < call.dur!) short++;
    if (call.dur! > 50) runtimeOutliers++;
  }
  return { span, idle, compute, nonCompute: span - compute - idle, overlap, idleByStream, launches: delays.length, meanDelay: delays.reduce((n, d) => n + d, 0) / delays.length, delayOutliers: delays.filter((d) => d > 100 * US).length, short, runtimeOutliers };
}

/**
 * HTA's figures (µs), run with include_last_profiler_step=True so that it covers the whole trace as
 * the Overview does (by default HTA drops the last ProfilerStep: for sampled_rank-0 its span is then
 * 600058 µs, idle 321378, compute 106252, non-compute 172428, overlap 11.81 %).
 * temporal: [span, idle, compute, non-compute, overlap %]; idle: per stream [host wait, kernel wait,
 * other]; launch: [launches, mean delay µs, delay outliers, short kernels, runtime outliers].
 * `agrees`: false where HTA's definitions differ from the (see the note on each file).
 */
const HTA: Record<string, { temporal: (number | null)[]; idle: Record<string, number[]>; launch: number[]; agrees: boolean }> = {
  // Kernel type breakdown, both ranks summed (HTA sums over ranks): communication 635528,
  // computation 347519, computation overlapping communication 126830, all three 7916,
  // communication overlapping memory 4978, memory 4907, computation overlapping memory 28.
  'kineto-hta-sampled-2ranks/sampled_rank-0.json.gz': {
    temporal: [1222847, 675191, 210320, 337336, 14.95],
    idle: { '7': [397917, 3765, 598335], '23': [1214793, 160, 34], '25': [560120, 35, 100413], '84': [794901, 6, 3142], '203': [558073, 0, 0] },
    launch: [1204, 17059.55, 937, 280, 2],
    agrees: true,
  },
  'kineto-hta-sampled-2ranks/sampled_rank-1.json.gz': {
    temporal: [1231186, 651136, 271973, 308077, 19.93],
    idle: { '7': [407794, 3475, 524657], '23': [1222526, 134, 30], '25': [556447, 17, 91823], '84': [715850, 0, 62586], '203': [559033, 0, 0] },
    launch: [1154, 17565.21, 880, 278, 0],
    agrees: true,
  },
  // HTA: idle 506512, compute 113012, non-compute 41026 over 660550 (overlap 15.14 %); here idle is
  // 503051 µs (0.52 % of the span less). This file has float µs times and HTA keeps whole µs, which
  // shortens operations: the first kernel (ts …543.183, dur 41.407) lasts 40 µs in HTA's frame, and
  // 3774 such cuts add 3.5 ms of idle (launch stats: short kernels 2023 here 2076, mean delay 28.34
  // here 27.34 µs).
  'kineto/hta__nccl_data.json.gz': {
    temporal: [660550, 506512, 113012, 41026, 15.14],
    idle: { '7': [542749, 3224, 0], '40': [583942, 0, 0] },
    launch: [3774, 28.34, 267, 2023, 1],
    agrees: false,
  },
  // HTA drops the 872 GPU operations with no runtime call of the same correlation (the kernels of
  // CUDA graphs, joined by flows): span 1229072, idle 848216, compute 179676, non-compute 201180,
  // overlap 1.47 %. The issue counts all device work: span 1231461 µs here.
  'kineto/hta__negative_queue_length_values_check__rank0.json.gz': {
    temporal: [1229072, 848216, 179676, 201180, 1.47],
    idle: { '7': [0, 20784, 861073], '25': [839972, 115, 0], '27': [1004385, 1178, 9919], '285': [0, 0, 889682], '363': [0, 86, 887536], '84': [81825, 14, 835295] },
    launch: [6530, 121470.93, 6341, 2080, 136],
    agrees: false,
  },
  // HTA counts the cuda_sync events on the streams as GPU time (type "other": non-compute): span
  // 12996011, idle 12929684, non-compute 55697; without them (the GPU operations) the span
  // is 12920244 µs. Compute agrees (10630).
  'kineto/hta__critical_path_alexnet__benchmark_result_2869224_1695835535_trace.json.gz': {
    temporal: [12996011, 12929684, 10630, 55697, null],
    idle: { '7': [12855007, 104, 0], '20': [12011718, 3, 0] },
    launch: [98, 400.85, 43, 23, 11],
    agrees: false,
  },
  // HTA leaves the gpu_user_annotation ranges out too.
  'kineto/hta__with_gpu_user_annotation__step_based_trace_2543932.json.gz': {
    temporal: [7737, 7446, 290, 1, null],
    idle: { '7': [7446, 0, 0] },
    launch: [140, 1.3, 0, 140, 0],
    agrees: true,
  },
};

describe('overview: HTA traces against an independent computation', () => {
  for (const path of Object.keys(HTA)) {
    it(path, async () => {
      const o = overview(await loadExternal(path));
      const ref = reference(path);
      const tol = 2; // ns: both sides whole ns
      expect(Math.abs(o.spanNs - ref.span)).toBeLessThan(tol);
      expect(Math.abs(o.idleNs - ref.idle)).toBeLessThan(tol);
      expect(Math.abs(o.computeNs - ref.compute)).toBeLessThan(tol);
      expect(Math.abs(o.nonComputeNs - ref.nonCompute)).toBeLessThan(tol);
      if (ref.overlap === null) expect(o.overlapPct).toBeNull();
      else expect(o.overlapPct!).toBeCloseTo(ref.overlap, 4);
      const mine = Object.fromEntries(o.idleByStream.map((s) => [s.stream, [s.hostWaitNs, s.kernelWaitNs, s.otherNs]]));
      expect(Object.keys(mine).sort()).toEqual(Object.keys(ref.idleByStream).sort());
      for (const [stream, sums] of Object.entries(ref.idleByStream)) sums.forEach((v, i) => expect(Math.abs(mine[stream][i] - v)).toBeLessThan(tol));
      expect([o.launch.launches, o.launch.delayOutliers, o.launch.shortKernels, o.launch.runtimeOutliers]).toEqual([ref.launches, ref.delayOutliers, ref.short, ref.runtimeOutliers]);
      expect(o.launch.meanDelayNs!).toBeCloseTo(ref.meanDelay, 0);

      // HTA's figures, to within 0.1 % of the span, where its definitions are the issue's.
      const hta = HTA[path];
      if (!hta.agrees) return;
      const within = 0.001 * hta.temporal[0]!;
      [o.spanNs, o.idleNs, o.computeNs, o.nonComputeNs].forEach((v, i) => expect(Math.abs(v / US - hta.temporal[i]!)).toBeLessThan(within));
      if (hta.temporal[4] === null) expect(o.overlapPct).toBeNull();
      else expect(Math.abs(o.overlapPct! - hta.temporal[4])).toBeLessThan(0.01);
      for (const [stream, sums] of Object.entries(hta.idle)) sums.forEach((v, i) => expect(Math.abs(mine[stream][i] / US - v)).toBeLessThan(within));
      expect([o.launch.launches, o.launch.delayOutliers, o.launch.shortKernels, o.launch.runtimeOutliers]).toEqual([hta.launch[0], ...hta.launch.slice(2)]);
      expect(Math.abs(o.launch.meanDelayNs! / US - hta.launch[1])).toBeLessThan(0.01);
    });
  }
});

describe('GPU queue length', () => {
  it('counts the hand-made stream 7 from each launch call to its operation’s end', async () => {
    const index = await loadText(handTrace());
    const s7 = gpuQueueLengths(index).find((s) => s.lane.info.tid === '7')!;
    // Launches at 90, 95, 250, 263 µs; ends at 150, 200, 320, 450 µs.
    expect([...s7.length]).toEqual([1, 2, 1, 0, 1, 2, 1, 0]);
    expect([...s7.t].map((t) => (t - s7.t[0]) / US)).toEqual([0, 5, 60, 110, 160, 173, 230, 360]);
    const lanes = addQueueLanes(index);
    expect(lanes.map((l) => [l.name, l.kind, l.counter!.max])).toEqual([
      ['stream 7 · queue length', 'counter', 2],
      ['stream 20 · queue length', 'counter', 2],
    ]);
    expect(addQueueLanes(index)).toBe(lanes);
    expect(index.counters.get(lanes[0].id)!.derived).toBe(true);
  });

  // HTA's queue length summary of this trace (stream: max, mean): 7: 946, 656.7; 25: 4, 1.36;
  // 27: 17, 3.57; 84: 3, 1.46; 285 and 363: 4, 2.75 (with the last step: 7 alone has 9680 samples).
  // HTA joins each launch call to one kernel; here every kernel of a graph launch counts.
  it('never goes negative where HTA’s did, and matches a count from the raw JSON', async () => {
    const path = 'kineto/hta__negative_queue_length_values_check__rank0.json.gz';
    const series = gpuQueueLengths(await loadExternal(path));
    const events = (JSON.parse(externalText(path)) as { traceEvents: RefEvent[] }).traceEvents;
    const launch = new Map<number, number>();
    for (const e of events) if (e.ph === 'X' && (e.cat === 'cuda_runtime' || e.cat === 'cuda_driver') && e.args?.correlation !== undefined) launch.set(Number(e.args.correlation), e.ts);
    const base = Math.trunc(events.find((e) => e.ph === 'X')!.ts);
    const at = (us: number) => Math.round((us - base) * US);
    const byStream = new Map<string, { enq: number[]; end: number[] }>();
    for (const e of events) {
      if (e.ph !== 'X' || !GPU_OPS.has(e.cat ?? '')) continue;
      const s = byStream.get(String(e.tid)) ?? { enq: [], end: [] };
      const call = launch.get(Number(e.args?.correlation));
      s.enq.push(Math.min(call === undefined ? e.ts : call, e.ts));
      s.end.push(at(e.ts) + Math.round(e.dur! * US));
      byStream.set(String(e.tid), s);
    }
    expect(series.map((s) => s.lane.info.tid).sort()).toEqual([...byStream.keys()].sort());
    for (const s of series) {
      const ref = byStream.get(s.lane.info.tid)!;
      const enq = ref.enq.map(at).sort((x, y) => x - y);
      const end = [...ref.end].sort((x, y) => x - y);
      const atOrBefore = (list: number[], t: number) => list.filter((x) => x <= t).length;
      // The reference's clock: its first enqueue is the series' first sample.
      const shift = enq[0] - s.t[0];
      expect(Math.min(...s.length)).toBeGreaterThanOrEqual(0);
      const step = Math.max(1, Math.floor(s.t.length / 400));
      for (let i = 0; i < s.t.length; i += step) expect(s.length[i]).toBe(atOrBefore(enq, s.t[i] + shift) - atOrBefore(end, s.t[i] + shift));
    }
  });
});
