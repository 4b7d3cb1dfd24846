// Decompresses gzip on its own thread so the parse worker scans while this one
// inflates: the two overlap instead of taking turns (see gunzipStream.ts).

import { holdLifeline } from '../heartbeat';

const lifeline = holdLifeline();

const post = (msg: unknown, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(msg, transfer);
const inflate = new DecompressionStream('gzip');
const writer = inflate.writable.getWriter();

void (async () => {
  const reader = inflate.readable.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const chunk = value as Uint8Array;
      post({ chunk }, [chunk.buffer as ArrayBuffer]);
    }
    post({ done: true });
  } catch (err) {
    post({ error: (err as Error).message || String(err) });
  }
})();

self.onmessage = (e: MessageEvent<{ chunk?: Uint8Array; end?: boolean; exit?: boolean }>) => {
  // Tests of the heartbeat: exit as a crash would, once the owner can tell.
  if (e.data.exit) return void lifeline.then(() => self.close());
  // Each compressed chunk is acknowledged once inflated, so the feeder stays a bounded distance ahead.
  if (e.data.chunk) void writer.write(e.data.chunk as unknown as BufferSource).then(() => post({ ack: true }), () => undefined);
  if (e.data.end) void writer.close().catch(() => undefined);
};
