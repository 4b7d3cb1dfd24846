// Runs the ingest on mutated traces in a worker thread with a watchdog (issue 9).
// The worker module is bundled once with Vite (Node cannot load TypeScript workers).

import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { assemblyScriptWasm } from '../../build/wasm';
import type { FuzzReply } from './ingestWorker';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Bundles ingestWorker.ts (and the ingest it imports) into one ES module for worker_threads. */
export async function buildIngestWorker(): Promise<string> {
  const { build } = await import('vite');
  // Inside node_modules so the bundle's external packages (sql.js, …) resolve.
  const cache = resolve(HERE, '../../node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const outDir = mkdtempSync(join(cache, 'tracelane-fuzz-'));
  await build({
    configFile: false,
    logLevel: 'silent',
    // The Chrome importer's WebAssembly scanner is imported inline, built by this plugin.
    plugins: [assemblyScriptWasm()],
    build: {
      ssr: resolve(HERE, 'ingestWorker.ts'),
      outDir,
      emptyOutDir: true,
      minify: false,
      rollupOptions: { output: { format: 'es', entryFileNames: 'ingestWorker.mjs' } },
    },
  });
  return join(outDir, 'ingestWorker.mjs');
}

export type RunOutcome =
  | FuzzReply
  | { id: number; outcome: 'crashed'; message: string }
  | { id: number; outcome: 'hung' };

/** One ingest worker, restarted after a crash or a hang. */
export class IngestRunner {
  private worker: Worker | null = null;
  private next = 0;

  constructor(
    private readonly script: string | URL,
    public timeoutMs = 10_000,
  ) {}

  /** `measure`: the worker only times the load (see FuzzRequest). */
  run(name: string, bytes: Uint8Array, measure = false): Promise<RunOutcome> {
    const worker = (this.worker ??= new Worker(this.script));
    const id = ++this.next;
    return new Promise((done) => {
      const finish = (o: RunOutcome, restart: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (restart) {
          void worker.terminate();
          this.worker = null;
        }
        done(o);
      };
      const onMessage = (r: FuzzReply) => r.id === id && finish(r, false);
      const onError = (e: Error) => finish({ id, outcome: 'crashed', message: e.stack ?? e.message }, true);
      const onExit = (code: number) => finish({ id, outcome: 'crashed', message: `worker exited with code ${code}` }, true);
      const timer = setTimeout(() => finish({ id, outcome: 'hung' }, true), this.timeoutMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      const copy = bytes.slice();
      worker.postMessage({ id, name, bytes: copy, measure }, [copy.buffer]);
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}

/**
 * A rejection is a designed outcome when it is one of the ingest's own, worded
 * errors (format, budget, gzip). A TypeError, RangeError (stack overflow) or a bare
 * SyntaxError from deep inside means the input broke the code.
 */
export function isGracefulRejection(r: Extract<FuzzReply, { outcome: 'rejected' }>): boolean {
  return r.errorName === 'TraceFormatError' || r.errorName === 'BudgetExceededError';
}
