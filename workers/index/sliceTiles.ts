// Slice tiles (src/model/tiles.ts) from a lane's events, and a parent tile from its two
// children. Pure functions over columns, so the maths is tested without a worker.

import { NO_NAME, TILE_BUCKETS, bandOfRow, bucketNs, tileSpanNs, type SliceTile } from '../../src/model/tiles';
import { firstEndingAfter } from './laneIndex';

/** What a tile is built from: a lane's columns, or any other set of intervals in rows (search hits). */
export interface TileSource {
  start: Float64Array;
  dur: Float64Array;
  name: Uint32Array;
  /** Per row, event indices sorted by start; events of a row never overlap. */
  rows: Int32Array[];
  /** Row number of rows[0] (a band of a deep lane), 0 when absent; a multiple of TILE_BAND_ROWS. */
  firstRow?: number;
  /** The events that may overlap [startNs, endNs] as a source of their own (the same rows), where that costs less than reading all. */
  window?(startNs: number, endNs: number): { lane: TileSource; laneEvent(k: number): number } | null;
}

const B = TILE_BUCKETS;
/** `only` of a bucket touched by more than one event. */
const SEVERAL = -2;

export function emptySliceTile(laneId: string, level: number, index: number, band = 0): SliceTile {
  return { laneId, level, index, band, rows: new Uint32Array(0), busy: new Uint8Array(0), count: new Uint32Array(0), name: new Uint32Array(0), event: new Int32Array(0) };
}

/**
 * A tile's cells, written row by row into arrays that grow with the rows actually lit:
 * sized for every row of the lane up front, a tile of a lane 70 000 rows deep took
 * 230 MB even when a handful of its rows were lit.
 */
class TileWriter {
  private rows: Uint32Array;
  busy: Uint8Array;
  count: Uint32Array;
  name: Uint32Array;
  event: Int32Array;
  private used = 0;

  constructor(private readonly maxRows: number) {
    const first = Math.min(maxRows, 16);
    this.rows = new Uint32Array(first);
    this.busy = new Uint8Array(first * B);
    this.count = new Uint32Array(first * B);
    this.name = new Uint32Array(first * B);
    this.event = new Int32Array(first * B);
  }

  /** Starts the next row; returns the index of its first cell. */
  row(r: number): number {
    if (this.used === this.rows.length) this.grow();
    this.rows[this.used] = r;
    return this.used++ * B;
  }

  private grow(): void {
    const cap = Math.min(this.maxRows, Math.max(16, this.rows.length * 2));
    const more = <T extends Uint8Array | Uint32Array | Int32Array>(a: T, make: (len: number) => T, per: number): T => {
      const b = make(cap * per);
      b.set(a);
      return b;
    };
    this.rows = more(this.rows, (k) => new Uint32Array(k), 1);
    this.busy = more(this.busy, (k) => new Uint8Array(k), B);
    this.count = more(this.count, (k) => new Uint32Array(k), B);
    this.name = more(this.name, (k) => new Uint32Array(k), B);
    this.event = more(this.event, (k) => new Int32Array(k), B);
  }

  finish(laneId: string, level: number, index: number, band: number): SliceTile {
    const cells = this.used * B;
    return {
      laneId,
      level,
      index,
      band,
      rows: this.rows.slice(0, this.used),
      busy: this.busy.slice(0, cells),
      count: this.count.slice(0, cells),
      name: this.name.slice(0, cells),
      event: this.event.slice(0, cells),
    };
  }
}

/** Covered share → 0–255, where any coverage at all stays ≥ 1 so the bucket is still lit. */
function busyByte(covered: number, width: number): number {
  if (covered <= 0) return 0;
  return Math.max(1, Math.min(255, Math.round((covered / width) * 255)));
}

/**
 * One row's buckets of the tile being built, reused row after row and tile after tile. The work is split into
 * small methods and functions called many times, not loops nested in one long call: V8 optimizes a nested loop
 * of a long-running function by on-stack replacement, and Chromium's code for an inner loop was thrown away each
 * time that loop exited (174 deoptimizations in the first whole-trace query of llm_decode_large).
 */
class RowCells {
  readonly covered = new Float64Array(B);
  readonly count = new Uint32Array(B);
  readonly name = new Uint32Array(B);
  /** The one event touching the bucket, −1 none, SEVERAL. */
  readonly only = new Int32Array(B);
  /**
   * The dominant name of a bucket is the one covering most of it (ties: the first seen). Events of a row never
   * overlap, so buckets are visited in order: one name→time map for the current bucket is enough, and it is only
   * filled once a second name shows up (most buckets hold one name).
   */
  private current = -1;
  private firstName = NO_NAME;
  private firstWeight = 0;
  private readonly weights = new Map<number, number>();

  reset(): void {
    this.covered.fill(0);
    this.count.fill(0);
    this.name.fill(NO_NAME);
    this.only.fill(-1);
    this.current = -1;
  }

