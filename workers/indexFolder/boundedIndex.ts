// An index folder written without the whole trace in memory (issue 24: the index CLI's peak RSS
// bounded whatever the trace's size), as an external sort: the parse hands its raw events over in
// blocks of the file (ingest/loadTrace.ts RawSpill), spilled to a store; once the file is read, the
// blocks are read back in file order, their late B ends applied (RawTrace.lateEnds), placed in lanes
// (laneMapping.ts EventPlacer, resumable), and each block's events of a lane spilled as a sorted run
// (laneRuns.ts spillBlockRuns); then each lane is merged from its runs part by part into its chunk
// files (LaneStreamWriter), its args locations spilled for the args blocks written last (ArgsPlan,
// writeArgBlocks). Every step runs the in-memory writer's functions (writeIndex.ts), so the folder
// is byte for byte the one it writes (test/workers/indexFolder/boundedIndex.test.ts).

import type { TraceSource } from '../../src/model/types';
import { parseTrace, type LoadSettings } from '../ingest/loadTrace';
import type { RawTrace } from '../ingest/rawTrace';
import type { ArgsStore } from '../ingest/growable';
import type { ArgsPart, ArgsSource } from '../ingest/argsReadOrder';
import { EventPlacer } from '../lanes/laneMapping';
import { DEFAULT_RULES } from '../lanes/categoryRules';
import { loadResult, type LaneSpan } from '../index/traceIndex';
import { TileStore } from '../index/tiledViewport';
import { ArgsPlan } from './argsPlan';
import { LaneStreamWriter, mergeRuns, spillBlockRuns, type RunStore } from './laneRuns';
import { MANIFEST_FILE, type IndexManifest, type StoredArray } from './format';
import { finishIndexFolder, json, newManifest, writeArgBlocks, writeCoarse, writeCounter, writeFlows, type IndexSink, type WriteIndexOptions } from './writeIndex';

export type SpilledArray = Float64Array | Uint32Array | Uint8Array;
export type SpilledType = { new (n: number): SpilledArray };

/** Columns spilled as one file: `n` values each. */
export interface ColumnsFile {
  path: string;
  n: number;
}

/** Where a bounded writer spills (bin/src/runFiles.ts RunFiles: a temporary folder): sorted runs, and columns. */
export interface SpillStore<R, F> extends RunStore<R> {
  writeColumns(cols: readonly SpilledArray[], n: number): F;
  /** A columns file read back whole, into new arrays of the types it was written from. */
  readColumns(file: F, types: readonly SpilledType[]): SpilledArray[];
}

export interface BoundedWriteOptions extends WriteIndexOptions {
  /** The trace's key (its lanes' ids begin with it). */
  trace: string;
  /** Events per block the parse spills (its columns hold at most this many, plus one pushed chunk's). */
  blockEvents: number;
  /** The parse's chunks pushed at most this many bytes at a time (RawSpill.pushBytes). */
  pushBytes?: number;
  /** Where the parse keeps the args it cannot leave in the source, a .gz's (RawSpill.args); default in memory. */
  args?: ArgsStore;
  /** Events per part a lane's runs are merged in (and a run read in). */
  partEvents?: number;
  /** The parse's progress (loadTrace's). */
  onLoadProgress?: LoadSettings['onProgress'];
  /** Once the file is read, before the blocks are read back (the CLI says so on stderr). */
  onParsed?: (raw: RawTrace, blocks: number) => void;
}

/** The raw columns a block holds, in the order spilled. */
const BLOCK_COLUMNS = ['kind', 'flags', 'start', 'dur', 'pid', 'tid', 'cat', 'name', 'argsOff', 'argsLen'] as const;
type BlockColumns = [Uint8Array, Uint8Array, Float64Array, Float64Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Float64Array, Uint32Array];
const BLOCK_TYPES: SpilledType[] = [Uint8Array, Uint8Array, Float64Array, Float64Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Float64Array, Uint32Array];

