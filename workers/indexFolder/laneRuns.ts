// A lane written from sorted runs, never whole (issue 24, a bounded index writer): a run is one
// block of the file's events of the lane, sorted in lane order (laneIndex.ts laneOrder) and read
// part by part; the runs are merged in lane order part by part, each part's rows assigned (RowAssigner), its
// events appended to the lane's chunk files and its outline (coarseLanes.ts LaneOutline), so the
// writer holds one part, one chunk being filled and the row state, whatever the lane's size.
// The files are byte for byte those the writer makes from the whole lane (writeIndex.ts).

import { instantOf, laneOrder, laneOrderOf } from '../index/laneIndex';
import type { ArgsPlan } from './argsPlan';
import { RowAssigner } from '../index/assignRows';
import { heapify, siftDown } from '../index/heap';
import { LANE_COLUMNS, unpackColumns, type IndexChunk, type CoarseLane, type StoredArray } from './format';
import { finerLevels, LaneOutline, storePyramid, wideMinNsOf } from './coarseLanes';
import { LANE_RAW_EVENTS } from '../index/tiledViewport';
import { pyramidLevels, SliceTilePyramid } from '../index/tilePyramid';
import { StreamedSliceTiles, type TileSource } from '../index/sliceTiles';
import { sliceTileBytes, tileRange, type SliceTile } from '../../src/model/tiles';
import { LruCache } from '../../src/model/lruCache';
import { writeLaneChunk, type IndexSink } from './writeIndex';

/** A part of a lane's events in lane order, rows not yet assigned; `off`: their args offsets (−1: none). */
export interface LanePartColumns {
  start: Float64Array;
  dur: Float64Array;
  name: Uint32Array;
  cat: Uint32Array;
  instant: Uint8Array;
  flags: Uint8Array;
  argsLen: Uint32Array;
  off: Float64Array;
}

const PART_KEYS = ['start', 'dur', 'name', 'cat', 'instant', 'flags', 'argsLen', 'off'] as const;

/**
 * A run's next `n` events in lane order, with each one's place in the file (the order's last key). A run is read
 * part by part (from the file a writer spilled it to, or memory): a part's arrays may be reused once the next is asked.
 */
export interface RunPart extends LanePartColumns {
  file: Float64Array;
  n: number;
}

/** A lane part of `n` events. */
export function lanePart(n: number): LanePartColumns {
  return { start: new Float64Array(n), dur: new Float64Array(n), name: new Uint32Array(n), cat: new Uint32Array(n), instant: new Uint8Array(n), flags: new Uint8Array(n), argsLen: new Uint32Array(n), off: new Float64Array(n) };
}

/**
 * The runs' events merged in lane order, `partEvents` at a time (a part's arrays are reused: read it before asking
 * for the next). Holds one part of each run and the part being filled, whatever the runs' lengths.
 */
export function* mergeRuns(runs: readonly Iterator<RunPart>[], partEvents: number): Generator<LanePartColumns & { n: number }> {
  const parts: (RunPart | null)[] = runs.map(() => null);
  const next = new Uint32Array(runs.length);
  /** The run's next event in its current part, reading its next part when this one is done; false: the run is over. */
  const ready = (r: number): boolean => {
    while (!parts[r] || next[r] === parts[r]!.n) {
      const got = runs[r].next();
      if (got.done) return false;
      parts[r] = got.value;
      next[r] = 0;
    }
    return true;
  };
  const before = (a: number, b: number): boolean => {
    const pa = parts[a]!;
    const pb = parts[b]!;
    const i = next[a];
    const j = next[b];
    return laneOrder(pa.start[i], pa.dur[i], pa.file[i], pb.start[j], pb.dur[j], pb.file[j]) < 0;
  };
  // A binary heap of the runs with events left, by their next event.
  const heap: number[] = [];
  runs.forEach((_, r) => ready(r) && heap.push(r));
  heapify(heap, before);
  const out = Object.assign(lanePart(partEvents), { n: 0 });
  while (heap.length > 0) {
    const r = heap[0];
    const p = parts[r]!;
    const i = next[r]++;
    for (const key of PART_KEYS) out[key][out.n] = p[key][i];
    out.n++;
    if (!ready(r)) {
      const last = heap.pop()!;
      if (heap.length > 0) heap[0] = last;
    }
    siftDown(heap, 0, before);
    if (out.n === partEvents) {
      yield out;
      out.n = 0;
    }
  }
  if (out.n > 0) yield out;
}

/** Where runs are kept (bin/src/runFiles.ts: a temporary folder): a run written whole, read back part by part. */
export interface RunStore<R> {
  write(cols: LanePartColumns & { file: Float64Array }, n: number): R;
  read(run: R, partEvents: number): Iterator<RunPart>;
}

/** A block of the parse's raw events (RawTrace's columns, from index 0), its first event the file's event `first`. */
export interface RawBlock {
  kind: Uint8Array;
  flags: Uint8Array;
  start: Float64Array;
  dur: Float64Array;
  name: Uint32Array;
  cat: Uint32Array;
  argsOff: Float64Array;
  argsLen: Uint32Array;
  n: number;
  first: number;
}

/**
 * Each lane's events of a block as one run, sorted in lane order, written to `store` and appended to
 * `runs[lane]` (`laneOfEvent`: the block's events' lanes, −1 none); their args counted in `plan`.
 */
