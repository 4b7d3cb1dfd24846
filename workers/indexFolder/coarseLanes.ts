// What an index folder stores per lane so the whole-trace view needs none of its chunks
// (issue 24): the row sizes (how many events a view spanning the lane sees), the slices wide
// enough to be labelled at that zoom, and the first band's tile pyramid as the index built it,
// plus the finer tiles a view up to FIRST_FRAME_PX wide asks for; per busy counter, its tiles at
// the whole-trace zoom. Read back as the lane's LaneSummary / the counter's CounterSummary
// (workers/index/laneSummary.ts), whose answers equal the columns' answers.

import type { LruCache } from '../../src/model/lruCache';
import { levelForNsPerPx, tileRange, TILE_BAND_ROWS, type CounterTile, type SliceTile } from '../../src/model/tiles';
import type { LaneSlices } from '../../src/model/types';
import type { LaneIndex } from '../index/laneIndex';
import type { CounterSummary, LaneSummary } from '../index/laneSummary';
import type { CounterPlan } from '../lanes/laneMapping';
import type { TraceIndex } from '../index/traceIndex';
import { LANE_RAW_EVENTS, WIDE_PX } from '../index/tiledViewport';
import { SliceTilePyramid } from '../index/tilePyramid';
import type { TileSource } from '../index/sliceTiles';
import { SliceWriter } from '../index/viewportQuery';
import type { CoarseCounter, CoarseLane, StoredArray } from './format';

/** The widest whole-trace view (px) whose first frame reads no lane chunk. */
export const FIRST_FRAME_PX = 4096;
/** Arrays per stored tile: rows, busy, count, name, event. */
const TILE_ARRAYS = 5;

/** Appends a lane's coarse arrays to `arrays` (the coarse file) and returns its manifest entry. */
export function coarseLane(index: TraceIndex, lane: LaneIndex, arrays: StoredArray[]): CoarseLane {
  const n = lane.start.length;
  const spanNs = index.result.maxNs - index.result.minNs;
  const outline = new LaneOutline(wideMinNsOf(index.result));
  outline.add(lane, 0, n);
  const entry = outline.finish(arrays);
  const pyramid = n > LANE_RAW_EVENTS ? storePyramid(index.tiles.pyramid(lane, 0), spanNs, arrays) : null;
  return { ...entry, pyramid };
}

/** Levels finer than `baseLevel` that a whole-trace view up to FIRST_FRAME_PX wide asks for (finest last). */
export function finerLevels(baseLevel: number, spanNs: number): number[] {
  const finer: number[] = [];
  for (let level = baseLevel - 1; level >= levelForNsPerPx(spanNs / FIRST_FRAME_PX); level--) finer.push(level);
  return finer;
}

/** Appends a lane's first-band pyramid tiles (its eager levels, then the finer levels a whole-trace view asks for) to `arrays`; its entry. */
export function storePyramid(built: SliceTilePyramid, spanNs: number, arrays: StoredArray[]): CoarseLane['pyramid'] {
  const { tiles, ...levels } = built.stored(finerLevels(built.baseLevel, spanNs));
  for (const t of tiles) arrays.push(t.rows, t.busy, t.count, t.name, t.event);
  return { ...levels, tiles: tiles.map((t) => [t.level, t.index]) };
}

/** The shortest slice a whole-trace view FIRST_FRAME_PX wide labels (WIDE_PX wide there). */
export function wideMinNsOf(extent: { minNs: number; maxNs: number }): number {
  return (WIDE_PX * (extent.maxNs - extent.minNs)) / FIRST_FRAME_PX;
}

/** The columns LaneOutline reads of a lane's events (its rows assigned). */
export type OutlineColumns = Pick<LaneIndex, 'start' | 'dur' | 'name' | 'instant' | 'row'>;

/**
 * A lane's coarse entry but its pyramid: its rows' sizes, its wide slices (every non-instant slice of
 * at least `wideMinNs`, by row, then in lane order) and its earliest end and latest start, from its
 * events given in lane order, part by part (an index writer that never holds the whole lane) or at once.
 */
export class LaneOutline {
  private events = 0;
  private rowSizes = new Uint32Array(16);
  private rows = 0;
  private minEndNs = Infinity;
  private maxStartNs = 0;
  /** Earliest start and latest end of the first row band's events (its tile pyramid's extent). */
  private bandMinNs = Infinity;
  private bandMaxNs = -Infinity;
  /** Wide slices in lane order: row, start, dur, name, event. */
  private readonly wide: number[][] = [[], [], [], [], []];

