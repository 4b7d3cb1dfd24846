// Which lane an event belongs in. The Kineto `cat` decides; name rules apply only
// to events whose category is unknown (other tools' Chrome-trace exports).

import type { LaneKind } from '../../src/model/types';

const KIND_BY_CATEGORY: Record<string, LaneKind> = {
  python_function: 'python',
  python: 'python',
  cpu_op: 'cpu',
  operator: 'cpu',
  user_annotation: 'cpu',
  cpu_instant_event: 'cpu',
  trace: 'cpu',
  overhead: 'cpu',
  cuda_runtime: 'cuda_api',
  cuda_driver: 'cuda_api',
  runtime: 'cuda_api',
  driver: 'cuda_api',
  cuda: 'cuda_api',
  kernel: 'gpu',
  gpu_memcpy: 'gpu',
  gpu_memset: 'gpu',
  memcpy: 'gpu',
  memset: 'gpu',
  gpu_user_annotation: 'gpu',
  syscall: 'syscall',
  os_runtime: 'syscall',
  // strace's signal deliveries and thread exits sit on the thread's syscall lane.
  signal: 'syscall',
  process_exit: 'syscall',
  // Nsight Systems NVTX ranges are host-side annotations, like user_annotation.
  nvtx: 'cpu',
};

const GPU_NAME = /^(nccl(Dev)?Kernel|Memcpy |Memset )/;
const CUDA_API_NAME = /^(cuda[A-Z]|cu[A-Z]|cublas|cudnn|nccl[A-Z]|cufft|curand|cusparse)/;
const PYTHON_NAME = /^(<built-in|.+\.py\(\d+\): )/;

/** The lane kind a category decides on its own, or null when the name must decide. */
export function knownCategoryKind(cat: string): LaneKind | null {
  return KIND_BY_CATEGORY[cat] ?? KIND_BY_CATEGORY[cat.toLowerCase()] ?? null;
}

export function laneKindOf(cat: string, name: string): LaneKind {
  const byCat = knownCategoryKind(cat);
  if (byCat) return byCat;
  if (GPU_NAME.test(name)) return 'gpu';
  if (CUDA_API_NAME.test(name)) return 'cuda_api';
  if (PYTHON_NAME.test(name)) return 'python';
  return 'cpu';
}

/** Kineto's `[memory]` instants become memory counters, not CPU instants. */
export function isKinetoMemoryEvent(cat: string, name: string): boolean {
  return name === '[memory]' && (cat === 'cpu_instant_event' || cat === '');
}

/** Kineto's own rows: overhead (pid −1), "Spans", "Traces" and the global markers (pid ""). */
export function isProfilerProcess(pid: string): boolean {
  return pid === '-1' || pid === 'Spans' || pid === 'Traces' || pid === '';
}

/** Order of lane kinds inside a thread: the SysOM view's five dimensions, then counters. */
export const KIND_ORDER: Record<LaneKind, number> = {
  python: 0,
  cpu: 1,
  syscall: 2,
  cuda_api: 3,
  gpu: 4,
  counter: 5,
};
