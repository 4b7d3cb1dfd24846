// "What caused this?": flow arrows, launch ↔ GPU work, launch latency and the
// Python stack of a slice.
//
// Launch ↔ GPU work uses Kineto's args.correlation (the CUPTI correlation id both
// ends carry) and, for traces without it, the flows bound to the slice (Ascend's
// HostToDevice / async_npu flows bind a device task to the host op that launched it). The stack
// is every slice of the launching thread that encloses the launch call, across its
// Python, CPU and CUDA API lanes, outermost first.

import type { FlowHop, FlowLink, SliceCorrelation, SliceRef } from '../../src/model/analysisTypes';
import type { LaneKind } from '../../src/model/types';
import { enclosingStack } from '../index/enclosing';
import { laneParts, type EventColumns, type LaneIndex } from '../index/laneIndex';
import type { TraceIndex } from '../index/traceIndex';
import { sliceRef, threadLanes } from './sliceRef';
import { forEachArgsInReadOrder, laneArgs } from '../ingest/argsReadOrder';
import { textDecoder } from '../ingest/rawTrace';

const CORRELATION = /"correlation"\s*:\s*(-?\d+)/;

interface CorrelationMap {
  /** correlation id → the CUDA API calls / GPU slices carrying it. */
  api: SlicesById;
  gpu: SlicesById;
  /** Per lane, correlation id of each event (NaN = none). */
  ids: Map<LaneIndex, Float64Array>;
}

/**
 * Slices by id, each id's in lane then event order: a hash table over typed arrays (about 40 B
 * a slice; a Map of [lane, k] lists cost ~150, the most memory of a big trace's summaries).
 */
export class SlicesById {
  /** Open addressing, linear probing; a slot's first and last slice (−1: empty). */
  private readonly keys: Float64Array;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly mask: number;
  /** Per slice: its lane (in `lanes`), event and the next slice of its id (−1: none). */
  private readonly lane: Uint32Array;
  private readonly event: Uint32Array;
  private readonly next: Int32Array;
  /** Per slice, when kept (`withColumns`): its start, duration and name id, so a caller need not read its lane. */
  private readonly start: Float64Array;
  private readonly dur: Float64Array;
  private readonly name: Uint32Array;
  private n = 0;

  constructor(
    private readonly lanes: readonly LaneIndex[],
    capacity: number,
    withColumns = false,
  ) {
    let size = 16;
    while (size < 2 * capacity) size *= 2;
    this.mask = size - 1;
    this.keys = new Float64Array(size);
    this.head = new Int32Array(size).fill(-1);
    this.tail = new Int32Array(size);
    this.lane = new Uint32Array(capacity);
    this.event = new Uint32Array(capacity);
    this.next = new Int32Array(capacity);
    const kept = withColumns ? capacity : 0;
    this.start = new Float64Array(kept);
    this.dur = new Float64Array(kept);
    this.name = new Uint32Array(kept);
  }

  private slot(id: number): number {
    let h = Math.imul((id % 0x100000000) ^ Math.floor(id / 0x100000000), 0x9e3779b1) & this.mask;
    while (this.head[h] >= 0 && this.keys[h] !== id) h = (h + 1) & this.mask;
    return h;
  }

  /** Adds slice k of lanes[l] (`cols[j]`: its columns) to id's list (at its end). */
  add(id: number, l: number, k: number, cols: EventColumns, j: number): void {
    const i = this.n++;
    this.lane[i] = l;
    this.event[i] = k;
    this.next[i] = -1;
    if (i < this.start.length) {
      this.start[i] = cols.start[j];
      this.dur[i] = cols.dur[j];
      this.name[i] = cols.name[j];
    }
    const h = this.slot(id);
    if (this.head[h] < 0) {
      this.keys[h] = id;
      this.head[h] = i;
    } else this.next[this.tail[h]] = i;
    this.tail[h] = i;
  }

  /** The first slice carrying `id`, or undefined. */
  first(id: number): [LaneIndex, number] | undefined {
    const i = this.head[this.slot(id)];
    return i < 0 ? undefined : [this.lanes[this.lane[i]], this.event[i]];
  }

  /** The first slice carrying `id` as its start, duration and name id (kept `withColumns`), or undefined. */
  firstCall(id: number): LaunchCall | undefined {
    const i = this.head[this.slot(id)];
    return i < 0 ? undefined : { start: this.start[i], dur: this.dur[i], name: this.name[i] };
  }

  /** Every slice carrying `id` (empty: none). */
  all(id: number): [LaneIndex, number][] {
    const out: [LaneIndex, number][] = [];
    for (let i = this.head[this.slot(id)]; i >= 0; i = this.next[i]) out.push([this.lanes[this.lane[i]], this.event[i]]);
    return out;
  }
}

