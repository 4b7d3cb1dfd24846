// The fuzz target, run in a worker_threads worker (bundled by ingestFuzz.ts): loads
// the bytes it is sent through loadTrace and reports the outcome and any broken
// index invariant. Crashes and hangs are seen by the parent (error event, watchdog).

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { loadTrace } from '../../workers/ingest/loadTrace';
import { indexProblems } from '../support/indexInvariants';

export interface FuzzRequest {
  id: number;
  name: string;
  bytes: Uint8Array;
  /** Only time the load (test/complexity): the index checks are skipped, they are not part of it. */
  measure?: boolean;
}

export type FuzzReply =
  | { id: number; outcome: 'loaded'; events: number; warnings: string[]; problems: string[]; ms: number; cpuMs: number }
  | { id: number; outcome: 'rejected'; errorName: string; message: string; stack: string; byteOffset?: number };

// A timed load starts on a collected heap: else it pays for collecting the previous
// load's index, and a 4n load after a 4n load pays 4× more than an n load after an n.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

parentPort!.on('message', async (req: FuzzRequest) => {
  let reply: FuzzReply;
  try {
    const file = new Blob([req.bytes as BlobPart]);
    if (req.measure) gc();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const index = await loadTrace({ kind: 'file', file, name: req.name }, { trace: 'fuzz' });
    // The whole process's CPU time (this thread, GC and zlib helpers); the parent thread waits meanwhile.
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const ms = performance.now() - t0;
    // The background work a load leaves (args deflation, begun by the app's first frame) is
    // done before the next request: else the next timed load meets this index still held,
    // and pays to collect it (a 4n load after a 4n load read 6.2–6.7× where 4n after n reads 4×).
    index.beginBackground();
    await index.settled;
    const problems = req.measure ? [] : indexProblems(index);
    reply = { id: req.id, outcome: 'loaded', events: index.result.events, warnings: index.result.warnings.map((w) => w.code), problems, ms, cpuMs };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const byteOffset = (err as { byteOffset?: number }).byteOffset;
    reply = { id: req.id, outcome: 'rejected', errorName: err.name, message: err.message, stack: err.stack ?? '', ...(byteOffset === undefined ? {} : { byteOffset }) };
  }
  parentPort!.postMessage(reply);
});
