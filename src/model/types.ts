// The model shared by the workers (which own the data) and the UI (which only
// displays query results). Everything that crosses the worker boundary is here.

import type { TraceChoice } from './traceChoice';
import type { FlameGraph } from './flameGraph';
import type { CounterTile, SliceTile } from './tiles';

/** What a lane shows; decided by the lane-mapping stage, never by importers. */
export type LaneKind = 'python' | 'cpu' | 'cuda_api' | 'gpu' | 'syscall' | 'counter';

export const LANE_KIND_LABEL: Record<LaneKind, string> = {
  python: 'Python',
  cpu: 'CPU',
  cuda_api: 'CUDA API',
  gpu: 'GPU',
  syscall: 'Syscalls',
  counter: 'Counter',
};

/** One lane of one trace. Times are ns relative to the trace origin. */
export interface LaneInfo {
  /** Stable lane key: trace + pid + tid + kind (see keys.ts). */
  id: string;
  kind: LaneKind;
  /** Display name, e.g. "thread 596 (python3) · Python" or "stream 7". */
  name: string;
  /** Group (process) id: trace + pid; every lane belongs to exactly one group. */
  group: string;
  /** Trace key this lane comes from. */
  trace: string;
  pid: string;
  tid: string;
  /** Slices + instants (or counter samples) placed in this lane. */
  events: number;
  /** Number of rows (nesting depth + rows for overlapping slices); 1 for counters. */
  rows: number;
  /** Order inside the group (thread sort index, then kind). */
  sortIndex: number;
  /** Counter lanes: names of the series and the value range over the whole trace. */
  counter?: { series: string[]; min: number; max: number; unit: string };
  /**
   * A recorder's own summary rows (XLA Modules / Ops / Steps, Ascend Overlap Analysis): shown on a GPU
   * lane like gpu_user_annotation, but not device work (GPU busy/idle, kernel statistics, stalls skip it).
   */
  summary?: boolean;
  /** An async lane: a process's async operations of one category and root name (workers/lanes/asyncLanes.ts). */
  async?: boolean;
}

export interface LaneGroup {
  id: string;
  trace: string;
  pid: string;
  name: string;
  /** Kineto's own rows (overhead, Spans, Traces) start collapsed. */
  profiler: boolean;
  sortIndex: number;
}

export interface LoadWarning {
  code: string;
  message: string;
  byteOffset?: number;
  eventIndex?: number;
}

/** Flows as workers/index/flowHops.ts pairs their points (an id is reused once its flow ended). */
export interface FlowStats {
  /** Flows with a start and an end. */
  paired: number;
  /** Flows that start (s) and never end. */
  unpairedStarts: number;
  /** Ends (f) that no flow reaches. */
  unpairedEnds: number;
}

export type LoadPhase = 'read' | 'decompress' | 'parse' | 'index' | 'done';

export interface LoadProgress {
  phase: LoadPhase;
  /** Source bytes consumed so far (compressed bytes for .gz). */
  bytesDone: number;
  /** Source size when known (File.size, Content-Length), else 0. */
  bytesTotal: number;
  /** Decoded bytes scanned by the importer. */
  scannedBytes: number;
  events: number;
  elapsedMs: number;
}

/** What a trace worker returns once a trace is parsed and indexed. */
export interface TraceLoadResult {
  trace: string;
  fileName: string;
  format: string;
  /** Absolute ns of this trace's own origin, as a decimal BigInt string. */
  originNs: string;
  /** First slice start / last slice end, ns relative to originNs. */
  minNs: number;
  maxNs: number;
  events: number;
  /** Count of events per category (slices, instants, counter samples). */
  categories: Record<string, number>;
  /** Count of input records per phase letter, including flows and metadata. */
  phases: Record<string, number>;
  flows: FlowStats;
  lanes: LaneInfo[];
  groups: LaneGroup[];
  /** Name table; QueryResult.nameId indexes into it. */
  names: string[];
  /** Top-level keys other than traceEvents (deviceProperties, distributedInfo, …). */
  metadata: Record<string, unknown>;
  warnings: LoadWarning[];
  bytes: number;
  parseMs: number;
  /** When each stage of the load ended, ms after it began (workers/ingest/stageClock.ts; the bench prints them). */
  stagesMs?: Record<string, number>;
  /** Chrome JSON only: which byte scanner read the events (WebAssembly, or JS where wasm cannot be compiled or `?scanner=js`). */
  scanner?: 'wasm' | 'js';
  /** Aggregate profiles only (collapsed stacks): the call tree the flame-graph view draws; no lanes. */
  flame?: FlameGraph;
  /** Opened in part (issue 23): what was kept (src/model/traceChoice.ts). */
  choice?: TraceChoice;
  /** Opened in part: where the whole trace's extent starts (ns from originNs), so the axis origin is a full open's. */
  wholeStartNs?: number;
}

