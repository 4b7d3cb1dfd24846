// One worker per trace: owns its index and answers the UI's queries (workers/api.ts).

import * as Comlink from 'comlink';
import type { FindQuery, LoadProgress, TraceSource, ViewportQuery } from '../src/model/types';
import type { LoadCallOptions, TraceWorkerApi } from './api';
import { chromeTraceWindow, gzipText, type WindowExportOptions } from './export/chromeTraceWindow';
import type { CallTreeQuery, RangeQuery, SearchQuery, SliceArgsQuery, SliceTableQuery } from '../src/model/analysisTypes';
import { commOps, gpuIdleWithin } from './analysis/commOps';
import { correlate } from './analysis/correlation';
import { rangeStats } from './analysis/rangeStats';
import { stepTable } from './analysis/stepTable';
import { search } from './analysis/search';
import { SearchHitLayer } from './index/searchHitLayer';
import { idleGaps } from './analysis/idleGaps';
import { allocations } from './analysis/allocations';
import { callTree } from './analysis/callTree';
import { overview } from './analysis/overview';
import { addQueueLanes } from './analysis/overviewQueue';
import type { OverviewQuery } from '../src/model/overviewTypes';
import { nameInSteps, selectionTotals, type StepNameQuery, type TotalsQuery } from './analysis/compareTotals';
import { sliceArgs, sliceTable } from './analysis/sliceTable';
import { requestJourney, requests } from './analysis/requests';
import { laneRulesOf, loadTrace, surveyTrace } from './ingest/loadTrace';
import { detailLanes, openIndexFolder, prefetchForQuery, prefetchLanes } from './indexFolder/openIndex';
import { urlFiles } from './indexFolder/urlFiles';
import { blobFiles } from './indexFolder/blobFiles';
import { warmFragmentWorkers } from './ingest/parallelParse';
import type { TraceIndex } from './index/traceIndex';
import type { CategoryRule } from './lanes/categoryRules';
import { announceLifeline, debugStop, holdLifeline } from './heartbeat';
import { asksFor, EarlyLoad, expectedLoad, loadSettings, type PageFacts } from './earlyLoad';

// Announced again with each load: a page that adopted this worker from index.html's early start
// (build/earlyTraceWorker.ts) was not listening yet when it was first held, and a worker that
// exits before the page's first look at the locks would otherwise go unseen (heartbeat.ts).
const lifeline = holdLifeline();

/** A link's load begun before the page asked (earlyLoad.ts), until the page's first load or survey takes it or drops it. */
let early: EarlyLoad | null = null;

/** The early load when `source` and `options` ask for it; otherwise it is dropped (and helpers warmed again for this load). */
function takeEarly(source: TraceSource | null, options?: Parameters<TraceWorkerApi['load']>[3]): EarlyLoad | null {
  const e = early;
  early = null;
  if (!e || e.dropped) return null;
  if (source && asksFor(e.expected, source, options)) return e;
  e.drop();
  warmFragmentWorkers();
  return null;
}

/** Numbers search hit layers, so an outline query never meets the hits of another search. */
let searchSeq = 0;

/**
 * One trace's API over its own index. A worker answers one trace on its own endpoint, and more
 * on the ports it is sent (the ranks of a job share a few workers: src/state/traceClient.ts).
 */
