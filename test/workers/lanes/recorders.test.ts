// The recorder table (workers/lanes/recorders.ts) on one synthetic fixture per recorder
// (test/fixtures/recorders/, see its README). Every expectation below was worked out by
// reading the fixture: which process / thread / category each event sits on and the row
// of the table that claims it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadText } from '../../support/corpus';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import type { LaneInfo } from '../../../src/model/types';
import { deviceBusy } from '../../../workers/analysis/gpuBusy';
import { rangeStats } from '../../../workers/analysis/rangeStats';
import { commOps } from '../../../workers/analysis/commOps';
import { correlate } from '../../../workers/analysis/correlation';
import { idleGaps } from '../../../workers/analysis/idleGaps';
import { recorderOf, summaryRecorder } from '../../../workers/lanes/recorders';

const FIXTURES = join(__dirname, '../../fixtures/recorders');

async function fixture(name: string): Promise<TraceIndex> {
  return loadText(readFileSync(join(FIXTURES, name)));
}

/** [id without the trace key, kind, name, summary] per lane, in display order. */
function laneTable(index: TraceIndex): [string, string, string, boolean][] {
  const groups = new Map(index.result.groups.map((g, k) => [g.id, k]));
  return [...index.result.lanes]
    .sort((a, b) => groups.get(a.group)! - groups.get(b.group)! || a.sortIndex - b.sortIndex)
    .map((l: LaneInfo) => [l.id.replace(/^test\|/, ''), l.kind, l.name, l.summary === true]);
}

describe('JAX/XLA perfetto_trace.json', () => {
  it('puts stream kernels on a GPU lane named for the device, the XLA summaries on summary lanes, host threads on CPU lanes', async () => {
    const index = await fixture('jax_perfetto_trace.json');
    expect(laneTable(index)).toEqual([
      ['1|1|gpu', 'gpu', 'GPU 0 · XLA Modules', true],
      ['1|2|gpu', 'gpu', 'GPU 0 · XLA Ops', true],
      ['1|3|gpu', 'gpu', 'GPU 0 · Steps', true],
      ['1|14|gpu', 'gpu', 'GPU 0 · Stream #14(Memset,Compute)', false],
      ['2|17|cpu', 'cpu', 'Host Threads/17 · CPU', false],
      ['2|3000000123|cpu', 'cpu', 'python3 · CPU', false],
    ]);
    expect(index.result.events).toBe(10);
  });

  it('takes the trailing {} quietly', async () => {
    const index = await fixture('jax_perfetto_trace.json');
    expect(index.result.warnings).toEqual([]);
  });

  it('GPU busy, kernel statistics, idle gaps and the comms clock skip the summary lanes', async () => {
    const index = await fixture('jax_perfetto_trace.json');
    // Stream #14: 1021–1031, 1032–1052, 1053–1055, 1056–1059 µs = 35 µs; Steps alone spans 1020–1060.
    const [device] = deviceBusy(index, 0, 100_000);
    expect(device.busyNs).toBe(35_000);
    const stats = rangeStats(index, { startNs: 0, endNs: 100_000 });
    expect(stats.kernels.map((k) => k.name).sort()).toEqual(
      ['fusion_25', 'memset32', 'ncclDevKernel_AllReduce_Sum_f32_RING_LL', 'sm90_xmma_gemm_f32f32_tf32f32_f32_nn_n_tilesize128x128x32'].sort(),
    );
    for (const gap of idleGaps(index, 0)) expect(gap.laneIds).toEqual(['test|1|14|gpu']);
    const ops = commOps(index).ops;
    expect(ops.map((o) => [o.laneId, o.op])).toEqual([['test|1|14|gpu', 'all_reduce']]);
  });
});

