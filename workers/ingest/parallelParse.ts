// Parallel parsing of big plain JSON traces: the event list is cut at event boundaries
// into pieces; this worker parses pieces from the front while fragment workers take
// pieces from the back, until they meet, so no thread waits for a slower one (a helper
// that starts late or runs slower simply takes fewer pieces). The helpers' pieces are
// then merged in file order.
// The bytes come from a RangeSource (byteSource.ts): a File's slices, or a URL's ranged
// GETs when its server answers ranges. Falls back (returns null) whenever a cut turns
// out not to be between two events.

import { chromeTraceJson, ChromeTraceJsonImporter } from '../importers/chromeTraceJson';
import { findCut, type FragmentData } from '../importers/chromeTraceFragment';
import { firstContentByte } from '../importers/importer';
import { RawTrace } from './rawTrace';
import { helperName, watchHelper, WorkerStoppedError } from '../heartbeat';
import { reopenablePiece, type RangeSource } from './byteSource';
import { argsSourceFor, canReadSync } from './argsSource';
import type { StageClock } from './stageClock';
import { pieceFilter, type FragmentJob, type PieceFilter } from './fragmentParse';
import { eachChunk } from './chunkReader';
import { readingYields } from './nextTask';
import type { LaneBuilder, LaneJobResult } from '../index/parallelLanes';
import { PieceClaims } from './pieceClaims';
import { pieceStarts } from './pieceStarts';

/** Below this a second thread costs more than it saves. */
export const PARALLEL_MIN_BYTES = 48 << 20;
/**
 * With two cores, below this a plain file or URL parses faster on one thread: its helper takes the core the
 * page, the browser's reads and V8's compiler threads (the JIT of every thread's code: ~0.4 s of CPU in a 100 MB
 * load) would have had. Same runs, 2-core VM, 2026-12-05 (bench/README.md): by picker, one thread against two,
 * first frame 0.64 vs 0.72 s at 100 MB, 1.31 vs 1.34 s at 297 MB, 3.96 vs 3.31 s at 1 GB; by URL, 0.62 vs
 * 0.83–0.90 s at 100 MB, 1.56–1.76 vs 2.01–2.17 s at 297 MB. A BGZF file's pieces are inflated in parallel too,
 * which pays off sooner.
 */
export const TWO_CORE_PLAIN_PARALLEL_MIN_BYTES = 320 << 20;

/**
 * The least bytes a plain JSON file or URL is parsed in parallel pieces from. `asked`: the address asks for
 * parallel pieces whatever the cores (`?pieces=parallel`: tests of the parallel parse on two cores). The index
 * writer's threads have no page or browser beside them: PARALLEL_MIN_BYTES there.
 */
export function plainParallelMinBytes(asked?: boolean): number {
  const twoCoreBrowser = threadPlatform === null && coreCount() <= 2;
  return twoCoreBrowser && !asked ? TWO_CORE_PLAIN_PARALLEL_MIN_BYTES : PARALLEL_MIN_BYTES;
}
/** How far past a piece's nominal start we look for an event boundary (a second, longer look past huge events). */
const CUT_WINDOWS = [64 << 10, 1 << 20];
/**
 * Pieces per thread (rounds, pieceStarts.ts): more balance the threads' ends, but each piece costs
 * a stream to open and, on a helper, an importer and a merge (16 per thread parsed llm_decode_large
 * 10–25 % slower than 6, same runs). A URL's piece costs a ranged GET, its round trip hidden since
 * each piece is asked for while the one before is parsed: with 4 per thread (100 MB by URL) one
 * thread waited for the other up to 99 ms at the end, with 6 at most 27 ms (3 + 3 loads, load 7–9).
 */
const PIECES_PER_THREAD = 6;
/** Pieces are no smaller than this (each is a fragment to merge, and a read or a ranged GET to start). */
const MIN_PIECE_BYTES = 2 << 20;
/** A File: its args are read back from it later (FileReaderSync, or the reader the index writer registered), so that must exist too. */
export function canParseInParallel(file: Blob, minBytes = PARALLEL_MIN_BYTES): boolean {
  return canReadSync(file) && canFetchInParallel(file.size, minBytes);
}

/** A source of `size` bytes read by ranges (its args are read back by range later, argsSource.ts). */
export function canFetchInParallel(size: number, minBytes = PARALLEL_MIN_BYTES): boolean {
  return size >= minBytes && canStartHelpers() && fragmentCount() >= 2;
}

