// Writes a loaded trace's index (the same TraceIndex the trace worker answers from) as an
// index folder (format.ts). Files go out as they are made, the manifest first as incomplete
// and last as complete, so a run cut short leaves a folder that says so.

import { deflateRaw } from '../ingest/rawDeflate';
import type { TraceIndex } from '../index/traceIndex';
import type { LaneIndex } from '../index/laneIndex';
import { commOps } from '../analysis/commOps';
import { stepTable } from '../analysis/stepTable';
import { allocations } from '../analysis/allocations';
import { requests } from '../analysis/requests';
import { idleGaps } from '../analysis/idleGaps';
import { callTree } from '../analysis/callTree';
import { overview } from '../analysis/overview';
import { rangeStats } from '../analysis/rangeStats';
import { recordedIdentity } from '../../src/state/fingerprint';
import { concatTyped } from '../../src/model/concatTyped';
import { DEFAULT_RULES, type CategoryRule } from '../lanes/categoryRules';
import { coarseCounter, coarseLane } from './coarseLanes';
import { argsInReadOrder, type ArgsColumns, type ArgsSource } from '../ingest/argsReadOrder';
import type { RawTrace } from '../ingest/rawTrace';
import type { CounterPlan } from '../lanes/laneMapping';
import type { TraceLoadResult } from '../../src/model/types';
import { indexLaneCaches, openManifest, type IndexFiles } from './openIndex';
import {
  ARGS_BLOCK_BYTES,
  COUNTER_COLUMNS,
  DEFAULT_CHUNK_EVENTS,
  FLOW_COLUMNS,
  INDEX_FORMAT_NAME,
  INDEX_FORMAT_VERSION,
  LANE_COLUMNS,
  MANIFEST_FILE,
  contentName,
  packArrays,
  packColumns,
  type IndexChunk,
  type StoredArray,
  type IndexManifest,
} from './format';

/**
 * Where the files go: a directory on disk (bin/), or memory (tests). Paths are relative, '/'-separated.
 * `files` reads back what was written: the summaries are computed from the written index, opened lazily.
 */
export interface IndexSink {
  write(path: string, bytes: Uint8Array): Promise<void>;
  files: IndexFiles;
}

export interface WriteIndexOptions {
  input: IndexManifest['input'];
  /** The rules the index was loaded with (default: DEFAULT_RULES, what `npm run index` uses). */
  laneRules?: readonly CategoryRule[];
  chunkEvents?: number;
  onProgress?: (done: number, total: number) => void;
  /** Each whole-trace analysis as it begins (they take minutes at 10 GB; the CLI says so on stderr). */
  onSummary?: (name: keyof IndexSummaries) => void;
  /**
   * Collects garbage (Node's gc, bin/): called between the writer's stages and between the
   * summaries, so the peak memory is one stage's garbage, not what several left behind.
   */
  collect?: () => void;
}

/** The whole-trace analyses stored in summaries.json, by the worker method that answers them. */
export interface IndexSummaries {
  comms: ReturnType<typeof commOps>;
  stepTable: ReturnType<typeof stepTable>;
  allocations: ReturnType<typeof allocations>;
  requests: ReturnType<typeof requests>;
  idleGaps: ReturnType<typeof idleGaps>;
  callTree: ReturnType<typeof callTree>;
  overview: ReturnType<typeof overview>;
  rangeStats: ReturnType<typeof rangeStats>;
}

const enc = new TextEncoder();
/** A value as the UTF-8 JSON file an index folder holds. */
export const json = (v: unknown): Uint8Array => enc.encode(JSON.stringify(v));

/**
 * Writes the index folder of a trace: its lanes, counters, args, flows and coarse file from the loaded
 * TraceIndex, then summaries.json from the folder just written, opened lazily (openManifest: the analyses
 * `?index=` runs, lanes read through a bounded cache), so the summaries never hold the trace's whole
 * in-memory index. `load` may be a function that loads it: then the writer holds the only reference, and
 * the TraceIndex is garbage before the summaries begin (the CLI); a TraceIndex given as is stays the caller's.
 */
export async function writeIndexFolder(load: TraceIndex | (() => Promise<TraceIndex>), sink: IndexSink, opts: WriteIndexOptions): Promise<IndexManifest> {
  const manifest = await writeTraceFiles(typeof load === 'function' ? await load() : load, sink, opts);
  return finishIndexFolder(manifest, sink, opts);
}

/**
 * summaries.json from the folder written (every file but it and the complete manifest), then the manifest,
 * complete: the in-memory writer's last step, and a bounded writer's (boundedIndex.ts).
 */
