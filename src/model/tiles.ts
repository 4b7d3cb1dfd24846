// Level-of-detail tiles: the shared geometry and shapes the workers build and the
// timeline caches. Level L has buckets of 2^L ns; a tile is TILE_BUCKETS consecutive
// buckets, aligned on multiples of its span in the trace's own time, so a tile's key
// (level, index) never depends on the viewport that asked for it and can be cached.

/** Buckets per tile. */
export const TILE_BUCKETS = 256;
/** 2^52 ns ≈ 52 days per bucket: coarser than any trace. */
export const MAX_TILE_LEVEL = 52;
/** Marks a bucket without a dominant name / event. */
export const NO_NAME = 0xffffffff;

export function bucketNs(level: number): number {
  return 2 ** level;
}

export function tileSpanNs(level: number): number {
  return TILE_BUCKETS * 2 ** level;
}

/** The level whose bucket is at most one pixel wide and more than half of one. */
export function levelForNsPerPx(nsPerPx: number): number {
  if (!(nsPerPx > 1)) return 0;
  return Math.min(MAX_TILE_LEVEL, Math.floor(Math.log2(nsPerPx)));
}

/**
 * Rows per band. A lane deeper than this is tiled band by band, and the view asks only for
 * the bands it draws: a tile costs rows × TILE_BUCKETS cells, so one tile over every row of
 * a lane 70 000 rows deep (mutually overlapping kernels) would be 230 MB.
 */
export const TILE_BAND_ROWS = 64;

export function bandOfRow(row: number): number {
  return Math.floor(row / TILE_BAND_ROWS);
}

/** What a lane's tiles of one band are cached and listed (`ViewportQuery.have`) under: the lane id itself for band 0. */
export function bandKey(laneId: string, band: number): string {
  return band ? `${laneId}#${band}` : laneId;
}

/** Indices of the first and last tile of `level` that overlap [startNs, endNs]. */
export function tileRange(level: number, startNs: number, endNs: number): [number, number] {
  const span = tileSpanNs(level);
  return [Math.floor(startNs / span), Math.floor(endNs / span)];
}

/**
 * One lane's buckets of one tile. Cells are row-major: cell (j, b) = j * TILE_BUCKETS + b
 * for the j-th entry of `rows`; rows with nothing in the tile are left out, and a tile
 * with no rows is empty (cached too, so empty stretches are not asked for again).
 */
export interface SliceTile {
  laneId: string;
  level: number;
  index: number;
  /** Row band (TILE_BAND_ROWS rows from band × TILE_BAND_ROWS); the tile holds only that band's rows. */
  band: number;
  /** Ascending; Uint32Array once a lane is deeper than 65 536 rows. */
  rows: Uint16Array | Uint32Array;
  /** Share of the bucket's time covered by slices of the row, 0–255 (255 = all of it). */
  busy: Uint8Array;
  /** Slices (and instants) that start in the bucket. */
  count: Uint32Array;
  /** Name id of the name covering most of the bucket (an instant's when nothing covers it), NO_NAME if none. */
  name: Uint32Array;
  /** Lane event index of the slice behind `name`, −1 if none: a lone event stays clickable. */
  event: Int32Array;
}

/** Counter buckets of one tile: per series, the extremes and the value in force at the bucket's end. */
export interface CounterTile {
  laneId: string;
  level: number;
  index: number;
  /** Samples in each bucket (0 = none: the value carried over is `last` of the bucket before). */
  count: Uint32Array;
  /** Per series, TILE_BUCKETS values each. */
  min: Float64Array[];
  max: Float64Array[];
  last: Float64Array[];
  /** Per series, the value in force at the tile's start (NaN before the first sample). */
  before: Float64Array;
}

/** A row column of `length` for rows up to `maxRow`: 2 B a row number unless a lane is deeper than 65 536 rows. */
export function rowColumn(length: number, maxRow: number): Uint16Array | Uint32Array {
  return maxRow > 0xffff ? new Uint32Array(length) : new Uint16Array(length);
}

export function sliceTileBytes(t: SliceTile): number {
  return t.rows.byteLength + t.busy.byteLength + t.count.byteLength + t.name.byteLength + t.event.byteLength + 64;
}

export function counterTileBytes(t: CounterTile): number {
  let n = t.count.byteLength + t.before.byteLength + 64;
  for (let k = 0; k < t.min.length; k++) n += t.min[k].byteLength + t.max[k].byteLength + t.last[k].byteLength;
  return n;
}