  constructor(private readonly wideMinNs: number) {}

  /** Events [from, to) of `cols`, the lane's next ones. */
  add(cols: OutlineColumns, from: number, to: number): void {
    const { start, dur, name, instant, row } = cols;
    const [wRow, wStart, wDur, wName, wEvent] = this.wide;
    for (let k = from; k < to; k++) {
      const r = row[k];
      if (r >= this.rows) {
        this.rows = r + 1;
        if (r >= this.rowSizes.length) {
          const grown = new Uint32Array(Math.max(r + 1, 2 * this.rowSizes.length));
          grown.set(this.rowSizes);
          this.rowSizes = grown;
        }
      }
      this.rowSizes[r]++;
      const end = start[k] + dur[k];
      if (end < this.minEndNs) this.minEndNs = end;
      if (r < TILE_BAND_ROWS) {
        if (start[k] < this.bandMinNs) this.bandMinNs = start[k];
        if (end > this.bandMaxNs) this.bandMaxNs = end;
      }
      if (dur[k] >= this.wideMinNs && !instant[k]) {
        wRow.push(r);
        wStart.push(start[k]);
        wDur.push(dur[k]);
        wName.push(name[k]);
        wEvent.push(this.events + k - from);
      }
    }
    if (to > from) this.maxStartNs = start[to - 1];
    this.events += to - from;
  }

  /** The first row band as its tile pyramid sees it: rows, events, extent (0, 0 when empty). */
  band(): { rows: number; events: number; minNs: number; maxNs: number } {
    const rows = Math.min(this.rows, TILE_BAND_ROWS);
    let events = 0;
    for (let r = 0; r < rows; r++) events += this.rowSizes[r];
    return Number.isFinite(this.bandMinNs) ? { rows, events, minNs: this.bandMinNs, maxNs: this.bandMaxNs } : { rows, events, minNs: 0, maxNs: 0 };
  }

  /** Appends the outline's arrays to `arrays` (the coarse file); its entry, the pyramid to come. */
  finish(arrays: StoredArray[]): Omit<CoarseLane, 'pyramid'> {
    const [wRow, wStart, wDur, wName, wEvent] = this.wide;
    const count = wRow.length;
    // By row, then lane order (a stable counting sort of the lane-order list).
    const at = new Uint32Array(this.rows + 1);
    for (const r of wRow) at[r + 1]++;
    for (let r = 0; r < this.rows; r++) at[r + 1] += at[r];
    const order = new Uint32Array(count);
    for (let j = 0; j < count; j++) order[at[wRow[j]]++] = j;
    const pick = <T extends StoredArray>(T: { new (n: number): T }, from: number[]): T => {
      const out = new T(count);
      for (let j = 0; j < count; j++) out[j] = from[order[j]];
      return out;
    };
    const first = arrays.length;
    arrays.push(this.rowSizes.slice(0, this.rows), pick(Uint32Array, wRow), pick(Float64Array, wStart), pick(Float64Array, wDur), pick(Uint32Array, wName), pick(Int32Array, wEvent));
    const n = this.events;
    return { at: first, rows: this.rows, minEndNs: n ? this.minEndNs : 0, maxStartNs: n ? this.maxStartNs : 0, wideMinNs: this.wideMinNs, wide: count };
  }
}

/**
 * Appends a counter's coarse arrays (the tiles a whole-trace view 256 to FIRST_FRAME_PX wide asks for, when
 * it has too many samples to be drawn as they are) to `arrays`, and returns its manifest entry.
 */
export function coarseCounter(index: Pick<TraceIndex, 'result' | 'tiles'>, plan: CounterPlan, arrays: StoredArray[]): CoarseCounter {
  const n = plan.t.length;
  const at = arrays.length;
  const tiles: [number, number][] = [];
  if (n > LANE_RAW_EVENTS) {
    const { minNs, maxNs } = index.result;
    const spanNs = maxNs - minNs;
    for (let level = levelForNsPerPx(spanNs / FIRST_FRAME_PX); level <= levelForNsPerPx(spanNs / 256); level++) {
      const [first, last] = tileRange(level, minNs, maxNs);
      for (let i = first; i <= last; i++) {
        const t = index.tiles.counterTile(plan, level, i);
        arrays.push(t.count, t.before, ...t.min, ...t.max, ...t.last);
        tiles.push([level, i]);
      }
    }
  }
  return { at, firstNs: n ? plan.t[0] : 0, lastNs: n ? plan.t[n - 1] : 0, tiles };
}

