// The ingest pipeline for one trace: bytes → (gunzip) → importer → lane mapping →
// index. Pure of any worker API, so Node runs it in unit tests.

import type { LoadProgress, TraceSource } from '../../src/model/types';
import { gzipProblemText } from './gzipProblems';
import { chromeTraceJson, ChromeTraceJsonImporter } from '../importers/chromeTraceJson';
import { useJsScanner } from '../importers/wasmScanner';
import { firstContentByte, TraceFormatError, type ImporterFormat } from '../importers/importer';
import { collapsedStacks } from '../importers/collapsedStacks';
import { nsysSqlite } from '../importers/nsysSqlite';
import { speedscope } from '../importers/speedscope';
import { strace } from '../importers/strace';
import { TraceIndex } from '../index/traceIndex';
import { countingStream, fileRanges, isGzip, openSource, peek, reopenablePiece } from './byteSource';
import { chunksOf } from './chunkReader';
import { gunzip } from './gunzipStream';
import { bgzfSource } from './bgzf';
import { setBeatListener, WorkerStoppedError } from '../heartbeat';
import { canFetchInParallel, canParseInParallel, fragmentCount, PARALLEL_MIN_BYTES, plainParallelMinBytes, parseInParallel, type ParseHelpers } from './parallelParse';
import { LANE_HELPERS_MIN_CORES } from '../index/parallelLanes';
import { canSplitStream, StreamPieces } from './streamPieces';
import { checkBudget, estimateIndexBytes } from './memoryBudget';
import { ChoiceFilter, retainChosen, SurveyCounter } from './eventChoice';
import { pieceFilter, type PieceFilter } from './fragmentParse';
import { SURVEY_BINS, type TraceChoice, type TraceSurvey } from '../../src/model/traceChoice';
import { formatDuration } from '../../src/model/time';
import { RawTrace } from './rawTrace';
import type { ArgsStore } from './growable';
import { StageClock } from './stageClock';
import { argsSourceFor } from './argsSource';
import type { CategoryRule } from '../lanes/categoryRules';

/** Every supported format, tried in order on the first decoded bytes (strict detectors first: `[pid N]` strace lines start like a JSON array). */
export const FORMATS: ImporterFormat[] = [nsysSqlite, strace, speedscope, collapsedStacks, chromeTraceJson];
/** Background work after a load starts at the latest this long after it, when no viewport is asked for (a hidden tab, a script). */
const BACKGROUND_LATEST_MS = 2000;

/** Lane rules given, or asked for when needed (api.ts `load`'s askLaneRules: the page may not have read its saved ones yet). */
export type LaneRules = readonly CategoryRule[] | (() => Promise<readonly CategoryRule[]>);

export async function laneRulesOf(rules: LaneRules | undefined): Promise<readonly CategoryRule[] | undefined> {
  return typeof rules === 'function' ? rules() : rules;
}

/** What only the page's load call names: the trace's key (its lanes' ids begin with it) and its lane rules. */
export interface LoadCall {
  trace: string;
  /** Category rules for the lane-mapping stage (workers/lanes/categoryRules.ts), or who to ask for them once the events are read. */
  laneRules?: LaneRules;
}

/** How a source is read and parsed. */
export interface LoadSettings {
  onProgress?: (p: LoadProgress) => void;
  signal?: AbortSignal;
  /** Refuse (BudgetExceededError) before the index would outgrow this many bytes (memoryBudget.ts). */
  budgetBytes?: number;
  /** Tests of the heartbeat: the gunzip helper exits after its first chunk. */
  debugHelper?: 'exit';
  /** `js`: Chrome JSON is read by the JS scanner even where WebAssembly works (`?scanner=js`: comparisons). */
  scanner?: 'wasm' | 'js';
  /** A stream (.gz, a URL without ranges) in pieces (streamPieces.ts): true always, false never, absent where the cores allow. */
  streamPieces?: boolean;
  /** A plain File or URL in parallel pieces from PARALLEL_MIN_BYTES even on two cores (parallelParse.ts plainParallelMinBytes). */
  parallelPieces?: boolean;
  /** A parallel parse's helpers build the lanes (index/parallelLanes.ts): true always, false never, absent where the cores allow. */
  laneHelpers?: boolean;
  /** Keep only this part of the trace (a time window, threads: issue 23). */
  keep?: TraceChoice;
  /** A bounded index writer's parse: Chrome JSON's events taken out of the columns as they fill (one thread; RawSpill). */
  spill?: RawSpill;
}

