// The communication operations of one rank's trace, in the clock that tells when the
// rank really arrived: GPU kernel starts for NCCL (the CPU enqueues NCCL work
// asynchronously and runs ahead), CPU op starts for blocking backends (gloo, MPI).

import type { TraceIndex } from '../index/traceIndex';
import { laneParts, type EventColumns } from '../index/laneIndex';
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
function paramComms(args: Record<string, unknown> | null): ParamComms | null {
  if (!args) return null;
  const op = args['Collective name'];
  if (typeof op !== 'string') return null;
  const pg = args['Process Group Name'] ?? args['Process Group Description'];
  const seq = Number(args['Seq'] ?? args['seq']);
  return { op: normaliseOp(op.replace(/^_/, '').replace(/_base$/, '')), pg: pg === undefined ? null : String(pg), seq: Number.isFinite(seq) ? seq : null };
}

function parseArgs(index: TraceIndex, cols: EventColumns, j: number): Record<string, unknown> | null {
  const text = index.argsOf(cols, j);
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** An event as commOps lists it: its lane, index there, start, duration and name id. */
interface CommEvent {
  laneId: string;
  k: number;
  start: number;
  dur: number;
  name: number;
}

const commEvent = (laneId: string, cols: EventColumns, first: number, j: number): CommEvent => ({ laneId, k: first + j, start: cols.start[j], dur: cols.dur[j], name: cols.name[j] });

/** Each lane is walked part by part (an index folder's big lane chunk by chunk), twice at most: every event's own columns and args are read where they are. */
export function commOps(index: TraceIndex): RankComms {
  const names = index.result.names;
  const steps = detectSteps(index);
  const ops: CommOp[] = [];
  const defaultBackend = String((index.result.metadata.distributedInfo as { backend?: unknown } | undefined)?.backend ?? 'c10d');

  // record_param_comms by External id; and whether the device shows collective kernels (NCCL, RCCL, HCCL) at all.
  const byExternalId = new Map<number, ParamComms>();
  const cpuParams: { e: CommEvent; p: ParamComms }[] = [];
  let deviceCollectives = false;
  for (const lane of index.lanes.values()) {
    const kind = lane.info.kind;
    const device = kind === 'gpu' && !lane.info.summary;
    if (kind !== 'cpu' && !device) continue;
    for (const { cols, first } of laneParts(lane)) {
      for (let j = 0; j < cols.start.length; j++) {
        const name = names[cols.name[j]];
        if (device && deviceCollective(name)) deviceCollectives = true;
        if (kind !== 'cpu' || name !== 'record_param_comms') continue;
        const args = parseArgs(index, cols, j);
        const p = paramComms(args);
        if (!p) continue;
        cpuParams.push({ e: commEvent(lane.info.id, cols, first, j), p });
        const ext = Number(args?.['External id']);
        if (Number.isFinite(ext)) byExternalId.set(ext, p);
      }
      // A device lane is read only to learn whether collectives run there.
      if (device && deviceCollectives) break;
    }
  }

  const push = (e: CommEvent, backend: string, op: string, clock: 'cpu' | 'gpu', p: ParamComms | null): void => {
    const step = stepAt(steps, e.start);
    const channel = channelOf(op);
    ops.push({
      backend,
      op,
      channel: p?.pg != null ? `${channel} pg ${p.pg}` : channel,
      seq: p?.seq ?? null,
      clock,
      laneId: e.laneId,
      eventIdx: e.k,
      name: names[e.name],
      startNs: e.start,
      durNs: e.dur,
      step: step ? stepLabel(step) : null,
    });
  };

  // Blocking backends: the CPU op starts. record_param_comms when present, else gloo:* ranges.
  if (!deviceCollectives && cpuParams.length > 0) {
    for (const { e, p } of cpuParams) push(e, defaultBackend, p.op, 'cpu', p);
  }
  for (const lane of index.lanes.values()) {
    const kind = lane.info.kind;
    // A recorder's summary lanes (LaneInfo.summary) repeat work shown elsewhere: skipped; host lanes once record_param_comms named the ops.
    if ((kind !== 'cpu' && kind !== 'gpu') || lane.info.summary || (kind === 'cpu' && cpuParams.length > 0)) continue;
    for (const { cols, first } of laneParts(lane)) {
      for (let j = 0; j < cols.start.length; j++) {
        if (cols.instant[j]) continue;
        const name = names[cols.name[j]];
        if (kind === 'cpu') {
          const c = hostCollective(name);
          if (c) push(commEvent(lane.info.id, cols, first, j), c.backend, normaliseOp(c.op), 'cpu', null);
        } else {
          // NCCL / RCCL / HCCL: the device kernel starts (the CPU enqueues asynchronously and runs ahead).
          const c = deviceCollective(name);
          if (!c) continue;
          const ext = byExternalId.size ? Number(parseArgs(index, cols, j)?.['External id']) : NaN;
          push(commEvent(lane.info.id, cols, first, j), c.backend, normaliseOp(c.op), 'gpu', byExternalId.get(ext) ?? null);
        }
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
