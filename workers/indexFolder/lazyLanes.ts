// An index folder's lanes, read when a call first needs their events (issue 24): a LazyLane is a
// LaneIndex whose columns are read from its chunk files (synchronously: every TraceIndex call is
// synchronous code) on first access, and dropped again by a byte-bounded cache. Until then its
// summary (coarseLanes.ts) answers the whole-trace view, and a deep zoom reads only the chunks the
// view may overlap (LazyLane.window), so zooming into a huge trace costs what is on screen.

import { TILE_BAND_ROWS } from '../../src/model/tiles';
import type { LaneInfo } from '../../src/model/types';
import { laneIndexFromColumns, narrowIds, narrowLengths, narrowOffsets, type LaneIndex, type LanePart, type LaneWindow } from '../index/laneIndex';
import type { CounterSummary, LaneSummary } from '../index/laneSummary';
import type { CounterPlan } from '../lanes/laneMapping';
import type { TileSource } from '../index/sliceTiles';
import { columnsOf, COUNTER_COLUMNS, inflateNative, LANE_COLUMNS, type IndexChunk } from './format';
import { inflateRaw } from '../ingest/rawDeflate';

/** Default bytes of lane columns kept between calls (a lane a call needs whole is read whole). */
export const DEFAULT_LANE_CACHE_BYTES = 192 << 20;
/** After this long without a call, the cache drops even the last call's lanes down to its bound. */
const DEFAULT_IDLE_TRIM_MS = 2000;
/** Chunk requests in flight at once when prefetching (a browser's connections per host). */
const PREFETCH_PARALLEL = 6;
/** Inflated chunk bytes a prefetch may hold before the call takes them. */
const PREFETCH_MAX_BYTES = 64 << 20;

/**
 * The lanes whose columns are in memory: at most `maxBytes` (least recently used lanes dropped
 * first), except the lanes of the current call and of the one before, so code walking two lanes in
 * step never reads one again and again, and a view panned call after call over lanes bigger than
 * the bound does not read them again at every frame. Once no call has come for `idleMs`, the bound
 * holds for those too. A call is a task: the epoch moves on once the task that touched a lane is
 * over (a timer), and the cache is trimmed then.
 */
export class LaneCache {
  epoch = 1;
  /** Chunk files read and their bytes (the bench and tests report them). */
  chunksRead = 0;
  bytesRead = 0;
  private bytes = 0;
  private readonly held = new Set<LazyLane>();
  private timer = false;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** Chunks fetched and inflated ahead of a call (prefetch), by file, with the epoch they came in. */
  private readonly ready = new Map<string, { bytes: Uint8Array; epoch: number }>();
  private readyBytes = 0;

  constructor(
    readonly maxBytes: number,
    readonly readSync: (path: string) => Uint8Array,
    readonly readAsync: (path: string) => Promise<Uint8Array>,
    readonly idleMs = DEFAULT_IDLE_TRIM_MS,
  ) {}

  /**
   * Fetches the chunks of `lanes` not in memory, PREFETCH_PARALLEL at a time, and inflates them
   * natively, so the synchronous call that reads those lanes next finds them ready (instead of one
   * synchronous GET and a JS inflate per chunk).
   */
  async prefetch(lanes: readonly { chunkFiles: string[] }[]): Promise<void> {
    const files = lanes.flatMap((l) => l.chunkFiles).filter((f) => !this.ready.has(f));
    let next = 0;
    const worker = async () => {
      // Past PREFETCH_MAX_BYTES waiting, the rest is read when the call needs it (memory stays bounded).
      while (next < files.length && this.readyBytes < PREFETCH_MAX_BYTES) {
        const file = files[next++];
        const b = await this.readAsync(file);
        this.chunksRead++;
        this.bytesRead += b.length;
        const bytes = await inflateNative(b);
        this.ready.set(file, { bytes, epoch: this.epoch });
        this.readyBytes += bytes.length;
      }
    };
    await Promise.all(Array.from({ length: Math.min(PREFETCH_PARALLEL, files.length) }, worker));
  }

