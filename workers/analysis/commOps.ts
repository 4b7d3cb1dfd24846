// The communication operations of one rank's trace, in the clock that tells when the
// rank really arrived: GPU kernel starts for NCCL (the CPU enqueues NCCL work
// asynchronously and runs ahead), CPU op starts for blocking backends (gloo, MPI).

import type { TraceIndex } from '../index/traceIndex';
import { deviceBusy } from './gpuBusy';
import { detectSteps, stepAt, stepLabel } from './steps';
import { deviceCollective, hostCollective } from './kernelClass';

export interface CommOp {
  backend: string;
  /** Normalised operation: broadcast, all_reduce, all_gather, send, recv, … */
  op: string;
  /** Matching channel: collectives by op (and process group); send and recv share "p2p" so a send pairs with its peer's recv. */
  channel: string;
  /** Sequence number within the process group (record_param_comms), when the trace has it. */
  seq: number | null;
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

interface ParamComms {
  op: string;
  pg: string | null;
  seq: number | null;
}

/**
 * PyTorch's record_param_comms ops name the collective, its process group and its
 * sequence number; NCCL kernels share their External id. Matching by (group, seq)
 * survives ranks whose captures start at different steps.
 */
function paramComms(index: TraceIndex, laneId: string, k: number): ParamComms | null {
  const args = parseArgs(index, laneId, k);
  if (!args) return null;
  const op = args['Collective name'];
  if (typeof op !== 'string') return null;
  const pg = args['Process Group Name'] ?? args['Process Group Description'];
  const seq = Number(args['Seq'] ?? args['seq']);
  return { op: normaliseOp(op.replace(/^_/, '').replace(/_base$/, '')), pg: pg === undefined ? null : String(pg), seq: Number.isFinite(seq) ? seq : null };
}

function parseArgs(index: TraceIndex, laneId: string, k: number): Record<string, unknown> | null {
  const text = index.slice(laneId, k)?.args;
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export function commOps(index: TraceIndex): RankComms {
  const names = index.result.names;
  const steps = detectSteps(index);
  const ops: CommOp[] = [];
  const defaultBackend = String((index.result.metadata.distributedInfo as { backend?: unknown } | undefined)?.backend ?? 'c10d');

  // record_param_comms by External id; and whether the device shows collective kernels (NCCL, RCCL, HCCL) at all.
  const byExternalId = new Map<number, ParamComms>();
  const cpuParams: { laneId: string; k: number; p: ParamComms }[] = [];
  let deviceCollectives = false;
  for (const lane of index.lanes.values()) {
    for (let k = 0; k < lane.start.length; k++) {
      const name = names[lane.name[k]];
      if (lane.info.kind === 'gpu' && !lane.info.summary && deviceCollective(name)) deviceCollectives = true;
      if (lane.info.kind !== 'cpu' || name !== 'record_param_comms') continue;
      const p = paramComms(index, lane.info.id, k);
      if (!p) continue;
      cpuParams.push({ laneId: lane.info.id, k, p });
      const ext = Number(parseArgs(index, lane.info.id, k)?.['External id']);
      if (Number.isFinite(ext)) byExternalId.set(ext, p);
    }
  }

  const push = (laneId: string, k: number, backend: string, op: string, clock: 'cpu' | 'gpu', p: ParamComms | null): void => {
    const lane = index.lanes.get(laneId)!;
    const step = stepAt(steps, lane.start[k]);
    const channel = channelOf(op);
    ops.push({
      backend,
      op,
      channel: p?.pg != null ? `${channel} pg ${p.pg}` : channel,
      seq: p?.seq ?? null,
      clock,
      laneId,
      eventIdx: k,
      name: names[lane.name[k]],
      startNs: lane.start[k],
      durNs: lane.dur[k],
      step: step ? stepLabel(step) : null,
    });
  };

  // Blocking backends: the CPU op starts. record_param_comms when present, else gloo:* ranges.
  if (!deviceCollectives && cpuParams.length > 0) {
    for (const { laneId, k, p } of cpuParams) push(laneId, k, defaultBackend, p.op, 'cpu', p);
  }
  for (const lane of index.lanes.values()) {
    const kind = lane.info.kind;
    // A recorder's summary lanes (LaneInfo.summary) repeat work shown elsewhere: skipped.
    if ((kind !== 'cpu' && kind !== 'gpu') || lane.info.summary) continue;
    for (let k = 0; k < lane.start.length; k++) {
      if (lane.instant[k]) continue;
      const name = names[lane.name[k]];
      if (kind === 'cpu') {
        if (cpuParams.length > 0) continue;
        const c = hostCollective(name);
        if (c) push(lane.info.id, k, c.backend, normaliseOp(c.op), 'cpu', null);
      } else {
        // NCCL / RCCL / HCCL: the device kernel starts (the CPU enqueues asynchronously and runs ahead).
        const c = deviceCollective(name);
        if (!c) continue;
        const ext = byExternalId.size ? Number(parseArgs(index, lane.info.id, k)?.['External id']) : NaN;
        push(lane.info.id, k, c.backend, normaliseOp(c.op), 'gpu', byExternalId.get(ext) ?? null);
      }
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

/**
 * GPU idle time inside [startNs, endNs] (trace-relative): the most idle device's
 * window minus its busy time (union of kernels, memcpy and memset; gpuBusy.ts).
 */
export function gpuIdleWithin(index: TraceIndex, startNs: number, endNs: number): number {
  return Math.max(0, ...deviceBusy(index, startNs, endNs).map((d) => d.idleNs));
}
