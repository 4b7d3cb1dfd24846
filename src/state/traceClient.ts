// One worker per trace: parsing is CPU-bound and traces are independent, so
// each gets its own thread and can be cancelled by terminating it.

import * as Comlink from 'comlink';
import type { DebugWorker, TraceWorkerApi } from '../../workers/api';
import { STALL_MS, uniqueWorkerName, watchLifeline } from '../../workers/heartbeat';
import type { WindowExportOptions } from '../../workers/export/chromeTraceWindow';
import type { FindHit, FindQuery, LoadProgress, QueryResult, SliceDetails, TraceSource, ViewportQuery } from '../model/types';
import { traceKeyFromName } from '../model/keys';
import { useStore } from './store';
import { clearBudgetRefusal, memoryBudgetMB, noteBudgetError, traceBudgetBytes } from './memoryBudget';
import { addressLoadOptions, type AddressLoadOptions } from '../model/linkLoad';
import { rulesForLoad } from './laneRules';
import { EARLY_TRACE_WORKER, type EarlyTraceWorker } from '../model/earlyTraceWorker';
import { CallTracker } from './callTracker';
import type { TraceChoice, TraceSurvey } from '../model/traceChoice';

interface Client {
  worker: Worker;
  api: Comlink.Remote<TraceWorkerApi>;
  /** Stops the heartbeat checks (before the worker is terminated on purpose). */
  unwatch(): void;
}

/** A load that failed because a worker stopped, crashed or hung: what Retry and its alternatives reopen. */
export interface WorkerFailure {
  sources: TraceSource[];
  /** The traces whose workers stopped, first failure first. */
  failed: TraceSource[];
  budgetMB: number;
  /** The error it was reported with: another error shown later is not this failure. */
  message: string;
}

let workerFailure: WorkerFailure | null = null;

/** The worker failure behind the error now shown, if that is what it is. */
export function lastWorkerFailure(shownError: string | null): WorkerFailure | null {
  return workerFailure && workerFailure.message === shownError ? workerFailure : null;
}

const PHASE_DOING: Record<LoadProgress['phase'], string> = {
  read: 'reading the file',
  decompress: 'decompressing',
  parse: 'parsing',
  index: 'indexing',
  done: 'finishing',
};

/** The trace whose worker's "not answering" notice is up (one at a time). */
let slowTrace: string | null = null;

/** Raised once when a call gets slow (so Dismiss holds), withdrawn when the worker answers. */
function noteSlowWorker(trace: string, text: string | null): void {
  if (text !== null ? slowTrace !== null : slowTrace !== trace) return;
  slowTrace = text === null ? null : trace;
  useStore.getState().setNotice('worker', text);
}

/** What the page's address says about loading (`?scanner=`, `?pieces=`, `?lanes=`, `?debugWorker=`). */
function addressOptions(): AddressLoadOptions {
  return addressLoadOptions(globalThis.location?.search ?? '');
}

/** `?debugWorker=` applies to the first trace of the page's first load only, so Retry and the other traces show the recovery. */
let debugPending = true;
function takeDebugWorker(): DebugWorker | undefined {
  if (!debugPending) return undefined;
  debugPending = false;
  return addressOptions().debug;
}

const clients = new Map<string, Client>();
/** Each worker's number: caches of worker answers (tiles) key on it, so a reloaded trace never meets stale ones. */
const generations = new WeakMap<Client, number>();
let nextGeneration = 1;
/** Bumped on every new session so late replies of terminated workers are ignored. */
let session = 0;

/** Prefix the file name unless the worker's message already names it. */
function withName(name: string, message: string): string {
  return message.includes(name) ? message : `${name}: ${message}`;
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message || String(e);
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return 'Unknown error';
}

function startTraceWorker(label: string): { worker: Worker; name: string; api: Comlink.Remote<TraceWorkerApi> } {
  const name = uniqueWorkerName(label);
  const worker = new Worker(new URL('../../workers/trace.worker.ts', import.meta.url), { type: 'module', name });
  return { worker, name, api: Comlink.wrap<TraceWorkerApi>(worker) };
}

/**
 * Index folders past this many (the ranks of a job) share this many workers, each answering
 * several traces on ports of their own: an index folder's rank holds little (its lanes are
 * read on demand), and a worker per rank would cost the tab a JS heap each (64 ranks: +364 MB).
 */
const SHARED_TRACE_WORKERS = 4;

