// The search hits of one query as their own level-of-detail pyramid: outlines for a
// million hits cost what the pixels cost, and the content tiles stay untouched. Like the
// content, a deep lane's hits are tiled per row band, each band when first drawn: a
// search matching all 70 000 rows of a lane costs the bands on screen.

import { LruCache } from '../../src/model/lruCache';
import { slicesFromTiles } from '../../src/model/tileSlices';
import { bandOfRow, levelForNsPerPx, sliceTileBytes, TILE_BAND_ROWS, tileRange, type SliceTile } from '../../src/model/tiles';
import type { LaneSlices } from '../../src/model/types';
import type { LaneIndex } from './laneIndex';
import { SliceTilePyramid } from './tilePyramid';
import { rowSpan } from './viewportQuery';

const HIT_TILE_CACHE_BYTES = 16 << 20;

interface LaneHits {
  lane: LaneIndex;
  /** Per band, per row of the band, the row's hits in ascending order (= by start). */
  bands: Map<number, number[][]>;
  pyramids: Map<number, SliceTilePyramid>;
}

export class SearchHitLayer {
  private readonly hits = new Map<string, LaneHits>();
  private readonly cache = new LruCache<string, SliceTile>(HIT_TILE_CACHE_BYTES, sliceTileBytes);

  /** @param matches per lane id, the matching event indices in ascending order (= by start); kept for the Slices table */
  constructor(
    readonly id: number,
    lanes: Map<string, LaneIndex>,
    readonly matches: Map<string, number[]>,
  ) {
    for (const [laneId, events] of matches) {
      const lane = lanes.get(laneId);
      if (!lane || !events.length) continue;
      const bands = new Map<number, number[][]>();
      for (const k of events) {
        const r = lane.row[k];
        const b = bandOfRow(r);
        let rows = bands.get(b);
        if (!rows) bands.set(b, (rows = []));
        (rows[r - b * TILE_BAND_ROWS] ??= []).push(k);
      }
      this.hits.set(laneId, { lane, bands, pyramids: new Map() });
    }
  }

  /** Per requested lane with hits, one item per run of lit pixels (rows kept), for the rows drawn (absent: all). */
  marks(laneIds: string[], startNs: number, endNs: number, widthPx: number, rows?: Record<string, [number, number]>): LaneSlices[] {
    const level = levelForNsPerPx((endNs - startNs) / Math.max(1, widthPx));
    const [first, last] = tileRange(level, startNs, endNs);
    const out: LaneSlices[] = [];
    for (const id of laneIds) {
      const h = this.hits.get(id);
      if (!h) continue;
      const [r0, r1] = rowSpan(h.lane, rows?.[id]);
      const tiles: SliceTile[] = [];
      for (let b = bandOfRow(r0); r0 < r1 && b <= bandOfRow(r1 - 1); b++) {
        const p = this.pyramid(h, id, b);
        if (p) for (let i = first; i <= last; i++) tiles.push(p.tile(level, i));
      }
      out.push(slicesFromTiles(id, tiles, startNs, endNs, undefined, false));
    }
    return out;
  }

  private pyramid(h: LaneHits, laneId: string, band: number): SliceTilePyramid | undefined {
    let p = h.pyramids.get(band);
    const rows = h.bands.get(band);
    if (!p && rows) {
      const src = { start: h.lane.start, dur: h.lane.dur, name: h.lane.name, rows: Array.from(rows, (list) => Int32Array.from(list ?? [])), firstRow: band * TILE_BAND_ROWS };
      p = new SliceTilePyramid(src, laneId, this.cache);
      h.pyramids.set(band, p);
    }
    return p;
  }
}