const PART_EVENTS = 1 << 16;

/**
 * Parses `source` and writes its index folder to `sink` holding a block of events, the lanes' run readers
 * and what the whole trace needs at once (strings, flows, counters, the args plan), never the lanes.
 */
export async function writeBoundedIndex<R, F>(source: TraceSource, store: SpillStore<R, F>, sink: IndexSink, opts: BoundedWriteOptions): Promise<IndexManifest> {
  // What the files are written from (raw strings, flows, counters, the args plan) is garbage before the
  // summaries, which read the folder (as the in-memory writer's TraceIndex is).
  const manifest = await writeBoundedFiles(source, store, sink, opts);
  return finishIndexFolder(manifest, sink, opts);
}

/** Every file but summaries.json, the manifest written first (incomplete); returns the manifest, still incomplete. */
async function writeBoundedFiles<R, F>(source: TraceSource, store: SpillStore<R, F>, sink: IndexSink, opts: BoundedWriteOptions): Promise<IndexManifest> {
  const partEvents = opts.partEvents ?? PART_EVENTS;
  const blocks: { file: F; first: number; n: number }[] = [];
  const take = (raw: RawTrace): void => {
    const n = raw.count;
    blocks.push({ file: store.writeColumns(BLOCK_COLUMNS.map((c) => raw[c].data), n), first: raw.spilled, n });
    for (const c of BLOCK_COLUMNS) raw[c].length = 0;
    raw.spilled += n;
  };
  const parsed = await parseTrace(source, { onProgress: opts.onLoadProgress, spill: { events: opts.blockEvents, pushBytes: opts.pushBytes, take, args: opts.args } });
  const raw = parsed.raw;
  opts.onParsed?.(raw, blocks.length + 1);
  // As TraceIndex does before placing the events; the async lanes are read while the async slices (the last events) are in the columns.
  raw.compact();
  const placer = new EventPlacer(raw, opts.trace, opts.laneRules ?? DEFAULT_RULES);
  // The last events too, so no column is held while the blocks are read back; the flow keys as UTF-8, not a string each.
  take(raw);
  raw.releaseEventColumns();
  raw.packFlowKeys();
  opts.collect?.();
  const plan = new ArgsPlan(raw);
  const runs: R[][] = [];
  const spans: { minNs: number; maxNs: number }[] = [];
  const lateEnd = lateEndsInOrder(raw);
  const readBlock = (cols: BlockColumns, first: number, n: number): void => {
    lateEnd(cols[3], cols[1], first, n);
    const [kind, flags, start, dur, pid, tid, cat, name, argsOff, argsLen] = cols;
    const laneOfEvent = placer.place(kind, flags, pid, tid, cat, name, start, argsOff, argsLen, first, n);
    for (let l = runs.length; l < placer.lanes; l++) {
      runs.push([]);
      spans.push({ minNs: Infinity, maxNs: -Infinity });
    }
    for (let i = 0; i < n; i++) {
      const l = laneOfEvent[i];
      if (l < 0) continue;
      const s = spans[l];
      if (start[i] < s.minNs) s.minNs = start[i];
      if (start[i] + dur[i] > s.maxNs) s.maxNs = start[i] + dur[i];
    }
    spillBlockRuns({ kind, flags, start, dur, name, cat, argsOff, argsLen, n, first }, laneOfEvent, store, runs, plan);
  };
  for (const b of blocks) {
    readBlock(store.readColumns(b.file, BLOCK_TYPES) as BlockColumns, b.first, b.n);
    // The block and its runs' arrays leave before the next block's are made.
    opts.collect?.();
  }
  const phases = { ...raw.phases };

  const map = placer.finish(new Int32Array(0));
  const lanes = map.lanes;
  const counters = map.counters;
  for (const [c, p] of counters.entries()) {
    const s = p.source;
    for (let k = 0; k < s.argsLen.length; k++) if (s.argsLen[k] > 0) plan.count(lanes.length + c, s.argsOff[k], s.argsLen[k]);
  }
  const argsAt = plan.seal(lanes.length + counters.length);
  const laneSpans: LaneSpan[] = lanes.map(({ info, events }, l) => ((info.events = events), { info, events, ...spans[l] }));
  const result = loadResult({ raw, trace: opts.trace, fileName: source.name, format: parsed.format, bytes: parsed.bytes, parseMs: parsed.parseMs }, map, laneSpans, phases);

  const manifest = newManifest(result, raw, opts);
  await sink.write(MANIFEST_FILE, json(manifest));
  // The flows first: their columns go before the lanes are merged.
  await writeFlows(raw, sink, manifest.flows);
  for (const c of Object.values(raw.flows)) c.release();
  opts.collect?.();
  const total = result.events;
  let done = 0;
  const coarse: StoredArray[] = [];
  const laneArgs: ArgsSource[] = [];
  for (const [l, { info }] of lanes.entries()) {
    const writer = new LaneStreamWriter(sink, `lanes/${l}`, manifest.chunkEvents, info.id, result);
    // The lane's args locations in lane order, for the args blocks (written once every lane's are known).
    const args: { file: F; first: number }[] = [];
    let k = 0;
    for (const part of mergeRuns(runs[l].map((r) => store.read(r, partEvents)), partEvents)) {
      args.push({ file: store.writeColumns([part.off, part.argsLen], part.n), first: k });
      const at = argsAt[l];
      for (let j = 0; j < part.n; j++) part.off[j] = at(part.off[j], part.argsLen[j]);
      await writer.add(part, part.n);
      k += part.n;
      opts.onProgress?.((done += part.n), total);
    }
    const { chunks, coarse: entry } = await writer.finish(coarse);
    info.rows = Math.max(1, entry.rows);
    manifest.lanes.push({ id: info.id, chunks, coarse: entry });
    laneArgs.push({ argsParts: () => argsParts(store, args) });
    runs[l] = [];
  }
  const tiles = new TileStore([]);
  for (const [c, p] of counters.entries()) {
    const at = argsAt[lanes.length + c];
    const off = Float64Array.from(p.source.argsOff, (o, k) => at(o, p.source.argsLen[k]));
    manifest.counters.push(await writeCounter(sink, c, p, off, { result, tiles }, coarse));
    opts.onProgress?.((done += p.t.length), total);
  }
  await writeCoarse(sink, manifest, coarse);
  await writeArgBlocks(raw, [...laneArgs, ...counters.map((p) => p.source)], sink, manifest.args);
  return manifest;
}

/** A lane's args locations as spilled, part by part. */
function* argsParts<F>(store: SpillStore<unknown, F>, parts: readonly { file: F; first: number }[]): Generator<ArgsPart> {
  for (const { file, first } of parts) {
    const [argsOff, argsLen] = store.readColumns(file, [Float64Array, Uint32Array]) as [Float64Array, Uint32Array];
    yield { cols: { argsOff, argsLen }, first };
  }
}

/**
 * The slices closed after their block was spilled (RawTrace.lateEnds), by event: `apply` sets those of a block
 * (the file's events [first, first + n), in its duration and flags columns), blocks asked in file order.
 */
function lateEndsInOrder(raw: RawTrace): (dur: Float64Array, flags: Uint8Array, first: number, n: number) => void {
  const { event, dur, flags } = raw.lateEnds;
  const order = Array.from({ length: event.length }, (_, j) => j).sort((a, b) => event.data[a] - event.data[b]);
  let next = 0;
  return (blockDur, blockFlags, first, n) => {
    for (; next < order.length && event.data[order[next]] < first + n; next++) {
      const j = order[next];
      const i = event.data[j] - first;
      blockDur[i] = dur.data[j];
      blockFlags[i] |= flags.data[j];
    }
  };
}

