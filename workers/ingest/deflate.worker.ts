// Deflates args chunks for the trace worker's ByteStore (see deflate.ts), so the parse
// does not wait for compression.

import { deflateNative } from './deflate';
import { holdLifeline } from '../heartbeat';

holdLifeline();

const post = (msg: unknown, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(msg, transfer);

self.onmessage = async (e: MessageEvent<{ id: number; data: Uint8Array }>) => {
  const { id, data } = e.data;
  try {
    const out = await deflateNative(data);
    post({ id, out }, [out.buffer as ArrayBuffer]);
  } catch (err) {
    post({ id, error: (err as Error).message || String(err) });
  }
};