/** The workers the traces of a load share, or null when each trace gets a worker of its own. */
function sharedWorkers(sources: TraceSource[]): ReturnType<typeof startTraceWorker>[] | null {
  if (sources.length <= SHARED_TRACE_WORKERS || !sources.every((s) => s.kind === 'index')) return null;
  const workers = Array.from({ length: SHARED_TRACE_WORKERS }, (_, k) => (k === 0 && spare) || startTraceWorker(`traces ${k + 1}`));
  spare = null;
  return workers;
}

/** Another trace answered by `host` (trace.worker.ts exposes a TraceWorkerApi on each port it is sent). */
function traceOnPort(host: ReturnType<typeof startTraceWorker>): ReturnType<typeof startTraceWorker> {
  const { port1, port2 } = new MessageChannel();
  host.worker.postMessage({ traceWorkerPort: port2 }, [port2]);
  return { worker: host.worker, name: host.name, api: Comlink.wrap<TraceWorkerApi>(port1) };
}

/** A trace worker started before the first file is chosen: its start-up and its helpers' are not on the way to the first frame. */
let spare: ReturnType<typeof startTraceWorker> | null = null;

/**
 * Starts the worker the next load takes (called once the page is up). Only one, and only
 * before the first load: an idle worker after that would hold memory for nothing.
 */
export function prepareTraceWorker(): void {
  if (spare || session > 0 || typeof Worker === 'undefined') return;
  const early = (window as unknown as Record<string, EarlyTraceWorker | undefined>)[EARLY_TRACE_WORKER];
  spare = early ? { ...early, api: Comlink.wrap<TraceWorkerApi>(early.worker) } : startTraceWorker('trace');
  void spare.api.prepare();
}

export function terminateAll(): void {
  opening = new Map();
  openEntry = async () => undefined;
  for (const c of clients.values()) {
    c.unwatch();
    c.api[Comlink.releaseProxy]?.();
    c.worker.terminate();
  }
  clients.clear();
}

/**
 * Load a set of sources as one timeline (replacing whatever is open). `budgetMB`: this
 * attempt's memory budget instead of the configured one (a retry with a smaller budget).
 */