  /**
   * A chunk's inflated bytes: prefetched, else read and inflated now. A prefetched chunk is taken (its
   * lane keeps its columns), unless `peek`: a lane walked chunk by chunk keeps none, and a call may walk it
   * twice (rangeStats), so the chunk stays until the cache drops prefetched chunks no call took (trim).
   */
  inflated(file: string, peek = false): Uint8Array {
    const hit = this.ready.get(file);
    if (hit && peek) return hit.bytes;
    if (hit) {
      this.ready.delete(file);
      this.readyBytes -= hit.bytes.length;
      return hit.bytes;
    }
    return inflateRaw(this.read(file));
  }

  /** Marks a lane used in this call (and schedules the end of the call). */
  use(lane: LazyLane): void {
    lane.usedIn = this.epoch;
    if (this.timer) return;
    this.timer = true;
    setTimeout(() => {
      this.timer = false;
      this.epoch++;
      this.trim(this.epoch - 1);
      if (this.idleTimer !== null) clearTimeout(this.idleTimer);
      this.idleTimer = this.bytes > this.maxBytes ? setTimeout(() => ((this.idleTimer = null), this.trim(this.epoch)), this.idleMs) : null;
    }, 0);
  }

  read(path: string): Uint8Array {
    const b = this.readSync(path);
    this.chunksRead++;
    this.bytesRead += b.length;
    return b;
  }

  admit(lane: LazyLane, bytes: number): void {
    this.held.add(lane);
    this.bytes += bytes;
    this.trim(this.epoch - 1);
  }

  /** A lane let go of `bytes` of its own (a window replaced). */
  release(bytes: number): void {
    this.bytes -= bytes;
  }

  /** Drops every lane's columns now, whatever call used them last (the index writer, between its summaries). */
  dropAll(): void {
    for (const lane of this.held) this.bytes -= lane.drop();
    this.held.clear();
  }

  /** Bytes of the lane columns held now. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Drops the least recently used lanes last used before epoch `keep` until at most maxBytes are held, and prefetched chunks no call took. */
  private trim(keep: number): void {
    for (const [file, r] of this.ready) {
      if (r.epoch >= this.epoch - 1) continue;
      this.ready.delete(file);
      this.readyBytes -= r.bytes.length;
    }
    if (this.bytes <= this.maxBytes) return;
    const old = [...this.held].filter((l) => l.usedIn < keep).sort((a, b) => a.usedIn - b.usedIn);
    for (const lane of old) {
      if (this.bytes <= this.maxBytes) break;
      this.bytes -= lane.drop();
      this.held.delete(lane);
    }
  }
}

/** Bytes of a lane's columns read whole, per event (LANE_COLUMNS 38 B, per-row lists 4 B, block summaries). */
const LANE_BYTES_PER_EVENT = 44;
/** A lane bigger than this share of the cache's bound is walked chunk by chunk (parts), not read whole. */
const STREAM_SHARE = 0.25;

/** Chunks a lane keeps of those its walks read last (LazyLane.recent). */
const RECENT_CHUNKS = 4;

/** A window is worth it when it reads at most this share of the lane's chunks (else the lane is read whole, and kept). */
const WINDOW_MAX_SHARE = 0.25;

export class LazyLane implements LaneIndex {
  usedIn = 0;
  private open: LaneIndex | null = null;
  private openBytes = 0;
  /** The last window read (a view panned a little reads no chunk again), and its bytes in the cache. */
  private win: { parts: Map<number, ChunkColumns>; window: LaneWindow; bytes: number } | null = null;
  /** Index in the lane of each chunk's first event. */
  private readonly chunkFirst: number[] = [];
  private band0: { rows: Int32Array[]; src: TileSource } | null = null;
  /**
   * The chunks walks read last (chunkParts), oldest first: walks over neighbouring ranges (the steps
   * table, step by step, and each step's ref) share the chunks at their edges instead of inflating
   * them again. At most RECENT_CHUNKS, counted in the cache like the columns.
   */
  private readonly recent = new Map<number, { chunk: ChunkColumns; bytes: number }>();
  summary: LaneSummary | undefined;

