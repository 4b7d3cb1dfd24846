// The parse's fragment workers as Node worker_threads (issue 24): a big plain trace is parsed
// in parallel pieces on every core, as in the browser (workers/ingest/parallelParse.ts), by the
// same fragment worker code (bin/src/fragmentThread.ts runs it). A thread is wrapped in the
// part of the Web Worker surface the parse uses: postMessage with transfers, onmessage, onerror,
// terminate.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';
import { useFragmentThreads } from '../../workers/ingest/parallelParse';
import { withFileRefs } from './threadMessages';

/** The fragment thread's bundle, beside this one (vite.cli.config.ts builds both). */
const FRAGMENT_THREAD = join(dirname(fileURLToPath(import.meta.url)), 'fragment-thread.mjs');

class FragmentThreadWorker {
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: ((e: { message: string }) => void) | null = null;
  private readonly thread: Thread;
  private ended = false;

  constructor(name: string) {
    this.thread = new Thread(FRAGMENT_THREAD, { name });
    this.thread.on('message', (data: unknown) => this.onmessage?.({ data }));
    this.thread.on('error', (err: Error) => this.onerror?.({ message: err.message }));
    // A thread that ends unasked (it ran out of memory, say) fails the piece it had, as a crashed Worker does.
    this.thread.on('exit', (code: number) => {
      if (!this.ended) this.onerror?.({ message: `a parse helper thread exited (code ${code})` });
    });
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.thread.postMessage(withFileRefs(message), transfer as ArrayBuffer[]);
  }

  addEventListener(): void {
    // The lifeline watch (heartbeat.ts) needs Web Locks, which Node has not: 'exit' above stands in.
  }

  terminate(): void {
    this.ended = true;
    void this.thread.terminate();
  }
}

/** Parses big plain traces on `threads` threads (1: this thread alone; the CLI's --threads, default every core). */
export function parseOnThreads(threads: number): void {
  useFragmentThreads(threads > 1 ? { threads, start: (name) => new FragmentThreadWorker(name) as unknown as Worker } : null);
}