/** A viewport request; times are ns relative to the trace origin (the UI converts). */
export interface ViewportQuery {
  startNs: number;
  endNs: number;
  /** Pixels across [startNs, endNs]; slices narrower than a pixel are merged. */
  widthPx: number;
  laneIds: string[];
  /** Tile level the caller draws at (levelForNsPerPx); absent: raw slices for every lane. */
  level?: number;
  /** Per lane id (bandKey for row bands past the first), the tile indices at `level` the caller already holds (not sent again). */
  have?: Record<string, number[]>;
  /**
   * Per lane id, the first and last row drawn (whole TILE_BAND_ROWS bands): only those rows are
   * answered. Absent: every row.
   */
  rows?: Record<string, [number, number]>;
  /** The search whose hits to outline (SearchResult.searchId). */
  searchId?: number;
}

/**
 * Drawable items of one lane for a viewport. Items narrower than a pixel are
 * merged per row into one item whose `count` > 1 and `eventIdx` is −1, so a
 * 1 µs kernel among millions still lights its pixel.
 */
export interface LaneSlices {
  laneId: string;
  start: Float64Array;
  end: Float64Array;
  /** Row in the lane; Uint32Array once a lane is deeper than 65 536 rows. */
  row: Uint16Array | Uint32Array;
  nameId: Uint32Array;
  /** Index of the event in its lane, or −1 for a merged bucket. */
  eventIdx: Int32Array;
  count: Uint32Array;
  /** 1 for instants (zero-length events). */
  instant: Uint8Array;
  /** Items drawn from tiles: the covered share of their buckets (0–1); −1 for exact slices. Absent: all exact. */
  busy?: Float32Array;
}

export interface CounterSamples {
  laneId: string;
  series: string[];
  t: Float64Array;
  /** One array per series, aligned with t. */
  values: Float64Array[];
}

export interface QueryResult {
  /** Lanes with few enough visible events: their slices (sub-pixel ones merged). */
  lanes: LaneSlices[];
  counters: CounterSamples[];
  /** Lanes and counters answered with tiles at the query's level instead. */
  tiledLanes: string[];
  tiledCounters: { laneId: string; series: string[] }[];
  sliceTiles: SliceTile[];
  counterTiles: CounterTile[];
  /** Per tiled lane, its slices wide enough to label (WIDE_PX and more), exact and clickable. */
  wide: LaneSlices[];
  /** With searchId: per lane with hits in view, the pixel runs they light (from the hits' own tiles). */
  hitMarks: LaneSlices[];
}

export interface SliceDetails {
  key: string;
  laneId: string;
  eventIdx: number;
  name: string;
  category: string;
  /** ns relative to the trace origin. */
  startNs: number;
  durNs: number;
  selfNs: number;
  row: number;
  instant: boolean;
  /** The event's args as JSON text (never parsed into HTML), or null. */
  args: string | null;
}

export interface FindQuery {
  name?: string;
  regex?: string;
  laneKind?: LaneKind;
  limit?: number;
}

export interface FindHit {
  key: string;
  laneId: string;
  eventIdx: number;
  /** ns relative to the trace origin. */
  startNs: number;
  durNs: number;
}

/** A job rank as job.json describes it: enough to place and name it before its index folder is opened. */
export interface JobRankSummary {
  rank: number;
  /** Absolute ns of the trace origin (decimal string); the extent in ns relative to it. */
  originNs: string;
  startNs: number;
  endNs: number;
  events: number;
  /** `id:<trace_id>@<baseTimeNanoseconds>` (src/state/fingerprint.ts), or null. */
  fingerprint: string | null;
}

export type TraceSource =
  | { kind: 'file'; file: Blob; name: string }
  | { kind: 'url'; url: string; name: string }
  /**
   * An index folder written by `npm run index` (workers/indexFolder): `url` is the folder, `name` the trace's file name;
   * `job`: a rank of a job folder (src/state/jobSources.ts), its URL and the rank's place in its comms.json;
   * `rank`: what job.json says of it, so the rank can wait unopened (a deferred trace, src/state/store.ts) until its
   * lanes scroll into view.
   */
  | { kind: 'index'; url: string; name: string; job?: { url: string; at: number; rank?: JobRankSummary } }
  /** An index folder from this computer (picked or dropped): its files by their path inside it. Not linkable. */
  | { kind: 'localIndex'; files: Record<string, Blob>; name: string };
