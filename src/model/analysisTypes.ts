// Results of the analyses (workers/analysis/*) as they cross the worker boundary.
// Times are ns relative to the trace origin, like every worker answer; the UI
// adds the trace's shift to put them on the global axis.

import type { LaneKind } from './types';
import type { KernelClass } from '../../workers/analysis/kernelClass';

/** A slice named by lane and index, with what a list or a link needs to show it. */
export interface SliceRef {
  key: string;
  laneId: string;
  eventIdx: number;
  name: string;
  category: string;
  kind: LaneKind;
  startNs: number;
  durNs: number;
  row: number;
}

/** One flow arrow touching the selected slice; `other` null = a flow without a partner. */
export interface FlowLink {
  /** "cat|id" */
  flow: string;
  phase: 's' | 't' | 'f';
  /** Where the arrow touches the selected slice. */
  selfNs: number;
  /** True when the arrow leaves the selected slice (s → f). */
  outgoing: boolean;
  other: (SliceRef & { atNs: number }) | null;
}

/** One arrow of a flow: from the slice a point binds to, to the next point's slice. */
export interface FlowHop {
  flow: string;
  from: SliceRef & { atNs: number };
  to: SliceRef & { atNs: number };
}

export interface SliceCorrelation {
  flows: FlowLink[];
  /** Every hop of the flows through the slice, not only those touching it (a multi-step flow's whole path). */
  hops: FlowHop[];
  /** CUDA API calls that launched this GPU slice (by args.correlation, else by flows). */
  launches: SliceRef[];
  /** GPU work of this CUDA API call (all of it: one cudaGraphLaunch runs many kernels). */
  kernels: SliceRef[];
  /** GPU slice start − launch start (kernels), or the mean over its kernels (launches). */
  latencyNs: number | null;
  /** Outermost frame first: Python frames, cpu ops, the CUDA API call, the GPU slice last. */
  stack: SliceRef[];
}

export interface RangeQuery {
  startNs: number;
  endNs: number;
  /** Lanes to cover; all lanes when omitted. */
  laneIds?: string[];
}

/** Per-name statistics in a range; durations are clipped to the range. */
export interface StatsRow {
  kind: LaneKind;
  name: string;
  count: number;
  totalNs: number;
  selfNs: number;
  minNs: number;
  maxNs: number;
  /** totalNs / range length. */
  share: number;
  /** GPU lanes' device work: its class (workers/analysis/kernelClass.ts). */
  kernelClass?: KernelClass;
}

export interface DeviceBusy {
  device: string;
  /** Union of kernel, memcpy and memset intervals inside the range. */
  busyNs: number;
  idleNs: number;
}

export interface KernelTotal {
  name: string;
  /** Class by name (workers/analysis/kernelClass.ts). */
  cls: KernelClass;
  count: number;
  totalNs: number;
  /** totalNs / GPU busy time of all devices in the range. */
  share: number;
  /** Mean launch latency of these kernels, null without launches. */
  meanLatencyNs: number | null;
}

/** The kernels of one class in a range (largest total first in RangeStats.classes). */
export interface ClassTotal {
  cls: KernelClass;
  count: number;
  totalNs: number;
  /** totalNs / GPU busy time of all devices in the range. */
  share: number;
}

export interface RangeStats {
  startNs: number;
  endNs: number;
  rows: StatsRow[];
  kernels: KernelTotal[];
  classes: ClassTotal[];
  devices: DeviceBusy[];
}

export interface StepRow {
  ordinal: number;
  name: string;
  ref: SliceRef;
  durNs: number;
  /** Union of GPU work inside the step, summed over devices. */
  gpuBusyNs: number;
  /** Step length × devices − busy. */
  gpuIdleNs: number;
  /** gpuBusyNs / (step length × devices); 0 without GPUs. */
  gpuBusyShare: number;
  topKernel: string | null;
  topKernelNs: number;
  /** The kernel class with the most time in the step. */
  topClass: KernelClass | null;
  topClassNs: number;
  meanLatencyNs: number | null;
  /** Duration far above the typical step (robust z-score over the steps). */
  outlier: boolean;
}

