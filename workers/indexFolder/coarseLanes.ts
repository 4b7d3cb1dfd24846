// What an index folder stores per lane so the whole-trace view needs none of its chunks
// (issue 24): the row sizes (how many events a view spanning the lane sees), the slices wide
// enough to be labelled at that zoom, and the first band's tile pyramid as the index built it,
// plus the finer tiles a view up to FIRST_FRAME_PX wide asks for; per busy counter, its tiles at
// the whole-trace zoom. Read back as the lane's LaneSummary / the counter's CounterSummary
// (workers/index/laneSummary.ts), whose answers equal the columns' answers.

import type { LruCache } from '../../src/model/lruCache';
import { levelForNsPerPx, tileRange, type CounterTile, type SliceTile } from '../../src/model/tiles';
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
  const wideMinNs = (WIDE_PX * spanNs) / FIRST_FRAME_PX;
  let minEndNs = n ? Infinity : 0;
  for (let k = 0; k < n; k++) minEndNs = Math.min(minEndNs, lane.start[k] + lane.dur[k]);
  const wide: number[] = [];
  lane.rows.forEach((list, r) => {
    for (const k of list) if (lane.dur[k] >= wideMinNs && !lane.instant[k]) wide.push(r, k);
  });
  const count = wide.length / 2;
  const pick = <T extends StoredArray>(T: { new (n: number): T }, f: (k: number) => number): T => {
    const out = new T(count);
    for (let j = 0; j < count; j++) out[j] = f(wide[2 * j + 1]);
    return out;
  };
  const at = arrays.length;
  arrays.push(
    Uint32Array.from(lane.rows, (l) => l.length),
    Uint32Array.from({ length: count }, (_, j) => wide[2 * j]),
    pick(Float64Array, (k) => lane.start[k]),
    pick(Float64Array, (k) => lane.dur[k]),
    pick(Uint32Array, (k) => lane.name[k]),
    pick(Int32Array, (k) => k),
  );
  let pyramid: CoarseLane['pyramid'] = null;
  if (n > LANE_RAW_EVENTS) {
    const built = index.tiles.pyramid(lane, 0);
    // Levels finer than the eager ones that a whole-trace view up to FIRST_FRAME_PX wide asks for.
    const finer: number[] = [];
    for (let level = built.baseLevel - 1; level >= levelForNsPerPx(spanNs / FIRST_FRAME_PX); level--) finer.push(level);
    const { tiles, ...levels } = built.stored(finer);
    for (const t of tiles) arrays.push(t.rows, t.busy, t.count, t.name, t.event);
    pyramid = { ...levels, tiles: tiles.map((t) => [t.level, t.index]) };
  }
  return { at, rows: lane.rows.length, minEndNs, maxStartNs: n ? lane.start[n - 1] : 0, wideMinNs, wide: count, pyramid };
}

/**
 * Appends a counter's coarse arrays (the tiles a whole-trace view 256 to FIRST_FRAME_PX wide asks for, when
 * it has too many samples to be drawn as they are) to `arrays`, and returns its manifest entry.
 */
export function coarseCounter(index: TraceIndex, plan: CounterPlan, arrays: StoredArray[]): CoarseCounter {
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
