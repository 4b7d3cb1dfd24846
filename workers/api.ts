// The worker↔UI contract. One trace worker owns one trace: it reads, parses and
// indexes it, then answers viewport, details and search queries. The UI talks to
// it through comlink and never sees raw trace data.

import type {
  FindHit,
  LaneInfo,
  FindQuery,
  LoadProgress,
  QueryResult,
  SliceDetails,
  TraceLoadResult,
  TraceSource,
  ViewportQuery,
} from '../src/model/types';
import type { TraceChoice, TraceSurvey } from '../src/model/traceChoice';
import type { WindowExportOptions } from './export/chromeTraceWindow';
import type { CategoryRule } from './lanes/categoryRules';
import type { RankComms } from './analysis/commOps';
import type { SelectionTotals, StepName, StepNameQuery, TotalsQuery } from './analysis/compareTotals';
import type { RequestJourney, RequestRow } from './analysis/requests';
import type { OverviewQuery, TraceOverview } from '../src/model/overviewTypes';
import type { AllocationRow, CallTree, CallTreeQuery, IdleGap, RangeQuery, RangeStats, SearchQuery, SearchResult, SliceArgsQuery, SliceCorrelation, SliceTable, SliceTableQuery, StepTable } from '../src/model/analysisTypes';

/**
 * `?debugWorker=` in the page address, for tests of the heartbeat (workers/heartbeat.ts): the
 * trace worker hangs in a loop or exits once its load is under way, or its gunzip helper exits.
 */
export type DebugWorker = 'hang' | 'exit' | 'gunzip-exit';

/** `load`'s options (TraceWorkerApi.load). */
export type LoadCallOptions = { budgetBytes?: number; laneRules?: CategoryRule[]; debug?: DebugWorker; scanner?: 'wasm' | 'js'; keep?: TraceChoice; streamPieces?: boolean; parallelPieces?: boolean; laneHelpers?: boolean };

/**
 * Besides these calls the trace worker and its helpers keep the heartbeat of
 * workers/heartbeat.ts: a Web Lock named after the worker (its `name`, unique) held while it
 * lives, and `onProgress` at least every second while a load advances, even inside long
 * synchronous loops.
 */
export interface TraceWorkerApi {
  /** Starts, ahead of a load, the helper workers a big file will need (a worker started before the user picks a file). */
  prepare(): void;
  /** The events of a time window as a gzipped Chrome trace (workers/export/chromeTraceWindow.ts). */
  exportWindow(q: WindowExportOptions): Promise<Uint8Array>;
  /**
   * Read, parse and index a source. `onProgress` is a comlink proxy, called a few times a second.
   * `options.laneRules`: the category rules in force (workers/lanes/categoryRules.ts); without them,
   * `askLaneRules` (a comlink proxy) is asked once the events are read: the page has not read its
   * saved rules yet, and a link's load starts at once rather than after IndexedDB answers. A helper
   * worker that stops rejects the load with an Error named `WorkerStoppedError`.
   */
  load(
    source: TraceSource,
    trace: string,
    onProgress?: (p: LoadProgress) => void,
    options?: LoadCallOptions,
    askLaneRules?: () => Promise<CategoryRule[]>,
  ): Promise<TraceLoadResult>;
  /**
   * The counting pass (issue 23): reads and parses the source as `load` does but keeps no events;
   * answers its processes and threads with event counts, extent and density (src/model/traceChoice.ts),
   * for choosing a part to `load` with `options.keep`. Cancelled by terminating the worker.
   */
  survey(source: TraceSource, onProgress?: (p: LoadProgress) => void, options?: { scanner?: 'wasm' | 'js' }): Promise<TraceSurvey>;
  /** Drawable slices and counter samples of the given lanes (times relative to the trace origin). */
  query(q: ViewportQuery): Promise<QueryResult>;
  /** Resolves once background work after the load (deflating args) is done: memory has settled. */
  settled(): Promise<void>;
  slice(laneId: string, eventIdx: number): Promise<SliceDetails | null>;
  find(q: FindQuery): Promise<FindHit[]>;
  resolveKey(key: string): Promise<{ laneId: string; eventIdx: number } | null>;
  /** This rank's communication operations, for the cross-rank stall finder (workers/analysis/stalls.ts). */
  comms(): Promise<RankComms>;
  /** GPU time with no kernel/memcpy/memset in [startNs, endNs] (trace-relative). */
  gpuIdle(startNs: number, endNs: number): Promise<number>;
  /** Flows, launch ↔ GPU work, launch latency and the Python stack of a slice (workers/analysis/correlation.ts). */
  correlate(laneId: string, eventIdx: number): Promise<SliceCorrelation | null>;
  /** Per-name statistics, top kernels and GPU busy/idle of a range (workers/analysis/rangeStats.ts). */
  rangeStats(q: RangeQuery): Promise<RangeStats>;
  /** The steps table for a step marker (default: the best candidate) (workers/analysis/stepTable.ts). */
  stepTable(marker?: string): Promise<StepTable>;
  /** Substring / regex search over names (and args), with lane filters (workers/analysis/search.ts). */
  search(q: SearchQuery): Promise<SearchResult>;
  /** GPU idle gaps longer than the threshold per device, with the host's Python meanwhile (workers/analysis/idleGaps.ts). */
  idleGaps(thresholdNs: number): Promise<IdleGap[]>;
  /** GPU memory alloc/free calls and Total Reserved growths with bytes and Python stack (workers/analysis/allocations.ts). */
  allocations(): Promise<AllocationRow[]>;
  /** Top-down or bottom-up call tree of a range over Python + cpu_op stacks (workers/analysis/callTree.ts). */
  callTree(q: CallTreeQuery): Promise<CallTree>;
  /** HTA-grade temporal / kernel type / idle / launch figures of a range or the whole trace (workers/analysis/overview.ts). */
  overview(q: OverviewQuery): Promise<TraceOverview>;
  /** Adds a GPU queue length counter lane per stream (once) and returns them (workers/analysis/overviewQueue.ts). */
  gpuQueueLanes(): Promise<LaneInfo[]>;
  /** One selection's per-name totals and step time, for the comparison view (workers/analysis/compareTotals.ts). */
  selectionTotals(q: TotalsQuery): Promise<SelectionTotals>;
  /** Per step, one compared name's time and its longest instance (workers/analysis/compareTotals.ts). */
  nameInSteps(q: StepNameQuery): Promise<StepName[]>;
  /** Every slice overlapping a range, or the last search's hits, as columns (workers/analysis/sliceTable.ts). */
  sliceTable(q: SliceTableQuery): Promise<SliceTable>;
  /** Per key, the arg values of the given rows; CUDA API calls fall back to the GPU work they launched. */
  sliceArgs(q: SliceArgsQuery): Promise<(number | string | null)[][]>;
  /** Serving requests (slices carrying a request id) with queue wait, TTFT, TPOT (workers/analysis/requests.ts). */
  requests(): Promise<RequestRow[]>;
  /** One request's slices and the steps of flows carrying its id, by its compared key (RequestRow.key). */
  requestJourney(key: string): Promise<RequestJourney | null>;
}