/** A counter's stored coarse arrays as its CounterSummary. */
export class CoarseCounterSummary implements CounterSummary {
  private readonly tiles = new Map<string, number>();

  constructor(
    private readonly stored: CoarseCounter,
    private readonly arrays: readonly StoredArray[],
    private readonly laneId: string,
    private readonly samples: number,
    private readonly series: number,
  ) {
    stored.tiles.forEach(([level, index], j) => this.tiles.set(`${level}|${index}`, j));
  }

  visibleSamples(startNs: number, endNs: number): number | null {
    return this.samples === 0 || (startNs <= this.stored.firstNs && endNs >= this.stored.lastNs) ? this.samples : null;
  }

  tile(level: number, index: number): CounterTile | null {
    const j = this.tiles.get(`${level}|${index}`);
    if (j === undefined) return null;
    const s = this.series;
    const a = this.arrays.slice(this.stored.at + j * (2 + 3 * s), this.stored.at + (j + 1) * (2 + 3 * s));
    const values = a.slice(2) as Float64Array[];
    return { laneId: this.laneId, level, index, count: a[0] as Uint32Array, before: a[1] as Float64Array, min: values.slice(0, s), max: values.slice(s, 2 * s), last: values.slice(2 * s) };
  }
}

/** A lane's stored coarse arrays as its LaneSummary; `band0` gives the pyramid its events when a finer tile needs them. */
export class CoarseSummary implements LaneSummary {
  readonly rowCount: number;
  private readonly before: Float64Array;
  private readonly wide: { row: Uint32Array; start: Float64Array; dur: Float64Array; name: Uint32Array; event: Int32Array };

  constructor(
    private readonly stored: CoarseLane,
    private readonly arrays: readonly StoredArray[],
    private readonly laneId: string,
    readonly events: number,
    private readonly band0: () => TileSource,
  ) {
    this.rowCount = stored.rows;
    const [rowSizes, row, start, dur, name, event] = arrays.slice(stored.at, stored.at + 6);
    this.before = new Float64Array(rowSizes.length + 1);
    for (let r = 0; r < rowSizes.length; r++) this.before[r + 1] = this.before[r] + rowSizes[r];
    this.wide = { row: row as Uint32Array, start: start as Float64Array, dur: dur as Float64Array, name: name as Uint32Array, event: event as Int32Array };
  }

  visibleEventCount(startNs: number, endNs: number, r0: number, r1: number): number | null {
    // A view from before the earliest end to after the latest start sees every event of the rows.
    if (this.events > 0 && !(startNs <= this.stored.minEndNs && endNs >= this.stored.maxStartNs)) return null;
    return r1 > r0 ? this.before[r1] - this.before[r0] : 0;
  }

  wideSlices(startNs: number, endNs: number, minDurNs: number, r0: number, r1: number): LaneSlices | null {
    if (!(minDurNs >= this.stored.wideMinNs)) return null;
    const { row, start, dur, name, event } = this.wide;
    const out = new SliceWriter();
    for (let j = 0; j < row.length; j++) {
      if (row[j] < r0 || row[j] >= r1 || dur[j] < minDurNs) continue;
      const s = start[j];
      if (s + dur[j] >= startNs && s <= endNs) out.emit(s, s + dur[j], row[j], name[j], event[j], 1, 0);
    }
    return out.finish(this.laneId);
  }

  pyramid(cache: LruCache<string, SliceTile>): SliceTilePyramid | null {
    const p = this.stored.pyramid;
    if (!p) return null;
    const first = this.stored.at + 6;
    const tiles = p.tiles.map(([level, index], t): SliceTile => {
      const [rows, busy, count, name, event] = this.arrays.slice(first + TILE_ARRAYS * t, first + TILE_ARRAYS * (t + 1));
      return { laneId: this.laneId, level, index, band: 0, rows: rows as Uint32Array, busy: busy as Uint8Array, count: count as Uint32Array, name: name as Uint32Array, event: event as Int32Array };
    });
    return new SliceTilePyramid(this.band0(), this.laneId, cache, { ...p, tiles });
  }
}