export async function finishIndexFolder(manifest: IndexManifest, sink: IndexSink, opts: WriteIndexOptions): Promise<IndexManifest> {
  opts.collect?.();
  const index = await openManifest(manifest, sink.files, { trace: manifest.result.trace, laneCache: { bytes: SUMMARY_CACHE_BYTES } });
  await sink.write(manifest.summaries, summariesJson(index, opts.onSummary, () => (indexLaneCaches.get(index)?.dropAll(), opts.collect?.())));
  manifest.complete = true;
  await sink.write(MANIFEST_FILE, json(manifest));
  return manifest;
}

/** Lane columns the summaries' index keeps between analyses (each drops them all once it is text). */
const SUMMARY_CACHE_BYTES = 64 << 20;

/** A folder's manifest before its files are written (incomplete, no lane, counter or file yet), for a trace's load result and raw events. */
export function newManifest(loadResult: TraceLoadResult, raw: RawTrace, opts: WriteIndexOptions): IndexManifest {
  const { stagesMs: _stages, ...result } = loadResult;
  return {
    format: INDEX_FORMAT_NAME,
    version: INDEX_FORMAT_VERSION,
    complete: false,
    input: opts.input,
    fingerprint: recordedIdentity(result),
    chunkEvents: opts.chunkEvents ?? DEFAULT_CHUNK_EVENTS,
    openBytes: 0,
    coarse: '',
    result,
    lanes: [],
    counters: [],
    args: { blockBytes: ARGS_BLOCK_BYTES, bytes: 0, files: [] },
    flows: { file: '', count: 0, keysFile: '', ownName: [...raw.flowOwnName] },
    raw: {
      baseNs: raw.baseNs.toString(),
      processNames: [...raw.processNames],
      processLabels: [...raw.processLabels],
      processSort: [...raw.processSort],
      threadNames: [...raw.threadNames],
      threadSort: [...raw.threadSort],
    },
    laneRules: [...(opts.laneRules ?? DEFAULT_RULES)],
    summaries: 'summaries.json',
  };
}

/** Every file but summaries.json, the manifest written first (incomplete); returns the manifest, still incomplete. */
async function writeTraceFiles(index: TraceIndex, sink: IndexSink, opts: WriteIndexOptions): Promise<IndexManifest> {
  const manifest = newManifest(index.result, index.raw, opts);
  await sink.write(MANIFEST_FILE, json(manifest));
  await writeEvents(index, sink, manifest, manifest.chunkEvents, opts);
  await writeFlows(index.raw, sink, manifest.flows);
  return manifest;
}

/**
 * The args blocks, lane chunks, counters and the coarse file. A function of its own: what it
 * holds (each event's args offset, 4 B an event) is garbage before the summaries are computed.
 */
async function writeEvents(index: TraceIndex, sink: IndexSink, manifest: IndexManifest, chunkEvents: number, opts: WriteIndexOptions): Promise<void> {
  const total = index.result.events;
  let done = 0;
  const lanes = [...index.lanes.values()];
  const counters = [...index.counters.values()];
  const argsAt = await writeArgs(index, [...lanes, ...counters.map((p) => p.source)], sink, manifest.args);
  opts.collect?.();
  const coarse: StoredArray[] = [];
  for (let l = 0; l < lanes.length; l++) {
    const lane = lanes[l];
    const chunks: IndexChunk[] = [];
    for (let from = 0; from < lane.start.length; from += chunkEvents) {
      const to = Math.min(lane.start.length, from + chunkEvents);
      chunks.push(await writeLaneChunk(sink, `lanes/${l}/${chunks.length}`, lane, from, to, argsOffsets(argsAt[l], from, to)));
      done += to - from;
      opts.onProgress?.(done, total);
    }
    manifest.lanes.push({ id: lane.info.id, chunks, coarse: coarseLane(index, lane, coarse) });
  }
  for (const [c, plan] of counters.entries()) {
    manifest.counters.push(await writeCounter(sink, c, plan, argsOffsets(argsAt[lanes.length + c], 0, plan.t.length), index, coarse));
    done += plan.t.length;
    opts.onProgress?.(done, total);
  }
  await writeCoarse(sink, manifest, coarse);
}

