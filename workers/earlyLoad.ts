// A link's trace read and parsed before the page asks for it (issue 16). index.html's first script
// (build/earlyTraceWorker.ts) starts the trace worker while the app's bundle loads and tells it about the
// page; when the page's first link is a trace URL, the worker begins the load the app will ask for (the
// same source and options, derived from the address as the app derives them), and the app's load call for
// it joins the running load (trace.worker.ts): reading and parsing need neither the trace's key nor its
// lane rules, which the call brings before the index is built. A call for anything else drops it.

import type { LoadProgress, TraceSource } from '../src/model/types';
import type { TraceChoice } from '../src/model/traceChoice';
import { addressLoadOptions, urlParamSources } from '../src/model/linkLoad';
import { memoryBudgetMB, traceBudgetBytes } from '../src/state/memoryBudget';
import type { DebugWorker } from './api';
import { loadTrace, type LoadCall, type LoadSettings } from './ingest/loadTrace';
import type { TraceIndex } from './index/traceIndex';

/** What index.html's first script tells the trace worker about the page (a worker sees neither its address nor its storage). */
export interface PageFacts {
  href: string;
  /** document.baseURI: links are relative to it. */
  base: string;
  /** The saved memory budget setting (src/state/memoryBudget.ts BUDGET_SETTING_KEY), as stored. */
  budgetSetting: string | null;
  deviceMemory?: number;
}

/** api.ts load's options that decide how a trace is read and parsed: an early load joins a call only with the same. */
export interface ReadOptions {
  budgetBytes?: number;
  debug?: DebugWorker;
  scanner?: 'wasm' | 'js';
  keep?: TraceChoice;
  streamPieces?: boolean;
  parallelPieces?: boolean;
  laneHelpers?: boolean;
}

const READ_OPTIONS: readonly (keyof ReadOptions)[] = ['budgetBytes', 'debug', 'scanner', 'keep', 'streamPieces', 'parallelPieces', 'laneHelpers'];

export interface ExpectedLoad {
  source: TraceSource;
  options: ReadOptions;
}

/**
 * The load the app will ask this worker for first when it opens the page's link (viewPersistence.ts
 * openFromLocation → traceClient.ts loadSources), or null when the first link is not a trace URL. A `#tl=`
 * view may still open the trace in part (`keep`): the call then does not match, and the early load is dropped.
 */
export function expectedLoad(page: PageFacts): ExpectedLoad | null {
  const search = new URL(page.href).search;
  const sources = urlParamSources(search, page.base);
  const first = sources[0];
  if (first?.kind !== 'url') return null;
  const { scanner, streamPieces, parallelPieces, laneHelpers, debug } = addressLoadOptions(search);
  const budgetMB = memoryBudgetMB(search, page.budgetSetting, page.deviceMemory).mb;
  return { source: first, options: { budgetBytes: traceBudgetBytes(budgetMB, sources.length), debug, scanner, streamPieces, parallelPieces, laneHelpers } };
}

/** Whether a load call asks for the expected load: the same URL and the same read options (lane rules aside). */
export function asksFor(expected: ExpectedLoad, source: TraceSource, options: ReadOptions = {}): boolean {
  const a = expected.source;
  return a.kind === 'url' && source.kind === 'url' && a.url === source.url && a.name === source.name && READ_OPTIONS.every((k) => expected.options[k] === options[k]);
}

/** api.ts load's options as the ingest takes them. */
export function loadSettings(options: ReadOptions = {}): LoadSettings {
  return {
    budgetBytes: options.budgetBytes,
    debugHelper: options.debug === 'gunzip-exit' ? 'exit' : undefined,
    scanner: options.scanner,
    keep: options.keep,
    streamPieces: options.streamPieces,
    parallelPieces: options.parallelPieces,
    laneHelpers: options.laneHelpers,
  };
}

/**
 * An early load the page has not asked for within this long is dropped: its memory is let go (the app's
 * bundle never ran, or it opened something else first); a call after that loads afresh.
 */
export const ASK_WITHIN_MS = 60_000;

export class EarlyLoad {
  private readonly abort = new AbortController();
  private ask: (call: LoadCall) => void = () => undefined;
  private listener: ((p: LoadProgress) => void) | null = null;
  private last: LoadProgress | null = null;
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly index: Promise<TraceIndex>;

  constructor(
    readonly expected: ExpectedLoad,
    askWithinMs = ASK_WITHIN_MS,
    load: typeof loadTrace = loadTrace,
  ) {
    const { signal } = this.abort;
    const asked = new Promise<LoadCall>((resolve, reject) => {
      this.ask = resolve;
      signal.addEventListener('abort', () => reject(signal.reason));
    });
    // Met by the load once its events are read, or by nobody when dropped.
    asked.catch(() => undefined);
    const onProgress = (p: LoadProgress): void => {
      this.last = p;
      this.listener?.(p);
    };
    this.index = load(expected.source, { ...loadSettings(expected.options), onProgress, signal, asked });
    // Met by the call that joins, or by nobody.
    this.index.catch(() => undefined);
    this.timer = setTimeout(() => this.drop(), askWithinMs);
  }

  get dropped(): boolean {
    return this.abort.signal.aborted;
  }

  /**
   * The page's call for this load: progress from now on (where it is first: the page's stall check counts from
   * its call), and its result or error, as a load of its own would give them.
   */
  join(call: LoadCall, onProgress?: (p: LoadProgress) => void): Promise<TraceIndex> {
    clearTimeout(this.timer);
    this.listener = onProgress ?? null;
    if (this.last) onProgress?.({ ...this.last });
    this.ask(call);
    return this.index;
  }

  /** Stops it: its fetches are aborted and its parse helpers ended (parallelParse.ts, on the signal). */
  drop(): void {
    clearTimeout(this.timer);
    this.listener = null;
    this.abort.abort(new DOMException('The early load was dropped', 'AbortError'));
  }
}
