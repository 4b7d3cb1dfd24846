// The ingest pipeline for one trace: bytes → (gunzip) → importer → lane mapping →
// index. Pure of any worker API, so Node runs it in unit tests.

import type { LoadProgress, TraceSource } from '../../src/model/types';
import { gzipProblemText } from './gzipProblems';
import { chromeTraceJson } from '../importers/chromeTraceJson';
import { useJsScanner } from '../importers/wasmScanner';
import { firstContentByte, TraceFormatError, type ImporterFormat } from '../importers/importer';
import { collapsedStacks } from '../importers/collapsedStacks';
import { nsysSqlite } from '../importers/nsysSqlite';
import { speedscope } from '../importers/speedscope';
import { strace } from '../importers/strace';
import { TraceIndex } from '../index/traceIndex';
import { countingStream, fileRanges, isGzip, openSource, peek } from './byteSource';
import { gunzip } from './gunzipStream';
import { setBeatListener, WorkerStoppedError } from '../heartbeat';
import { canFetchInParallel, canParseInParallel, parseInParallel } from './parallelParse';
import { checkBudget } from './memoryBudget';
import { RawTrace } from './rawTrace';
import { StageClock } from './stageClock';
import { argsSourceFor } from './argsSource';
import type { CategoryRule } from '../lanes/categoryRules';

/** Every supported format, tried in order on the first decoded bytes (strict detectors first: `[pid N]` strace lines start like a JSON array). */
export const FORMATS: ImporterFormat[] = [nsysSqlite, strace, speedscope, collapsedStacks, chromeTraceJson];

export interface LoadOptions {
  trace: string;
  onProgress?: (p: LoadProgress) => void;
  signal?: AbortSignal;
  /** Refuse (BudgetExceededError) before the index would outgrow this many bytes (memoryBudget.ts). */
  budgetBytes?: number;
  /** Category rules for the lane-mapping stage (workers/lanes/categoryRules.ts). */
  laneRules?: readonly CategoryRule[];
  /** Tests of the heartbeat: the gunzip helper exits after its first chunk. */
  debugHelper?: 'exit';
  /** `js`: Chrome JSON is read by the JS scanner even where WebAssembly works (`?scanner=js`: comparisons). */
  scanner?: 'wasm' | 'js';
}