  constructor(
    readonly info: LaneInfo,
    private readonly chunks: readonly IndexChunk[],
    private readonly cache: LaneCache,
  ) {
    let at = 0;
    for (const c of chunks) {
      this.chunkFirst.push(at);
      at += c.count;
    }
  }

  get start() { return this.columns().start; }
  get dur() { return this.columns().dur; }
  get name() { return this.columns().name; }
  get cat() { return this.columns().cat; }
  get row() { return this.columns().row; }
  get instant() { return this.columns().instant; }
  get flags() { return this.columns().flags; }
  get argsOff() { return this.columns().argsOff; }
  get argsLen() { return this.columns().argsLen; }
  get rows() { return this.columns().rows; }
  get rowBlocks() { return this.columns().rowBlocks; }

  /** What the first row band's tiles are built from (TileStore.pyramid's band source), read on first need. */
  band0Source(): TileSource {
    if (this.info.rows <= TILE_BAND_ROWS) return this;
    const lane = this;
    const band = () => {
      const rows = lane.rows;
      if (lane.band0?.rows !== rows) lane.band0 = { rows, src: { start: lane.start, dur: lane.dur, name: lane.name, rows: rows.slice(0, TILE_BAND_ROWS), firstRow: 0 } };
      return lane.band0.src;
    };
    return {
      get start() { return band().start; },
      get dur() { return band().dur; },
      get name() { return band().name; },
      get rows() { return band().rows; },
      firstRow: 0,
      window(startNs, endNs) {
        const w = lane.window(startNs, endNs);
        return w && { lane: { start: w.lane.start, dur: w.lane.dur, name: w.lane.name, rows: w.lane.rows.slice(0, TILE_BAND_ROWS), firstRow: 0 }, laneEvent: w.laneEvent };
      },
    };
  }

  get isOpen(): boolean {
    return this.open !== null;
  }

  /** Its chunk files while its columns are not in memory (none once they are). */
  get chunkFiles(): string[] {
    return this.open ? [] : this.chunks.map((c) => c.file);
  }

  /**
   * The chunks a view of [startNs, endNs] reads when that is worth a window (null: read the lane
   * whole). A chunk holds consecutive events in start order and knows its largest end, so an event
   * overlapping the range lies in a chunk that starts before the range ends and ends after it starts.
   */
  chunksFor(startNs: number, endNs: number): number[] | null {
    if (this.open) return null;
    const picked: number[] = [];
    this.chunks.forEach((c, i) => {
      if (c.startNs <= endNs && c.endNs >= startNs) picked.push(i);
    });
    return picked.length <= WINDOW_MAX_SHARE * this.chunks.length ? picked : null;
  }

  /** The files of the window of [startNs, endNs] not in memory (prefetchForQuery); null where the lane would be read whole. */
  filesFor(startNs: number, endNs: number): { chunkFiles: string[] } | null {
    const picked = this.chunksFor(startNs, endNs);
    if (!picked) return null;
    return { chunkFiles: this.inWindow(picked) ? [] : picked.map((i) => this.chunks[i].file) };
  }

  private inWindow(picked: number[]): boolean {
    const held = this.win?.parts;
    return !!held && picked.every((i) => held.has(i));
  }