/** Whether helper threads can be started here (a browser's Workers, or the index writer's threads). */
export function canStartHelpers(): boolean {
  return threadPlatform !== null || typeof Worker !== 'undefined';
}

/** The cores there are (the browser's count, or the index writer's threads). */
export function coreCount(): number {
  return threadPlatform?.threads ?? globalThis.navigator?.hardwareConcurrency ?? 1;
}

/**
 * Where fragment workers come from when this is not a browser: the index writer (bin/) starts
 * them as Node worker_threads behind the Worker surface used here (bin/src/nodeWorkers.ts).
 */
export interface FragmentThreads {
  /** Threads there are to parse on (this one included). */
  threads: number;
  start(name: string): Worker;
}

let threadPlatform: FragmentThreads | null = null;

/** Parses on `threads` (null: the browser's Workers again). */
export function useFragmentThreads(threads: FragmentThreads | null): void {
  threadPlatform = threads;
}

/** Threads that parse (this one and its helpers). */
export function fragmentCount(): number {
  return Math.min(4, coreCount());
}

/**
 * A fragment worker: parses one piece per job (fragment.worker.ts), in the order they were sent (a
 * job sent while it parses another waits there); once the parse is done, it builds lanes (index/parallelLanes.ts).
 */
export interface FragmentHelper extends LaneBuilder {
  run(job: FragmentJob, transfer?: Transferable[]): Promise<FragmentData>;
  release(): void;
}

/**
 * Fragment workers started ahead of the next load (module loaded, WebAssembly compiled),
 * so their start-up is not on the way to the first frame. Taken by a load, let go after it.
 */
const spare: { worker: Worker; name: string }[] = [];

/** Starts the fragment workers the next big load will use (a trace worker started ahead of its file). */
export function warmFragmentWorkers(): void {
  if (typeof Worker === 'undefined' || !('FileReaderSync' in globalThis)) return;
  while (spare.length < fragmentCount() - 1) spare.push(newFragmentWorker());
}

function newFragmentWorker(): { worker: Worker; name: string } {
  const name = helperName('fragment');
  const worker = threadPlatform ? threadPlatform.start(name) : new Worker(new URL('./fragment.worker.ts', import.meta.url), { type: 'module', name });
  worker.postMessage({ warm: true });
  return { worker, name };
}

/** Takes a warmed fragment worker (or starts one); `onBytes` sees its progress, `onPiece` each piece's first. */
export function startHelper(onBytes: (n: number) => void, onPiece: () => void): FragmentHelper {
  const { worker, name } = spare.pop() ?? newFragmentWorker();
  // Jobs and lane jobs are answered in the order they were sent (the worker takes them in turn).
  const pieces: { resolve(d: FragmentData): void; reject(e: unknown): void }[] = [];
  const laneJobs: { resolve(d: LaneJobResult): void; reject(e: unknown): void }[] = [];
  let failure: unknown = null;
  const fail = (err: unknown): void => {
    failure ??= err;
    for (const p of pieces.splice(0)) p.reject(err);
    for (const l of laneJobs.splice(0)) l.reject(err);
  };
  const watch = watchHelper(worker, name, () => fail(new WorkerStoppedError('a parse helper worker stopped')));
  worker.onmessage = (e: MessageEvent<{ progress?: number; result?: FragmentData; laneResult?: LaneJobResult; error?: string; lifeline?: boolean }>) => {
    if (e.data.lifeline) return;
    if (e.data.progress) {
      onPiece();
      onBytes(e.data.progress);
    } else if (e.data.result) pieces.shift()?.resolve(e.data.result);
    else if (e.data.laneResult) laneJobs.shift()?.resolve(e.data.laneResult);
    else fail(new Error(e.data.error ?? 'a fragment worker failed'));
  };
  worker.onerror = (e) => fail(new Error(e.message || 'a fragment worker failed'));
  return {
    run(job, transfer = []) {
      if (failure) return Promise.reject(failure);
      return new Promise<FragmentData>((resolve, reject) => {
        worker.postMessage(job, transfer);
        pieces.push({ resolve, reject });
      });
    },
    lanes(job, transfer) {
      if (failure) return Promise.reject(failure);
      return new Promise<LaneJobResult>((resolve, reject) => {
        // Queued once sent: a job that cannot be sent (throws) is not waited for.
        worker.postMessage(job, transfer);
        laneJobs.push({ resolve, reject });
      });
    },
    release: () => watch.release(),
  };
}

