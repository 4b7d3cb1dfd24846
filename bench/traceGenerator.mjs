// Deterministic Kineto-shaped trace text: a fixed seed gives the same bytes on every
// machine. Pure (no I/O): `traceChunks()` yields ASCII strings, one decode step at a time,
// so a writer can stream gigabytes with bounded memory (bench/generate.mjs) and a unit
// test can check a small trace (test/bench/traceGenerator.test.ts).
//
// The shape copies torch.profiler's export_chrome_trace output as in ../shared/corpus:
// pretty-printed events (~300 B each), `baseTimeNanoseconds` with ts/dur in µs with 3
// decimals relative to it, python_function stacks nesting by time with Python id/parent
// id, cpu_ops with shapes, `[memory]` instants, cuda_runtime/cuda_driver launches joined
// to GPU kernels by ac2g flows (ph s at the launch, ph f with bp e at the kernel; some
// ph f on host calls with no GPU work, as torch writes them), kernels on two streams
// (compute 7, NCCL 20), memcpy/memset, long templated kernel names, string pids for the
// profiler's own rows and ph M metadata at the end. Like Kineto, each step's events are
// grouped by kind (cpu_ops, memory, python, then runtime/GPU), so the file is not sorted by ts.

export const GENERATOR_VERSION = 2;
export const BASE_TIME_NS = '1790857026000000000';
/** First event, ns relative to baseTimeNanoseconds (like the corpus: ~4.7e12 µs). */
const START_NS = 4_736_210_337_000_000;
export const HOST_PID = 4242;
const AUTOGRAD_TID = 4290;
const MONITOR_TID = 4301;
export const COMPUTE_STREAM = 7;
export const NCCL_STREAM = 20;

/** mulberry32: tiny, fast, good enough for shaping synthetic data. Returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ns (integer, relative to the base) → Kineto's µs text with 3 decimals. */
export function micros(ns) {
  const us = Math.floor(ns / 1000);
  const frac = ns - us * 1000;
  return `${us}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`;
}