  window(startNs: number, endNs: number): LaneWindow | null {
    const picked = this.chunksFor(startNs, endNs);
    if (!picked) return null;
    if (this.usedIn !== this.cache.epoch) this.cache.use(this);
    if (this.inWindow(picked)) return this.win!.window;
    // The window grows while it stays small (a view's tiles and slices, a pan: each reads the chunks once).
    const held = this.win?.parts ?? new Map<number, ChunkColumns>();
    let chunks = [...new Set([...held.keys(), ...picked])].sort((a, b) => a - b);
    if (chunks.length > WINDOW_MAX_SHARE * this.chunks.length) chunks = picked;
    const parts = new Map(chunks.map((i) => [i, held.get(i) ?? chunkColumns(this.chunks[i], this.cache)]));
    const lane = laneIndexFromColumns({ ...this.info }, concatChunks(chunks.map((i) => parts.get(i)!)));
    // Window index → lane index: the chunks' first events, in both.
    const localFirst: number[] = [];
    let at = 0;
    for (const i of chunks) {
      localFirst.push(at);
      at += this.chunks[i].count;
    }
    const laneEvent = (k: number): number => {
      let j = chunks.length - 1;
      while (localFirst[j] > k) j--;
      return this.chunkFirst[chunks[j]] + k - localFirst[j];
    };
    let bytes = laneBytes(lane);
    for (const part of parts.values()) for (const [key] of LANE_COLUMNS) bytes += part[key].byteLength;
    if (this.win) this.cache.release(this.win.bytes);
    this.win = { parts, window: { lane, laneEvent }, bytes };
    this.cache.admit(this, bytes);
    return this.win.window;
  }

  /**
   * The lane chunk by chunk where it may overlap [startNs, endNs] (a chunk's first start ≤ endNs and
   * its largest end ≥ startNs), for a walk in start order (nestingOrder.ts) that holds one chunk at a
   * time: when the lane is not in memory, too big to read whole beside the cache's other lanes, and the
   * range needs much of it (a whole-trace analysis); or, any range, when the lane is bigger than the
   * whole cache. Else null: its columns are read and cached, as any call reads them, so a call repeated
   * over small ranges (a slice's self time, slice after slice) reads the lane once, not its chunks each time.
   */
  parts(startNs: number, endNs: number): Iterable<LanePart> | null {
    const bytes = this.info.events * LANE_BYTES_PER_EVENT;
    if (this.open || bytes <= STREAM_SHARE * this.cache.maxBytes) return null;
    // A lane bigger than the whole cache is never read whole for a walk, whatever its range: it would
    // hold more than the bound (the writer's steps table walks its host thread step by step).
    if (bytes > this.cache.maxBytes) return this.chunkParts(startNs, endNs);
    let picked = 0;
    for (const c of this.chunks) if (c.startNs <= endNs && c.endNs >= startNs) picked++;
    return picked > WINDOW_MAX_SHARE * this.chunks.length ? this.chunkParts(startNs, endNs) : null;
  }

  private *chunkParts(startNs: number, endNs: number): Generator<LanePart> {
    for (const [i, c] of this.chunks.entries()) {
      if (c.startNs > endNs) return;
      if (c.endNs < startNs) continue;
      const chunk = this.win?.parts.get(i) ?? this.recentChunk(i);
      const { start, dur, name, cat, row, instant, flags, argsLen } = chunk;
      // The args offsets as RawTrace reads them, made only for a walk that reads them (requests, correlation ids).
      let argsOff: Float64Array | null = null;
      const cols = { info: this.info, start, dur, name, cat, row, instant, flags, argsLen, get argsOff() { return (argsOff ??= argsOffsets(chunk.argsOff.slice())); } };
      yield { cols, first: this.chunkFirst[i] };
    }
  }

  private recentChunk(i: number): ChunkColumns {
    if (this.usedIn !== this.cache.epoch) this.cache.use(this);
    const hit = this.recent.get(i);
    if (hit) {
      // The most recent last.
      this.recent.delete(i);
      this.recent.set(i, hit);
      return hit.chunk;
    }
    const chunk = chunkColumns(this.chunks[i], this.cache, true);
    let bytes = 0;
    for (const [key] of LANE_COLUMNS) bytes += chunk[key].byteLength;
    this.recent.set(i, { chunk, bytes });
    if (this.recent.size > RECENT_CHUNKS) {
      const [oldest, { bytes: old }] = this.recent.entries().next().value!;
      this.recent.delete(oldest);
      this.cache.release(old);
    }
    this.cache.admit(this, bytes);
    return chunk;
  }

