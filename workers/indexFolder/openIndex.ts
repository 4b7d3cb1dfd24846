// Opens an index folder (format.ts) as the TraceIndex the trace worker answers from: lanes come
// back mapped, sorted and rowed as written, so every worker call answers as for the trace
// itself. Opening reads the manifest and the coarse file: a lane's chunks and a counter's samples
// are read when a call first needs them (lazyLanes.ts), flows and args blocks likewise.

import { inflateRaw } from '../ingest/rawDeflate';
import type { LaneGroup, LaneInfo, TraceLoadResult, ViewportQuery } from '../../src/model/types';
import { LANE_RAW_EVENTS } from '../index/tiledViewport';
import { tileRange, tileSpanNs } from '../../src/model/tiles';
import type { LaneIndex } from '../index/laneIndex';
import { nestingGroupOf } from '../index/nesting';
import { TraceIndex } from '../index/traceIndex';
import { RawTrace } from '../ingest/rawTrace';
import { PackedStringTable } from '../ingest/growable';
import type { ArgsSource } from '../ingest/argsSource';
import { sameRules, type CategoryRule } from '../lanes/categoryRules';
import { arraysOf, checkManifest, FLOW_COLUMNS, inflateNative, MANIFEST_FILE, unpackColumns, type IndexManifest } from './format';
import { CoarseCounterSummary, CoarseSummary } from './coarseLanes';
import { DEFAULT_LANE_CACHE_BYTES, LaneCache, LazyCounter, LazyLane } from './lazyLanes';

/** How the files of one index folder are read: fetch + a synchronous request in a worker, the file system in Node. */
export interface IndexFiles {
  /** The folder, for messages (its URL or path). */
  where: string;
  read(path: string): Promise<Uint8Array>;
  /** Args blocks are read synchronously: details and analyses read args inside synchronous code. */
  readSync(path: string): Uint8Array;
}

export interface OpenIndexOptions {
  /** The trace key the UI gave this trace; lane ids are re-keyed when the writer used another. */
  trace: string;
  /** The lane rules in force: the index's lanes are shown as mapped by its writer's, so other rules are a warning. */
  laneRules?: readonly CategoryRule[];
  /** Bytes read so far of `bytesTotal` (IndexManifest.openBytes), and events read. */
  onProgress?: (bytesDone: number, bytesTotal: number, events: number) => void;
  /** Bytes of lane columns kept between calls (default DEFAULT_LANE_CACHE_BYTES), and after how long without a call the last call's lanes count too (LaneCache). */
  laneCache?: { bytes?: number; idleMs?: number };
}

export async function readManifest(files: IndexFiles): Promise<IndexManifest> {
  const bytes = await files.read(MANIFEST_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    parsed = null;
  }
  return checkManifest(parsed, files.where);
}

export async function openIndexFolder(files: IndexFiles, opts: OpenIndexOptions): Promise<TraceIndex> {
  const t0 = performance.now();
  return openManifest(await readManifest(files), files, opts, t0);
}

/**
 * The index a manifest describes, its files read through `files`: what openIndexFolder opens once the
 * manifest is read, and what the writer computes the summaries from before its manifest is complete.
 */
