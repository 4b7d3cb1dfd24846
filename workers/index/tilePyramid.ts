// The tiles of one lane (of one row band, for a lane deeper than TILE_BAND_ROWS) at every level. Coarse levels are
// built together, once a view first needs one of them (or after the first frame: TileStore.buildEagerLevels), and kept
// (they are small); finer levels are built from the events on demand and kept in a byte-bounded LRU shared by the trace.

import type { LruCache } from '../../src/model/lruCache';
import { MAX_TILE_LEVEL, TILE_BUCKETS, bandOfRow, tileRange, tileSpanNs, type SliceTile } from '../../src/model/tiles';
import { buildSliceTile, emptySliceTile, mergeSliceTiles, type TileSource } from './sliceTiles';
import { toLaneEvents } from './laneIndex';

/**
 * Eager cells (bucket × row) per lane: about one per this many events, so the coarse
 * levels cost under 1 B per event (13 B a cell, twice over for the levels above the base);
 * the first frame builds its finer tiles on demand like any other zoom.
 */
const EVENTS_PER_EAGER_CELL = 32;
const MIN_EAGER_BUCKETS = TILE_BUCKETS;
const MAX_EAGER_BUCKETS = 64 * TILE_BUCKETS;

/** A pyramid as built (its eager levels' lit tiles, and finer tiles built ahead), kept by an index folder. */
export interface StoredPyramid {
  baseLevel: number;
  topLevel: number;
  minNs: number;
  maxNs: number;
  tiles: SliceTile[];
}

/** A band's tiles built elsewhere from its events (an index writer's StreamedSliceTiles): its base level's and any finer ones, by `level|index`. */
export interface BuiltBand {
  baseLevel: number;
  topLevel: number;
  minNs: number;
  maxNs: number;
  built: ReadonlyMap<string, SliceTile>;
}

/**
 * The coarse levels of a band of `rows` rows holding `events` events over [minNs, maxNs]: the base, about one
 * eager cell per `eventsPerCell` events, and the top, whose tile spans the band (coarser ones are merged on demand).
 */
export function pyramidLevels(minNs: number, maxNs: number, events: number, rows: number, eventsPerCell = EVENTS_PER_EAGER_CELL): { baseLevel: number; topLevel: number } {
  const wanted = 2 ** Math.ceil(Math.log2(Math.max(1, events / eventsPerCell / Math.max(1, rows))));
  const buckets = Math.min(MAX_EAGER_BUCKETS, Math.max(MIN_EAGER_BUCKETS, wanted));
  let level = Math.max(0, Math.ceil(Math.log2(Math.max(1, maxNs - minNs) / buckets)));
  const baseLevel = level;
  // Up to the level whose tile spans the whole lane (then one tile, or two where the lane
  // straddles a tile edge, e.g. events before the trace origin): coarser ones are merged on demand.
  let [first, last] = tileRange(level, minNs, maxNs);
  while (first !== last && tileSpanNs(level) < maxNs - minNs && level < MAX_TILE_LEVEL) [first, last] = tileRange(++level, minNs, maxNs);
  return { baseLevel, topLevel: level };
}

export class SliceTilePyramid {
  /** Finest of the coarse levels built together. */
  readonly baseLevel: number;
  /** Coarsest of them: its tile spans the whole lane (one tile, or two across a tile edge). */
  readonly topLevel: number;
  readonly minNs: number;
  readonly maxNs: number;
  readonly band: number;
  /**
   * The coarse levels' lit tiles, once built (buildEager). A whole-trace first frame is most often finer than
   * baseLevel (a lane needs 32 events a row per pixel of the view to reach it): its tiles come from the events, so
   * these levels are not on its way.
   */
  private eager: Map<number, Map<number, SliceTile>> | null = null;
  /** The tiles a BuiltBand brought, by `level|index`: taken instead of building them from the events. */
  private built: ReadonlyMap<string, SliceTile> | null = null;