function traceApi(): TraceWorkerApi {
  let index: TraceIndex | null = null;

  function loaded(): TraceIndex {
    if (!index) throw new Error('No trace is loaded in this worker.');
    return index;
  }

  /** The index, for a call that may read every lane: an index folder's lanes are fetched first, in parallel. */
  async function whole(): Promise<TraceIndex> {
    const i = loaded();
    await prefetchLanes(i);
    return i;
  }

  return {
    prepare() {
      // An early load took the warm helpers: new ones would only compete with its parse.
      if (!early) warmFragmentWorkers();
    },
    async exportWindow(q: WindowExportOptions) {
      const gz = await gzipText(chromeTraceWindow(await whole(), q));
      return Comlink.transfer(gz, [gz.buffer as ArrayBuffer]);
    },
    async survey(source: TraceSource, onProgress?: (p: LoadProgress) => void, options?: { scanner?: 'wasm' | 'js' }) {
      takeEarly(null);
      return surveyTrace(source, { onProgress: (p) => void onProgress?.(p), scanner: options?.scanner });
    },
    async load(source: TraceSource, trace: string, onProgress?: (p: LoadProgress) => void, options?: LoadCallOptions, askLaneRules?: () => Promise<CategoryRule[]>) {
      const laneRules = options?.laneRules ?? askLaneRules;
      const debug = options?.debug;
      void lifeline.then((held) => held && announceLifeline());
      const joined = takeEarly(source, options);
      if (source.kind === 'index' || source.kind === 'localIndex') {
        index = await openIndex(source, trace, onProgress, await laneRulesOf(laneRules));
        return index.result;
      }
      let debugStopped = false;
      const progress = (p: LoadProgress): void => {
        void onProgress?.(p);
        // Once the UI has seen the load under way, as a real failure would meet it.
        if ((debug === 'hang' || debug === 'exit') && p.scannedBytes > 0 && !debugStopped) {
          debugStopped = true;
          debugStop(debug);
        }
      };
      index = await (joined ? joined.join({ trace, laneRules }, progress) : loadTrace(source, { ...loadSettings(options), trace, laneRules, onProgress: progress }));
      // `exit` closes this worker once the current task ends: a small trace may be read by then, and
      // its answer must not reach the page (the failure it stands for stops a load, not an open trace).
      if (debugStopped) await new Promise<never>(() => undefined);
      return index.result;
    },
    async query(q: ViewportQuery) {
      // An index folder's lanes this view reads are fetched first, in parallel (workers/indexFolder).
      await prefetchForQuery(loaded(), q);
      const result = loaded().query(q);
      // The first frame's viewport is answered: background work may have the other core now.
      setTimeout(loaded().beginBackground, 0);
      const buffers: ArrayBufferLike[] = [];
      for (const l of [...result.lanes, ...result.wide, ...result.hitMarks]) buffers.push(l.start.buffer, l.end.buffer, l.row.buffer, l.nameId.buffer, l.eventIdx.buffer, l.count.buffer, l.instant.buffer);
      // Tiles are not transferred: the worker keeps them cached, so they are copied.
      for (const c of result.counters) buffers.push(c.t.buffer, ...c.values.map((v) => v.buffer));
      return Comlink.transfer(result, buffers as ArrayBuffer[]);
    },
    async settled() {
      loaded().beginBackground();
      await loaded().settled;
    },
    async slice(laneId: string, eventIdx: number) {
      const index = loaded();
      await prefetchLanes(index, detailLanes(index, laneId));
      return index.slice(laneId, eventIdx);
    },
    async find(q: FindQuery) {
      return (await whole()).find(q);
    },
    async resolveKey(key: string) {
      return loaded().resolveKey(key);
    },
    async comms() {
      return commOps(await whole());
    },
    async gpuIdle(startNs: number, endNs: number) {
      return gpuIdleWithin(await whole(), startNs, endNs);
    },
    async correlate(laneId: string, eventIdx: number) {
      return correlate(await whole(), laneId, eventIdx);
    },
    async rangeStats(q: RangeQuery) {
      return rangeStats(await whole(), q);
    },
    async stepTable(marker?: string) {
      return stepTable(await whole(), marker);
    },
    async search(q: SearchQuery) {
      const index = await whole();
      const { matches, ...result } = search(index, q);
      index.searchLayer = matches.size ? new SearchHitLayer(++searchSeq, index.lanes, matches) : null;
      return { ...result, searchId: index.searchLayer?.id };
    },
    async idleGaps(thresholdNs: number) {
      return idleGaps(await whole(), thresholdNs);
    },
    async allocations() {
      return allocations(await whole());
    },
    async callTree(q: CallTreeQuery) {
      return callTree(await whole(), q);
    },
    async overview(q: OverviewQuery) {
      return overview(await whole(), q);
    },
    async gpuQueueLanes() {
      return addQueueLanes(await whole());
    },
    async selectionTotals(q: TotalsQuery) {
      return selectionTotals(await whole(), q);
    },
    async nameInSteps(q: StepNameQuery) {
      return nameInSteps(await whole(), q);
    },
    async sliceTable(q: SliceTableQuery) {
      const t = sliceTable(await whole(), q);
      return Comlink.transfer(t, [t.lane.buffer, t.event.buffer, t.start.buffer, t.dur.buffer, t.name.buffer]);
    },
    async sliceArgs(q: SliceArgsQuery) {
      return sliceArgs(await whole(), q);
    },
    async requests() {
      return requests(await whole());
    },
    async requestJourney(key: string) {
      return requestJourney(await whole(), key);
    },
  };
}

/** An index folder (`?index=`): the same TraceIndex, read back from its files (workers/indexFolder). */
async function openIndex(source: TraceSource & { kind: 'index' | 'localIndex' }, trace: string, onProgress?: (p: LoadProgress) => void, laneRules?: readonly CategoryRule[]): Promise<TraceIndex> {
  const t0 = performance.now();
  const progress = (bytesDone: number, bytesTotal: number, events: number) => void onProgress?.({ phase: 'read', bytesDone, bytesTotal, scannedBytes: bytesDone, events, elapsedMs: performance.now() - t0 });
  progress(0, 0, 0);
  const files = source.kind === 'index' ? urlFiles(source.url) : blobFiles(source.files, source.name);
  return openIndexFolder(files, { trace, onProgress: progress, laneRules });
}

Comlink.expose(traceApi());
// A port sent to this worker answers for another trace (ranks of a job sharing workers). `warmHelpers`:
// index.html's first script started this worker (build/earlyTraceWorker.ts) and asks it to start its
// helpers now, as `prepare` would once the app runs: a link's parse needs them right after its first bytes.
// With `page`, a link's trace is loaded from now on, before the app asks for it (earlyLoad.ts).
self.addEventListener('message', (e: MessageEvent<{ traceWorkerPort?: MessagePort; warmHelpers?: boolean; page?: PageFacts } | null>) => {
  const port = e.data?.traceWorkerPort;
  if (port) Comlink.expose(traceApi(), port);
  if (!e.data?.warmHelpers) return;
  warmFragmentWorkers();
  let expected = null;
  try {
    expected = e.data.page ? expectedLoad(e.data.page) : null;
  } catch {
    // An address the app cannot read either (a link that is not a URL): the app reports it.
  }
  if (expected) early = new EarlyLoad(expected);
});