  claim(b: number, nm: number, k: number, w: number): void {
    if (b !== this.current) {
      this.settle();
      this.current = b;
      this.firstName = nm;
      this.firstWeight = w;
    } else if (this.weights.size === 0 && nm === this.firstName) this.firstWeight += w;
    else this.weigh(nm, w);
    const o = this.only[b];
    this.only[b] = o === -1 || o === k ? k : SEVERAL;
  }

  private weigh(nm: number, w: number): void {
    const weights = this.weights;
    if (weights.size === 0) weights.set(this.firstName, this.firstWeight);
    weights.set(nm, (weights.get(nm) ?? 0) + w);
  }

  /** Decides the current bucket's name. */
  settle(): void {
    if (this.current < 0) return;
    if (this.weights.size === 0) this.name[this.current] = this.firstName;
    else this.name[this.current] = this.heaviest();
    this.current = -1;
  }

  private heaviest(): number {
    let best = -1;
    let name = NO_NAME;
    for (const [nm, w] of this.weights) if (w > best) {
      best = w;
      name = nm;
    }
    this.weights.clear();
    return name;
  }

  lit(): boolean {
    for (let b = 0; b < B; b++) if (this.count[b] > 0 || this.covered[b] > 0) return true;
    return false;
  }

  /** Writes the row's cells at `at` of the tile. */
  writeTo(out: TileWriter, at: number, bw: number): void {
    out.count.set(this.count, at);
    out.name.set(this.name, at);
    for (let b = 0; b < B; b++) {
      out.busy[at + b] = busyByte(this.covered[b], bw);
      out.event[at + b] = this.only[b] >= 0 ? this.only[b] : -1;
    }
  }
}

let rowCells: RowCells | null = null;

function bucketOf(t: number, t0: number, bw: number): number {
  return Math.min(B - 1, Math.floor((t - t0) / bw));
}

/** The buckets event k covers over [a, z) (a < z, both within the tile): its share of each. */
function cover(cells: RowCells, nm: number, k: number, a: number, z: number, t0: number, bw: number): void {
  const last = Math.min(B - 1, Math.ceil((z - t0) / bw) - 1);
  for (let b = bucketOf(a, t0, bw); b <= last; b++) {
    const w = Math.min(z, t0 + (b + 1) * bw) - Math.max(a, t0 + b * bw);
    if (w <= 0) continue;
    cells.covered[b] += w;
    cells.claim(b, nm, k, w);
  }
}

/** One row's events from list position p on, into `cells`. */
function fillRow(cells: RowCells, src: TileSource, list: Int32Array, p: number, t0: number, t1: number, bw: number): void {
  const { start, dur, name } = src;
  for (; p < list.length; p++) {
    const k = list[p];
    const s = start[k];
    if (s >= t1) break;
    fillEvent(cells, name[k], k, s, s + dur[k], t0, t1, bw);
  }
  cells.settle();
}

/** Event k ([s, e], name nm) into a row's cells of the tile [t0, t1): its start counted, its buckets covered. */
function fillEvent(cells: RowCells, nm: number, k: number, s: number, e: number, t0: number, t1: number, bw: number): void {
  if (s >= t0) cells.count[bucketOf(s, t0, bw)]++;
  const a = Math.max(s, t0);
  const z = Math.min(e, t1);
  if (z > a) cover(cells, nm, k, a, z, t0, bw);
  else if (s >= t0) cells.claim(bucketOf(s, t0, bw), nm, k, 0);
}

/** The columns StreamedSliceTiles reads of a lane's events (rows assigned). */
export interface RowedEvents {
  start: Float64Array;
  dur: Float64Array;
  name: Uint32Array;
  row: ArrayLike<number>;
}

/**
 * The first band's tiles of chosen levels built from a lane's events given in lane order, part by
 * part (an index writer reading back the chunks it wrote): each equals buildSliceTile over the whole
 * lane. A row's events meet a tile in the order buildSliceTile visits them (by start within the row),
 * so each (tile, row) keeps the cells buildSliceTile fills for it; rows of other bands are skipped.
 */
export class StreamedSliceTiles {
  /** Per level: its first and last tile, and per tile its rows' cells (undefined: no event yet). */
  private readonly levels: { level: number; first: number; last: number; cells: (RowCells | undefined)[][] }[];
  private events = 0;

  constructor(
    private readonly laneId: string,
    levels: readonly { level: number; first: number; last: number }[],
    /** Rows of the band (the lane's, up to TILE_BAND_ROWS). */
    private readonly rows: number,
  ) {
    this.levels = levels.map((l) => ({ ...l, cells: Array.from({ length: l.last - l.first + 1 }, () => []) }));
  }