export function loadSources(sources: TraceSource[], opts: { budgetMB?: number; keep?: Record<string, TraceChoice> } = {}): void {
  terminateAll();
  const my = ++session;
  clearBudgetRefusal();
  workerFailure = null;
  slowTrace = null;
  const debug = takeDebugWorker();
  // The budget covers every open trace: each gets its share.
  const budget = opts.budgetMB ?? memoryBudgetMB().mb;
  const limits = { budgetBytes: traceBudgetBytes(budget, sources.length) };
  const taken = new Set<string>();
  const shared = sharedWorkers(sources);
  // A job's ranks past the first few wait unopened until their lanes come into view (the Timeline asks: openTraces).
  const entries = sources.map((source, k) => ({ key: traceKeyFromName(source.name, taken), name: source.name, source, deferred: !!shared && k >= OPENED_AT_ONCE && isDeferrable(source) }));
  const store = useStore.getState();
  store.startLoading(entries);
  let next = 0;
  openEntry = (entry) => {
    const k = next++;
    const started = shared ? traceOnPort(shared[k % shared.length]) : spare ?? startTraceWorker(`trace ${entry.key}`);
    if (!shared) spare = null;
    const { worker, name } = started;
    const calls = new CallTracker();
    const api = calls.wrap(started.api, ['load']);
    // The heartbeat (workers/heartbeat.ts): the worker's lifeline, and its progress while it loads.
    let phase: LoadProgress['phase'] = 'read';
    let lastProgress = 0;
    let loaded = false;
    const unwatchLifeline = watchLifeline(worker, name, () =>
      stopped(`the trace worker stopped ${loaded ? 'after opening the trace' : `while ${PHASE_DOING[phase]}`}: it exited or the browser ended it (a tab short of memory does that).`),
    );
    let lastCheck = performance.now();
    const stallCheck = setInterval(() => {
      const now = performance.now();
      // A page that was itself blocked has progress messages still queued behind this timer: look next time.
      const late = now - lastCheck > 2000;
      lastCheck = now;
      if (loaded) {
        // Open: a call unanswered this long is offered to be given up (it may be a long analysis).
        const slow = calls.oldest();
        if (!late && my === session) noteSlowWorker(entry.key, slow && now - slow.since > STALL_MS ? `${entry.name}: the trace worker has not answered for ${STALL_MS / 1000} s (${slow.method}). It may still be working; if not, reopen the trace (the view and annotations are kept).` : null);
      } else if (!late && lastProgress && now - lastProgress > STALL_MS) {
        const p = useStore.getState().traces.find((t) => t.key === entry.key)?.progress;
        const at = p?.bytesDone ? ` (at ${(p.bytesDone / 1e6).toFixed(1)}${p.bytesTotal ? ` of ${(p.bytesTotal / 1e6).toFixed(1)}` : ''} MB)` : '';
        stopped(`the trace worker stopped responding: no progress for ${STALL_MS / 1000} s while ${PHASE_DOING[phase]}${at}, so it was stopped.`);
      }
    }, 500);
    // A terminated worker never answers its load: its slot is freed when it is let go.
    let letGo = (): void => undefined;
    const gone = new Promise<void>((resolve) => (letGo = resolve));
    const client: Client = {
      worker,
      api,
      unwatch() {
        unwatchLifeline();
        clearInterval(stallCheck);
        letGo();
      },
    };
    /** The worker is gone or useless: stop it, and say so with what can be tried (WorkerFailureActions). */
    const stopped = (message: string): void => {
      client.unwatch();
      if (my !== session) return;
      worker.terminate();
      const earlier = lastWorkerFailure(useStore.getState().error);
      // The first failure stays the message; later ones in the same load are named after it.
      const failed = [...(earlier?.failed ?? []), entry.source];
      const text = earlier ? `${earlier.message.replace(/ Also stopped: .*$/, '')} Also stopped: ${failed.slice(1).map((s) => s.name).join(', ')}.` : withName(entry.name, message);
      workerFailure = { sources, failed, budgetMB: budget, message: text };
      useStore.getState().fail(text);
    };
    clients.set(entry.key, client);
    generations.set(client, nextGeneration++);
    worker.addEventListener('error', (ev) => {
      if (my !== session) return;
      ev.preventDefault();
      // A crashed worker may still be running (an uncaught async error): stop it.
      stopped(ev.message || 'the trace worker crashed');
    });
    worker.addEventListener('messageerror', () => {
      if (my === session) useStore.getState().fail(`${entry.name}: could not read a message from the trace worker`);
    });
    const onProgress = (p: LoadProgress) => {
      lastProgress = performance.now();
      phase = p.phase;
      if (my === session) useStore.getState().setProgress(entry.key, p);
    };
    const load = (): Promise<void> => {
      lastProgress = performance.now();
      const rules = rulesForLoad();
      const { scanner, streamPieces, parallelPieces, laneHelpers } = addressOptions();
      const [laneRules, askLaneRules] = typeof rules === 'function' ? [undefined, Comlink.proxy(rules)] : [rules, undefined];
      return api
        .load(entry.source, entry.key, Comlink.proxy(onProgress), { ...limits, laneRules, debug: entry.key === entries[0].key ? debug : undefined, scanner, keep: opts.keep?.[entry.key], streamPieces, parallelPieces, laneHelpers }, askLaneRules)
        .then((result) => {
          loaded = true;
          if (my === session) useStore.getState().traceLoaded(entry.key, result);
        })
        .catch((e) => {
          if (my !== session) return;
          if ((e as Error)?.name === 'WorkerStoppedError') return stopped(errorText(e));
          // The load has ended: no stall check may replace its error 10 s on.
          client.unwatch();
          noteBudgetError(e as Error, sources, budget);
          useStore.getState().fail(withName(entry.name, errorText(e)));
        });
    };
    return new Promise<void>((done) => loadSlots.run(() => (my !== session ? Promise.resolve() : Promise.race([gone, load()])).finally(done)));
  };
  for (const entry of entries) if (!entry.deferred) void openEntry(entry);
}

/**
 * A job's ranks opened with the page (the others wait as placeholders): one per shared worker, about what a
 * screen of lanes shows; the Timeline opens more as their headers scroll into view.
 */
const OPENED_AT_ONCE = SHARED_TRACE_WORKERS;

/** A rank of a job whose job.json placed it: it can wait unopened. */
function isDeferrable(source: TraceSource): boolean {
  return source.kind === 'index' && !!source.job?.rank;
}

/** Opens one trace of the current load (set by loadSources); resolves once its load has ended, however. */
let openEntry: (entry: { key: string; name: string; source: TraceSource }) => Promise<void> = async () => undefined;
/** Opens of deferred ranks under way, by trace key (this session's). */
let opening = new Map<string, Promise<void>>();