export async function openManifest(manifest: IndexManifest, files: IndexFiles, opts: OpenIndexOptions, t0 = performance.now()): Promise<TraceIndex> {
  const result = rekey(manifest.result, opts.trace);
  if (opts.laneRules && !sameRules(opts.laneRules, manifest.laneRules)) {
    result.warnings = [
      ...result.warnings,
      { code: 'index-lane-rules', message: 'This index was written with other lane rules than yours: its lanes are shown as it was indexed (index the trace again to apply yours).' },
    ];
  }
  const infos = new Map(result.lanes.map((l) => [l.id, l]));
  const rekeyed = (id: string) => infos.get(rekeyId(id, manifest.result.trace, opts.trace))!;
  let done = 0;
  const read = async (path: string) => {
    const b = await files.read(path);
    opts.onProgress?.((done += b.length), manifest.openBytes, 0);
    return b;
  };

  // Opening reads the coarse file; a lane's chunks and a counter's samples wait for a call that needs them.
  // Inflated by the platform (DecompressionStream): fflate took most of an open's time (synthetic-1GB: 4.6 + 8 MB).
  const coarse = arraysOf(await inflateNative(await read(manifest.coarse)));
  const cache = new LaneCache(opts.laneCache?.bytes ?? DEFAULT_LANE_CACHE_BYTES, (path) => files.readSync(path), (path) => files.read(path), opts.laneCache?.idleMs);
  const lanes = manifest.lanes.map((l) => {
    const info = rekeyed(l.id);
    const lane = new LazyLane(info, l.chunks, cache);
    lane.summary = new CoarseSummary(l.coarse, coarse, info.id, info.events, () => lane.band0Source());
    return lane;
  });
  const counters = manifest.counters.map((c) => {
    const info = rekeyed(c.id);
    const counter = new LazyCounter(info, c, cache, c.derived);
    counter.summary = new CoarseCounterSummary(c.coarse, coarse, info.id, c.count, c.series);
    return counter;
  });
  const raw = restoreRaw(manifest, result, files);
  // parseMs: what opening took here (the writer's parse is not this load's).
  result.parseMs = performance.now() - t0;
  opts.onProgress?.(done, manifest.openBytes, result.events);
  const index = new TraceIndex({ restored: { raw, lanes, counters, result } });
  indexLaneCaches.set(index, cache);
  return index;
}

/** The lane cache of an index opened from a folder (what it has read on demand, for the bench and tests). */
export const indexLaneCaches = new WeakMap<TraceIndex, LaneCache>();

/**
 * Before a viewport query (the trace worker awaits it): fetches, in parallel, the chunks of the
 * lanes the query will read — those its stored summary cannot answer (the view does not span
 * them) and those small enough to be drawn as slices. Nothing for a trace not opened from an index.
 */
export async function prefetchForQuery(index: TraceIndex, q: ViewportQuery): Promise<void> {
  const cache = indexLaneCaches.get(index);
  if (!cache) return;
  const wanted = (visible: number | null) => visible === null || visible <= LANE_RAW_EVENTS;
  const files: { chunkFiles: string[] }[] = [];
  // Tiles the view needs cover whole tile spans: their windows reach past the view's ends.
  const span = q.level === undefined ? 0 : tileSpanNs(q.level);
  const [first, last] = q.level === undefined ? [0, 0] : tileRange(q.level, q.startNs, q.endNs);
  const [fromNs, toNs] = span ? [Math.min(q.startNs, first * span), Math.max(q.endNs, (last + 1) * span)] : [q.startNs, q.endNs];
  for (const id of q.laneIds) {
    const lane = index.lanes.get(id);
    if (lane instanceof LazyLane && lane.summary && wanted(lane.summary.visibleEventCount(q.startNs, q.endNs, 0, lane.summary.rowCount))) files.push(lane.filesFor(fromNs, toNs) ?? lane.filesFor(q.startNs, q.endNs) ?? lane);
    const counter = index.counters.get(id);
    if (counter instanceof LazyCounter && counter.summary && wanted(counter.summary.visibleSamples(q.startNs, q.endNs))) files.push(counter);
  }
  await cache.prefetch(files);
}

/**
 * Before a call that reads lanes beyond a view (details, search, analyses, an export): fetches the
 * chunks of the lanes not in memory that `wanted` names (default: every lane) in parallel, as
 * prefetchForQuery does for a view. Nothing for a trace not opened from an index.
 */
export async function prefetchLanes(index: TraceIndex, wanted: (lane: LaneIndex) => boolean = () => true): Promise<void> {
  const cache = indexLaneCaches.get(index);
  if (!cache) return;
  await cache.prefetch([...index.lanes.values()].filter((l): l is LazyLane => l instanceof LazyLane && wanted(l)));
}

/** The lanes a slice's details read: its own, and those it nests with (its self time). */
export function detailLanes(index: TraceIndex, laneId: string): (lane: LaneIndex) => boolean {
  const lane = index.lanes.get(laneId);
  const group = new Set(lane ? nestingGroupOf(index.lanes.values(), lane) : []);
  return (l) => group.has(l);
}