export interface StepTable {
  /** Repeated top-level annotations the user may pick, best first. */
  candidates: { name: string; count: number; totalNs: number }[];
  marker: string | null;
  steps: StepRow[];
}

export interface SearchQuery {
  text: string;
  regex?: boolean;
  caseSensitive?: boolean;
  /** Also match the args JSON text. */
  inArgs?: boolean;
  /** Only lanes of these kinds (all when empty/omitted). */
  laneKinds?: LaneKind[];
  /** Only lanes whose name contains this (case-insensitive). */
  laneName?: string;
  /** Hits returned (the count is always complete). */
  limit?: number;
}

export interface SearchHit {
  laneId: string;
  eventIdx: number;
  row: number;
  startNs: number;
  durNs: number;
}

export interface SearchResult {
  /** Every match, even beyond the limit. */
  total: number;
  /** The first `limit` matches in time order. */
  hits: SearchHit[];
  /** Names this query's hit layer: pass it in viewport queries to get outlines of every hit (QueryResult.hitMarks). */
  searchId?: number;
}

export interface HostFrame {
  name: string;
  laneId: string;
  eventIdx: number;
  /** Time of the frame inside the gap. */
  overlapNs: number;
}

export interface IdleGap {
  device: string;
  startNs: number;
  durNs: number;
  /** GPU lanes of the device (to mark the gap on them). */
  laneIds: string[];
  /** What the host was doing: the longest Python frames in the gap (not mere wrappers). */
  host: HostFrame[];
}

export interface AllocationRow {
  /** cudaMalloc-like call, cudaFree-like call, or a growth of Total Reserved. */
  kind: 'alloc' | 'free' | 'growth';
  name: string;
  /** ns relative to the trace origin. */
  tNs: number;
  laneId: string;
  /** The API call (alloc/free), or the call a growth is attributed to. */
  call: SliceRef | null;
  /** Signed bytes (frees negative); null when unknown. */
  bytes: number | null;
  /** Where bytes come from: the call's args (nsys), Total Reserved changes (Kineto), or nothing. */
  bytesFrom: 'args' | 'reserved' | 'none';
  /**
   * Python frames of the call, outermost first (innermost is the code that allocated); its
   * cpu ops instead when the thread runs no Python (the autograd engine's backward ops).
   */
  frames: string[];
  device: string | null;
}

export interface CallTreeQuery extends RangeQuery {
  /** Bottom-up: roots are where self time was spent, children their callers. */
  inverted?: boolean;
}

/** One node of a call tree, flattened depth-first (children by total, largest first). */
export interface CallTreeNode {
  id: number;
  /** −1 for a thread root. */
  parent: number;
  depth: number;
  name: string;
  kind: LaneKind | 'thread';
  totalNs: number;
  selfNs: number;
  count: number;
}

export interface CallTree {
  startNs: number;
  endNs: number;
  inverted: boolean;
  nodes: CallTreeNode[];
  /** Nodes left out because their total was below the pruning threshold. */
  pruned: number;
}

/** The Slices table: slices overlapping [startNs, endNs], or the hits of a search among them. */
export interface SliceTableQuery extends RangeQuery {
  /** The search whose hits to list (SearchResult.searchId); a stale id lists the range instead. */
  searchId?: number;
  /** Only lanes of these kinds (all when empty/omitted). */
  kinds?: LaneKind[];
}

export interface SliceTableLane {
  id: string;
  name: string;
  kind: LaneKind;
  /** The thread (GPU: stream) the lane belongs to, as lanes name it. */
  thread: string;
  /** trace|pid|tid: one key per thread across its lanes. */
  threadKey: string;
}

/** One row per slice, in start order, as columns (transferred, not copied). */
export interface SliceTable {
  lanes: SliceTableLane[];
  /** Index into `lanes`. */
  lane: Uint32Array;
  event: Uint32Array;
  start: Float64Array;
  dur: Float64Array;
  /** Name ids (TraceLoadResult.names). */
  name: Uint32Array;
  /** Arg keys seen in a sample of the rows, most frequent first. */
  argKeys: string[];
}

export interface SliceArgsQuery {
  /** Lane ids, indexed by `lane`. */
  laneIds: string[];
  lane: Uint32Array;
  event: Uint32Array;
  keys: string[];
}
