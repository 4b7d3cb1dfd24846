// One piece of a plain JSON event list parsed on its own, as a FRAGMENT
// (importers/chromeTraceFragment.ts): the same steps in a fragment worker and in the trace
// worker itself when it takes a piece of a stream while every helper is busy.

import type { FragmentData, FragmentStart } from '../importers/chromeTraceFragment';
import { ChromeTraceJsonImporter } from '../importers/chromeTraceJson';
import type { ArgsSource } from './argsSource';
import type { RangeSource } from './byteSource';
import { RawTrace } from './rawTrace';

/** What a fragment worker is asked to parse: a range it reads itself, or bytes sent along (transferred). */
export type FragmentJob = { top: FragmentStart['top']; scanner: 'wasm' | 'js' } & ({ source: RangeSource['job']; size: number; start: number; end: number } | { bytes: Uint8Array; base: number });

/** An importer for the piece starting at `start.base`; args outside (argsSource) stay there and are read back by offset. */
export function fragmentImporter(start: FragmentStart, argsSource: ArgsSource | null): ChromeTraceJsonImporter {
  const raw = new RawTrace();
  raw.argsSource = argsSource;
  // In-memory args are repacked into one buffer for the merge: not worth deflating here.
  raw.args.compress = false;
  return new ChromeTraceJsonImporter(raw, start);
}

/** A piece already in memory (a stream's bytes): parsed whole, its args kept with it. */
export function parseFragmentBytes(bytes: Uint8Array, start: FragmentStart): FragmentData {
  const importer = fragmentImporter(start, null);
  importer.push(bytes);
  return importer.fragmentResult();
}