// ---- names ----
const DTYPES = ['float', 'c10::BFloat16', 'c10::Half'];
const GEMM_TILES = ['64x64x64', '128x128x64', '128x256x64', '256x128x64', '64x128x64'];
/** Long templated kernel names, as CUDA and torch emit them (one of them ~3 kB like the corpus's random_from_to_kernel). */
const KERNELS = {
  rms: (t) => `void vllm::rms_norm_kernel<${t}, 8, 2>(${t}*, ${t} const*, long, ${t} const*, float, int, int)`,
  fusedRms: (t) => `void vllm::fused_add_rms_norm_kernel<${t}, 8>(${t}*, ${t}*, ${t} const*, float, int, int)`,
  gemm: (t, tile) => `sm90_xmma_gemm_${t === 'float' ? 'f32f32_f32f32_f32' : 'bf16bf16_bf16f32_f32'}_tn_n_tilesize${tile}_cgasize1x2x1_warpgroupsize1x1x1_execute_segment_k_off_kernel__5x_cublas`,
  cutlass: (t, tile) => `void cutlass::Kernel2<cutlass_80_wmma_tensorop_${t === 'float' ? 's161616gemm' : 'bf16_s161616gemm_bf16'}_${tile.replace(/x/g, '_')}_32x32_stage3_warpsize2x2x1_tn_align8>(cutlass_80_wmma_tensorop_${t === 'float' ? 's161616gemm' : 'bf16_s161616gemm_bf16'}_${tile.replace(/x/g, '_')}_32x32_stage3_warpsize2x2x1_tn_align8::Params)`,
  rotary: (t) => `void vllm::rotary_embedding_kernel<${t}, true>(long const*, ${t}*, ${t}*, ${t} const*, int, long, long, int, int, int)`,
  flash: (t, d) => `void flash::flash_fwd_splitkv_kernel<Flash_fwd_kernel_traits<${d}, 64, 128, 4, false, false, ${t === 'float' ? 'cutlass::half_t' : 'cutlass::bfloat16_t'}, Flash_kernel_traits<${d}, 64, 128, 4, ${t === 'float' ? 'cutlass::half_t' : 'cutlass::bfloat16_t'}> >, false, true, false, false, true, false, false, false>(flash::Flash_fwd_params)`,
  combine: (t, d) => `void flash::flash_fwd_splitkv_combine_kernel<Flash_fwd_kernel_traits<${d}, 64, 128, 4, false, false, ${t === 'float' ? 'cutlass::half_t' : 'cutlass::bfloat16_t'}, Flash_kernel_traits<${d}, 64, 128, 4, ${t === 'float' ? 'cutlass::half_t' : 'cutlass::bfloat16_t'}> >, 4, 3, false>(flash::Flash_fwd_params)`,
  act: (t) => `void vllm::act_and_mul_kernel<${t}, &(${t} vllm::silu_kernel<${t}>(${t} const&)), true>(${t}*, ${t} const*, int)`,
  add: (t) => `void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<${t}>, std::array<char*, 3ul> >(int, at::native::CUDAFunctor_add<${t}>, std::array<char*, 3ul>)`,
  nccl: (t) => `ncclDevKernel_AllReduce_Sum_${t === 'float' ? 'f32' : 'bf16'}_RING_LL(ncclDevKernelArgsStorage<4096ul>)`,
  softmax: (t) => `void at::native::(anonymous namespace)::cunn_SoftMaxForward<4, ${t}, float, float, at::native::(anonymous namespace)::SoftMaxForwardEpilogue>(float*, ${t} const*, int)`,
  argmax: () => 'void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::ArgMaxOps<float>, unsigned int, long, 4, 4> >(at::native::ReduceOp<float, at::native::ArgMaxOps<float>, unsigned int, long, 4, 4>)',
  random: () => {
    const lambda = 'at::native::templates::cuda::random_from_to_kernel<at::CUDAGeneratorImpl*>(at::TensorIteratorBase&, unsigned long, long, at::CUDAGeneratorImpl*)::{lambda()#1}::operator()() const::{lambda()#4}::operator()() const';
    const inner = `${lambda}::{lambda(curandStatePhilox4_32_10*)#2}, at::native::(anonymous namespace)::distribution_nullary_kernel<long, unsigned int, uint4, at::CUDAGeneratorImpl*, ${lambda}::{lambda(curandStatePhilox4_32_10*)#2}, ${lambda}::{lambda(unsigned int)#1}>(at::TensorIteratorBase&, at::CUDAGeneratorImpl*, ${lambda}::{lambda(curandStatePhilox4_32_10*)#2} const&, ${lambda}::{lambda(unsigned int)#1})::{lambda(int, unsigned int)#1}`;
    return `void at::native::(anonymous namespace)::distribution_elementwise_grid_stride_kernel<unsigned int, 4, ${inner}>(long, at::PhiloxCudaState, ${inner})`;
  },
};

const PY = {
  wrapped: 'torch/nn/modules/module.py(1773): _wrapped_call_impl',
  call: 'torch/nn/modules/module.py(1784): _call_impl',
  execute: 'vllm/worker/model_runner.py(1703): execute_model',
  modelFwd: 'vllm/model_executor/models/llama.py(391): forward',
  layerFwd: 'vllm/model_executor/models/llama.py(318): forward',
  attnFwd: 'vllm/model_executor/models/llama.py(226): forward',
  mlpFwd: 'vllm/model_executor/models/llama.py(101): forward',
  norm: 'vllm/model_executor/layers/layernorm.py(187): forward_cuda',
  linear: 'vllm/model_executor/layers/linear.py(1205): forward',
  applyLinear: 'vllm/model_executor/layers/linear.py(193): apply',
  rotary: 'vllm/model_executor/layers/rotary_embedding.py(142): forward_cuda',
  flash: 'vllm/attention/backends/flash_attn.py(744): forward',
  act: 'vllm/model_executor/layers/activation.py(84): forward_cuda',
  allReduce: 'vllm/distributed/parallel_state.py(364): all_reduce',
  sample: 'vllm/model_executor/layers/sampler.py(250): forward',
  tqdm: 'tqdm/std.py(1198): __iter__',
};
const BUILTINS = [
  '<built-in function isinstance>',
  '<built-in method size of Tensor object at 0x7f16d4225c00>',
  '<built-in method view of Tensor object at 0x7f16d42c7e70>',
  '<built-in function getattr>',
  'torch/_jit_internal.py(103): is_scripting',
  'torch/compiler/__init__.py(442): is_compiling',
  '<built-in method get of dict object at 0x7f16d4224580>',
  '<built-in method contiguous of Tensor object at 0x7f16d41a3b50>',
];