describe('Ascend trace_view.json', () => {
  it('places host, AscendCL, device streams, HCCL, the overlap summary and counters', async () => {
    const index = await fixture('ascend_trace_view.json');
    expect(laneTable(index)).toEqual([
      ['2415919104|1234|python', 'python', 'Thread 1234 · Python', false],
      ['2415919104|1234|cpu', 'cpu', 'Thread 1234 · CPU', false],
      ['2415919105|1234|cuda_api', 'cuda_api', 'Thread 1234 · AscendCL', false],
      ['2415919106|2|gpu', 'gpu', 'NPU 0 · Stream 2', false],
      ['2415919106|3|gpu', 'gpu', 'NPU 0 · Stream 3', false],
      ['2415919107|40|gpu', 'gpu', 'NPU 0 · Group 0 Communication', false],
      ['2415919107|41|gpu', 'gpu', 'NPU 0 · Plane 0', false],
      ['2415919108|0|gpu', 'gpu', 'Overlap Analysis · Computing', true],
      ['2415919108|1|gpu', 'gpu', 'Overlap Analysis · Communication', true],
      ['2415919108|2|gpu', 'gpu', 'Overlap Analysis · Communication(Not Overlapped)', true],
      ['2415919108|3|gpu', 'gpu', 'Overlap Analysis · Free', true],
      ['2415919109|counter APP/DDR|counter', 'counter', 'APP/DDR', false],
    ]);
    expect(index.result.warnings).toEqual([]);
  });

  it('reads string ts of absolute µs exactly and pairs the HostToDevice flow', async () => {
    const index = await fixture('ascend_trace_view.json');
    expect(index.result.originNs).toBe('1717000000100000');
    const stream = index.lanes.get('test|2415919106|2|gpu')!;
    expect(stream.start[0]).toBe(12_500);
    expect(index.result.flows.paired).toBe(1);
  });

  it('"What caused this?": a device task → its host launch (HostToDevice flow) → the Python stack', async () => {
    const index = await fixture('ascend_trace_view.json');
    const c = correlate(index, 'test|2415919106|2|gpu', 0)!;
    expect(c.launches.map((l) => l.name)).toEqual(['aten::matmul']);
    expect(c.latencyNs).toBe(12_500 - 5_125);
    expect(c.stack.map((f) => f.name)).toEqual(['train.py(10): step', 'aten::matmul', 'MatMulV2']);
    const host = index.lanes.get('test|2415919104|1234|cpu')!;
    expect(correlate(index, host.info.id, 0)!.kernels.map((g) => g.name)).toEqual(['MatMulV2']);
  });

  it('the stall finder sees the HCCL collective on its device lane, with the device clock', async () => {
    const index = await fixture('ascend_trace_view.json');
    expect(commOps(index).ops.map((o) => [o.laneId, o.backend, o.op, o.clock, o.startNs])).toEqual([
      ['test|2415919107|40|gpu', 'hccl', 'all_reduce', 'gpu', 32_000],
    ]);
  });

  it('device busy counts the streams and HCCL, not the overlap summary', async () => {
    const index = await fixture('ascend_trace_view.json');
    const busy = new Map(deviceBusy(index, 0, 200_000).map((d) => [d.device, d.busyNs]));
    // Stream 2: 12.5–20.5, Stream 3: 18–22 → 9.5 µs; HCCL 32–62 (Plane 33–43 inside) → 30 µs.
    expect(busy.get('2415919106')).toBe(9_500);
    expect(busy.get('2415919107')).toBe(30_000);
    expect(busy.has('2415919108')).toBe(false);
  });
});

describe('msServiceProfiler chrome_tracing.json', () => {
  it('names each domain lane after its tid, in the file’s thread_sort_index order', async () => {
    const index = await fixture('msserviceprofiler_chrome_tracing.json');
    const order = ['httpReq', 'ReqEnQueue', 'ReqState', 'BatchSchedule', 'ReqDeQueue', 'modelExec', 'decode', 'deviceKvCache', 'httpRes'];
    expect(laneTable(index)).toEqual([
      ...order.map((d): [string, string, string, boolean] => [`1|${d}|cpu`, 'cpu', d, false]),
      ['2|counter CPU Usage|counter', 'counter', 'CPU Usage', false],
    ]);
    expect(index.result.warnings).toEqual([]);
  });
});

describe('MTIA (Kineto)', () => {
  it('puts mtia_ccp_events on a device lane and mtia_runtime on a runtime lane, linked by correlation', async () => {
    const index = await fixture('mtia_kineto.json');
    expect(laneTable(index)).toEqual([
      ['7|5|gpu', 'gpu', 'MTIA 7 · Stream 1 FW', false],
      ['100|101|cpu', 'cpu', 'thread 101 (python3) · CPU', false],
      ['100|101|cuda_api', 'cuda_api', 'thread 101 (python3) · MTIA Runtime', false],
    ]);
    const c = correlate(index, 'test|7|5|gpu', 0)!;
    expect(c.launches.map((l) => l.name)).toEqual(['launchKernel']);
    expect(c.stack.map((f) => f.name)).toEqual(['aten::mm', 'launchKernel', 'mm_kernel']);
    expect(index.result.warnings).toEqual([]);
  });
});

