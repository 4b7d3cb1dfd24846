// The search hits of one query as their own level-of-detail pyramid: outlines for a
// million hits cost what the pixels cost, and the content tiles stay untouched.

import { LruCache } from '../../src/model/lruCache';
import { slicesFromTiles } from '../../src/model/tileSlices';
import { levelForNsPerPx, sliceTileBytes, tileRange, type SliceTile } from '../../src/model/tiles';
import type { LaneSlices } from '../../src/model/types';
import type { LaneIndex } from './laneIndex';
import { SliceTilePyramid } from './tilePyramid';

const HIT_TILE_CACHE_BYTES = 16 << 20;

export class SearchHitLayer {
  private readonly pyramids = new Map<string, SliceTilePyramid>();
  private readonly cache = new LruCache<string, SliceTile>(HIT_TILE_CACHE_BYTES, sliceTileBytes);

  /** @param matches per lane id, the matching event indices in ascending order (= by start) */
  constructor(
    readonly id: number,
    lanes: Map<string, LaneIndex>,
    matches: Map<string, number[]>,
  ) {
    for (const [laneId, events] of matches) {
      const lane = lanes.get(laneId);
      if (!lane || !events.length) continue;
      const perRow: number[][] = [];
      for (const k of events) (perRow[lane.row[k]] ??= []).push(k);
      const rows = Array.from({ length: perRow.length }, (_, r) => Int32Array.from(perRow[r] ?? []));
      this.pyramids.set(laneId, new SliceTilePyramid({ start: lane.start, dur: lane.dur, name: lane.name, rows }, laneId, this.cache));
    }
  }

  /** Per requested lane with hits, one item per run of lit pixels (rows kept). */
  marks(laneIds: string[], startNs: number, endNs: number, widthPx: number): LaneSlices[] {
    const level = levelForNsPerPx((endNs - startNs) / Math.max(1, widthPx));
    const [first, last] = tileRange(level, startNs, endNs);
    const out: LaneSlices[] = [];
    for (const id of laneIds) {
      const p = this.pyramids.get(id);
      if (!p) continue;
      const tiles: SliceTile[] = [];
      for (let i = first; i <= last; i++) tiles.push(p.tile(level, i));
      out.push(slicesFromTiles(id, tiles, startNs, endNs, undefined, false));
    }
    return out;
  }
}