const correlationCache = new WeakMap<TraceIndex, CorrelationMap>();

/**
 * Built on first use: one regex over the args of CUDA API and GPU slices, read in file order
 * (one read of the file); the id lists are then filled lane by lane, in event order.
 */
export function correlationMap(index: TraceIndex): CorrelationMap {
  let map = correlationCache.get(index);
  if (map) return map;
  const lanes = [...index.lanes.values()].filter((l) => l.info.kind === 'gpu' || l.info.kind === 'cuda_api');
  const ids = lanes.map((l) => new Float64Array(l.info.events).fill(NaN));
  forEachArgsInReadOrder(index.raw, lanes.map(laneArgs), (l, k, bytes) => {
    const m = CORRELATION.exec(textDecoder.decode(bytes));
    if (m) ids[l][k] = Number(m[1]);
  });
  const carrying = (kind: string) => lanes.reduce((n, lane, l) => (lane.info.kind === kind ? n + ids[l].reduce((c, id) => c + (Number.isNaN(id) ? 0 : 1), 0) : n), 0);
  // A launch call's start, duration and name are kept: whole-trace analyses ask them of every kernel.
  map = { api: new SlicesById(lanes, carrying('cuda_api'), true), gpu: new SlicesById(lanes, carrying('gpu')), ids: new Map() };
  for (const [l, lane] of lanes.entries()) {
    const target = lane.info.kind === 'gpu' ? map.gpu : map.api;
    const laneIds = ids[l];
    for (const { cols, first } of laneParts(lane)) {
      for (let j = 0; j < cols.start.length; j++) if (!Number.isNaN(laneIds[first + j])) target.add(laneIds[first + j], l, first + j, cols, j);
    }
    map.ids.set(lane, laneIds);
  }
  correlationCache.set(index, map);
  return map;
}

/** The flow arrows touching a slice, each with its partner slice (null when unpaired). */
export function flowLinks(index: TraceIndex, laneId: string, k: number): FlowLink[] {
  const fi = index.flowIndex;
  const links: FlowLink[] = [];
  for (const p of fi.pointsOf(laneId, k)) {
    const self = fi.point(p);
    const partners = fi.partnersOf(p);
    if (partners.length === 0) links.push({ flow: self.key, phase: self.phase, selfNs: self.tsNs, outgoing: self.phase !== 'f', other: null });
    for (const q of partners) {
      const other = fi.point(q);
      const lane = other.lane >= 0 ? fi.laneList[other.lane] : null;
      links.push({
        flow: self.key,
        phase: self.phase,
        selfNs: self.tsNs,
        outgoing: fi.hopFromOf(q) === p,
        other: lane ? { ...sliceRef(index, lane, other.eventIdx), atNs: other.tsNs } : null,
      });
    }
  }
  return links;
}

/** The slice a flow point is bound to, with the point's time; null when it is bound to none. */
export function flowPointRef(index: TraceIndex, p: number): (SliceRef & { atNs: number }) | null {
  const fi = index.flowIndex;
  const pt = fi.point(p);
  return pt.lane >= 0 ? { ...sliceRef(index, fi.laneList[pt.lane], pt.eventIdx), atNs: pt.tsNs } : null;
}

/** At most this many hops are drawn for one selection (a flow id reused all trace long has thousands). */
const MAX_HOPS = 512;

/**
 * Every hop of the flows through a slice: from each of its points back to where its flow
 * starts, then forward along every branch (several ends may share a flow).
 */
export function flowPathHops(index: TraceIndex, laneId: string, k: number): FlowHop[] {
  const fi = index.flowIndex;
  const starts = new Set<number>();
  for (const p of fi.pointsOf(laneId, k)) {
    let s = p;
    for (let steps = 0; fi.hopFromOf(s) >= 0 && steps < MAX_HOPS; steps++) s = fi.hopFromOf(s);
    starts.add(s);
  }
  const hops: FlowHop[] = [];
  const end = (q: number) => flowPointRef(index, q);
  const queue = [...starts];
  for (let j = 0; j < queue.length && hops.length < MAX_HOPS; j++) {
    const p = queue[j];
    const from = end(p);
    for (const q of fi.hopsFrom(p)) {
      if (hops.length >= MAX_HOPS) break;
      queue.push(q);
      const to = end(q);
      if (from && to) hops.push({ flow: fi.point(p).key, from, to });
    }
  }
  return hops;
}

function dedupeSorted(refs: SliceRef[]): SliceRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => (seen.has(r.key) ? false : (seen.add(r.key), true))).sort((a, b) => a.startNs - b.startNs);
}

