// What a lane can answer for the viewport without its columns: an index folder's lane before
// its chunks are read (workers/indexFolder/coarseLanes.ts) answers the whole-trace view from
// what was stored with it. Every answer is exactly what the columns would give; null where
// only the columns can say (the caller then reads them).

import type { LruCache } from '../../src/model/lruCache';
import type { LaneSlices } from '../../src/model/types';
import type { CounterTile, SliceTile } from '../../src/model/tiles';
import type { SliceTilePyramid } from './tilePyramid';

export interface LaneSummary {
  events: number;
  /** The lane's rows.length. */
  rowCount: number;
  /** visibleEventCount over rows [r0, r1), or null. */
  visibleEventCount(startNs: number, endNs: number, r0: number, r1: number): number | null;
  /** wideSlices over rows [r0, r1), or null. */
  wideSlices(startNs: number, endNs: number, minDurNs: number, r0: number, r1: number): LaneSlices | null;
  /** The pyramid of the lane's first row band as it was built, tiles in `cache` (null: none was stored). */
  pyramid(cache: LruCache<string, SliceTile>): SliceTilePyramid | null;
}

/** The same for a counter lane (its samples read on demand): the whole-trace view's sample count and tiles. */
export interface CounterSummary {
  /** Samples in [startNs, endNs] (as tiledViewport counts them), or null. */
  visibleSamples(startNs: number, endNs: number): number | null;
  /** The tile as buildCounterTile makes it, when it was stored, else null. */
  tile(level: number, index: number): CounterTile | null;
}
