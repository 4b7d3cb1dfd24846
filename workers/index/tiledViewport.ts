// Answers a viewport: lanes with few visible events get their slices, the others get the
// tiles of the viewport at the caller's level (minus those it already holds) plus their
// slices wide enough to carry a label. A frame thus draws at most about FRAME_RAW_EVENTS
// slices however many millions are in view.

import { LruCache } from '../../src/model/lruCache';
import type { QueryResult, ViewportQuery } from '../../src/model/types';
import { bandKey, bandOfRow, counterTileBytes, sliceTileBytes, TILE_BAND_ROWS, tileRange, type CounterTile, type SliceTile } from '../../src/model/tiles';
import type { CounterPlan } from '../lanes/laneMapping';
import { buildCounterTile } from './counterTiles';
import type { LaneIndex } from './laneIndex';
import { firstAtOrAfter } from './sortedSearch';
import { SliceTilePyramid, type StoredPyramid } from './tilePyramid';
import { beat } from '../heartbeat';
import { nextTask } from '../ingest/nextTask';
import { queryCounter, queryLaneSlices, rowSpan, visibleEventCount, wideSlices } from './viewportQuery';

/** Raw slices a frame may draw across all lanes. */
export const FRAME_RAW_EVENTS = 20_000;
/** A lane with more visible events than this is always drawn from tiles. */
export const LANE_RAW_EVENTS = 4_000;
/** Over a tiled lane, slices at least this many pixels wide are drawn (and labelled) from their own columns. */
export const WIDE_PX = 3;
const SLICE_TILE_CACHE_BYTES = 48 << 20;
const COUNTER_TILE_CACHE_BYTES = 16 << 20;

export class TileStore {
  private readonly sliceCache = new LruCache<string, SliceTile>(SLICE_TILE_CACHE_BYTES, sliceTileBytes);
  private readonly counterCache = new LruCache<string, CounterTile>(COUNTER_TILE_CACHE_BYTES, counterTileBytes);
  private readonly pyramids = new Map<string, SliceTilePyramid>();

  /**
   * Lanes too big to ever be drawn raw at full zoom get their pyramid now; its coarse levels are built when a view
   * first needs one, or after the first frame (buildEagerLevels).
   */
  constructor(lanes: Iterable<LaneIndex>) {
    for (const lane of lanes) this.addLane(lane);
  }

  /** Builds every pyramid's coarse levels not built yet (work held back from the first frame), a lane per task: queries are answered between. */
  async buildEagerLevels(): Promise<void> {
    for (const p of [...this.pyramids.values()]) {
      await nextTask();
      p.buildEager();
    }
  }

  /**
   * Makes a lane's pyramid if it needs one now (see the constructor); `built`: its coarse levels
   * as another thread built them from the same columns (index/parallelLanes.ts), taken as they are.
   */
  addLane(lane: LaneIndex, built?: StoredPyramid): void {
    beat();
    // An index folder's lane brings its pyramid as stored (its columns are not read for it).
    const stored = lane.summary?.pyramid(this.sliceCache);
    if (stored) this.pyramids.set(bandKey(lane.info.id, 0), stored);
    else if (built || (lane.summary?.events ?? lane.start.length) > LANE_RAW_EVENTS) this.pyramid(lane, 0, built);
  }

  /** The first band's coarse levels of a lane as built (for another thread to take: addLane), or null when none are. */
  eagerLevels(laneId: string): StoredPyramid | null {
    return this.pyramids.get(bandKey(laneId, 0))?.stored() ?? null;
  }

  /** The pyramid of one row band of a lane (band 0 of a lane no deeper than TILE_BAND_ROWS: the whole lane). */
  pyramid(lane: LaneIndex, band = 0, built?: StoredPyramid): SliceTilePyramid {
    const key = bandKey(lane.info.id, band);
    let p = this.pyramids.get(key);
    if (!p) {
      const firstRow = band * TILE_BAND_ROWS;
      const src = lane.rows.length <= TILE_BAND_ROWS ? lane : { start: lane.start, dur: lane.dur, name: lane.name, rows: lane.rows.slice(firstRow, firstRow + TILE_BAND_ROWS), firstRow };
      p = new SliceTilePyramid(src, lane.info.id, this.sliceCache, built);
      this.pyramids.set(key, p);
    }
    return p;
  }

  counterTile(counter: CounterPlan, level: number, index: number): CounterTile {
    const key = `${counter.info.id}|${level}|${index}`;
    let t = this.counterCache.get(key);
    if (!t) {
      t = counter.summary?.tile(level, index) ?? buildCounterTile(counter, counter.info.id, level, index);
      this.counterCache.set(key, t);
    }
    return t;
  }
}

type Target = { id: string; visible: number } & ({ lane: LaneIndex; counter?: undefined } | { counter: CounterPlan; lane?: undefined });

export function tiledViewport(store: TileStore, lanes: Map<string, LaneIndex>, counters: Map<string, CounterPlan>, q: ViewportQuery): QueryResult {
  const result: QueryResult = { lanes: [], counters: [], tiledLanes: [], tiledCounters: [], sliceTiles: [], counterTiles: [], wide: [], hitMarks: [] };
  const targets: Target[] = [];
  for (const id of q.laneIds) {
    const lane = lanes.get(id);
    if (lane) targets.push({ id, lane, visible: visibleEventCount(lane, q.startNs, q.endNs, q.rows?.[id]) });
    const counter = counters.get(id);
    if (counter) {
      const visible = counter.summary?.visibleSamples(q.startNs, q.endNs) ?? firstAtOrAfter(counter.t, q.endNs, true) - firstAtOrAfter(counter.t, q.startNs);
      targets.push({ id, counter, visible });
    }
  }
  // The emptiest lanes go raw first, so the budget covers as many lanes as it can.
  targets.sort((a, b) => a.visible - b.visible);
  let budget = FRAME_RAW_EVENTS;
  const nsPerPx = (q.endNs - q.startNs) / Math.max(1, q.widthPx);
  for (const t of targets) {
    const raw = q.level === undefined || (t.visible <= LANE_RAW_EVENTS && t.visible <= budget);
    if (raw) {
      budget -= t.visible;
      if (t.lane) result.lanes.push(queryLaneSlices(t.lane, q.startNs, q.endNs, q.widthPx, q.rows?.[t.id]));
      else result.counters.push(queryCounter(t.counter, q.startNs, q.endNs, q.widthPx));
      continue;
    }
    const level = q.level!;
    if (t.lane) result.tiledLanes.push(t.id);
    else result.tiledCounters.push({ laneId: t.id, series: t.counter.info.counter?.series ?? [] });
    const [first, last] = tileRange(level, q.startNs, q.endNs);
    if (t.counter) {
      const have = new Set(q.have?.[t.id] ?? []);
      for (let i = first; i <= last; i++) if (!have.has(i)) result.counterTiles.push(store.counterTile(t.counter, level, i));
      continue;
    }
    const [r0, r1] = rowSpan(t.lane, q.rows?.[t.id]);
    for (let band = bandOfRow(r0); r0 < r1 && band <= bandOfRow(r1 - 1); band++) {
      const have = new Set(q.have?.[bandKey(t.id, band)] ?? []);
      for (let i = first; i <= last; i++) if (!have.has(i)) result.sliceTiles.push(store.pyramid(t.lane, band).tile(level, i));
    }
    result.wide.push(wideSlices(t.lane, q.startNs, q.endNs, WIDE_PX * nsPerPx, q.rows?.[t.id]));
  }
  return result;
}