export function spillBlockRuns<R>(block: RawBlock, laneOfEvent: Int32Array, store: RunStore<R>, runs: R[][], plan: ArgsPlan): void {
  // The block's events of each lane, in file order (a counting sort by lane).
  const lanes = runs.length;
  const at = new Int32Array(lanes + 1);
  for (let i = 0; i < block.n; i++) if (laneOfEvent[i] >= 0) at[laneOfEvent[i] + 1]++;
  for (let l = 0; l < lanes; l++) at[l + 1] += at[l];
  const events = new Int32Array(at[lanes]);
  const fill = at.slice(0, lanes);
  for (let i = 0; i < block.n; i++) if (laneOfEvent[i] >= 0) events[fill[laneOfEvent[i]]++] = i;
  for (let l = 0; l < lanes; l++) {
    const list = events.subarray(at[l], at[l + 1]);
    const m = list.length;
    if (m === 0) continue;
    const start = Float64Array.from(list, (i) => block.start[i]);
    const dur = Float64Array.from(list, (i) => block.dur[i]);
    const order = laneOrderOf(start, dur, Float64Array.from(list, (i) => block.first + i));
    const run = Object.assign(lanePart(m), { file: new Float64Array(m) });
    for (let j = 0; j < m; j++) {
      const i = list[order[j]];
      run.start[j] = block.start[i];
      run.dur[j] = block.dur[i];
      run.name[j] = block.name[i];
      run.cat[j] = block.cat[i];
      run.instant[j] = instantOf(block.kind[i]);
      run.flags[j] = block.flags[i];
      run.argsLen[j] = block.argsLen[i];
      run.off[j] = block.argsOff[i];
      run.file[j] = block.first + i;
      if (block.argsLen[i] > 0) plan.count(l, block.argsOff[i], block.argsLen[i]);
    }
    runs[l].push(store.write(run, m));
  }
}

/**
 * One lane's chunk files and coarse entry from its events given part by part in lane order: each
 * chunk is written once `chunkEvents` events fill it, as the whole-lane writer cuts them. A lane past
 * LANE_RAW_EVENTS gets its first band's tile pyramid from its chunks read back one at a time, once
 * the band's extent and size (which fix the pyramid's levels) are known.
 */
export class LaneStreamWriter {
  private readonly rows = new RowAssigner();
  private readonly outline: LaneOutline;
  private readonly chunk: LanePartColumns & { row: Uint32Array };
  private filled = 0;
  private readonly chunks: IndexChunk[] = [];

  constructor(
    private readonly sink: IndexSink,
    /** `lanes/<lane>`: chunk n is `<stem>/<n>-<hash>.bin`. */
    private readonly stem: string,
    private readonly chunkEvents: number,
    private readonly laneId: string,
    /** The trace's extent (TraceLoadResult minNs, maxNs): what a whole-trace view spans. */
    private readonly extent: { minNs: number; maxNs: number },
  ) {
    this.outline = new LaneOutline(wideMinNsOf(extent));
    this.chunk = Object.assign(lanePart(chunkEvents), { row: new Uint32Array(chunkEvents) });
  }

  /** Events [0, n) of `part`, the lane's next ones. */
  async add(part: LanePartColumns, n: number): Promise<void> {
    const c = this.chunk;
    for (let from = 0; from < n; ) {
      const m = Math.min(n - from, this.chunkEvents - this.filled);
      const at = this.filled;
      for (const key of PART_KEYS) c[key].set(part[key].subarray(from, from + m), at);
      this.rows.assign(c.start, c.dur, at, at + m, c.row, at);
      this.outline.add(c, at, at + m);
      this.filled += m;
      from += m;
      if (this.filled === this.chunkEvents) await this.flush();
    }
  }

  private async flush(): Promise<void> {
    const n = this.filled;
    if (n === 0) return;
    this.chunks.push(await writeLaneChunk(this.sink, `${this.stem}/${this.chunks.length}`, this.chunk, 0, n, this.chunk.off.slice(0, n)));
    this.filled = 0;
  }

  /** The last chunk written; the lane's chunks and its coarse entry, its arrays appended to `arrays` (the coarse file). */
  async finish(arrays: StoredArray[]): Promise<{ chunks: IndexChunk[]; coarse: CoarseLane }> {
    await this.flush();
    const entry = this.outline.finish(arrays);
    let events = 0;
    for (const c of this.chunks) events += c.count;
    const pyramid = events > LANE_RAW_EVENTS ? await this.pyramid(arrays) : null;
    return { chunks: this.chunks, coarse: { ...entry, pyramid } };
  }

  /** The first band's pyramid as the whole-lane writer stores it (coarseLanes.ts storePyramid), from the chunks written. */
  private async pyramid(arrays: StoredArray[]): Promise<CoarseLane['pyramid']> {
    const band = this.outline.band();
    const { baseLevel, topLevel } = pyramidLevels(band.minNs, band.maxNs, band.events, band.rows);
    const spanNs = this.extent.maxNs - this.extent.minNs;
    const levels = [baseLevel, ...finerLevels(baseLevel, spanNs)].map((level) => {
      const [first, last] = tileRange(level, band.minNs, band.maxNs);
      return { level, first, last };
    });
    const tiles = new StreamedSliceTiles(this.laneId, levels, band.rows);
    for (const c of this.chunks) tiles.add(unpackColumns(await this.sink.files.read(c.file), LANE_COLUMNS, c.count).columns, 0, c.count);
    const built = new Map<string, SliceTile>();
    for (const { level } of levels) for (const t of tiles.tiles(level)) built.set(`${t.level}|${t.index}`, t);
    const pyramid = new SliceTilePyramid(NO_EVENTS, this.laneId, new LruCache<string, SliceTile>(Infinity, sliceTileBytes), { baseLevel, topLevel, minNs: band.minNs, maxNs: band.maxNs, built });
    return storePyramid(pyramid, spanNs, arrays);
  }
}

/** The source of a pyramid whose tiles were built elsewhere (it reads no event). */
const NO_EVENTS: TileSource = { start: new Float64Array(0), dur: new Float64Array(0), name: new Uint32Array(0), rows: [] };