/**
 * `checkFirst(bytes, events)` sees this thread's progress (a sample of the file), so a
 * budget can refuse before every piece is parsed; it throws to stop.
 */
export async function parseInParallel(
  source: RangeSource,
  scanner: 'wasm' | 'js',
  onBytes: (n: number) => void,
  checkFirst: (bytes: number, events: number) => void = () => undefined,
  signal?: AbortSignal,
  stages?: StageClock,
  keep?: PieceFilter,
): Promise<{ raw: RawTrace; importer: ChromeTraceJsonImporter; helpers: ParseHelpers } | null> {
  const size = source.size;
  const read = (at: number, len: number) => source.read(at, at + len, signal);
  const head = await read(0, 65536);
  stages?.mark('head read');
  if (head[0] === 0x1f && head[1] === 0x8b) return null;
  if (!chromeTraceJson.detect(head)) return null;
  const top = head[firstContentByte(head)] === 0x5b ? 'array' : 'object';

  const threads = fragmentCount();
  const starts = pieceStarts(size, threads, PIECES_PER_THREAD, MIN_PIECE_BYTES);
  const pieces = starts.length - 1;
  // Piece k is [cut(k), cut(k + 1)); a cut is the first event boundary past the piece's nominal start.
  const nominal = (k: number): number => starts[k];
  const cuts = new Map<number, Promise<number | null>>();
  /** The bytes from nominal(k) in which cut k was found: the end of piece k − 1, which this thread parses from them. */
  const windows = new Map<number, Uint8Array>();
  const cut = (k: number): Promise<number | null> => {
    if (k === 0 || k === pieces) return Promise.resolve(k === 0 ? 0 : size);
    let c = cuts.get(k);
    if (!c) {
      c = (async () => {
        for (const window of CUT_WINDOWS) {
          const bytes = await read(nominal(k), window);
          const found = findCut(bytes, nominal(k));
          if (found !== null) {
            windows.set(k, bytes);
            return found;
          }
        }
        return null;
      })();
      cuts.set(k, c);
    }
    return c;
  };
  // Every cut is looked for at once (their reads overlap instead of each waiting its turn),
  // in the order the two ends will need them: the front's next, the helpers' next, and so on.
  for (let k = 1; k <= pieces - k; k++) for (const c of new Set([k, pieces - k])) void cut(c).catch(() => null);
  const piece = async (k: number): Promise<{ start: number; end: number } | null> => {
    const [start, end] = await Promise.all([cut(k), cut(k + 1)]);
    return start === null || end === null || end <= start ? null : { start, end };
  };

  // Claims, in this thread only (no two threads ever hold the same piece, none is fetched twice).
  const claims = new PieceClaims(pieces);
  let noCut = false;
  const parts: FragmentData[] = [];
  const argsSource = argsSourceFor(source.job);
  const helpers: FragmentHelper[] = [];
  const stopAll = (): void => helpers.forEach((h) => h.release());
  signal?.addEventListener('abort', stopAll);
  // A helper that fails is reported now, not once this thread has parsed its own pieces.
  let failed: unknown = null;
  /** Per helper: resolved once it was sent its first piece, or has none to take. */
  const firstSent: Promise<void>[] = [];
  const helping = Array.from({ length: threads - 1 }, (_, i) => {
    const helper = startHelper(onBytes, () => stages?.markFirst(`fragment ${i + 1} first bytes`));
    helpers.push(helper);
    let sentFirst = (): void => undefined;
    firstSent.push(new Promise<void>((resolve) => (sentFirst = resolve)));
    return (async () => {
      /** Its next piece, sent while it parses the current one (fragment.worker.ts queues it). */
      let queued: { k: number; parsed: Promise<FragmentData> } | null = null;
      const send = (range: { start: number; end: number }): Promise<FragmentData> => {
        stages?.markFirst(`fragment ${i + 1} first piece sent`);
        sentFirst();
        const parsed = helper.run({ source: source.job, size, start: range.start, end: range.end, top, scanner, keep });
        // Awaited in turn; a failure meanwhile is the loop's (failed), not an unhandled rejection.
        parsed.catch(() => undefined);
        return parsed;
      };
      for (let k = claims.takeHelper(i); k !== null && !noCut && !failed; k = claims.takeHelper(i)) {
        let parsed: Promise<FragmentData>;
        if (queued?.k === k) parsed = queued.parsed;
        else {
          const range = await piece(k);
          if (!range) {
            noCut = true;
            return;
          }
          parsed = send(range);
        }
        queued = null;
        // Its likely next piece (helpers take turns from the back), reserved now, so no other thread
        // takes it, and sent as soon as its cuts are known: the helper begins it the moment this one ends.
        const next: number = k - helpers.length;
        if (claims.reserveHelper(i, next)) {
          const range = await piece(next);
          if (range && claims.reservedFor(i, next)) queued = { k: next, parsed: send(range) };
        }
        parts[k] = await parsed;
      }
      stages?.mark(`fragment ${i + 1} parsed`);
    })()
      .catch((err) => {
        failed ??= err;
      })
      .finally(sentFirst);
  });

  try {
    const raw = new RawTrace();
    raw.argsSource = argsSource;
    raw.filter = pieceFilter(raw, keep);
    const importer = new ChromeTraceJsonImporter(raw);
    let ownBytes = 0;
    const yieldAfter = readingYields(source.job);
    const parse = async (chunk: Uint8Array): Promise<void> => {
      if (failed) throw failed;
      importer.push(chunk);
      onBytes(chunk.length);
      ownBytes += chunk.length;
      checkFirst(ownBytes, raw.count);
      await yieldAfter(chunk.length);
    };
    // A piece of this thread is read in two parts: up to its nominal end (a stream, which needs no
    // cut: the first one starts right after the head), then up to its cut from the bytes the cut was
    // found in (no request). Where a read costs a round trip (a URL), the next piece's first part is
    // asked for once its cut is known, so its bytes arrive while this one is parsed.
    const asked: (() => void)[] = [];
    const ask = (from: number, k: number): void => {
      if (source.prefetch) asked.push(source.prefetch(from, Math.max(from, nominal(k + 1)), signal));
    };
    const askAhead = (k: number): void => {
      // Unless a helper claimed it meanwhile, or this thread began it (its stream asked for it then).
      void cut(k).then((from) => {
        if (from !== null && claims.reserveFront(k)) ask(from, k);
      }, () => undefined);
    };
    ask(0, 0);
    // The helpers' first pieces go out before this thread parses: a File's bytes come in microtasks
    // while queued, so the answers to their cuts' reads (tasks) would wait for a lull in this
    // thread's stream (at 100 MB the first piece went out 15–132 ms after the head, once 1.2 s at 2 GB).
    await Promise.all(firstSent);
    try {
      for (let k = claims.takeFront(); k !== null && !noCut; k = claims.takeFront()) {
        const start = ownBytes;
        askAhead(k + 1);
        const middle = k + 1 === pieces ? size : Math.max(start, nominal(k + 1));
        await eachChunk(source.stream(start, middle, signal), parse, true, reopenablePiece(source, start, middle, signal));
        const end = await cut(k + 1);
        if (end === null || end <= start) {
          noCut = true;
          break;
        }
        if (end > ownBytes) await parse(windows.get(k + 1)!.subarray(ownBytes - nominal(k + 1), end - nominal(k + 1)));
      }
    } finally {
      // Pieces asked for that this thread did not reach are the helpers'.
      for (const drop of asked) drop();
    }
    stages?.mark('own share parsed');
    await Promise.all(helping);
    if (failed) throw failed;
    if (noCut) return null;
    // Each cut must have fallen between two events: the piece before it ends there.
    const merged = parts.slice(claims.frontEnd);
    const ends = [importer.endState(), ...merged.map((p) => p.end)].slice(0, merged.length);
    if (!ends.every((s) => ChromeTraceJsonImporter.betweenEvents(s, top))) return null;
    importer.absorbAll(merged);
    stages?.mark('fragments merged');
    // The helpers, idle now, stay for the index (TraceIndex.build); the caller lets them go.
    const kept = helpers.splice(0);
    const release = (): void => {
      signal?.removeEventListener('abort', release);
      kept.forEach((h) => h.release());
    };
    signal?.addEventListener('abort', release);
    return { raw, importer, helpers: { builders: kept, release } };
  } finally {
    // Done, or a piece failed and the others are of no use now (helpers handed over are the caller's).
    signal?.removeEventListener('abort', stopAll);
    stopAll();
  }
}

/** A parallel parse's helpers, handed over for the index: they build lanes until released (Cancel stops them too). */
export interface ParseHelpers {
  builders: LaneBuilder[];
  release(): void;
}