/**
 * Where a bounded index writer (indexFolder/boundedIndex.ts) takes a Chrome JSON parse's events: between
 * pushed chunks, once the columns hold `events` of them, `take` gets them all (and empties the columns,
 * counting them in RawTrace.spilled). Such a parse runs on this thread alone. Other formats are not
 * spilled: their importers may rewrite any event until they finish.
 */
export interface RawSpill {
  events: number;
  /** Chunks are pushed at most this many bytes at a time (tests: blocks cut through small traces). */
  pushBytes?: number;
  take(raw: RawTrace): void;
  /**
   * Where the parse keeps the args it cannot leave in the source (a .gz's): in memory, even deflated, they
   * grow with the trace (and a .gz's stay raw until the parse ends on two cores: deferDeflate). The CLI's: a file.
   */
  args?: ArgsStore;
}

/** What a parse leaves: the raw events (a spilled parse: those not taken), the format's name, and how long it took. */
export interface ParsedTrace {
  raw: RawTrace;
  format: string;
  parseMs: number;
  /** The source's bytes read. */
  bytes: number;
}

/** Reads and parses a source without indexing it (a bounded index writer indexes the events itself). */
export function parseTrace(source: TraceSource, opts: LoadSettings): Promise<ParsedTrace> {
  return readTrace(source, opts, null, async (raw, format, parseMs, _index, size) => {
    // The load's report is done: its closure (the options, a spill's state) must not outlive it.
    setBeatListener(null);
    return { raw, format, parseMs, bytes: size.bytes };
  });
}

/**
 * A load's settings and its call; or, for a load begun before the page asked (workers/earlyLoad.ts), the call
 * to come (`asked`): nothing before the index needs it, so it is awaited once the events are read.
 */
export type LoadOptions = LoadSettings & (LoadCall | { asked: Promise<LoadCall> });

/** Read, parse and index a source; with `opts.keep`, only the chosen part (ingest/eventChoice.ts). */
export function loadTrace(source: TraceSource, opts: LoadOptions): Promise<TraceIndex> {
  const call = 'asked' in opts ? opts.asked : opts;
  return readTrace(source, opts, call, async (raw, formatName, parseMs, indexTrace) => {
    const filter = raw.filter;
    if (!(filter instanceof ChoiceFilter) || !opts.keep) return indexTrace(raw, formatName, parseMs);
    retainChosen(raw, filter);
    raw.filter = null;
    const index = await indexTrace(raw, formatName, parseMs);
    return keptPart(index, opts.keep, raw.originUs);
  });
}

/**
 * The counting pass of issue 23: the same reading and parsing as a load, keeping no events
 * (Chrome JSON: processes and threads with their event counts, time extent, density).
 */
export function surveyTrace(source: TraceSource, opts: Omit<LoadSettings, 'keep' | 'budgetBytes'>): Promise<TraceSurvey> {
  return readTrace(source, { ...opts, survey: true }, null, async (raw, formatName, _parseMs, _index, size) => {
    if (!(raw.filter instanceof SurveyCounter)) throw new Error('the counting pass lost its counter');
    return surveyOf(raw, raw.filter, source.name, formatName, size);
  });
}

type Finish<T> = (raw: RawTrace, formatName: string, parseMs: number, indexTrace: (raw: RawTrace, formatName: string, parseMs: number) => Promise<TraceIndex>, size: { bytes: number; decoded: number }) => Promise<T>;

