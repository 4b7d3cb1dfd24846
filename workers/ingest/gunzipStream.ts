// gzip → bytes, on a second thread where the platform allows it (a module worker
// started from the trace worker), else in this thread. Same stream semantics either
// way: a cut or corrupt file errors the stream after the bytes that did inflate; every
// gzip member is inflated (gzipMembers.ts).

import { helperName, watchHelper, WorkerStoppedError } from '../heartbeat';
import { gunzipMembers } from './gzipMembers';

/** Compressed chunks sent to the gunzip worker and not yet inflated. */
const MAX_IN_FLIGHT = 4;
/** Inflated bytes waiting for the parser before we stop feeding. */
const MAX_QUEUED_BYTES = 32 << 20;

/** `debug: 'exit'`: the helper exits after its first chunk (tests of the heartbeat). */
export function gunzip(compressed: ReadableStream<Uint8Array>, debug?: 'exit'): ReadableStream<Uint8Array> {
  if (typeof Worker === 'undefined') {
    return compressed.pipeThrough(gunzipMembers());
  }
  const name = helperName('gunzip');
  const worker = new Worker(new URL('./gunzip.worker.ts', import.meta.url), { type: 'module', name });
  let onGone = (): void => undefined;
  const { release } = watchHelper(worker, name, () => onGone());
  const reader = compressed.getReader();
  let inFlight = 0;
  let wake: (() => void) | null = null;
  const wakeFeeder = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const finish = (): void => release();

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        onGone = () => {
          controller.error(new WorkerStoppedError('the gunzip helper worker stopped while decompressing'));
          void reader.cancel().catch(() => undefined);
        };
        worker.onmessage = (e: MessageEvent<{ chunk?: Uint8Array; ack?: boolean; done?: boolean; error?: string }>) => {
          if (e.data.ack) {
            inFlight--;
            wakeFeeder();
          } else if (e.data.chunk) {
            controller.enqueue(e.data.chunk);
          } else if (e.data.done) {
            controller.close();
            finish();
          } else if (e.data.error !== undefined) {
            controller.error(new TypeError(e.data.error));
            finish();
          }
        };
        worker.onerror = (e) => {
          controller.error(new Error(e.message || 'the gunzip worker failed'));
          finish();
        };
        void (async () => {
          try {
            for (;;) {
              while (inFlight >= MAX_IN_FLIGHT || (controller.desiredSize ?? 1) <= 0) await new Promise<void>((r) => (wake = r));
              const { value, done } = await reader.read();
              if (done) break;
              const copy = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : value.slice();
              inFlight++;
              worker.postMessage({ chunk: copy, exit: debug === 'exit' }, [copy.buffer as ArrayBuffer]);
            }
            worker.postMessage({ end: true });
          } catch (err) {
            controller.error(err);
            finish();
          }
        })();
      },
      pull() {
        wakeFeeder();
      },
      cancel(reason) {
        finish();
        return reader.cancel(reason);
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: MAX_QUEUED_BYTES }),
  );
}
