// A distributed job's rank traces, small and deterministic, with one injected late rank (issue 25):
// per step each rank computes (a GEMM on stream 7), then joins an NCCL all-reduce (stream 20,
// launched by record_param_comms with its process group and sequence number, as torch writes it).
// A rank arrives at the all-reduce when its compute ends; the collective ends for everyone 1 ms after
// the last arrival. One rank's compute in one step runs `lateNs` longer: that rank is late there.
// Pure (no I/O): the rehearsal test and bench write the files.

export const JOB_BASE_TIME_NS = 1790857026000000000n;
const STEP_GAP_NS = 2_000_000;
const COMPUTE_NS = 8_000_000;
const COLLECTIVE_NS = 1_000_000;
const COMPUTE_STREAM = 7;
const NCCL_STREAM = 20;

/** Deterministic jitter in [0, 500 µs) for (seed, rank, step): a hash, so any rank's file can be written alone. */
function jitterNs(seed, rank, step) {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(rank + 1, 0xc2b2ae35) ^ Math.imul(step + 1, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h ^= h >>> 13;
  return ((h >>> 0) % 500) * 1000;
}

/**
 * When each rank starts computing in each step (its GEMM), arrives at the step's all-reduce (the GEMM's
 * end, its NCCL kernel's start) and when the step's collective ends for all (ns from the job's start):
 * the whole job's timeline, from which any rank's trace is written.
 */
export function jobTimeline({ worldSize, steps, late, seed = 1 }) {
  const start = [];
  const arrive = [];
  const end = [];
  let stepStart = 0;
  for (let s = 0; s < steps; s++) {
    start.push(Array.from({ length: worldSize }, (_, r) => stepStart + jitterNs(seed, r, s)));
    arrive.push(start[s].map((t, r) => t + COMPUTE_NS + (late && late.rank === r && late.step === s ? late.ns : 0)));
    end.push(Math.max(...arrive[s]) + COLLECTIVE_NS);
    stepStart = end[s] + STEP_GAP_NS;
  }
  return { start, arrive, end };
}

const us = (ns) => Number((ns / 1000).toFixed(3));

/**
 * One rank's Kineto-shaped trace (JSON text): distributedInfo, its own trace_id, a ProfilerStep#N
 * annotation per step, the compute and the all-reduce on the GPU, their launches and flows.
 * `late`: { rank, step, ns } — that rank's compute in that step takes `ns` longer.
 */
export function rankTrace({ rank, worldSize, steps = 6, late = null, seed = 1 }) {
  const { start, arrive, end } = jobTimeline({ worldSize, steps, late, seed });
  const pid = 1000 + rank;
  const tid = pid;
  const device = rank % 8;
  const startUs = 1_000_000; // 1 s after the base time, so ts stay small and exact
  const ev = [];
  let ext = 1;
  let flow = 1;
  let stepStart = 0;
  for (let s = 0; s < steps; s++) {
    const computeStart = start[s][rank];
    const arrival = arrive[s][rank];
    const t = (ns) => startUs + us(ns);
    const d = (ns) => us(ns);
    ev.push({ ph: 'X', cat: 'user_annotation', name: `ProfilerStep#${s}`, pid, tid, ts: t(stepStart), dur: d(end[s] - stepStart), args: { 'External id': ext++ } });
    // Compute: aten::mm launches a GEMM.
    const mmExt = ext++;
    ev.push({ ph: 'X', cat: 'cpu_op', name: 'aten::mm', pid, tid, ts: t(computeStart - 40_000), dur: d(30_000), args: { 'External id': mmExt } });
    ev.push({ ph: 'X', cat: 'cuda_runtime', name: 'cudaLaunchKernel', pid, tid, ts: t(computeStart - 30_000), dur: d(8_000), args: { 'External id': mmExt, correlation: flow } });
    ev.push({ ph: 'X', cat: 'kernel', name: 'sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64_cgasize1x2x1_warpgroupsize1x1x1_execute_segment_k_off_kernel__5x_cublas', pid: device, tid: COMPUTE_STREAM, ts: t(computeStart), dur: d(arrival - computeStart), args: { 'External id': mmExt, correlation: flow, device, stream: COMPUTE_STREAM } });
    ev.push({ ph: 's', id: flow, pid, tid, ts: t(computeStart - 30_000), cat: 'ac2g', name: 'ac2g' }, { ph: 'f', id: flow, pid: device, tid: COMPUTE_STREAM, ts: t(computeStart), cat: 'ac2g', name: 'ac2g', bp: 'e' });
    flow++;
    // The all-reduce: record_param_comms names it; its NCCL kernel starts when this rank arrives and ends with the slowest.
    const arExt = ext++;
    ev.push({ ph: 'X', cat: 'cpu_op', name: 'record_param_comms', pid, tid, ts: t(computeStart - 10_000), dur: d(6_000), args: { 'External id': arExt, 'Collective name': 'allreduce', 'Process Group Name': '0', 'Process Group Description': 'default_pg', Seq: s + 1, 'Group size': worldSize } });
    ev.push({ ph: 'X', cat: 'cuda_runtime', name: 'cudaLaunchKernel', pid, tid, ts: t(computeStart - 8_000), dur: d(5_000), args: { 'External id': arExt, correlation: flow } });
    ev.push({ ph: 'X', cat: 'kernel', name: 'ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevKernelArgsStorage<4096ul>)', pid: device, tid: NCCL_STREAM, ts: t(arrival), dur: d(end[s] - arrival), args: { 'External id': arExt, correlation: flow, device, stream: NCCL_STREAM } });
    ev.push({ ph: 's', id: flow, pid, tid, ts: t(computeStart - 8_000), cat: 'ac2g', name: 'ac2g' }, { ph: 'f', id: flow, pid: device, tid: NCCL_STREAM, ts: t(arrival), cat: 'ac2g', name: 'ac2g', bp: 'e' });
    flow++;
    stepStart = end[s] + STEP_GAP_NS;
  }
  ev.push(
    { name: 'process_name', ph: 'M', pid, tid: 0, args: { name: 'python3' } },
    { name: 'process_labels', ph: 'M', pid, tid: 0, args: { labels: 'CPU' } },
    { name: 'thread_name', ph: 'M', pid, tid, args: { name: `thread ${tid} (python3)` } },
    { name: 'process_name', ph: 'M', pid: device, tid: 0, args: { name: 'python3' } },
    { name: 'process_labels', ph: 'M', pid: device, tid: 0, args: { labels: `GPU ${device}` } },
  );
  const doc = {
    schemaVersion: 1,
    distributedInfo: { backend: 'nccl', rank, world_size: worldSize, pg_count: 1 },
    trace_id: `0B5E55ED${String(rank).padStart(24, '0')}`,
    displayTimeUnit: 'ms',
    baseTimeNanoseconds: '__BASE__',
    traceEvents: ev,
  };
  // baseTimeNanoseconds is a 19-digit integer: written as a JSON number, not a rounded double.
  return JSON.stringify(doc).replace('"__BASE__"', JOB_BASE_TIME_NS.toString());
}
