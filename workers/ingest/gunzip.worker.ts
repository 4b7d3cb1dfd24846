// Decompresses gzip on its own thread so the parse worker scans while this one
// inflates: the two overlap instead of taking turns (see gunzipStream.ts). Every gzip
// member is inflated (gzipMembers.ts), not only the first.

import { holdLifeline } from '../heartbeat';
import { MemberInflater } from './gzipMembers';

const lifeline = holdLifeline();

const post = (msg: unknown, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(msg, transfer);
const inflater = new MemberInflater((chunk) => post({ chunk }, [chunk.buffer as ArrayBuffer]));
/** Chunks are inflated one after another; each is acknowledged once inflated, so the feeder stays a bounded distance ahead. */
let queue: Promise<void> = Promise.resolve();
let failed = false;
const fail = (err: unknown): void => {
  if (failed) return;
  failed = true;
  post({ error: (err as Error)?.message || String(err) });
};

self.onmessage = (e: MessageEvent<{ chunk?: Uint8Array; end?: boolean; exit?: boolean }>) => {
  // Tests of the heartbeat: exit as a crash would, once the owner can tell.
  if (e.data.exit) return void lifeline.then(() => self.close());
  const { chunk, end } = e.data;
  if (chunk) {
    queue = queue.then(async () => {
      if (failed) return;
      await inflater.push(chunk).catch(fail);
      post({ ack: true });
    });
  }
  if (end) {
    queue = queue.then(async () => {
      if (failed) return;
      await inflater.end().then(() => post({ done: true }), fail);
    });
  }
};
