// Query results for the visible lanes, kept on the global axis. At most one
// query per trace is in flight; newer requests replace the pending one, so a
// fast pan never queues stale work. Old results stay drawable meanwhile.
// Busy lanes come as level-of-detail tiles, kept in a byte-bounded LRU across
// queries: a pan only fetches the tiles that scroll into view.

import { LruCache } from '../model/lruCache';
import { bandKey, bandOfRow, counterTileBytes, levelForNsPerPx, sliceTileBytes, tileRange, type CounterTile, type SliceTile } from '../model/tiles';
import type { CounterSamples, LaneSlices, QueryResult } from '../model/types';
import { samplesFromCounterTiles, slicesFromTiles } from '../model/tileSlices';
import { queryTrace, traceGeneration } from './traceClient';

const TILE_CACHE_BYTES = 96 << 20;

type Tile = SliceTile | CounterTile;

function tileBytes(t: Tile): number {
  return 'busy' in t ? sliceTileBytes(t) : counterTileBytes(t);
}

export interface TraceQueryInput {
  trace: string;
  shiftNs: number;
  laneIds: string[];
  /** Per lane, the first and last row drawn, in whole row bands (drawnRows): deep lanes are asked only for those. */
  rows: Record<string, [number, number]>;
}

interface Pending {
  reqKey: string;
  startNs: number;
  endNs: number;
  widthPx: number;
  shiftNs: number;
  laneIds: string[];
  /** Per lane, the first and last row drawn, in whole row bands (drawnRows): deep lanes are asked only for those. */
  rows: Record<string, [number, number]>;
}

export class ViewportData {
  readonly slices = new Map<string, LaneSlices>();
  readonly counters = new Map<string, CounterSamples>();
  /** Lane id → pixel runs of the current search's hits (global axis). */
  readonly marks = new Map<string, LaneSlices>();
  private searches: Record<string, number> = {};
  /** Lane id → request key (viewport and the trace's shift) its data was computed for. */
  private readonly laneKey = new Map<string, string>();
  /** Lane id → the rows ("first-last") its data holds: scrolling through a deep lane asks for the rows coming into view. */
  private readonly laneRows = new Map<string, string>();
  /** Trace → the shift its lanes are drawn with; lane id → its trace. */
  private readonly shifts = new Map<string, number>();
  private readonly laneTrace = new Map<string, string>();
  private readonly inFlight = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private disposed = false;
  private readonly tiles = new LruCache<string, Tile>(TILE_CACHE_BYTES, tileBytes);

  constructor(private readonly onUpdate: () => void, private readonly onError: (e: unknown) => void) {}

  static requestKey(startNs: number, endNs: number, widthPx: number, shiftNs = 0): string {
    return `${startNs}:${endNs}:${widthPx}@${shiftNs}`;
  }

  /** The searches to outline (trace key → searchId); a change refreshes every lane. */
  setSearches(searches: Record<string, number> | undefined): void {
    const next = searches ?? {};
    if (JSON.stringify(next) === JSON.stringify(this.searches)) return;
    this.searches = next;
    this.marks.clear();
    this.laneKey.clear();
    this.laneRows.clear();
  }

  /** Ask for whatever lanes are not yet current for this viewport. */
  request(startNs: number, endNs: number, widthPx: number, inputs: TraceQueryInput[]): void {
    for (const inp of inputs) for (const id of inp.laneIds) if (this.laneRows.get(id) !== String(inp.rows[id])) this.laneKey.delete(id);
    for (const inp of inputs) {
      this.reshift(inp.trace, inp.shiftNs);
      for (const id of inp.laneIds) this.laneTrace.set(id, inp.trace);
      const reqKey = ViewportData.requestKey(startNs, endNs, widthPx, inp.shiftNs);
      const laneIds = inp.laneIds.filter((id) => this.laneKey.get(id) !== reqKey);
      if (!laneIds.length) {
        this.pending.delete(inp.trace);
        continue;
      }
      const req: Pending = { reqKey, startNs, endNs, widthPx, shiftNs: inp.shiftNs, laneIds, rows: inp.rows };
      if (this.inFlight.has(inp.trace)) this.pending.set(inp.trace, req);
      else this.send(inp.trace, req);
    }
  }

  /** True when every listed lane shows data for this exact viewport and nothing is outstanding. */
  isCurrent(startNs: number, endNs: number, widthPx: number, laneIds: string[]): boolean {
    if (this.inFlight.size || this.pending.size) return false;
    return laneIds.every((id) => this.laneKey.get(id) === ViewportData.requestKey(startNs, endNs, widthPx, this.shifts.get(this.laneTrace.get(id) ?? '') ?? 0));
  }

  /**
   * A new offset moves what is held by the difference at once, so the lanes redraw in
   * place before the worker answers for the new window (their keys no longer match).
   */
  private reshift(trace: string, shiftNs: number): void {
    const old = this.shifts.get(trace);
    this.shifts.set(trace, shiftNs);
    if (old === undefined || old === shiftNs) return;
    const delta = shiftNs - old;
    const prefix = `${trace}|`;
    for (const [id, l] of [...this.slices, ...this.marks]) if (id.startsWith(prefix)) shiftSlices(l, delta);
    for (const [id, c] of this.counters) if (id.startsWith(prefix)) for (let i = 0; i < c.t.length; i++) c.t[i] += delta;
  }

