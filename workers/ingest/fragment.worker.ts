// Parses byte ranges of a plain JSON trace's event list (fragments, one per message) and
// sends each result back as transferable columns (see importers/chromeTraceFragment.ts). The bytes
// are a File's slice or a URL's ranged GET (byteSource.ts: RangeSource).

import { fragmentBuffers, type FragmentStart } from '../importers/chromeTraceFragment';
import { ChromeTraceJsonImporter } from '../importers/chromeTraceJson';
import { useJsScanner, WasmEventScanner } from '../importers/wasmScanner';
import { RawTrace } from './rawTrace';
import { holdLifeline } from '../heartbeat';
import { rangeSourceFor, type RangeSource } from './byteSource';
import { argsSourceFor } from './argsSource';

holdLifeline();

interface FragmentJob {
  source: RangeSource['job'];
  size: number;
  start: number;
  end: number;
  top: FragmentStart['top'];
  scanner: 'wasm' | 'js';
}

self.onmessage = async (e: MessageEvent<FragmentJob | { warm: true }>) => {
  // Started ahead of a load: compile the scanner now, not when the first piece comes.
  if ('warm' in e.data) return WasmEventScanner.create()?.dispose();
  const { source, size, start, end, top, scanner } = e.data;
  useJsScanner(scanner === 'js');
  const post = (msg: unknown, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(msg, transfer);
  try {
    const raw = new RawTrace();
    // Args stay in the file (or behind the URL's ranges) and are read back by offset.
    raw.argsSource = argsSourceFor(source);
    // In-memory args are repacked into one buffer for the merge: not worth deflating here.
    raw.args.compress = false;
    const importer = new ChromeTraceJsonImporter(raw, { top, base: start });
    const reader = rangeSourceFor(source, size).stream(start, end).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      importer.push(value);
      post({ progress: value.length });
    }
    const result = importer.fragmentResult();
    post({ result }, fragmentBuffers(result));
  } catch (err) {
    post({ error: (err as Error).message || String(err) });
  }
};