  /** Forgets the columns and the window (the cache's bound); returns their bytes. */
  drop(): number {
    let bytes = this.openBytes + (this.win?.bytes ?? 0);
    for (const r of this.recent.values()) bytes += r.bytes;
    this.open = null;
    this.openBytes = 0;
    this.win = null;
    this.band0 = null;
    this.recent.clear();
    return bytes;
  }

  private columns(): LaneIndex {
    if (this.usedIn !== this.cache.epoch) this.cache.use(this);
    return this.open ?? this.read();
  }

  private read(): LaneIndex {
    const open = laneIndexFromColumns(this.info, concatChunks(this.chunks.map((c, i) => this.win?.parts.get(i) ?? chunkColumns(c, this.cache))));
    if (this.win) this.cache.release(this.win.bytes);
    this.win = null;
    this.open = open;
    this.openBytes = laneBytes(open);
    this.cache.admit(this, this.openBytes);
    return open;
  }
}

type ChunkColumns = ReturnType<typeof columnsOf<typeof LANE_COLUMNS>>['columns'];

/** One chunk file's columns, as written; `peek`: a prefetched chunk stays for the call's next read. */
function chunkColumns(c: IndexChunk, cache: LaneCache, peek = false): ChunkColumns {
  return columnsOf(cache.inflated(c.file, peek), LANE_COLUMNS, c.count).columns;
}

/** Chunks of a lane, in order, as one set of columns (args offsets as RawTrace reads them). */
function concatChunks(parts: readonly ChunkColumns[]) {
  const n = parts.reduce((a, p) => a + p.start.length, 0);
  const cols = Object.fromEntries(LANE_COLUMNS.map(([key, T]) => [key, new T(n)])) as ChunkColumns;
  let at = 0;
  for (const part of parts) {
    for (const [key] of LANE_COLUMNS) cols[key].set(part[key], at);
    at += part.start.length;
  }
  return { ...cols, argsOff: argsOffsets(cols.argsOff) };
}

/** Offsets in the index's args stream as RawTrace reads them: "in the file" (−(offset + 1)), the file being the args stream. */
export function argsOffsets(off: Float64Array): Float64Array {
  for (let k = 0; k < off.length; k++) off[k] = off[k] < 0 ? 0 : -(off[k] + 1);
  return off;
}

function laneBytes(l: LaneIndex): number {
  let bytes = 0;
  for (const c of [l.start, l.dur, l.name, l.cat, l.row, l.instant, l.flags, l.argsOff, l.argsLen]) bytes += c.byteLength;
  bytes += l.rows.length ? l.rows[0].buffer.byteLength + 64 * l.rows.length : 0;
  for (const levels of l.rowBlocks) for (const b of levels) bytes += b.byteLength;
  return bytes;
}

/**
 * An index folder's counter lane whose samples are read on first access (kept then: a counter is one
 * file, small beside the lanes); its summary answers the whole-trace view meanwhile.
 */
export class LazyCounter implements CounterPlan {
  private open: Pick<CounterPlan, 't' | 'values' | 'source'> | null = null;
  summary: CounterSummary | undefined;

  constructor(
    readonly info: LaneInfo,
    private readonly file: { file: string; count: number; series: number },
    private readonly cache: LaneCache,
    readonly derived?: boolean,
  ) {}

  get t() { return this.samples().t; }
  get values() { return this.samples().values; }
  get source() { return this.samples().source; }

  /** Its file while its samples are not in memory. */
  get chunkFiles(): string[] {
    return this.open ? [] : [this.file.file];
  }

  private samples(): Pick<CounterPlan, 't' | 'values' | 'source'> {
    if (this.open) return this.open;
    const { columns: k, extra } = columnsOf(this.cache.inflated(this.file.file), COUNTER_COLUMNS, this.file.count, this.file.series);
    this.open = {
      t: k.t,
      values: extra,
      source: { name: narrowIds(k.name), cat: narrowIds(k.cat), tid: narrowIds(k.tid), kind: k.kind, argsOff: narrowOffsets(argsOffsets(k.argsOff)), argsLen: narrowLengths(k.argsLen) },
    };
    return this.open;
  }
}