  /** @param eventsPerCell or, for a pyramid an index folder stored (workers/indexFolder/coarseLanes.ts), its levels as built then: nothing is built now. */
  constructor(
    private readonly src: TileSource,
    private readonly laneId: string,
    private readonly cache: LruCache<string, SliceTile>,
    eventsPerCell: number | StoredPyramid | BuiltBand = EVENTS_PER_EAGER_CELL,
  ) {
    this.band = bandOfRow(src.firstRow ?? 0);
    if (typeof eventsPerCell === 'object' && 'built' in eventsPerCell) {
      ({ baseLevel: this.baseLevel, topLevel: this.topLevel, minNs: this.minNs, maxNs: this.maxNs } = eventsPerCell);
      this.built = eventsPerCell.built;
      return;
    }
    if (typeof eventsPerCell === 'object') {
      const stored = eventsPerCell;
      ({ baseLevel: this.baseLevel, topLevel: this.topLevel, minNs: this.minNs, maxNs: this.maxNs } = stored);
      const eager = (this.eager = new Map());
      for (let level = this.baseLevel; level <= this.topLevel; level++) eager.set(level, new Map());
      for (const t of stored.tiles) {
        if (t.level >= this.baseLevel && t.level <= this.topLevel) eager.get(t.level)!.set(t.index, t);
        // Finer tiles stored for the whole-trace view: what tile() would build from the events.
        else this.cache.set(`${this.laneId}|${this.band}|${t.level}|${t.index}`, t);
      }
      return;
    }
    let minNs = Infinity;
    let maxNs = -Infinity;
    for (const list of src.rows) {
      if (!list.length) continue;
      const first = list[0];
      const last = list[list.length - 1];
      if (src.start[first] < minNs) minNs = src.start[first];
      // Ends are sorted within a row, so the row's last event ends last.
      if (src.start[last] + src.dur[last] > maxNs) maxNs = src.start[last] + src.dur[last];
    }
    if (!Number.isFinite(minNs)) minNs = maxNs = 0;
    this.minNs = minNs;
    this.maxNs = maxNs;
    // Events of these rows (a band or a search's hits hold fewer than the lane's columns).
    let events = 0;
    for (const list of src.rows) events += list.length;
    ({ baseLevel: this.baseLevel, topLevel: this.topLevel } = pyramidLevels(minNs, maxNs, events, src.rows.length, eventsPerCell));
  }

  /** Builds the coarse levels (baseLevel … topLevel), if not yet: the base from the events, each level above from the one below. */
  buildEager(): void {
    if (this.eager) return;
    const eager = (this.eager = new Map());
    const { src, laneId, minNs, maxNs } = this;
    for (let level = this.baseLevel; level <= this.topLevel; level++) {
      const [first, last] = tileRange(level, minNs, maxNs);
      const tiles = new Map<number, SliceTile>();
      for (let i = first; i <= last; i++) {
        const t = level === this.baseLevel ? (this.built ? this.build(level, i) : buildSliceTile(src, laneId, level, i)) : mergeSliceTiles(laneId, level, i, this.eagerTile(level - 1, 2 * i), this.eagerTile(level - 1, 2 * i + 1));
        if (t.rows.length) tiles.set(i, t);
      }
      eager.set(level, tiles);
    }
  }

  tile(level: number, index: number): SliceTile {
    const span = tileSpanNs(level);
    if ((index + 1) * span <= this.minNs || index * span > this.maxNs) return emptySliceTile(this.laneId, level, index, this.band);
    if (level >= this.baseLevel && level <= this.topLevel) return this.eagerTile(level, index);
    const key = `${this.laneId}|${this.band}|${level}|${index}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const made = level < this.baseLevel
      ? this.build(level, index)
      : mergeSliceTiles(this.laneId, level, index, this.tile(level - 1, 2 * index), this.tile(level - 1, 2 * index + 1));
    this.cache.set(key, made);
    return made;
  }

  /** What an index folder stores of this pyramid: its eager levels, plus the tiles of `finerLevels` (built as tile() builds them). */
  stored(finerLevels: readonly number[] = []): StoredPyramid {
    this.buildEager();
    const tiles = [...this.eager!.values()].flatMap((m) => [...m.values()]);
    for (const level of finerLevels) {
      const [first, last] = tileRange(level, this.minNs, this.maxNs);
      for (let i = first; i <= last; i++) tiles.push(this.tile(level, i));
    }
    return { baseLevel: this.baseLevel, topLevel: this.topLevel, minNs: this.minNs, maxNs: this.maxNs, tiles };
  }

  /** A tile finer than the eager levels, from the events that may overlap it where the source offers them apart. */
  private build(level: number, index: number): SliceTile {
    if (this.built) {
      const t = this.built.get(`${level}|${index}`);
      if (!t) throw new Error(`the tile ${level}|${index} of ${this.laneId} was not built`);
      return t;
    }
    const t0 = index * tileSpanNs(level);
    const w = this.src.window?.(t0, t0 + tileSpanNs(level));
    if (!w) return buildSliceTile(this.src, this.laneId, level, index);
    const tile = buildSliceTile(w.lane, this.laneId, level, index);
    toLaneEvents(tile.event, w);
    return tile;
  }

  private eagerTile(level: number, index: number): SliceTile {
    this.buildEager();
    return this.eager!.get(level)?.get(index) ?? emptySliceTile(this.laneId, level, index, this.band);
  }
}