// ---- event text, laid out like export_chrome_trace ----
function xEvent(cat, name, pid, tid, ts, dur, argsText) {
  return `  {\n    "ph": "X", "cat": "${cat}", "name": "${name}", "pid": ${pid}, "tid": ${tid},\n    "ts": ${micros(ts)}, "dur": ${micros(dur)},\n    "args": {\n      ${argsText}\n    }\n  }`;
}
function flowEvent(ph, id, pid, tid, ts) {
  return ph === 's'
    ? `  {\n    "ph": "s", "id": ${id}, "pid": ${pid}, "tid": ${tid}, "ts": ${micros(ts)},\n    "cat": "ac2g", "name": "ac2g"\n  }`
    : `  {\n    "ph": "f", "id": ${id}, "pid": ${pid}, "tid": ${tid}, "ts": ${micros(ts)},\n    "cat": "ac2g", "name": "ac2g", "bp": "e"\n  }`;
}
function memoryEvent(ts, reserved, allocated, bytes, addr, evIdx) {
  return `  {\n    "ph": "i", "cat": "cpu_instant_event", "s": "t", "name": "[memory]",\n    "pid": ${HOST_PID}, "tid": ${HOST_PID},\n    "ts": ${micros(ts)},\n    "args": {\n      "Total Reserved": ${reserved}, "Total Allocated": ${allocated}, "Bytes": ${bytes}, "Device Id": 0, "Device Type": 1, "Addr": ${addr}, "finished": false, "Ev Idx": ${evIdx}\n    }\n  }`;
}
function metaEvent(name, pid, tid, argKey, argValue) {
  return `  {\n    "name": "${name}", "ph": "M", "ts": ${micros(START_NS)}, "pid": ${pid}, "tid": ${tid},\n    "args": {\n      "${argKey}": ${argValue}\n    }\n  }`;
}

function header() {
  return `{
  "schemaVersion": 1,
  "deviceProperties": [
    {
      "id": 0, "name": "NVIDIA H100 80GB HBM3", "totalGlobalMem": 85017493504,
      "computeMajor": 9, "computeMinor": 0,
      "maxThreadsPerBlock": 1024, "maxThreadsPerMultiprocessor": 2048,
      "regsPerBlock": 65536, "warpSize": 32,
      "sharedMemPerBlock": 49152, "numSms": 132
    , "regsPerMultiprocessor": 65536, "sharedMemPerBlockOptin": 232448, "sharedMemPerMultiprocessor": 233472
    }
  ],
  "trace_id": "5EED0000000000000000000000000001",
  "with_stack": 1,
  "profile_memory": 1,
  "cuda_driver_version": 13000,
  "record_shapes": 1,
  "cuda_runtime_version": 13000,
  "cupti_version": 130001,
  "displayTimeUnit": "ms",
  "baseTimeNanoseconds": ${BASE_TIME_NS},
  "traceEvents": [
`;
}

/**
 * One decode step of a Llama-like model: the host walks L layers of python → cpu_op →
 * launch; the GPU runs the kernels on the compute stream, all-reduces on the NCCL stream.
 * State (`g`) carries cursors and counters across steps.
 */
class StepBuilder {
  constructor(rand, layers) {
    this.r = rand;
    this.layers = layers;
    this.hostNs = START_NS + 2_000_000;
    this.gpuFree = { [COMPUTE_STREAM]: this.hostNs, [NCCL_STREAM]: this.hostNs };
    this.pyId = 10;
    this.evIdx = 0;
    this.externalId = 18_433;
    this.correlation = 87_778;
    this.allocated = 463_551_488;
    this.reserved = 2_300_575_744;
    this.step = 0;
  }