  get busy(): boolean {
    return this.inFlight.size > 0 || this.pending.size > 0;
  }

  dispose(): void {
    this.disposed = true;
  }

  /** Tiles cached for this worker, lane (bandKey for a deep lane's row band), level and index. */
  private tileKey(generation: number, laneId: string, level: number, index: number): string {
    return `${generation}|${laneId}|${level}|${index}`;
  }

  /** The keys of the row bands a lane is drawn with. */
  private static bandKeys(laneId: string, rows: [number, number] | undefined): string[] {
    if (!rows) return [laneId];
    const keys: string[] = [];
    for (let b = bandOfRow(rows[0]); b <= bandOfRow(rows[1]); b++) keys.push(bandKey(laneId, b));
    return keys;
  }

  private send(trace: string, req: Pending): void {
    this.inFlight.add(trace);
    const shift = req.shiftNs;
    // Workers think in their own trace's time.
    const startNs = req.startNs - shift;
    const endNs = req.endNs - shift;
    const widthPx = Math.max(1, Math.round(req.widthPx));
    const level = levelForNsPerPx((endNs - startNs) / widthPx);
    const generation = traceGeneration(trace);
    const [first, last] = tileRange(level, startNs, endNs);
    const have: Record<string, number[]> = {};
    for (const id of req.laneIds) {
      for (const key of ViewportData.bandKeys(id, req.rows[id])) {
        const held: number[] = [];
        for (let i = first; i <= last; i++) if (this.tiles.has(this.tileKey(generation, key, level, i))) held.push(i);
        if (held.length) have[key] = held;
      }
    }
    const searchId = this.searches[trace];
    queryTrace(trace, { startNs, endNs, widthPx, laneIds: req.laneIds, level, have, rows: req.rows, searchId })
      .then((res) => {
        if (this.disposed || !res) return;
        // Placed with the trace's shift now: an offset typed meanwhile already moved the rest.
        const shift = this.shifts.get(trace) ?? req.shiftNs;
        for (const id of req.laneIds) {
          this.slices.delete(id);
          this.counters.delete(id);
          this.marks.delete(id);
          this.laneKey.set(id, req.reqKey);
          this.laneRows.set(id, String(req.rows[id]));
        }
        for (const m of res.hitMarks) {
          shiftSlices(m, shift);
          this.marks.set(m.laneId, m);
        }
        for (const t of [...res.sliceTiles, ...res.counterTiles]) this.tiles.set(this.tileKey(generation, 'band' in t ? bandKey(t.laneId, t.band) : t.laneId, t.level, t.index), t);
        for (const l of [...res.lanes, ...this.composeTiledLanes(res, req.rows, generation, level, first, last, startNs, endNs)]) {
          shiftSlices(l, shift);
          this.slices.set(l.laneId, l);
        }
        for (const c of [...res.counters, ...this.composeTiledCounters(res, generation, level, first, last, startNs, endNs)]) {
          if (shift) for (let i = 0; i < c.t.length; i++) c.t[i] += shift;
          this.counters.set(c.laneId, c);
        }
      })
      .catch((e) => {
        if (!this.disposed) this.onError(e);
      })
      .finally(() => {
        this.inFlight.delete(trace);
        if (this.disposed) return;
        const next = this.pending.get(trace);
        this.pending.delete(trace);
        if (next) this.send(trace, next);
        this.onUpdate();
      });
  }

  private cachedTiles<T extends Tile>(generation: number, laneId: string, level: number, first: number, last: number): T[] {
    const out: T[] = [];
    for (let i = first; i <= last; i++) {
      const t = this.tiles.get(this.tileKey(generation, laneId, level, i));
      if (t) out.push(t as T);
    }
    return out;
  }

  private composeTiledLanes(res: QueryResult, rows: Record<string, [number, number]>, generation: number, level: number, first: number, last: number, startNs: number, endNs: number): LaneSlices[] {
    const wide = new Map(res.wide.map((w) => [w.laneId, w]));
    return res.tiledLanes.map((id) => {
      const tiles = ViewportData.bandKeys(id, rows[id]).flatMap((key) => this.cachedTiles<SliceTile>(generation, key, level, first, last));
      return slicesFromTiles(id, tiles, startNs, endNs, wide.get(id));
    });
  }

  private composeTiledCounters(res: QueryResult, generation: number, level: number, first: number, last: number, startNs: number, endNs: number): CounterSamples[] {
    return res.tiledCounters.map((c) => samplesFromCounterTiles(c.laneId, c.series, this.cachedTiles<CounterTile>(generation, c.laneId, level, first, last), startNs, endNs));
  }
}

function shiftSlices(l: LaneSlices, shift: number): void {
  if (!shift) return;
  for (let i = 0; i < l.start.length; i++) {
    l.start[i] += shift;
    l.end[i] += shift;
  }
}