/** Counter `c`'s file and coarse entry (its arrays appended to `coarse`); `off`: its samples' args offsets as stored (−1: none). */
export async function writeCounter(sink: IndexSink, c: number, plan: CounterPlan, off: Float64Array, index: Pick<TraceIndex, 'result' | 'tiles'>, coarse: StoredArray[]): Promise<IndexManifest['counters'][number]> {
  const n = plan.t.length;
  const s = plan.source;
  const spec = [...COUNTER_COLUMNS, ...plan.values.map(() => ['value', Float64Array] as const)];
  const bytes = packColumns([plan.t, off, s.name, s.cat, s.tid, s.argsLen, s.kind, ...plan.values], spec, n);
  const file = contentName(`counters/${c}`, bytes);
  await sink.write(file, bytes);
  return { id: plan.info.id, file, count: n, series: plan.values.length, ...(plan.derived ? { derived: true } : {}), coarse: coarseCounter(index, plan, coarse) };
}

/** The coarse file, what opening the index reads (counted in the manifest's openBytes). */
export async function writeCoarse(sink: IndexSink, manifest: IndexManifest, coarse: readonly StoredArray[]): Promise<void> {
  const coarseFile = packArrays(coarse);
  manifest.coarse = contentName('coarse', coarseFile);
  manifest.openBytes += coarseFile.length;
  await sink.write(manifest.coarse, coarseFile);
}

/** The flow points and their keys. */
export async function writeFlows(raw: RawTrace, sink: IndexSink, out: IndexManifest['flows']): Promise<void> {
  const f = raw.flows;
  out.count = f.key.length;
  const keys = deflateRaw(json(Array.from({ length: raw.flowKeys.size }, (_, i) => raw.flowKeys.get(i))), 6);
  out.keysFile = contentName('flow-keys', keys);
  await sink.write(out.keysFile, keys);
  const flows = packColumns([f.ts.data, f.key.data, f.pid.data, f.tid.data, f.phase.data, f.enclosing.data].map((d) => d.subarray(0, f.key.length)), FLOW_COLUMNS, f.key.length);
  out.file = contentName('flows', flows);
  await sink.write(out.file, flows);
}

/** The whole-trace analyses, by the functions the worker runs. */
const SUMMARIES: { [K in keyof IndexSummaries]: (index: TraceIndex) => IndexSummaries[K] } = {
  comms: (index) => commOps(index),
  stepTable: (index) => stepTable(index),
  allocations: (index) => allocations(index),
  requests: (index) => requests(index),
  idleGaps: (index) => idleGaps(index),
  callTree: (index) => callTree(index, whole(index)),
  overview: (index) => overview(index),
  rangeStats: (index) => rangeStats(index, whole(index)),
};

const whole = (index: TraceIndex) => ({ startNs: index.result.minNs, endNs: index.result.maxNs });

/** The whole-trace analyses, computed by the functions the worker runs, one at a time. */
function* summaryParts(index: TraceIndex, onSummary?: (name: keyof IndexSummaries) => void): Generator<[keyof IndexSummaries, unknown]> {
  for (const [name, analysis] of Object.entries(SUMMARIES) as [keyof IndexSummaries, (index: TraceIndex) => unknown][]) {
    onSummary?.(name);
    yield [name, analysis(index)];
  }
}

export function summariesOf(index: TraceIndex): IndexSummaries {
  return Object.fromEntries(summaryParts(index)) as unknown as IndexSummaries;
}

/**
 * summaries.json: JSON.stringify(summariesOf(index)), each analysis turned to text before the
 * next is computed, so a big trace's analyses (a 10 GB trace's comm ops) are not all held at once;
 * `between` runs after each (drops the lanes it read, collects garbage).
 */
function summariesJson(index: TraceIndex, onSummary: WriteIndexOptions['onSummary'], between: () => void): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [key, value] of summaryParts(index, onSummary)) {
    // (JSON.stringify leaves out a key whose value is undefined.)
    if (value !== undefined) parts.push(enc.encode(`${parts.length ? ',' : '{'}${JSON.stringify(key)}:${JSON.stringify(value)}`));
    between();
  }
  parts.push(enc.encode(parts.length ? '}' : '{}'));
  return concatTyped(Uint8Array, parts);
}

/** What a lane chunk file holds of a lane's events, but the args offsets (stored apart: where the args blocks put them). */
export type ChunkColumns = Pick<LaneIndex, 'start' | 'dur' | 'name' | 'cat' | 'row' | 'argsLen' | 'instant' | 'flags'>;

/** Writes events [from, to) of `cols` (a lane's, in its order) as a chunk file; `off`: their args offsets as stored (−1: none). */
export async function writeLaneChunk(sink: IndexSink, stem: string, cols: ChunkColumns, from: number, to: number, off: Float64Array): Promise<IndexChunk> {
  const n = to - from;
  let endNs = -Infinity;
  for (let k = from; k < to; k++) endNs = Math.max(endNs, cols.start[k] + cols.dur[k]);
  const parts = [cols.start, cols.dur, off, cols.name, cols.cat, cols.row, cols.argsLen, cols.instant, cols.flags].map((c, i) => (i === 2 ? c : c.subarray(from, to)));
  const bytes = packColumns(parts, LANE_COLUMNS, n);
  const file = contentName(stem, bytes);
  await sink.write(file, bytes);
  return { file, count: n, startNs: cols.start[from], endNs };
}