/** The importer's tables the index still reads after loading: names, flows, process / thread names, args. */
function restoreRaw(m: IndexManifest, result: TraceLoadResult, files: IndexFiles): RawTrace {
  const raw = new RawTrace();
  for (const s of result.names) raw.strings.intern(s);
  raw.baseNs = BigInt(m.raw.baseNs);
  raw.originUs = Number((BigInt(result.originNs) - raw.baseNs) / 1000n);
  Object.assign(raw.metadata, result.metadata);
  Object.assign(raw.phases, result.phases);
  for (const [k, v] of m.raw.processNames) raw.processNames.set(k, v);
  for (const [k, v] of m.raw.processLabels) raw.processLabels.set(k, v);
  for (const [k, v] of m.raw.processSort) raw.processSort.set(k, v);
  for (const [k, v] of m.raw.threadNames) raw.threadNames.set(k, v);
  for (const [k, v] of m.raw.threadSort) raw.threadSort.set(k, v);
  for (const [point, name] of m.flows.ownName) raw.flowOwnName.set(point, name);
  raw.compact();
  raw.argsSource = argsBlocks(m.args, files);
  lazyFlows(raw, m.flows, files);
  return raw;
}

/**
 * The flow points and keys are read when first asked for (a selected slice's links, an export),
 * not at open: RawTrace's flows and flowKeys become getters that fill them once.
 */
function lazyFlows(raw: RawTrace, flows: IndexManifest['flows'], files: IndexFiles): void {
  const real = { flows: raw.flows, flowKeys: new PackedStringTable() };
  let read = false;
  const fill = () => {
    read = true;
    const { columns: f } = unpackColumns(files.readSync(flows.file), FLOW_COLUMNS, flows.count);
    for (const [key] of FLOW_COLUMNS) real.flows[key].extend(flows.count).set(f[key]);
    for (const key of JSON.parse(new TextDecoder().decode(inflateRaw(files.readSync(flows.keysFile)))) as string[]) real.flowKeys.intern(key);
    for (const c of Object.values(real.flows)) c.compact();
    real.flowKeys.pack();
  };
  for (const key of ['flows', 'flowKeys'] as const) {
    Object.defineProperty(raw, key, {
      configurable: true,
      get() {
        if (!read) fill();
        return real[key];
      },
    });
  }
}

/** The args stream read by blocks (RawTrace caches a few of them: ≤ 8 × blockBytes). */
function argsBlocks(args: IndexManifest['args'], files: IndexFiles): ArgsSource {
  const block = (b: number) => inflateRaw(files.readSync(args.files[b]));
  return {
    blockBytes: args.blockBytes,
    read(at, len) {
      const end = Math.min(args.bytes, at + len);
      const out = new Uint8Array(Math.max(0, end - at));
      for (let b = Math.floor(at / args.blockBytes); b * args.blockBytes < end; b++) {
        const bytes = block(b);
        const from = Math.max(at, b * args.blockBytes);
        const to = Math.min(end, (b + 1) * args.blockBytes);
        out.set(bytes.subarray(from - b * args.blockBytes, to - b * args.blockBytes), from - at);
      }
      return out;
    },
  };
}

function rekeyId(id: string, from: string, to: string): string {
  return from === to || !id.startsWith(`${from}|`) ? id : `${to}${id.slice(from.length)}`;
}

/** The load result under the UI's trace key (lane and group ids start with it: keys.ts). */
function rekey(r: TraceLoadResult, trace: string): TraceLoadResult {
  const from = r.trace;
  const lane = (l: LaneInfo): LaneInfo => ({ ...l, id: rekeyId(l.id, from, trace), group: rekeyId(l.group, from, trace), trace });
  const group = (g: LaneGroup): LaneGroup => ({ ...g, id: rekeyId(g.id, from, trace), trace });
  return { ...r, trace, lanes: r.lanes.map(lane), groups: r.groups.map(group) };
}