  int(lo, hi) {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick(list) {
    return list[Math.floor(this.r() * list.length)];
  }
  advance(lo, hi) {
    this.hostNs += this.int(lo, hi);
  }

  /** Run `body` as a nested host span; its record is filled in when the body returns. */
  span(list, make, body) {
    const start = this.hostNs;
    const rec = { start, dur: 0, text: '' };
    list.push(rec);
    this.advance(300, 1_500);
    body?.();
    this.advance(200, 1_200);
    rec.dur = this.hostNs - start;
    rec.text = make(start, rec.dur);
    // Siblings never touch in real traces (the profiler itself takes time between calls).
    this.advance(100, 600);
    return rec;
  }

  python(name, parent, body) {
    const id = this.pyId++;
    const ev = this.evIdx++;
    return this.span(this.py, (ts, dur) => xEvent('python_function', name, HOST_PID, HOST_PID, ts, dur, `"Python parent id": ${parent}, "Python id": ${id}, "Ev Idx": ${ev}`), () => body?.(id));
  }

  cpuOp(name, dims, body) {
    const ext = this.externalId++;
    const ev = this.evIdx++;
    const t = this.dtype;
    const inputs = dims.map(() => `"${t === 'float' ? 'float' : t === 'c10::Half' ? 'c10::Half' : 'c10::BFloat16'}"`).join(', ');
    const dimsText = dims.map((d) => `[${d.join(', ')}]`).join(', ');
    const strides = dims.map((d) => `[${d.length === 2 ? `${d[1]}, 1` : '1'}]`).join(', ');
    const concrete = dims.map(() => '""').join(', ');
    return this.span(this.cpu, (ts, dur) => xEvent('cpu_op', name, HOST_PID, HOST_PID, ts, dur, `"External id": ${ext},"Record function id": 0, "Concrete Inputs": [${concrete}], "Input type": [${inputs}], "Input Strides": [${strides}], "Input Dims": [${dimsText}], "Ev Idx": ${ev}`), () => body?.(ext));
  }

  /** A `[memory]` instant: allocation (bytes > 0) or free (bytes < 0), with the allocator's totals. */
  memory(bytes) {
    this.allocated += bytes;
    this.stepAllocated += bytes;
    if (this.allocated > this.reserved) this.reserved += 2 * 1024 * 1024 * 1024;
    const addr = 139_732_798_649_344 + this.int(0, 1 << 30) * 512;
    this.mem.push(memoryEvent(this.hostNs, this.reserved, this.allocated, bytes, addr, this.evIdx++));
    this.advance(100, 600);
  }

  /** A runtime call launching `kernel` on `stream`: runtime X + flow s on the host, kernel X + flow f on the GPU. */
  launch(ext, kernel, stream, gpuDur, driver = false) {
    const corr = this.correlation++;
    const ts = this.hostNs;
    const dur = this.int(3_000, 9_000);
    const [cat, name, cbid] = driver ? ['cuda_driver', 'cuLaunchKernelEx', 652] : ['cuda_runtime', 'cudaLaunchKernel', 211];
    this.dev.push(xEvent(cat, name, HOST_PID, HOST_PID, ts, dur, `"External id": ${ext},      "cbid": ${cbid}, "correlation": ${corr}`));
    this.dev.push(flowEvent('s', corr, HOST_PID, HOST_PID, ts + this.int(50, 500)));
    this.hostNs += dur;
    const start = Math.max(this.gpuFree[stream], ts + this.int(4_000, 12_000));
    this.gpuFree[stream] = start + gpuDur + this.int(500, 2_500);
    const grid = this.int(1, 1024);
    const block = this.pick([64, 128, 256, 512]);
    this.dev.push(xEvent('kernel', kernel, 0, stream, start, gpuDur, `"External id": ${ext},      "queued": 0, "device": 0, "context": 1,      "stream": ${stream}, "correlation": ${corr},      "registers per thread": ${this.int(16, 255)},      "shared memory": ${this.int(0, 48) * 1024},      "blocks per SM": ${(grid / 132).toFixed(6)},      "warps per SM": ${((grid * block) / 32 / 132).toFixed(6)},      "grid": [${grid}, 1, 1],      "block": [${block}, 1, 1],      "est. achieved occupancy %": ${this.int(0, 100)}`));
    this.dev.push(flowEvent('f', corr, 0, stream, start));
    this.advance(200, 800);
  }

  /** Host calls with no GPU work still get an ac2g `f` on the host thread in torch's output. */
  hostOnlyRuntime(ext, name) {
    const corr = this.correlation++;
    const ts = this.hostNs;
    const dur = this.int(200, 2_000);
    this.dev.push(xEvent('cuda_runtime', name, HOST_PID, HOST_PID, ts, dur, `"External id": ${ext},      "cbid": 317, "correlation": ${corr}`));
    this.dev.push(flowEvent('f', corr, HOST_PID, HOST_PID, ts));
    this.hostNs += dur;
  }

  builtins(parent) {
    const n = this.int(1, 3);
    for (let i = 0; i < n; i++) this.python(this.pick(BUILTINS), parent);
  }

  /** A module call: _wrapped_call_impl → _call_impl → forward (→ builtins, body). */
  module(forward, parent, body) {
    this.python(PY.wrapped, parent, (a) => this.python(PY.call, a, (b) => this.python(forward, b, (c) => {
      this.builtins(c);
      body?.(c);
    })));
  }

  linear(parent, m, k, n) {
    const tile = this.pick(GEMM_TILES);
    this.module(PY.linear, parent, (p) => this.python(PY.applyLinear, p, () => {
      this.cpuOp('aten::linear', [[m, k], [n, k]], () => {
        this.cpuOp('aten::t', [[n, k]], () => this.cpuOp('aten::transpose', [[n, k]]));
        this.cpuOp('aten::mm', [[m, k], [k, n]], (ext) => {
          this.memory(m * n * 2);
          const useCutlass = this.r() < 0.3;
          this.launch(ext, useCutlass ? KERNELS.cutlass(this.dtype, tile) : KERNELS.gemm(this.dtype, tile), COMPUTE_STREAM, this.int(8_000, 90_000), this.r() < 0.25);
        });
      });
    }));
  }

  simpleOp(parent, pyName, opName, kernel, gpuLo, gpuHi, dims) {
    this.module(pyName, parent, () => this.cpuOp(opName, dims, (ext) => {
      if (this.r() < 0.5) this.memory(dims[0].reduce((a, d) => a * d, 2));
      this.launch(ext, kernel, COMPUTE_STREAM, this.int(gpuLo, gpuHi));
    }));
  }

  allReduce(parent, hidden) {
    this.python(PY.allReduce, parent, () => this.cpuOp('nccl:all_reduce', [[this.batch, hidden]], (ext) => {
      this.cpuOp('record_param_comms', [[this.batch, hidden]]);
      this.launch(ext, KERNELS.nccl(this.dtype), NCCL_STREAM, this.int(10_000, 40_000));
    }));
  }

  layer(parent) {
    const hidden = 4096;
    const b = this.batch;
    this.module(PY.layerFwd, parent, (l) => {
      this.simpleOp(l, PY.norm, '_C::fused_add_rms_norm', KERNELS.fusedRms(this.dtype), 2_000, 6_000, [[b, hidden], [hidden]]);
      this.module(PY.attnFwd, l, (a) => {
        this.linear(a, b, hidden, 3 * hidden);
        this.simpleOp(a, PY.rotary, '_C::rotary_embedding', KERNELS.rotary(this.dtype), 2_000, 5_000, [[b], [b, hidden]]);
        this.module(PY.flash, a, () => this.cpuOp('_vllm_fa2_C::varlen_fwd', [[b, 32, 128], [b, 8, 128]], (ext) => {
          this.memory(b * hidden * 2);
          this.launch(ext, KERNELS.flash(this.dtype, this.headDim), COMPUTE_STREAM, this.int(20_000, 120_000));
          this.launch(ext, KERNELS.combine(this.dtype, this.headDim), COMPUTE_STREAM, this.int(2_000, 6_000));
        }));
        this.linear(a, b, hidden, hidden);
        this.allReduce(a, hidden);
      });
      this.simpleOp(l, PY.norm, '_C::fused_add_rms_norm', KERNELS.fusedRms(this.dtype), 2_000, 6_000, [[b, hidden], [hidden]]);
      this.module(PY.mlpFwd, l, (m) => {
        this.linear(m, b, hidden, 2 * 14336);
        this.simpleOp(m, PY.act, '_C::silu_and_mul', KERNELS.act(this.dtype), 3_000, 9_000, [[b, 14336]]);
        this.linear(m, b, 14336, hidden);
        this.allReduce(m, hidden);
      });
    });
  }

  /** Sampling at the end of a step: softmax/argmax, a DtoH copy and a stream sync that waits for the GPU. */
  sample(parent) {
    this.module(PY.sample, parent, () => {
      this.cpuOp('aten::softmax', [[this.batch, 128256]], (ext) => this.launch(ext, KERNELS.softmax(this.dtype), COMPUTE_STREAM, this.int(5_000, 15_000)));
      this.cpuOp('aten::argmax', [[this.batch, 128256]], (ext) => this.launch(ext, KERNELS.argmax(), COMPUTE_STREAM, this.int(3_000, 8_000)));
      if (this.step % 4 === 0) this.cpuOp('aten::randint', [[]], (ext) => this.launch(ext, KERNELS.random(), COMPUTE_STREAM, this.int(1_000, 3_000)));
      this.cpuOp('aten::_local_scalar_dense', [[this.batch]], (ext) => {
        const corr = this.correlation++;
        const ts = this.hostNs;
        const start = Math.max(this.gpuFree[COMPUTE_STREAM], ts + 5_000);
        const dur = this.int(1_000, 3_000);
        const end = start + dur;
        this.gpuFree[COMPUTE_STREAM] = end;
        // The host waits for the copy: cudaMemcpyAsync spans until the data is back.
        const hostDur = end - ts + this.int(2_000, 6_000);
        this.dev.push(xEvent('cuda_runtime', 'cudaMemcpyAsync', HOST_PID, HOST_PID, ts, hostDur, `"External id": ${ext},      "cbid": 41, "correlation": ${corr}`));
        this.dev.push(flowEvent('s', corr, HOST_PID, HOST_PID, ts + 300));
        this.dev.push(xEvent('gpu_memcpy', 'Memcpy DtoH (Device -> Pageable)', 0, COMPUTE_STREAM, start, dur, `"External id": ${ext},      "device": 0, "context": 1,      "stream": ${COMPUTE_STREAM}, "correlation": ${corr},      "bytes": ${this.batch * 8}, "memory bandwidth (GB/s)": ${((this.batch * 8) / dur).toFixed(6)}`));
        this.dev.push(flowEvent('f', corr, 0, COMPUTE_STREAM, start));
        this.hostNs = ts + hostDur;
        this.hostOnlyRuntime(ext, 'cudaStreamIsCapturing');
      });
      // The step's activations are freed once the tokens are back.
      this.memory(-this.stepAllocated);
    });
  }

  /** Build one step; returns its text (events joined, each followed by ",\n"). */
  build() {
    this.cpu = [];
    this.py = [];
    this.mem = [];
    this.dev = [];
    this.stepAllocated = 0;
    this.dtype = this.step % 3 === 2 ? 'c10::Half' : this.pick(DTYPES.slice(0, 2));
    this.headDim = this.pick([64, 128]);
    this.batch = this.pick([1, 8, 16, 32, 64]);
    const stepStart = this.hostNs;
    const ann = { start: stepStart, dur: 0, text: '' };
    this.cpu.push(ann);
    const annExt = this.externalId++;
    const annEv = this.evIdx++;
    this.python(PY.tqdm, null, (t) => this.python(PY.execute, t, (e) => this.module(PY.modelFwd, e, (m) => {
      for (let i = 0; i < this.layers; i++) this.layer(m);
      this.sample(m);
    })));
    this.advance(20_000, 80_000);
    ann.dur = this.hostNs - stepStart;
    ann.text = xEvent('user_annotation', 'decode_step', HOST_PID, HOST_PID, stepStart, ann.dur, `"External id": ${annExt},"Record function id": 0, "Ev Idx": ${annEv}`);
    const gpuStart = stepStart + 10_000;
    const gpuEnd = Math.max(this.gpuFree[COMPUTE_STREAM], this.gpuFree[NCCL_STREAM]);
    const gpuAnn = xEvent('gpu_user_annotation', 'decode_step', 0, COMPUTE_STREAM, gpuStart, Math.max(1_000, gpuEnd - gpuStart), `"External id": ${annExt}`);
    // Kineto order: host ops by start, memory instants, python by start, then runtime and GPU activity.
    const byStart = (a, b) => a.start - b.start;
    const parts = [...this.cpu.sort(byStart).map((r) => r.text), ...this.mem, ...this.py.sort(byStart).map((r) => r.text), ...this.dev, gpuAnn];
    this.step++;
    return parts.join(',\n') + ',\n';
  }
}

function trailer(endNs, traceName) {
  const events = [
    // A background thread's stack spanning the whole trace (tqdm's monitor in the corpus): far from its neighbours in the file.
    xEvent('python_function', 'threading.py(1030): _bootstrap', HOST_PID, MONITOR_TID, START_NS + 500, endNs - START_NS, '"Python parent id": null, "Python id": 1, "Ev Idx": 0'),
    xEvent('python_function', 'tqdm/_monitor.py(69): run', HOST_PID, MONITOR_TID, START_NS + 2_100, endNs - START_NS - 4_000, '"Python parent id": 1, "Python id": 2, "Ev Idx": 1'),
    `  {\n    "ph": "X", "cat": "overhead", "name": "Activity Buffer Request", "pid": -1, "tid": 0,\n    "ts": ${micros(START_NS + 800)}, "dur": ${micros(1_960_326)}\n  }`,
    metaEvent('process_name', HOST_PID, 0, 'name', '"python3"'),
    metaEvent('process_labels', HOST_PID, 0, 'labels', '"CPU"'),
    metaEvent('process_sort_index', HOST_PID, 0, 'sort_index', HOST_PID),
  ];
  for (let gpu = 0; gpu < 8; gpu++) {
    events.push(metaEvent('process_name', gpu, 0, 'name', '"python3"'), metaEvent('process_labels', gpu, 0, 'labels', `"GPU ${gpu}"`), metaEvent('process_sort_index', gpu, 0, 'sort_index', 5_000_000 + gpu));
  }
  for (const stream of [COMPUTE_STREAM, NCCL_STREAM]) {
    events.push(metaEvent('thread_name', 0, stream, 'name', `"stream ${stream} "`), metaEvent('thread_sort_index', 0, stream, 'sort_index', stream));
  }
  for (const [tid, label] of [[HOST_PID, 'python3'], [AUTOGRAD_TID, 'pt_autograd_0'], [MONITOR_TID, 'python3']]) {
    events.push(metaEvent('thread_name', HOST_PID, tid, 'name', `"thread ${tid} (${label})"`), metaEvent('thread_sort_index', HOST_PID, tid, 'sort_index', tid));
  }
  events.push(
    `  {\n    "ph": "X", "cat": "Trace", "ts": ${micros(START_NS)}, "dur": ${micros(endNs - START_NS)},\n    "pid": "Spans", "tid": "PyTorch Profiler",\n    "name": "PyTorch Profiler (0)",\n    "args": {\n      "Op count": 0\n    }\n  }`,
    `  {\n    "name": "process_sort_index", "ph": "M", "ts": ${micros(START_NS)},\n    "pid": "Spans", "tid": 0,\n    "args": {\n      "sort_index": 536870912\n    }\n  }`,
    `  {\n    "name": "Iteration Start: PyTorch Profiler", "ph": "i", "s": "g",\n    "pid": "Traces", "tid": "Trace PyTorch Profiler", "ts": ${micros(START_NS)}\n  }`,
    `  {\n    "name": "Record Window End", "ph": "i", "s": "g",\n    "pid": "", "tid": "", "ts": ${micros(endNs + 1_000)}\n  }`,
  );
  return `${events.join(',\n')}\n  ],\n  "traceName": "${traceName}"\n}\n`;
}

/** Bytes the trailer adds (its size barely depends on the timestamps). */
const TRAILER_ALLOWANCE = 12_000;

/**
 * Yields the trace text in chunks (one decode step each, ~1–2 MB with 32 layers) until
 * the total is about `targetBytes` (never above it by more than one step, at least one step).
 */
export function* traceChunks({ seed = 1, targetBytes, layers = 32, traceName = 'synthetic.json' }) {
  const rand = mulberry32(seed);
  const b = new StepBuilder(rand, layers);
  const head = header();
  yield head;
  let written = head.length;
  let last = 0;
  do {
    const chunk = b.build();
    written += chunk.length;
    last = chunk.length;
    yield chunk;
  } while (written + last + TRAILER_ALLOWANCE <= targetBytes);
  const endNs = Math.max(b.hostNs, b.gpuFree[COMPUTE_STREAM], b.gpuFree[NCCL_STREAM]);
  yield trailer(endNs, traceName);
}
