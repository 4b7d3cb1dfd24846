// The heartbeat of the trace worker and its helpers (gunzip, fragment, deflate): how the
// side that started a worker learns, without waiting forever, that it is gone or stuck.
//
// - Lifeline: every worker holds a Web Lock named after its (unique) worker name for as
//   long as it lives; the browser releases it when the worker exits, crashes or is
//   terminated. Once it holds it, the worker posts `{ lifeline: true }` to its owner, which
//   polls `navigator.locks.query()`: a lifeline held and then not held means the worker is
//   gone, whatever the reason (no event tells a parent that a worker called close()). A
//   worker that dies before holding it, or pages without Web Locks (plain HTTP), are left
//   to the stall check below.
// - Beats: the trace worker reports progress as it works, and long synchronous loops call
//   `beat()` so it also reports at least every second while the event loop is blocked
//   (postMessage leaves a busy worker at once). The UI reports a phase without progress
//   for STALL_MS as "stopped responding" (src/state/traceClient.ts).

/** No progress for this long in a phase: the worker is reported as stopped responding. */
export const STALL_MS = 10_000;
const POLL_MS = 400;
const LOCK_PREFIX = 'tracelane-lifeline:';

interface Locks {
  request(name: string, cb: () => Promise<void>): Promise<void>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

function locks(): Locks | null {
  return ((globalThis.navigator as { locks?: Locks } | undefined)?.locks ?? null) as Locks | null;
}

/** A worker name no other worker of this origin has (lifelines are origin-wide, across tabs). */
export function uniqueWorkerName(base: string): string {
  const id = globalThis.crypto?.randomUUID?.().slice(0, 8) ?? Math.random().toString(36).slice(2, 10);
  return `${base} #${id}`;
}

/** In a worker: hold this worker's lifeline until it ends. Resolves once held (true), or at once without Web Locks (false). */
export function holdLifeline(): Promise<boolean> {
  const name = (globalThis as { name?: string }).name;
  const l = locks();
  if (!name || !l) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    l.request(LOCK_PREFIX + name, () => {
      announceLifeline();
      resolve(true);
      return new Promise<void>(() => undefined);
    }).catch(() => resolve(false));
  });
}

/** Tells the worker's owner that its lifeline is held (watchLifeline listens for it). */
export function announceLifeline(): void {
  (globalThis as unknown as { postMessage(m: unknown): void }).postMessage({ lifeline: true });
}

/**
 * Watches a worker's lifeline: `onGone` once it was held and is no longer (the worker
 * exited). Returns a stop function, to call before terminating the worker on purpose.
 */
export function watchLifeline(worker: Worker, workerName: string, onGone: () => void): () => void {
  const l = locks();
  if (!l) return () => undefined;
  const lock = LOCK_PREFIX + workerName;
  let seen = false;
  let stopped = false;
  const held = (e: MessageEvent): void => {
    if ((e.data as { lifeline?: boolean } | null)?.lifeline) seen = true;
  };
  worker.addEventListener('message', held);
  const timer = setInterval(() => {
    // Only a snapshot asked for after the lifeline was held can show it released.
    const heldBefore = seen;
    void l
      .query()
      .then(({ held = [] }) => {
        if (stopped) return;
        const alive = held.some((h) => h.name === lock);
        if (alive) seen = true;
        else if (heldBefore) {
          stop();
          onGone();
        }
      })
      .catch(() => undefined);
  }, POLL_MS);
  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
    worker.removeEventListener('message', held);
  };
  return stop;
}

let onBeat: (() => void) | null = null;
let lastBeat = 0;

/** Who hears `beat()` in this worker (the load's progress report), or null. */
export function setBeatListener(listener: (() => void) | null): void {
  onBeat = listener;
}

/** Called from long synchronous loops: reports progress at most every 250 ms. Cheap enough per few thousand items. */
export function beat(): void {
  if (!onBeat) return;
  const now = performance.now();
  if (now - lastBeat < 250) return;
  lastBeat = now;
  onBeat();
}

/** Stops this worker on purpose for tests (`?debugWorker=`): never returns for 'hang'. */
export function debugStop(mode: 'hang' | 'exit'): void {
  if (mode === 'exit') {
    (globalThis as unknown as { close(): void }).close();
    return;
  }
  for (;;) {
    /* a synchronous loop that never reports: what a runaway parse looks like */
  }
}

/** A helper worker stopped (exited, crashed): the load cannot finish. */
export class WorkerStoppedError extends Error {
  override name = 'WorkerStoppedError';
}

/** The name for a helper of this worker: says whose it is in the browser's task list, and unique for its lifeline. */
export function helperName(label: string): string {
  const parent = (globalThis as { name?: string }).name;
  return uniqueWorkerName(parent ? `${parent.replace(/ #\w+$/, '')} › ${label}` : label);
}

/**
 * Watches a helper started as `new Worker(…, { name: helperName(…) })`: `onGone` if it
 * exits unasked. `release()` terminates it on purpose.
 */
export function watchHelper(worker: Worker, name: string, onGone: () => void): { release(): void } {
  const stop = watchLifeline(worker, name, onGone);
  return {
    release() {
      stop();
      worker.terminate();
    },
  };
}
