// The reference every parallel parse is compared with: one importer reading the bytes in order.

import { ChromeTraceJsonImporter } from '../../workers/importers/chromeTraceJson';
import { RawTrace } from '../../workers/ingest/rawTrace';
import { TraceIndex } from '../../workers/index/traceIndex';

/** A parsed RawTrace indexed as a load would index it. */
export function indexOfRaw(raw: RawTrace): TraceIndex {
  return new TraceIndex({ raw, trace: 't', fileName: 't', format: 'json', bytes: 0, parseMs: 0 });
}

/** Chrome JSON bytes parsed in one pass, in chunks of `chunk`, and indexed. */
export function sequentialIndex(bytes: Uint8Array, chunk = 1 << 16): TraceIndex {
  const raw = new RawTrace();
  const imp = new ChromeTraceJsonImporter(raw);
  for (let at = 0; at < bytes.length; at += chunk) imp.push(bytes.subarray(at, at + chunk));
  imp.finish();
  return indexOfRaw(raw);
}
