// Parses pieces of a plain JSON trace's event list (fragments, one per message) and sends
// each result back as transferable columns (see importers/chromeTraceFragment.ts). A piece is
// a File's slice or a URL's ranged GET (byteSource.ts: RangeSource), read here, or bytes a
// stream delivered to the trace worker (a .gz as it inflates: streamPieces.ts), sent here.

import { fragmentBuffers, type FragmentData } from '../importers/chromeTraceFragment';
import { useJsScanner, WasmEventScanner } from '../importers/wasmScanner';
import { holdLifeline } from '../heartbeat';
import { rangeSourceFor } from './byteSource';
import { argsSourceFor } from './argsSource';
import { fragmentImporter, parseFragmentBytes, type FragmentJob } from './fragmentParse';
import { eachChunk } from './chunkReader';

holdLifeline();

self.onmessage = async (e: MessageEvent<FragmentJob | { warm: true }>) => {
  // Started ahead of a load: compile the scanner now, not when the first piece comes.
  if ('warm' in e.data) return WasmEventScanner.create()?.dispose();
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
      await eachChunk(rangeSourceFor(job.source, job.size).stream(job.start, job.end), (value) => {
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