/**
 * Each event's offset in the args blocks, plus one (0: no args): Uint32 while the args
 * fit in 4 GiB (4 B an event held until the lanes are written), else Float64.
 */
type ArgsAt = Uint32Array | Float64Array;

/** The args offsets column of events [from, to) (−1: none), as the chunk files store it. */
export function argsOffsets(at: ArgsAt, from: number, to: number): Float64Array {
  const off = new Float64Array(to - from);
  for (let k = from; k < to; k++) off[k - from] = (at[k] ?? 0) - 1;
  return off;
}

/**
 * Writes every event's args into the args blocks in the order they lie in the file (one
 * read of it: argsReadOrder.ts), not lane by lane, which read a big file once per lane.
 * Returns where each event's args went, per column set of `cols`.
 */
async function writeArgs(index: TraceIndex, cols: readonly ArgsColumns[], sink: IndexSink, out: IndexManifest['args']): Promise<ArgsAt[]> {
  let bytes = 0;
  for (const { argsLen } of cols) for (let k = 0; k < argsLen.length; k++) bytes += argsLen[k];
  const at: ArgsAt[] = cols.map(({ argsLen }) => (bytes < 2 ** 32 - 1 ? new Uint32Array(argsLen.length) : new Float64Array(argsLen.length)));
  await writeArgBlocks(index.raw, cols, sink, out, (c, k, offset) => (at[c][k] = offset + 1));
  return at;
}

/**
 * The args blocks of every event of `sources` (given whole or part by part: a bounded writer's lanes, whose
 * offsets come from an ArgsPlan), in the order argsInReadOrder visits them; `placed`: where each event's went.
 */
export async function writeArgBlocks(raw: RawTrace, sources: readonly ArgsSource[], sink: IndexSink, out: IndexManifest['args'], placed?: (c: number, k: number, offset: number) => void): Promise<void> {
  const args = new ArgsWriter(sink, out);
  const visit = placed ? (c: number, k: number, b: Uint8Array) => placed(c, k, args.add(b)) : (_c: number, _k: number, b: Uint8Array) => void args.add(b);
  for (const _ of argsInReadOrder(raw, sources, visit)) if (args.waiting >= DRAIN_BLOCKS) await args.drain();
  await args.drain(true);
}

/** Deflated args blocks held before they are written (4 MB of them). */
const DRAIN_BLOCKS = 16;

/**
 * Args bytes of every event, concatenated in the order written and cut into deflated blocks
 * of exactly ARGS_BLOCK_BYTES (the last shorter). `add` is synchronous (millions of calls);
 * full blocks wait in `pending` until the caller's next `drain`, so memory stays a few blocks.
 */
class ArgsWriter {
  private block = new Uint8Array(ARGS_BLOCK_BYTES);
  private filled = 0;
  private pending: Uint8Array[] = [];

  /** Deflated blocks waiting for `drain`. */
  get waiting(): number {
    return this.pending.length;
  }

  constructor(
    private readonly sink: IndexSink,
    private readonly out: IndexManifest['args'],
  ) {}

  /** Stores one event's args; returns their offset in the concatenation (−1: none). */
  add(bytes: Uint8Array | null): number {
    if (!bytes || bytes.length === 0) return -1;
    const at = this.out.bytes;
    for (let from = 0; from < bytes.length; ) {
      const n = Math.min(bytes.length - from, ARGS_BLOCK_BYTES - this.filled);
      this.block.set(bytes.subarray(from, from + n), this.filled);
      this.filled += n;
      this.out.bytes += n;
      from += n;
      if (this.filled === ARGS_BLOCK_BYTES) this.cut();
    }
    return at;
  }

  private cut(): void {
    this.pending.push(deflateRaw(this.block.subarray(0, this.filled), 6));
    this.filled = 0;
  }

  /** Writes the full blocks so far; `last`: the partly filled one too (no more args come). */
  async drain(last = false): Promise<void> {
    if (last && this.filled > 0) this.cut();
    for (const bytes of this.pending) {
      const file = contentName(`args/${this.out.files.length}`, bytes);
      await this.sink.write(file, bytes);
      this.out.files.push(file);
    }
    this.pending = [];
  }
}