/** `call`: what the page's call names, to index (null: a counting pass, which does not index). */
async function readTrace<T>(source: TraceSource, opts: LoadSettings & { survey?: boolean }, call: LoadCall | Promise<LoadCall> | null, done: Finish<T>): Promise<T> {
  const t0 = performance.now();
  const stages = new StageClock();
  // A load begun before the page asked (workers/earlyLoad.ts): when the page's call came.
  if (call instanceof Promise) void call.then(() => stages.mark('page asked'), () => undefined);
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
  // A parallel parse's helpers, kept to build the lanes (TraceIndex.build). The index lets them go once its
  // first frame is drawn: a worker's teardown took ~150 ms from the first frame when they went before it.
  let laneHelpers: ParseHelpers | null = null;

  // What every piece keeps: a counting pass counts, a partial open keeps the choice (eventChoice.ts).
  const pieceKeep: PieceFilter | undefined = opts.survey ? 'survey' : opts.keep;
  // Big plain files, and URLs whose server answers ranges, are parsed in parallel fragments
  // (each piece of a partial open or a counting pass filtered as it is read).
  // A BGZF .gz File names its members' sizes: they are found without inflating, and its inflated
  // bytes are cut, inflated and parsed by the same fragments (bgzf.ts), args read back by offset.
  /** The source read by ranges, where it can be: a File, a URL whose server answers them. */
  const byRange = source.kind === 'file' ? fileRanges(source.file) : (opened.ranges ?? null);
  const bgzf = source.kind === 'file' ? await bgzfSource(byRange!, opts.signal) : null;
  const minPlain = plainParallelMinBytes(opts.parallelPieces);
  const plainRanges = source.kind === 'file' ? (canParseInParallel(source.file, minPlain) ? byRange : null) : byRange && canFetchInParallel(byRange.size, minPlain) ? byRange : null;
  // A spilled parse runs on this thread (the helpers would hold their pieces' events).
  const ranges = opts.spill ? null : bgzf ? (canFetchInParallel(bgzf.size) ? bgzf : null) : plainRanges;
  if (ranges) {
    if (ranges === bgzf) stages.mark('bgzf members walked');
    progress.phase = 'parse';
    // A BGZF file's pieces count inflated bytes: the file's bytes they stand for are shown read.
    const fileShare = total / ranges.size;
    let inflatedDone = 0;
    // This thread's pieces are a sample of the file: the events shown are projected from them to
    // every thread's bytes (0 until this thread has parsed some), the budget from them to the whole.
    const sample = { bytes: 0, events: 0 };
    const project = (): void => void (progress.events = sample.bytes > 0 ? Math.round((sample.events * progress.scannedBytes) / sample.bytes) : 0);
    const parallel = await parseInParallel(
      ranges,
      opts.scanner ?? 'wasm',
      (n) => {
        inflatedDone += n;
        progress.bytesDone = Math.round(inflatedDone * fileShare);
        progress.scannedBytes += n;
        project();
        report();
      },
      // A chosen part is checked once merged.
      (bytes, events) => {
        Object.assign(sample, { bytes, events });
        project();
        if (!opts.keep && !opts.survey) checkBudget(opts.budgetBytes, { bytesRead: bytes, bytesTotal: ranges.size, decodedBytes: bytes, events }, source.name);
      },
      opts.signal,
      stages,
      pieceKeep,
    );
    if (parallel) {
      if (opts.laneHelpers ?? fragmentCount() >= LANE_HELPERS_MIN_CORES) laneHelpers = parallel.helpers;
      else parallel.helpers.release();
      try {
        await stream.cancel();
        progress.events = parallel.raw.count;
        if (parallel.raw.filter instanceof ChoiceFilter) checkBudget(opts.budgetBytes, { bytesRead: total, bytesTotal: 0, decodedBytes: 0, events: parallel.raw.count }, source.name);
        parallel.importer.finish();
        stages.mark('parsed');
        return await done(parallel.raw, chromeTraceJson.name, performance.now() - t0, indexTrace, { bytes: progress.bytesDone, decoded: progress.scannedBytes });
      } finally {
        // Unless the index took them (a counting pass does not index).
        laneHelpers?.release();
      }
    }
    progress.bytesDone = progress.scannedBytes = 0;
  }

  // A plain source read by ranges (a File, a URL whose server answers them) is read into one reused buffer
  // (chunkReader.ts), as its parallel pieces are: through a counting stage and a peek, each ~128 kB chunk of a File's
  // default stream cost the parse three stream hops and a new ArrayBuffer (same runs, 2-core VM: a 100 MB parse
  // 339 → 285 ms, llm_decode_large 321 → 285 ms). Its first 64 kB tell gzip and the format (a BYOB read may answer
  // with fewer; a URL's were read with its first, ranged GET).
  const rangedHead = byRange ? await byRange.read(0, Math.min(65536, byRange.size), opts.signal) : null;
  const rangedChunks = byRange && !isGzip(rangedHead!) ? chunksOf(source.kind === 'file' ? stream : byRange.stream(0, byRange.size, opts.signal), true, reopenablePiece(byRange, 0, byRange.size, opts.signal)) : null;
  let gzip = false;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  if (!rangedChunks) {
    const peeked = await peek(stream.pipeThrough(countingStream((n) => (progress.bytesDone += n))));
    gzip = isGzip(peeked.head);
    let decoded = peeked.stream;
    if (gzip) {
      progress.phase = 'decompress';
      decoded = gunzip(decoded, opts.debugHelper);
    }
    reader = decoded.getReader();
  }
  /** The next chunk (null at the end); one read by range is valid until the next call. */
  const nextChunk = async (): Promise<Uint8Array | null> => {
    if (!reader) {
      const chunk = await rangedChunks!.next();
      if (chunk) progress.bytesDone += chunk.length;
      return chunk;
    }
    const next = await reader.read();
    return next.done ? null : next.value;
  };

  const raw = new RawTrace(opts.spill?.args);
  raw.filter = pieceFilter(raw, pieceKeep);
  const choice = raw.filter instanceof ChoiceFilter ? raw.filter : null;
  // Plain files, and plain URLs whose server answers ranges: args stay there and are read back on selection.
  if (!gzip) raw.argsSource = byRange ? argsSourceFor(byRange.job) : null;
  // With two cores, inflating and scanning a .gz take both: args wait, raw, and are deflated
  // while the index is built (one thread then), instead of slowing the parse by a third.
  const deferDeflate = gzip && (globalThis.navigator?.hardwareConcurrency ?? 2) <= 2;
  if (deferDeflate) raw.args.compress = false;
  let importer: ReturnType<ImporterFormat['create']> | null = null;
  let format: ImporterFormat | null = null;
  let partialGzip: string | null = null;
  // A big JSON stream (a .gz, a URL without ranges of at least PARALLEL_MIN_BYTES) is cut into pieces
  // parsed in parallel as it arrives; not a partial open or a counting pass (stream pieces do not
  // filter yet). A plain File is read by ranges above PARALLEL_MIN_BYTES and in one piece below.
  const splitStream = !raw.filter && !opts.spill && canSplitStream(opts.streamPieces) && (gzip || (source.kind === 'url' && (total === 0 || total >= PARALLEL_MIN_BYTES)));
  let pieces: StreamPieces | null = null;
  /** Decoded bytes received (parsed, or waiting in a piece). */
  let received = 0;
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new DOMException('Load cancelled', 'AbortError');
      let chunk: Uint8Array | null;
      try {
        chunk = await nextChunk();
      } catch (err) {
        if (err instanceof WorkerStoppedError) throw err;
        // Dropped (workers/earlyLoad.ts): what was read is not a cut .gz to show.
        if (opts.signal?.aborted) throw opts.signal.reason;
        if (!gzip || received === 0) throw describeReadError(err, gzip);
        // A cut or corrupt .gz: keep what decompressed so far.
        partialGzip = gzipProblemText(err);
        break;
      }
      if (!chunk) break;
      if (chunk.length === 0) continue;
      if (!importer) {
        format = detectFormat(rangedChunks ? rangedHead! : chunk, source.name);
        // Only the Chrome JSON importer asks the filter (ingest/eventChoice.ts) before keeping an event.
        if (raw.filter && format !== chromeTraceJson) throw new TraceFormatError(`${source.name}: only Chrome / Kineto trace JSON can be opened in part.`, 0);
        importer = format.create(raw, source.name);
        if (splitStream && importer instanceof ChromeTraceJsonImporter) pieces = new StreamPieces(importer, chunk, opts.scanner ?? 'wasm', (n) => (progress.scannedBytes += n), stages);
      }
      if (!gzip) progress.phase = 'parse';
      received += chunk.length;
      if (pieces) pieces.push(chunk);
      else if (opts.spill && importer instanceof ChromeTraceJsonImporter) pushSpilling(importer, chunk, raw, opts.spill);
      // The Chrome JSON importer copies what it keeps of a chunk; the others may keep one, and a reader by range reuses it.
      else importer.push(reader || importer instanceof ChromeTraceJsonImporter ? chunk : chunk.slice());
      if (!pieces) progress.scannedBytes += chunk.length;
      // Until the merge this thread's importer holds only the first piece: its events are projected.
      const events = pieces && pieces.firstPieceBytes > 0 ? Math.round((raw.count * received) / pieces.firstPieceBytes) : raw.spilled + raw.count;
      progress.events = events;
      // A chosen part is not projected from what was read (its events may all lie ahead): its kept share so far counts.
      if (choice) checkBudget(opts.budgetBytes, { bytesRead: progress.bytesDone, bytesTotal: 0, decodedBytes: (received * choice.kept) / Math.max(1, choice.seen), events }, source.name);
      else checkBudget(opts.budgetBytes, { bytesRead: progress.bytesDone, bytesTotal: total, decodedBytes: received, events }, source.name);
      report();
    }
    if (pieces && !(await pieces.finish())) {
      // A cut fell inside a string, and a stream cannot be read again: open the source again, in one piece.
      await reader?.cancel().catch(() => undefined);
      return await readTrace(source, { ...opts, streamPieces: false }, call, done);
    }
  } finally {
    pieces?.release();
    reader?.releaseLock();
    rangedChunks?.release();
  }
  if (!importer || !format) throw new TraceFormatError(`${source.name} is empty.`, 0);
  if (partialGzip) {
    raw.warn({
      code: 'gzip-truncated',
      message: `The gzip stream is cut or corrupt after ${received.toLocaleString('en-US')} decompressed bytes (${partialGzip}); showing what was read.`,
      byteOffset: received,
    });
  }
  await importer.finish();
  stages.mark('parsed');
  const parseMs = performance.now() - t0;
  if (deferDeflate) raw.args.compressAll();
  return await done(raw, format.name, parseMs, indexTrace, { bytes: progress.bytesDone, decoded: progress.scannedBytes });

  async function indexTrace(raw: RawTrace, formatName: string, parseMs: number): Promise<TraceIndex> {
    progress.phase = 'index';
    report(true);
    const helpers = laneHelpers;
    laneHelpers = null;
    let index: TraceIndex;
    try {
      if (!call) throw new Error('a counting pass is not indexed');
      const { trace, laneRules: rules } = await call;
      const laneRules = await laneRulesOf(rules);
      index = await TraceIndex.build({ raw, trace, fileName: source.name, format: formatName, bytes: progress.bytesDone, parseMs, stages, laneRules }, helpers?.builders ?? []);
    } catch (err) {
      helpers?.release();
      throw err;
    }
    // Once the first frame is drawn (index.beginBackground), the lanes' coarse tile levels are built, the flow keys
    // packed and the counters' args, read while indexing, deflated too: reads meanwhile see their bytes.
    raw.args.dropCache();
    raw.hotArgs.dropCache();
    let begin!: () => void;
    const begun = new Promise<void>((resolve) => (begin = resolve));
    const latest = setTimeout(begin, BACKGROUND_LATEST_MS);
    index.beginBackground = () => {
      clearTimeout(latest);
      begin();
    };
    index.settled = begun
      .then(() => {
        helpers?.release();
        raw.hotArgs.compressAll();
        raw.packFlowKeys();
        return Promise.all([raw.args.settled(), raw.hotArgs.settled(), index.tiles.buildEagerLevels()]);
      })
      .then(() => {
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

/** Pushes `chunk` (`spill.pushBytes` at a time), the events taken out each time the columns hold `spill.events`. */
function pushSpilling(importer: ChromeTraceJsonImporter, chunk: Uint8Array, raw: RawTrace, spill: RawSpill): void {
  const step = spill.pushBytes ?? chunk.length;
  for (let at = 0; at < chunk.length; at += step) {
    importer.push(at === 0 && step >= chunk.length ? chunk : chunk.subarray(at, at + step));
    if (raw.count >= spill.events) spill.take(raw);
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

/**
 * A partial open's result: the whole trace's first slice as its extent's start for the axis
 * (TraceLoadResult.wholeStartNs), the choice itself, and flows whose other end was not kept.
 */
function keptPart(index: TraceIndex, keep: TraceChoice, originUs: number | null): TraceIndex {
  const r = index.result;
  r.choice = keep;
  r.wholeStartNs = keep.firstNs - ((originUs ?? keep.originUs) - keep.originUs) * 1000;
  const window = keep.fromNs !== undefined && keep.toNs !== undefined ? `${formatDuration(keep.fromNs - keep.firstNs)} – ${formatDuration(keep.toNs - keep.firstNs)} after the trace's start` : 'the whole time range';
  const processes = new Set(keep.threads?.map(([pid]) => pid)).size;
  const threads = keep.threads ? `${keep.threads.length.toLocaleString('en-US')} thread${keep.threads.length === 1 ? '' : 's'} of ${processes.toLocaleString('en-US')} process${processes === 1 ? '' : 'es'}` : 'every thread';
  r.warnings.unshift({ code: 'opened-in-part', message: `Opened in part: ${window}, ${threads}; the rest of the trace was not kept.` });
  const leaving = r.flows.unpairedStarts + r.flows.unpairedEnds;
  if (leaving > 0) {
    r.warnings.push({
      code: 'flows-leave-window',
      message: `${leaving.toLocaleString('en-US')} flow${leaving === 1 ? '' : 's'} lead${leaving === 1 ? 's' : ''} to slices outside the opened part (${r.flows.unpairedStarts.toLocaleString('en-US')} without their end, ${r.flows.unpairedEnds.toLocaleString('en-US')} without their start).`,
    });
  }
  return index;
}

/** The survey of a counting pass: threads by process with names from the metadata, extent and density. */
function surveyOf(raw: RawTrace, counter: SurveyCounter, fileName: string, format: string, size: { bytes: number; decoded: number }): TraceSurvey {
  const byPid = new Map<string, TraceSurvey['processes'][number]>();
  let events = 0;
  for (const [pid, tid, n] of counter.threadCounts()) {
    let p = byPid.get(pid);
    // Kineto names a GPU's process after the host program and labels it "GPU 0": both are shown.
    if (!p) byPid.set(pid, (p = { pid, name: [raw.processNames.get(pid), raw.processLabels.get(pid)].filter(Boolean).join(' · '), events: 0, threads: [] }));
    p.threads.push({ tid, name: raw.threadNames.get(`${pid}|${tid}`) ?? '', events: n });
    p.events += n;
    events += n;
  }
  const processes = [...byPid.values()].sort((a, b) => b.events - a.events);
  for (const p of processes) p.threads.sort((a, b) => b.events - a.events);
  const extent = counter.extent(SURVEY_BINS);
  return {
    fileName,
    format,
    bytes: size.bytes,
    events,
    originUs: raw.originUs ?? 0,
    originNs: raw.originAbsNs(),
    firstNs: extent.first,
    lastNs: extent.last,
    bins: extent.bins,
    processes,
    estimateBytes: estimateIndexBytes({ bytesRead: size.bytes, bytesTotal: size.bytes, decodedBytes: size.decoded, events }),
  };
}