describe('recorder table rows', () => {
  const facts = (processName: string, threadName: string, processLabels = '') => ({ processName, processLabels, threadName });
  it('summaries are claimed by thread; the rest by process or category', () => {
    expect(summaryRecorder(facts('/device:GPU:3', 'XLA Ops'))?.recorder).toBe('JAX/XLA summary');
    expect(summaryRecorder(facts('/host:CPU', 'Steps'))).toBeNull();
    expect(recorderOf(facts('/device:GPU:3', 'Stream #7(Compute)'), '')?.kind).toBe('gpu');
    expect(recorderOf(facts('CANN', 'Thread 9'), '')?.kind).toBe('cuda_api');
    expect(recorderOf(facts('python3', 'thread 1'), 'hip_runtime')?.kind).toBe('cuda_api');
    expect(recorderOf(facts('python3', 'stream 1', 'GPU 2'), 'mystery')?.kind).toBe('gpu');
    expect(recorderOf(facts('python3', 'thread 1', 'CPU'), 'mystery')).toBeNull();
  });
});

describe('quiet when all is well', () => {
  it('object lifetimes and snapshots (N / O / D) raise no warning; other undrawn phases still do', async () => {
    const events = [
      { ph: 'X', name: 'work', pid: 1, tid: 1, ts: 10, dur: 5 },
      { ph: 'N', name: 'Obj', id: '0x1', pid: 1, tid: 1, ts: 11 },
      { ph: 'O', name: 'Obj', id: '0x1', pid: 1, tid: 1, ts: 12, args: { snapshot: {} } },
      { ph: 'D', name: 'Obj', id: '0x1', pid: 1, tid: 1, ts: 13 },
      { ph: 'M', name: 'process_name', pid: 2, args: { name: 'only named' } },
    ];
    const quiet = await loadText(JSON.stringify({ traceEvents: events }));
    expect(quiet.result.warnings).toEqual([]);
    const sampled = await loadText(JSON.stringify({ traceEvents: [...events, { ph: 'P', name: 's', pid: 1, tid: 1, ts: 14 }] }));
    expect(sampled.result.warnings.map((w) => w.code)).toEqual(['unknown-phase']);
  });
});

describe('several ranks', () => {
  it('device lanes of one of several ranks read "rank r · MTIA d · …"', async () => {
    const doc = JSON.parse(readFileSync(join(FIXTURES, 'mtia_kineto.json'), 'utf8')) as Record<string, unknown>;
    const ranked = await loadText(JSON.stringify({ ...doc, distributedInfo: { backend: 'nccl', rank: 3, world_size: 8 } }));
    expect(ranked.result.lanes.find((l) => l.kind === 'gpu')!.name).toBe('rank 3 · MTIA 7 · Stream 1 FW');
    const alone = await loadText(JSON.stringify({ ...doc, distributedInfo: { backend: 'nccl', rank: 0, world_size: 1 } }));
    expect(alone.result.lanes.find((l) => l.kind === 'gpu')!.name).toBe('MTIA 7 · Stream 1 FW');
  });
});

describe('Kineto GPU processes ("GPU N")', () => {
  it('a cuda_sync on a stream joins its GPU lane, keeps Kineto’s name, and is not device work', async () => {
    const events = [
      { ph: 'M', name: 'process_name', pid: 0, args: { name: 'python3 0' } },
      { ph: 'M', name: 'process_labels', pid: 0, args: { labels: 'GPU 0' } },
      { ph: 'X', cat: 'cuda_sync', name: 'Stream Wait Event', pid: 0, tid: 7, ts: 10, dur: 30 },
      { ph: 'X', cat: 'kernel', name: 'gemm', pid: 0, tid: 7, ts: 20, dur: 5 },
    ];
    const index = await loadText(JSON.stringify({ traceEvents: events }));
    expect(laneTable(index)).toEqual([['0|7|gpu', 'gpu', 'stream 7', false]]);
    expect(deviceBusy(index, 0, 100_000)[0].busyNs).toBe(5_000);
  });
});
