// The trace worker index.html's first script starts before the app runs (build/earlyTraceWorker.ts
// writes that script; src/state/traceClient.ts adopts the worker).

/** The global the script leaves the worker on. */
export const EARLY_TRACE_WORKER = '__tracelaneTraceWorker';

export interface EarlyTraceWorker {
  worker: Worker;
  /** Unique, as workers/heartbeat.ts uniqueWorkerName makes them: the worker's lifeline is held under it. */
  name: string;
}
