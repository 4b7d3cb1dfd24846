// Parses pieces of a plain JSON trace's event list (fragments, one per message) and sends
// each result back as transferable columns (see importers/chromeTraceFragment.ts). A piece is
// a File's slice or a URL's ranged GET (byteSource.ts: RangeSource), read here, or bytes a
// stream delivered to the trace worker (a .gz as it inflates: streamPieces.ts), sent here.
// Once the parse is over, it builds lanes of the index the trace worker sends (index/parallelLanes.ts).

import { fragmentBuffers } from '../importers/chromeTraceFragment';
import { WasmEventScanner } from '../importers/wasmScanner';
import { holdLifeline } from '../heartbeat';
import { rangeSourceFor, type RangeSource } from './byteSource';
import { parseFragmentJob, type FragmentJob } from './fragmentParse';
import { buildLaneJob, type LaneJob } from '../index/parallelLanes';

holdLifeline();

/**
 * Jobs sent while one is parsed, in order. A helper is sent its next piece while it parses one, so
 * it starts the next the moment it ends, not once the trace worker (busy parsing pieces of its own)
 * reads the result and answers: that wait was 20–57 ms per piece. A URL's queued piece is asked for
 * at once (RangeSource.prefetch), so its bytes arrive while the current one is parsed.
 */
const queue: { job: FragmentJob; asked: RangeSource | null; drop(): void }[] = [];
let parsing = false;

/** Progress is told per this many bytes, not per stream chunk (a File's come ~128 kB at a time in Chromium: ~800 messages per 100 MB). */
const PROGRESS_BYTES = 1 << 20;

const post = (msg: unknown, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(msg, transfer);

self.onmessage = (e: MessageEvent<FragmentJob | LaneJob | { warm: true }>) => {
  // Started ahead of a load: compile the scanner now, not when the first piece comes.
  if ('warm' in e.data) return WasmEventScanner.create()?.dispose();
  if ('lanes' in e.data) {
    // The parse is over: lanes of the index to sort, row and tile (index/parallelLanes.ts).
    try {
      const { result, transfer } = buildLaneJob(e.data);
      post({ laneResult: result }, transfer);
    } catch (err) {
      post({ error: (err as Error).message || String(err) });
    }
    return;
  }
  const job = e.data;
  const asked = parsing && 'source' in job && 'url' in job.source ? rangeSourceFor(job.source, job.size) : null;
  queue.push({ job, asked, drop: (asked && 'start' in job && asked.prefetch?.(job.start, job.end)) || (() => undefined) });
  if (!parsing) void parseQueued();
};

async function parseQueued(): Promise<void> {
  parsing = true;
  for (let next = queue.shift(); next; next = queue.shift()) {
    try {
      let unreported = 0;
      const result = await parseFragmentJob(next.job, next.asked, (n) => {
        if ((unreported += n) < PROGRESS_BYTES) return;
        post({ progress: unreported });
        unreported = 0;
      });
      if (unreported) post({ progress: unreported });
      post({ result }, fragmentBuffers(result));
    } catch (err) {
      // The parse stops at the first failure: the pieces queued after it are of no use.
      for (const q of queue.splice(0)) q.drop();
      next.drop();
      post({ error: (err as Error).message || String(err) });
    }
  }
  parsing = false;
}
