// Raw DEFLATE of args chunks (ByteStore), in native code and off the parse's thread
// where the platform allows it: a module worker, else CompressionStream in this thread,
// else in this thread (rawDeflate.ts). Every path writes raw DEFLATE, which rawDeflate.ts reads back.

import { deflateRaw } from './rawDeflate';
import { helperName, watchHelper } from '../heartbeat';

export interface Deflater {
  deflate(data: Uint8Array): Promise<Uint8Array>;
  /** Stops the helper thread (pending results are dropped). */
  close(): void;
}

/** Raw deflate with the platform's native CompressionStream. */
export async function deflateNative(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The best deflater here: a worker thread, else native in this thread, else rawDeflate.ts (still async). */
export function startDeflater(): Deflater {
  if (typeof Worker !== 'undefined') {
    try {
      const name = helperName('deflate');
      return workerDeflater(new Worker(new URL('./deflate.worker.ts', import.meta.url), { type: 'module', name }), name);
    } catch {
      // No module workers here (or a stand-in that refuses): deflate in this thread.
    }
  }
  return {
    deflate: (data) => (typeof CompressionStream !== 'undefined' ? deflateNative(data) : Promise.resolve(deflateRaw(data, 1))),
    close: () => undefined,
  };
}

function workerDeflater(worker: Worker, name: string): Deflater {
  const waiting = new Map<number, { resolve: (d: Uint8Array) => void; reject: (e: Error) => void }>();
  let next = 0;
  /** Once the worker failed or was closed, every call rejects at once (the caller deflates itself). */
  let broken: string | null = null;
  const failAll = (message: string): void => {
    broken = message;
    for (const w of waiting.values()) w.reject(new Error(message));
    waiting.clear();
  };
  worker.onmessage = (e: MessageEvent<{ id: number; out?: Uint8Array; error?: string }>) => {
    const w = waiting.get(e.data.id);
    if (!w) return;
    waiting.delete(e.data.id);
    if (e.data.out) w.resolve(e.data.out);
    else w.reject(new Error(e.data.error ?? 'deflate failed'));
  };
  worker.onerror = (e) => failAll(e.message || 'the deflate worker failed');
  const helper = watchHelper(worker, name, () => failAll('the deflate worker stopped'));
  worker.onmessageerror = () => failAll('the deflate worker sent an unreadable message');
  return {
    deflate(data) {
      if (broken !== null) return Promise.reject(new Error(broken));
      const id = next++;
      // A copy travels (transferred): the store keeps reading its own bytes meanwhile.
      const copy = data.slice();
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, data: copy }, [copy.buffer as ArrayBuffer]);
      });
    },
    close() {
      helper.release();
      failAll('the deflate worker was closed');
    },
  };
}
