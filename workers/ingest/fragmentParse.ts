// One piece of a plain JSON event list parsed on its own, as a FRAGMENT
// (importers/chromeTraceFragment.ts): the same steps in a fragment worker and in the trace
// worker itself when it takes a piece of a stream while every helper is busy.

import type { FragmentData, FragmentStart } from '../importers/chromeTraceFragment';
import { ChromeTraceJsonImporter } from '../importers/chromeTraceJson';
import type { ArgsSource } from './argsSource';
import { rangeSourceFor, reopenablePiece, type RangeSource } from './byteSource';
import { argsSourceFor } from './argsSource';
import { eachChunk } from './chunkReader';
import { readingYields } from './nextTask';
import { useJsScanner } from '../importers/wasmScanner';
import { RawTrace } from './rawTrace';
import { ChoiceFilter, SurveyCounter } from './eventChoice';
import type { TraceChoice } from '../../src/model/traceChoice';

/** Opening part of a trace (ingest/eventChoice.ts): a piece of a partial open keeps the choice, a piece of the counting pass counts. */
export type PieceFilter = TraceChoice | 'survey';

/** The RawTrace filter of a piece (null: keep everything). */
export function pieceFilter(raw: RawTrace, keep: PieceFilter | undefined): ChoiceFilter | SurveyCounter | null {
  return keep === 'survey' ? new SurveyCounter(raw) : keep ? new ChoiceFilter(raw, keep) : null;
}

/** What a fragment worker is asked to parse: a range it reads itself, or bytes sent along (transferred). */
export type FragmentJob = { top: FragmentStart['top']; scanner: 'wasm' | 'js'; keep?: PieceFilter } & ({ source: RangeSource['job']; size: number; start: number; end: number } | { bytes: Uint8Array; base: number });

/** An importer for the piece starting at `start.base`; args outside (argsSource) stay there and are read back by offset. */
export function fragmentImporter(start: FragmentStart, argsSource: ArgsSource | null, keep?: PieceFilter): ChromeTraceJsonImporter {
  const raw = new RawTrace();
  raw.argsSource = argsSource;
  raw.filter = pieceFilter(raw, keep);
  // In-memory args are repacked into one buffer for the merge: not worth deflating here.
  raw.args.compress = false;
  return new ChromeTraceJsonImporter(raw, start);
}

const PUSH_BYTES = 1 << 20;

/** A piece already in memory (a stream's bytes): parsed whole, its args kept with it. */
export function parseFragmentBytes(bytes: Uint8Array, start: FragmentStart): FragmentData {
  const importer = fragmentImporter(start, null);
  // In slices, as a stream would come: the scanner's memory holds one slice, not the whole piece.
  for (let at = 0; at < bytes.length; at += PUSH_BYTES) importer.push(bytes.subarray(at, at + PUSH_BYTES));
  return importer.fragmentResult();
}

/**
 * One job of a fragment worker, parsed: bytes sent along, or a range read from its source (`asked`:
 * the source its bytes were asked for ahead on). `onBytes` sees the progress. Args stay in the
 * file (or behind the URL's ranges) and are read back by offset.
 */
export async function parseFragmentJob(job: FragmentJob, asked: RangeSource | null, onBytes: (n: number) => void): Promise<FragmentData> {
  useJsScanner(job.scanner === 'js');
  if ('bytes' in job) {
    const result = parseFragmentBytes(job.bytes, { top: job.top, base: job.base });
    onBytes(job.bytes.length);
    return result;
  }
  const importer = fragmentImporter({ top: job.top, base: job.start }, argsSourceFor(job.source), job.keep);
  const yieldAfter = readingYields(job.source);
  const source = asked ?? rangeSourceFor(job.source, job.size);
  await eachChunk(
    source.stream(job.start, job.end),
    (value) => {
      importer.push(value);
      onBytes(value.length);
      return yieldAfter(value.length);
    },
    true,
    reopenablePiece(source, job.start, job.end),
  );
  return importer.fragmentResult();
}