/**
 * Opens deferred ranks (their headers scrolled into view, or a feature needs their lanes: search, a jump, a
 * link's selection) and resolves once every one of `keys` is open, or its load failed (the page then shows the
 * error). Keys already open, or of other traces, resolve at once.
 */
export function openTraces(keys: readonly string[]): Promise<void> {
  const st = useStore.getState();
  const wanted = new Set(keys);
  const fresh = st.traces.filter((t) => wanted.has(t.key) && t.status === 'deferred');
  if (fresh.length) st.openingTraces(fresh.map((t) => t.key));
  const mine = session;
  for (const t of fresh) opening.set(t.key, openEntry(t).finally(() => mine === session && opening.delete(t.key)));
  return Promise.all(keys.map((k) => opening.get(k))).then(() => undefined);
}

/** Every deferred rank opened: for what reads all traces (search, find, alignment). */
export function openAllTraces(): Promise<void> {
  return openTraces(useStore.getState().traces.map((t) => t.key));
}

/**
 * Parsing is CPU- and memory-bound: 64 ranks parsed at once would thrash a 2-core
 * machine and peak at 64 raw buffers. A few at a time finish sooner and stay in budget.
 */
class Slots {
  private active = 0;
  private readonly queue: (() => Promise<void>)[] = [];
  constructor(private readonly size: number) {}
  run(task: () => Promise<void>): void {
    this.queue.push(task);
    this.next();
  }
  private next(): void {
    while (this.active < this.size && this.queue.length) {
      const task = this.queue.shift()!;
      this.active++;
      void task().finally(() => {
        this.active--;
        this.next();
      });
    }
  }
}

const loadSlots = new Slots(Math.max(2, Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2)));

/**
 * The counting pass of a trace (issue 23) in a worker of its own, ended when it answers or on
 * `cancel()` (the worker is terminated, as Cancel does to a load).
 */
export function surveySource(source: TraceSource, onProgress: (p: LoadProgress) => void): { result: Promise<TraceSurvey>; cancel(): void } {
  const started = spare ?? startTraceWorker(`survey ${traceKeyFromName(source.name, new Set())}`);
  spare = null;
  let unwatch = (): void => undefined;
  const stopped = new Promise<never>((_, reject) => {
    unwatch = watchLifeline(started.worker, started.name, () => reject(new Error(`${source.name}: the worker counting the trace stopped (a tab short of memory does that).`)));
  });
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    unwatch();
    started.api[Comlink.releaseProxy]();
    started.worker.terminate();
  };
  const result = Promise.race([started.api.survey(source, Comlink.proxy(onProgress), { scanner: addressOptions().scanner }), stopped]);
  void result.then(end, end);
  return { result, cancel: end };
}

/** Cancel loading (or close the traces) and go back to the landing page. */
export function cancelAll(): void {
  session++;
  terminateAll();
  useStore.getState().reset();
}

function api(trace: string): Comlink.Remote<TraceWorkerApi> | null {
  return clients.get(trace)?.api ?? null;
}

/** The number of the worker now answering for a trace (0: none). */
export function traceGeneration(trace: string): number {
  const c = clients.get(trace);
  return c ? generations.get(c) ?? 0 : 0;
}

/** The worker of a loaded trace, for analysis calls (null once closed). */
export function traceWorker(trace: string): Comlink.Remote<TraceWorkerApi> | null {
  return api(trace);
}

export async function queryTrace(trace: string, q: ViewportQuery): Promise<QueryResult | null> {
  const a = api(trace);
  return a ? a.query(q) : null;
}

export async function sliceDetails(trace: string, laneId: string, eventIdx: number): Promise<SliceDetails | null> {
  const a = api(trace);
  return a ? a.slice(laneId, eventIdx) : null;
}

export async function findInTrace(trace: string, q: FindQuery): Promise<FindHit[]> {
  const a = api(trace);
  return a ? a.find(q) : [];
}

export async function resolveKey(trace: string, key: string): Promise<{ laneId: string; eventIdx: number } | null> {
  const a = api(trace);
  return a ? a.resolveKey(key) : null;
}

/** A time window of a trace as a gzipped Chrome trace (times relative to the trace origin). */
export async function exportTraceWindow(trace: string, q: WindowExportOptions): Promise<Uint8Array | null> {
  const a = api(trace);
  return a ? a.exportWindow(q) : null;
}

export function sessionId(): number {
  return session;
}

export { errorText };
