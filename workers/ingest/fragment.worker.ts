// Parses pieces of a plain JSON trace's event list (fragments, one per message) and sends
// each result back as transferable columns (see importers/chromeTraceFragment.ts). A piece is
// a File's slice or a URL's ranged GET (byteSource.ts: RangeSource), read here, or bytes a
// stream delivered to the trace worker (a .gz as it inflates: streamPieces.ts), sent here.
// Once the parse is over, it builds lanes of the index the trace worker sends (index/parallelLanes.ts).

import { fragmentBuffers, type FragmentData } from '../importers/chromeTraceFragment';
import { useJsScanner, WasmEventScanner } from '../importers/wasmScanner';
import { holdLifeline } from '../heartbeat';
import { rangeSourceFor } from './byteSource';
import { argsSourceFor } from './argsSource';
import { fragmentImporter, parseFragmentBytes, type FragmentAhead, type FragmentJob } from './fragmentParse';
import type { RangeSource } from './byteSource';
import { eachChunk } from './chunkReader';
import { buildLaneJob, type LaneJob } from '../index/parallelLanes';

holdLifeline();

/** The range asked for ahead (FragmentAhead), on the source a job for it reads from; dropped by a job for another. */
let ahead: { source: RangeSource; start: number; drop(): void } | null = null;

self.onmessage = async (e: MessageEvent<FragmentJob | FragmentAhead | LaneJob | { warm: true }>) => {
  // Started ahead of a load: compile the scanner now, not when the first piece comes.
  if ('warm' in e.data) return WasmEventScanner.create()?.dispose();
  if ('lanes' in e.data) {
    // The parse is over: lanes of the index to sort, row and tile (index/parallelLanes.ts).
    try {
      const { result, transfer } = buildLaneJob(e.data);
      (self as unknown as Worker).postMessage({ laneResult: result }, transfer);
    } catch (err) {
      (self as unknown as Worker).postMessage({ error: (err as Error).message || String(err) });
    }
    return;
  }
  if ('ahead' in e.data) {
    const { source: of, size, start, end } = e.data.ahead;
    ahead?.drop();
    const source = rangeSourceFor(of, size);
    ahead = { source, start, drop: source.prefetch?.(start, end) ?? (() => undefined) };
    return;
  }
  const job = e.data;
  useJsScanner(job.scanner === 'js');
  const post = (msg: unknown, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(msg, transfer);
  try {
    let result: FragmentData;
    if ('bytes' in job) {
      result = parseFragmentBytes(job.bytes, { top: job.top, base: job.base });
      post({ progress: job.bytes.length });
    } else {
      // Args stay in the file (or behind the URL's ranges) and are read back by offset.
      const importer = fragmentImporter({ top: job.top, base: job.start }, argsSourceFor(job.source), job.keep);
      const asked = ahead?.start === job.start ? ahead.source : null;
      if (!asked) ahead?.drop();
      ahead = null;
      await eachChunk((asked ?? rangeSourceFor(job.source, job.size)).stream(job.start, job.end), (value) => {
        importer.push(value);
        post({ progress: value.length });
      }, 'url' in job.source);
      result = importer.fragmentResult();
    }
    post({ result }, fragmentBuffers(result));
  } catch (err) {
    post({ error: (err as Error).message || String(err) });
  }
};
