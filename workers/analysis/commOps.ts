// The communication operations of one rank's trace, in the clock that tells when the
// rank really arrived: GPU kernel starts for NCCL (the CPU enqueues NCCL work
// asynchronously and runs ahead), CPU op starts for blocking backends (gloo, MPI).

import type { TraceIndex } from '../index/traceIndex';
import { detectSteps, stepAt, stepLabel } from './steps';

export interface CommOp {
  backend: string;
  /** Normalised operation: broadcast, all_reduce, all_gather, send, recv, … */
  op: string;
  /** Matching channel: collectives by op; send and recv share "p2p" so a send pairs with its peer's recv. */
  channel: string;
  clock: 'cpu' | 'gpu';
  laneId: string;
  eventIdx: number;
  name: string;
  /** ns relative to the trace origin. */
  startNs: number;
  durNs: number;
  /** "execute_model #7", or null outside any step. */
  step: string | null;
}

export interface RankComms {
  trace: string;
  /** distributedInfo.rank when the trace has it. */
  rank: number | null;
  /** Absolute ns of the trace origin (decimal string). */
  originNs: string;
  /** Capture window, ns relative to the trace origin. */
  captureStartNs: number;
  captureEndNs: number;
  ops: CommOp[];
}

const CPU_COMM = /^(gloo|mpi|ucc|c10d)[:_](\w+)/i;
const NCCL_KERNEL = /^(?:void\s+)?nccl(?:Dev)?Kernel_([A-Za-z]+?)(?:_|\(|$)/;

/** "AllReduce" / "all_reduce" / "allreduce" → "all_reduce". */
export function normaliseOp(op: string): string {
  return op
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/^(all|reduce)(reduce|gather|scatter)$/, '$1_$2')
    .replace(/^sendrecv$/, 'send_recv');
}

function channelOf(op: string): string {
  return op === 'send' || op === 'recv' || op === 'send_recv' ? 'p2p' : op;
}

export function rankOf(index: TraceIndex): number | null {
  const info = index.result.metadata.distributedInfo as { rank?: unknown } | undefined;
  return typeof info?.rank === 'number' ? info.rank : null;
}

export function commOps(index: TraceIndex): RankComms {
  const names = index.result.names;
  const steps = detectSteps(index);
  const ops: CommOp[] = [];
  for (const lane of index.lanes.values()) {
    const kind = lane.info.kind;
    if (kind !== 'cpu' && kind !== 'gpu') continue;
    for (let k = 0; k < lane.start.length; k++) {
      if (lane.instant[k]) continue;
      const name = names[lane.name[k]];
      let backend: string;
      let op: string;
      let clock: 'cpu' | 'gpu';
      if (kind === 'cpu') {
        const m = CPU_COMM.exec(name);
        if (!m) continue;
        backend = m[1].toLowerCase();
        op = normaliseOp(m[2]);
        clock = 'cpu';
      } else {
        const m = NCCL_KERNEL.exec(name);
        if (!m) continue;
        backend = 'nccl';
        op = normaliseOp(m[1]);
        clock = 'gpu';
      }
      const step = stepAt(steps, lane.start[k]);
      ops.push({
        backend,
        op,
        channel: channelOf(op),
        clock,
        laneId: lane.info.id,
        eventIdx: k,
        name,
        startNs: lane.start[k],
        durNs: lane.dur[k],
        step: step ? stepLabel(step) : null,
      });
    }
  }
  ops.sort((a, b) => a.startNs - b.startNs);
  return {
    trace: index.result.trace,
    rank: rankOf(index),
    originNs: index.result.originNs,
    captureStartNs: index.result.minNs,
    captureEndNs: index.result.maxNs,
    ops,
  };
}

/** GPU time with no kernel, memcpy or memset inside [startNs, endNs] (trace-relative), over all devices' streams. */
export function gpuIdleWithin(index: TraceIndex, startNs: number, endNs: number): number {
  const spans: [number, number][] = [];
  for (const lane of index.lanes.values()) {
    if (lane.info.kind !== 'gpu') continue;
    const cats = index.result.names;
    for (let k = 0; k < lane.start.length; k++) {
      const s = lane.start[k];
      const e = s + lane.dur[k];
      if (e <= startNs) continue;
      if (s >= endNs) break;
      if (cats[lane.cat[k]] === 'gpu_user_annotation') continue;
      spans.push([Math.max(s, startNs), Math.min(e, endNs)]);
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  let busy = 0;
  let curS = -Infinity;
  let curE = -Infinity;
  for (const [s, e] of spans) {
    if (s > curE) {
      if (curE > curS) busy += curE - curS;
      curS = s;
      curE = e;
    } else if (e > curE) curE = e;
  }
  if (curE > curS) busy += curE - curS;
  return Math.max(0, endNs - startNs - busy);
}