/** The other end(s) of launch ↔ GPU work: by correlation id, then by flows into lanes of `want`. */
function linked(index: TraceIndex, lane: LaneIndex, k: number, want: LaneKind, flows: FlowLink[]): SliceRef[] {
  const map = correlationMap(index);
  const id = map.ids.get(lane)?.[k] ?? NaN;
  const out: SliceRef[] = [];
  if (!Number.isNaN(id)) {
    for (const [l, j] of (want === 'gpu' ? map.gpu : map.api).all(id)) out.push(sliceRef(index, l, j));
  }
  for (const f of flows) if (f.other && f.other.kind === want) out.push(f.other);
  // Accelerators whose flows bind device work to the host op that launched it, not to a runtime
  // call (Ascend's HostToDevice / async_npu: cpu_op → device task): that op is the launch.
  if (want === 'cuda_api' && out.length === 0) {
    for (const f of flows) if (f.other && (f.other.kind === 'cpu' || f.other.kind === 'python')) out.push(f.other);
  }
  return dedupeSorted(out);
}

/** A runtime call that launched device work: its start, duration and name id. */
export interface LaunchCall {
  start: number;
  dur: number;
  name: number;
}

/**
 * The runtime call that launched device work [lane, k], cheaply for whole-trace analyses: by
 * correlation id (the map keeps the call's columns: its lane is not read), else by a flow from a
 * runtime lane (no SliceRefs built). Null when none.
 */
export function launchCallOf(index: TraceIndex, lane: LaneIndex, k: number): LaunchCall | null {
  const map = correlationMap(index);
  const id = map.ids.get(lane)?.[k] ?? NaN;
  if (!Number.isNaN(id)) {
    const call = map.api.firstCall(id);
    if (call) return call;
  }
  const fi = index.flowIndex;
  for (const p of fi.pointsOf(lane.info.id, k)) {
    for (const q of fi.partnersOf(p)) {
      const other = fi.point(q);
      const l = other.lane >= 0 ? fi.laneList[other.lane] : null;
      if (l && l.info.kind === 'cuda_api') return { start: l.start[other.eventIdx], dur: l.dur[other.eventIdx], name: l.name[other.eventIdx] };
    }
  }
  return null;
}

const STACK_KINDS: Record<string, number> = { python: 0, cpu: 1, cuda_api: 2 };

/** The anchor slice and every slice of its thread that encloses it, outermost first. */
export function threadStack(index: TraceIndex, lane: LaneIndex, k: number): SliceRef[] {
  const s = lane.start[k];
  const e = s + lane.dur[k];
  const frames: SliceRef[] = [];
  for (const l of threadLanes(index, lane.info.pid, lane.info.tid)) {
    if (!(l.info.kind in STACK_KINDS)) continue;
    for (const j of enclosingStack(l, s, e)) {
      if (l === lane && l.row[j] >= lane.row[k]) continue;
      frames.push(sliceRef(index, l, j));
    }
  }
  frames.sort((a, b) => a.startNs - b.startNs || b.durNs - a.durNs || STACK_KINDS[a.kind] - STACK_KINDS[b.kind] || a.row - b.row);
  frames.push(sliceRef(index, lane, k));
  return frames;
}

export function correlate(index: TraceIndex, laneId: string, k: number): SliceCorrelation | null {
  const lane = index.lanes.get(laneId);
  if (!lane || k < 0 || k >= lane.start.length) return null;
  const flows = flowLinks(index, laneId, k);
  const kind = lane.info.kind;
  const launches = kind === 'gpu' ? linked(index, lane, k, 'cuda_api', flows) : [];
  // A host op that flows straight into device work (Ascend) shows its kernels too.
  const kernels = kind === 'cuda_api' || flows.some((f) => f.other?.kind === 'gpu') ? linked(index, lane, k, 'gpu', flows) : [];
  let latencyNs: number | null = null;
  let stack: SliceRef[];
  if (kind === 'gpu') {
    const launch = launches[0];
    latencyNs = launch ? lane.start[k] - launch.startNs : null;
    const launchLane = launch ? index.lanes.get(launch.laneId) : undefined;
    stack = launchLane ? [...threadStack(index, launchLane, launch.eventIdx), sliceRef(index, lane, k)] : [sliceRef(index, lane, k)];
  } else {
    if (kernels.length) latencyNs = kernels.reduce((sum, g) => sum + g.startNs - lane.start[k], 0) / kernels.length;
    stack = threadStack(index, lane, k);
  }
  return { flows, hops: flows.length ? flowPathHops(index, laneId, k) : [], launches, kernels, latencyNs, stack };
}
