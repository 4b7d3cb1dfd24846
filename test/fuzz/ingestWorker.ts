// The fuzz target, run in a worker_threads worker (bundled by ingestFuzz.ts): loads
// the bytes it is sent through loadTrace and reports the outcome and any broken
// index invariant. Crashes and hangs are seen by the parent (error event, watchdog).

import { parentPort } from 'node:worker_threads';
import { loadTrace } from '../../workers/ingest/loadTrace';
import { indexProblems } from '../support/indexInvariants';

export interface FuzzRequest {
  id: number;
  name: string;
  bytes: Uint8Array;
}

export type FuzzReply =
  | { id: number; outcome: 'loaded'; events: number; warnings: string[]; problems: string[] }
  | { id: number; outcome: 'rejected'; errorName: string; message: string; stack: string };

parentPort!.on('message', async (req: FuzzRequest) => {
  let reply: FuzzReply;
  try {
    const index = await loadTrace({ kind: 'file', file: new Blob([req.bytes as BlobPart]), name: req.name }, { trace: 'fuzz' });
    reply = { id: req.id, outcome: 'loaded', events: index.result.events, warnings: index.result.warnings.map((w) => w.code), problems: indexProblems(index) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = { id: req.id, outcome: 'rejected', errorName: err.name, message: err.message, stack: err.stack ?? '' };
  }
  parentPort!.postMessage(reply);
});