export async function loadTrace(source: TraceSource, opts: LoadOptions): Promise<TraceIndex> {
  const t0 = performance.now();
  const stages = new StageClock();
  useJsScanner(opts.scanner === 'js');
  const opened = await openSource(source, opts.signal);
  const { stream, total } = opened;
  const progress: LoadProgress = { phase: 'read', bytesDone: 0, bytesTotal: total, scannedBytes: 0, events: 0, elapsedMs: 0 };
  let lastReport = 0;
  const report = (force = false): void => {
    const now = performance.now();
    if (!force && now - lastReport < 100) return;
    lastReport = now;
    progress.elapsedMs = now - t0;
    opts.onProgress?.({ ...progress });
  };
  // Long synchronous stages (lane mapping, tiles) beat through the same report (one load per worker).
  setBeatListener(() => report(true));
  report(true);

  // Big plain files, and URLs whose server answers ranges, are parsed in parallel fragments.
  const ranges = source.kind === 'file' ? (canParseInParallel(source.file) ? fileRanges(source.file) : null) : opened.ranges && canFetchInParallel(opened.ranges.size) ? opened.ranges : null;
  if (ranges) {
    progress.phase = 'parse';
    const parallel = await parseInParallel(
      ranges,
      opts.scanner ?? 'wasm',
      (n) => {
        progress.bytesDone += n;
        progress.scannedBytes += n;
        report();
      },
      // The first fragment is a sample of the file: project it to the whole.
      (bytes, events) => checkBudget(opts.budgetBytes, { bytesRead: bytes, bytesTotal: total, decodedBytes: bytes, events }, source.name),
      opts.signal,
      stages,
    );
    if (parallel) {
      await stream.cancel();
      parallel.importer.finish();
      stages.mark('parsed');
      return await indexTrace(parallel.raw, chromeTraceJson.name, performance.now() - t0);
    }
    progress.bytesDone = progress.scannedBytes = 0;
  }

  const counted = stream.pipeThrough(countingStream((n) => (progress.bytesDone += n)));
  const peeked = await peek(counted);
  const gzip = isGzip(peeked.head);
  let decoded = peeked.stream;
  if (gzip) {
    progress.phase = 'decompress';
    decoded = gunzip(decoded, opts.debugHelper);
  }

  const raw = new RawTrace();
  // Plain files, and plain URLs whose server answers ranges: args stay there and are read back on selection.
  if (!gzip) raw.argsSource = source.kind === 'file' ? argsSourceFor({ file: source.file }) : opened.ranges ? argsSourceFor(opened.ranges.job) : null;
  // With two cores, inflating and scanning a .gz take both: args wait, raw, and are deflated
  // while the index is built (one thread then), instead of slowing the parse by a third.
  const deferDeflate = gzip && (globalThis.navigator?.hardwareConcurrency ?? 2) <= 2;
  if (deferDeflate) raw.args.compress = false;
  const reader = decoded.getReader();
  let importer: ReturnType<ImporterFormat['create']> | null = null;
  let format: ImporterFormat | null = null;
  let partialGzip: string | null = null;
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new DOMException('Load cancelled', 'AbortError');
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (err) {
        if (err instanceof WorkerStoppedError) throw err;
        if (!gzip || progress.scannedBytes === 0) throw describeReadError(err, gzip);
        // A cut or corrupt .gz: keep what decompressed so far.
        partialGzip = gzipProblemText(err);
        break;
      }
      if (next.done) break;
      const chunk = next.value;
      if (!importer) {
        format = detectFormat(chunk, source.name);
        importer = format.create(raw, source.name);
      }
      if (!gzip) progress.phase = 'parse';
      importer.push(chunk);
      progress.scannedBytes += chunk.length;
      progress.events = raw.count;
      checkBudget(opts.budgetBytes, { bytesRead: progress.bytesDone, bytesTotal: total, decodedBytes: progress.scannedBytes, events: raw.count }, source.name);
      report();
    }
  } finally {
    reader.releaseLock();
  }
  if (!importer || !format) throw new TraceFormatError(`${source.name} is empty.`, 0);
  if (partialGzip) {
    raw.warn({
      code: 'gzip-truncated',
      message: `The gzip stream is cut or corrupt after ${progress.scannedBytes.toLocaleString('en-US')} decompressed bytes (${partialGzip}); showing what was read.`,
      byteOffset: progress.scannedBytes,
    });
  }
  await importer.finish();
  stages.mark('parsed');
  const parseMs = performance.now() - t0;
  if (deferDeflate) raw.args.compressAll();
  return await indexTrace(raw, format.name, parseMs);

  async function indexTrace(raw: RawTrace, formatName: string, parseMs: number): Promise<TraceIndex> {
    progress.phase = 'index';
    report(true);
    const index = new TraceIndex({ raw, trace: opts.trace, fileName: source.name, format: formatName, bytes: progress.bytesDone, parseMs, stages, laneRules: opts.laneRules });
    // The counters' args, read while indexing, are deflated too. Chunks still being deflated
    // (on the helper thread) finish after the first frame: reads meanwhile see their bytes.
    raw.hotArgs.compressAll();
    raw.args.dropCache();
    raw.hotArgs.dropCache();
    index.settled = Promise.all([raw.args.settled(), raw.hotArgs.settled()]).then(() => {
      raw.args.dropCache();
      raw.hotArgs.dropCache();
    });
    stages.mark('indexed');
    progress.phase = 'done';
    report(true);
    setBeatListener(null);
    return index;
  }
}

function detectFormat(head: Uint8Array, name: string): ImporterFormat {
  const format = FORMATS.find((f) => f.detect(head));
  if (format) return format;
  const at = firstContentByte(head);
  if (at >= head.length) throw new TraceFormatError(`${name} is empty (only whitespace).`, at);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(at, at + 200));
  if (/^<(!doctype|html|\?xml|head|body)/i.test(text)) {
    throw new TraceFormatError(`${name} is an HTML/XML page, not a trace (a login or error page served instead of the file?).`, at);
  }
  const preview = text.slice(0, 40).replace(/[^\x20-\x7e]/g, '·');
  throw new TraceFormatError(`${name} is not a trace format tracelane reads (expected Chrome/Kineto trace JSON, an strace log, speedscope JSON, collapsed stacks or an Nsight Systems SQLite export, plain or gzipped); it starts with "${preview}".`, at);
}

function describeReadError(err: unknown, gzip: boolean): Error {
  if (gzip) return new TraceFormatError(`The file looks gzipped but could not be decompressed: ${gzipProblemText(err)}.`, 0);
  return err instanceof Error ? err : new Error(String(err));
}