  /** Events [from, to) of `cols`, the lane's next ones. */
  add(cols: RowedEvents, from: number, to: number): void {
    const { start, dur, name, row } = cols;
    for (let j = from; j < to; j++) {
      const r = row[j];
      if (r < this.rows) this.addEvent(start[j], start[j] + dur[j], name[j], this.events + j - from, r);
    }
    this.events += to - from;
  }

  private addEvent(s: number, e: number, nm: number, k: number, r: number): void {
    for (const l of this.levels) {
      const span = tileSpanNs(l.level);
      const bw = bucketNs(l.level);
      // The tiles the event meets as buildSliceTile decides it (it ends at or after the tile's start, starts before its end).
      const lo = Math.max(l.first, Math.floor(s / span) - 1);
      const hi = Math.min(l.last, Math.floor(e / span) + 1);
      for (let i = lo; i <= hi; i++) {
        const t0 = i * span;
        const t1 = t0 + span;
        if (e < t0 || s >= t1) continue;
        const tile = l.cells[i - l.first];
        let cells = tile[r];
        if (!cells) {
          cells = tile[r] = new RowCells();
          cells.reset();
        }
        fillEvent(cells, nm, k, s, e, t0, t1, bw);
      }
    }
  }

  /** The tiles of `level`, first to last (a level given to the constructor). */
  tiles(level: number): SliceTile[] {
    const l = this.levels.find((x) => x.level === level)!;
    const bw = bucketNs(level);
    return l.cells.map((rows, j) => {
      const out = new TileWriter(this.rows);
      rows.forEach((cells, r) => {
        if (!cells) return;
        cells.settle();
        if (cells.lit()) cells.writeTo(out, out.row(r), bw);
      });
      return out.finish(this.laneId, level, l.first + j, 0);
    });
  }
}

export function buildSliceTile(src: TileSource, laneId: string, level: number, index: number): SliceTile {
  const bw = bucketNs(level);
  const t0 = index * tileSpanNs(level);
  const t1 = t0 + tileSpanNs(level);
  const cells = (rowCells ??= new RowCells());
  const out = new TileWriter(src.rows.length);
  const firstRow = src.firstRow ?? 0;
  for (let r = 0; r < src.rows.length; r++) {
    const list = src.rows[r];
    const p = firstEndingAfter(src, list, t0);
    if (p >= list.length || src.start[list[p]] >= t1) continue;
    cells.reset();
    fillRow(cells, src, list, p, t0, t1, bw);
    if (cells.lit()) cells.writeTo(out, out.row(firstRow + r), bw);
  }
  return out.finish(laneId, level, index, bandOfRow(firstRow));
}

/**
 * The tile (level, index) from its children at level − 1: `left` = index 2i, `right` = 2i + 1
 * (either may be empty), both of one band. The dominant name of two buckets is the one of the busier bucket:
 * exact per name time is not kept past the level a tile was built at.
 */
export function mergeSliceTiles(laneId: string, level: number, index: number, left: SliceTile, right: SliceTile): SliceTile {
  const rowSet = new Set<number>([...left.rows, ...right.rows]);
  const rows = [...rowSet].sort((a, b) => a - b);
  const out = new TileWriter(rows.length);
  const leftAt = rowPositions(left);
  const rightAt = rowPositions(right);
  for (const r of rows) {
    const at = out.row(r);
    for (let half = 0; half < 2; half++) {
      const child = half === 0 ? left : right;
      const j = (half === 0 ? leftAt : rightAt).get(r);
      const base = at + (half * B) / 2;
      if (j === undefined) {
        out.name.fill(NO_NAME, base, base + B / 2);
        out.event.fill(-1, base, base + B / 2);
        continue;
      }
      for (let pb = 0; pb < B / 2; pb++) {
        const c0 = j * B + pb * 2;
        const c1 = c0 + 1;
        const lit0 = child.busy[c0] > 0 || child.count[c0] > 0;
        const lit1 = child.busy[c1] > 0 || child.count[c1] > 0;
        const busy = (child.busy[c0] + child.busy[c1]) / 2;
        out.busy[base + pb] = busy > 0 ? Math.max(1, Math.round(busy)) : 0;
        out.count[base + pb] = child.count[c0] + child.count[c1];
        const pick = !lit1 || (lit0 && (child.busy[c0] > child.busy[c1] || (child.busy[c0] === child.busy[c1] && child.count[c0] >= child.count[c1]))) ? c0 : c1;
        out.name[base + pb] = lit0 || lit1 ? child.name[pick] : NO_NAME;
        out.event[base + pb] = lit0 && lit1 ? (child.event[c0] === child.event[c1] ? child.event[c0] : -1) : child.event[pick];
      }
    }
  }
  return out.finish(laneId, level, index, left.band);
}

function rowPositions(t: SliceTile): Map<number, number> {
  const m = new Map<number, number>();
  t.rows.forEach((r, j) => m.set(r, j));
  return m;
}
