// Parallel parsing of big plain JSON traces: the event list is cut at event
// boundaries into one byte range per core; this worker parses the first range while
// fragment workers parse the others, then the fragments are merged in file order.
// The bytes come from a RangeSource (byteSource.ts): a File's slices, or a URL's ranged
// GETs when its server answers ranges. Falls back (returns null) whenever a cut turns
// out not to be between two events.

import { chromeTraceJson, ChromeTraceJsonImporter } from '../importers/chromeTraceJson';
import { findCut, type FragmentData } from '../importers/chromeTraceFragment';
import { firstContentByte } from '../importers/importer';
import { RawTrace } from './rawTrace';
import { helperName, watchHelper, WorkerStoppedError } from '../heartbeat';
import type { RangeSource } from './byteSource';
import type { StageClock } from './stageClock';

/** Below this a second thread costs more than it saves. */
export const PARALLEL_MIN_BYTES = 48 << 20;
/** How far past a share's nominal start we look for an event boundary. */
const CUT_WINDOW = 1 << 20;

/** A File: its args are read back from it later (FileReaderSync), so that must exist too. */
export function canParseInParallel(file: Blob): boolean {
  return 'FileReaderSync' in globalThis && canFetchInParallel(file.size);
}

/** A source of `size` bytes read by ranges (a URL's args are copied as they are parsed). */
export function canFetchInParallel(size: number): boolean {
  return size >= PARALLEL_MIN_BYTES && typeof Worker !== 'undefined' && fragmentCount() >= 2;
}

/** The share of the file this thread parses, against 1 for each fragment worker (the merge costs it about half a share: shares of 0.5 and 0.7 both beat equal ones on llm_decode_large). */
const FIRST_SHARE = 0.6;

function fragmentCount(): number {
  return Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 1);
}

/**
 * `checkFirst(bytes, events)` sees the first fragment's progress (a sample of the file),
 * so a budget can refuse before every fragment is parsed; it throws to stop.
 */
export async function parseInParallel(
  source: RangeSource,
  scanner: 'wasm' | 'js',
  onBytes: (n: number) => void,
  checkFirst: (bytes: number, events: number) => void = () => undefined,
  signal?: AbortSignal,
  stages?: StageClock,
): Promise<{ raw: RawTrace; importer: ChromeTraceJsonImporter } | null> {
  const size = source.size;
  const read = (at: number, len: number) => source.read(at, at + len, signal);
  const head = await read(0, 65536);
  if (head[0] === 0x1f && head[1] === 0x8b) return null;
  if (!chromeTraceJson.detect(head)) return null;
  const top = head[firstContentByte(head)] === 0x5b ? 'array' : 'object';

  const n = fragmentCount();
  const bounds = [0];
  // This thread also merges the fragments and indexes them after: it takes a smaller share,
  // so it is done with its own when the helpers are done with theirs.
  const shares = FIRST_SHARE + (n - 1);
  for (let k = 1; k < n; k++) {
    const nominal = Math.floor(((FIRST_SHARE + k - 1) * size) / shares);
    const cut = findCut(await read(nominal, CUT_WINDOW), nominal);
    if (cut === null || cut <= bounds[bounds.length - 1]) return null;
    bounds.push(cut);
  }
  bounds.push(size);
  const argsFile = 'file' in source.job ? source.job.file : null;

  const workers: { release(): void }[] = [];
  const started: Worker[] = [];
  // Cancel stops every fragment (its worker and so its fetches), not only this thread's.
  const stopAll = (): void => started.forEach((w) => w.terminate());
  signal?.addEventListener('abort', stopAll);
  const fragments = bounds.slice(1, -1).map(
    (start, i) =>
      new Promise<FragmentData>((resolve, reject) => {
        const name = helperName(`fragment ${i + 1}`);
        const worker = new Worker(new URL('./fragment.worker.ts', import.meta.url), { type: 'module', name });
        started.push(worker);
        workers.push(watchHelper(worker, name, () => reject(new WorkerStoppedError(`the parse helper worker for fragment ${i + 1} stopped`))));
        worker.onmessage = (e: MessageEvent<{ progress?: number; result?: FragmentData; error?: string; lifeline?: boolean }>) => {
          if (e.data.lifeline) return;
          if (e.data.progress) {
            stages?.markFirst(`fragment ${i + 1} first bytes`);
            onBytes(e.data.progress);
          } else if (e.data.result) {
            stages?.mark(`fragment ${i + 1} parsed`);
            resolve(e.data.result);
          }
          else reject(new Error(e.data.error ?? 'a fragment worker failed'));
        };
        worker.onerror = (e) => reject(new Error(e.message || 'a fragment worker failed'));
        worker.postMessage({ source: source.job, size, start, end: bounds[i + 2], top, scanner });
      }),
  );

  // A helper that fails is reported now, not once this thread has parsed its own share.
  let failed: unknown = null;
  for (const f of fragments) f.catch((err) => (failed ??= err));
  try {
    const raw = new RawTrace();
    raw.argsFile = argsFile;
    const importer = new ChromeTraceJsonImporter(raw);
    const stream = source.stream(0, bounds[1], signal).getReader();
    let firstBytes = 0;
    for (;;) {
      const { value, done } = await stream.read();
      if (done) break;
      if (failed) throw failed;
      importer.push(value);
      onBytes(value.length);
      firstBytes += value.length;
      checkFirst(firstBytes, raw.count);
    }
    stages?.mark('own share parsed');
    const parts = await Promise.all(fragments);
    // Each cut must have fallen between two events: the previous range ends there.
    const ends = [importer.endState(), ...parts.slice(0, -1).map((p) => p.end)];
    if (!ends.every((s) => ChromeTraceJsonImporter.betweenEvents(s, top))) return null;
    parts.forEach((p, k) => importer.absorb(p, k === parts.length - 1));
    stages?.mark('fragments merged');
    return { raw, importer };
  } finally {
    signal?.removeEventListener('abort', stopAll);
    for (const w of workers) w.release();
    // Done, or a fragment failed and the others are of no use now.
    stopAll();
  }
}
