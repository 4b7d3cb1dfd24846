// GPU memory allocations: every cudaMalloc / cuMemAlloc / cudaFree / cuMemFree call
// and every growth of Total Reserved, with bytes, time, lane and Python stack.
//
// Bytes of a call:
// - nsys-style exports carry them in the call's args (bytes / size): used as they are;
// - Kineto's cudaMalloc / cudaFree events carry no size. THE RULE: a call is given the
//   change of Total Reserved seen in the CUDA `[memory]` events that follow it, up to the
//   next alloc/free call of the process (or the end of the trace): the sum of the increases
//   for an alloc, of the decreases for a free. The caching allocator only grows its reserve
//   through cudaMalloc and only shrinks it through cudaFree, so a change between two calls
//   belongs to the earlier one. A call with no change after it gets bytes null.
// Each growth of Total Reserved is also listed on its own, attributed to the alloc call
// whose window holds it (its Python stack is that call's).

import type { AllocationRow, SliceRef } from '../../src/model/analysisTypes';
import type { CounterPlan } from '../lanes/laneMapping';
import type { TraceIndex } from '../index/traceIndex';
import { laneParts } from '../index/laneIndex';
import { firstAtOrAfter } from '../index/sortedSearch';
import { threadStack } from './correlation';
import { sliceRefAt } from './sliceRef';

const ALLOC = /^(cudaMalloc(Async|Managed|Pitch|3D)?|cuMemAlloc(_v2|Async|Managed|Pitch(_v2)?)?|cuMemCreate)$/;
const FREE = /^(cudaFree(Async)?|cuMemFree(_v2|Async)?|cuMemRelease)$/;
const SIZE_ARG = /"(?:bytes|size|Bytes|Size)"\s*:\s*(\d+)/;
const CUDA_MEMORY_LANE = /^memory 1:(\d+)$/;

interface Call {
  ref: SliceRef;
  kind: 'alloc' | 'free';
  pid: string;
  argBytes: number | null;
  frames: string[];
}

function reservedSeries(c: CounterPlan): Float64Array | null {
  const i = c.info.counter?.series.indexOf('Total Reserved') ?? -1;
  return i >= 0 ? c.values[i] : null;
}

export function allocations(index: TraceIndex): AllocationRow[] {
  const calls: Call[] = [];
  for (const lane of index.lanes.values()) {
    if (lane.info.kind !== 'cuda_api') continue;
    // The runtime lane walked part by part; only its alloc / free calls are looked at again.
    for (const { cols, first } of laneParts(lane)) {
      for (let j = 0; j < cols.start.length; j++) {
        const name = index.nameOf(cols, j);
        const kind = ALLOC.test(name) ? 'alloc' : FREE.test(name) ? 'free' : null;
        if (!kind) continue;
        const k = first + j;
        const m = SIZE_ARG.exec(index.argsOf(cols, j) ?? '');
        const stack = threadStack(index, lane, k);
        const python = stack.filter((f) => f.kind === 'python');
        const frames = (python.length ? python : stack.filter((f) => f.kind === 'cpu')).map((f) => f.name);
        calls.push({ ref: sliceRefAt(index, lane, k, cols.start[j]), kind, pid: lane.info.pid, argBytes: m ? Number(m[1]) : null, frames });
      }
    }
  }
  calls.sort((a, b) => a.ref.startNs - b.ref.startNs);

  const rows: AllocationRow[] = [];
  const memory = [...index.counters.values()].filter((c) => CUDA_MEMORY_LANE.test(c.info.tid));
  for (const [i, call] of calls.entries()) {
    let bytes = call.argBytes;
    let bytesFrom: AllocationRow['bytesFrom'] = bytes !== null ? 'args' : 'none';
    let device: string | null = null;
    if (bytes === null) {
      const next = calls.slice(i + 1).find((c) => c.pid === call.pid);
      const until = next ? next.ref.startNs : Infinity;
      let change = 0;
      for (const c of memory) {
        if (c.info.pid !== call.pid) continue;
        const reserved = reservedSeries(c);
        if (!reserved) continue;
        // The sample before the window is the baseline; changes inside the window count.
        for (let j = Math.max(1, firstAtOrAfter(c.t, call.ref.startNs)); j < c.t.length && c.t[j] < until; j++) {
          const d = reserved[j] - reserved[j - 1];
          if (call.kind === 'alloc' ? d > 0 : d < 0) {
            change += d;
            device = CUDA_MEMORY_LANE.exec(c.info.tid)![1];
            if (call.kind === 'alloc') {
              rows.push({ kind: 'growth', name: 'Total Reserved +', tNs: c.t[j], laneId: c.info.id, call: call.ref, bytes: d, bytesFrom: 'reserved', frames: call.frames, device });
            }
          }
        }
      }
      if (change !== 0) {
        bytes = change;
        bytesFrom = 'reserved';
      }
    }
    if (bytes !== null && call.kind === 'free' && bytes > 0) bytes = -bytes;
    rows.push({ kind: call.kind, name: call.ref.name, tNs: call.ref.startNs, laneId: call.ref.laneId, call: call.ref, bytes, bytesFrom, frames: call.frames, device });
  }
  // Growths with no alloc call before them in their process (e.g. allocations before the capture).
  const attributed = new Set(rows.filter((r) => r.kind === 'growth').map((r) => `${r.laneId}@${r.tNs}`));
  for (const c of memory) {
    const reserved = reservedSeries(c);
    if (!reserved) continue;
    for (let j = 1; j < c.t.length; j++) {
      const d = reserved[j] - reserved[j - 1];
      if (d > 0 && !attributed.has(`${c.info.id}@${c.t[j]}`)) {
        rows.push({ kind: 'growth', name: 'Total Reserved +', tNs: c.t[j], laneId: c.info.id, call: null, bytes: d, bytesFrom: 'reserved', frames: [], device: CUDA_MEMORY_LANE.exec(c.info.tid)![1] });
      }
    }
  }
  return rows.sort((a, b) => a.tNs - b.tNs || (a.kind === 'growth' ? 1 : 0) - (b.kind === 'growth' ? 1 : 0));
}
