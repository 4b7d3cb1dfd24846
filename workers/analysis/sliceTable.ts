// The Slices table: every slice overlapping a range (or the last search's hits) as typed
// columns, and the values of chosen args for any set of its rows. Args are JSON text per
// slice, so they are read only for the rows asked for (the UI asks for the visible rows,
// and for all of them in chunks when it sorts or groups by an arg).
//
// A CUDA API call carries no payload args (Kineto's cudaMemcpyAsync has only correlation
// ids): a key it lacks is read from the GPU work it launched (same correlation id), so
// "bytes of every cudaMemcpy per loader thread" is one group-by.

import type { SliceArgsQuery, SliceTable, SliceTableLane, SliceTableQuery } from '../../src/model/analysisTypes';
import type { LaneIndex } from '../index/laneIndex';
import { firstEndingAfter } from '../index/laneIndex';
import type { TraceIndex } from '../index/traceIndex';
import { threadLabel } from '../lanes/laneMapping';
import { correlationMap } from './correlation';

/** Distinct (lane, name) pairs whose args are read for the arg keys the user may pick. */
const KEY_SAMPLE = 2000;

/** Whether event k of a lane overlaps [a, b] (an instant or zero-length slice: lies in it). */
function overlaps(lane: LaneIndex, k: number, a: number, b: number): boolean {
  const s = lane.start[k];
  const e = s + lane.dur[k];
  return e > s ? s < b && e > a : s >= a && s <= b;
}

/** Event indices of a lane overlapping [a, b], via its rows (ends sorted within a row). */
function laneEventsIn(lane: LaneIndex, a: number, b: number): number[] {
  const out: number[] = [];
  for (const list of lane.rows) {
    for (let p = firstEndingAfter(lane, list, a); p < list.length; p++) {
      const k = list[p];
      if (lane.start[k] > b) break;
      if (overlaps(lane, k, a, b)) out.push(k);
    }
  }
  return out.sort((x, y) => x - y);
}

export function sliceTable(index: TraceIndex, q: SliceTableQuery): SliceTable {
  const layer = q.searchId !== undefined && index.searchLayer?.id === q.searchId ? index.searchLayer : null;
  const wanted = q.laneIds ? new Set(q.laneIds) : null;
  const kinds = q.kinds?.length ? new Set(q.kinds) : null;
  const lanes: SliceTableLane[] = [];
  const laneOf: number[] = [];
  const eventOf: number[] = [];
  for (const lane of index.lanes.values()) {
    const info = lane.info;
    if ((wanted && !wanted.has(info.id)) || (kinds && !kinds.has(info.kind))) continue;
    const events = layer ? (layer.matches.get(info.id) ?? []).filter((k) => overlaps(lane, k, q.startNs, q.endNs)) : laneEventsIn(lane, q.startNs, q.endNs);
    if (!events.length) continue;
    const j = lanes.length;
    lanes.push({ id: info.id, name: info.name, kind: info.kind, thread: threadLabel(index.raw, info.pid, info.tid, info.kind), threadKey: `${info.trace}|${info.pid}|${info.tid}` });
    for (const k of events) {
      laneOf.push(j);
      eventOf.push(k);
    }
  }
  const n = laneOf.length;
  const laneLists = lanes.map((l) => index.lanes.get(l.id)!);
  const startOf = (i: number) => laneLists[laneOf[i]].start[eventOf[i]];
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => startOf(x) - startOf(y) || laneOf[x] - laneOf[y] || eventOf[x] - eventOf[y]);
  const table: SliceTable = {
    lanes,
    lane: new Uint32Array(n),
    event: new Uint32Array(n),
    start: new Float64Array(n),
    dur: new Float64Array(n),
    name: new Uint32Array(n),
    argKeys: [],
  };
  order.forEach((i, r) => {
    const lane = laneLists[laneOf[i]];
    const k = eventOf[i];
    table.lane[r] = laneOf[i];
    table.event[r] = k;
    table.start[r] = lane.start[k];
    table.dur[r] = lane.dur[k];
    table.name[r] = lane.name[k];
  });
  table.argKeys = sampleArgKeys(index, laneLists, table);
  return table;
}

/**
 * Arg keys of the first slice of each (lane, name) pair (launched work's keys for CUDA API
 * calls), weighted by the pair's rows: a rare name's keys (a memcpy's bytes among a million
 * Python frames) are offered too. Most frequent first.
 */
function sampleArgKeys(index: TraceIndex, lanes: LaneIndex[], t: SliceTable): string[] {
  const pairs = new Map<string, { r: number; rows: number }>();
  for (let r = 0; r < t.lane.length; r++) {
    const key = `${t.lane[r]}|${t.name[r]}`;
    const p = pairs.get(key);
    if (p) p.rows++;
    else if (pairs.size < KEY_SAMPLE) pairs.set(key, { r, rows: 1 });
  }
  const seen = new Map<string, number>();
  const reader = new ArgReader(index);
  for (const { r, rows } of pairs.values()) {
    for (const key of reader.keys(lanes[t.lane[r]], t.event[r])) seen.set(key, (seen.get(key) ?? 0) + rows);
  }
  return [...seen].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
}

type ArgValue = number | string | null;

/** Reads top-level arg values of slices, falling back to the launched GPU work for CUDA API calls. */
class ArgReader {
  private corr: ReturnType<typeof correlationMap> | null = null;
  constructor(private readonly index: TraceIndex) {}

  private parsed(lane: LaneIndex, k: number): Record<string, unknown> | null {
    if (lane.argsLen[k] === 0) return null;
    const text = this.index.argsOf(lane, k);
    if (!text) return null;
    try {
      const v: unknown = JSON.parse(text);
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  /** The args of the GPU work a CUDA API call launched (its first, by correlation id). */
  private launched(lane: LaneIndex, k: number): Record<string, unknown> | null {
    if (lane.info.kind !== 'cuda_api') return null;
    this.corr ??= correlationMap(this.index);
    const id = this.corr.ids.get(lane)?.[k] ?? NaN;
    const work = Number.isNaN(id) ? undefined : this.corr.gpu.first(id);
    return work ? this.parsed(work[0], work[1]) : null;
  }

  keys(lane: LaneIndex, k: number): string[] {
    return [...new Set([...Object.keys(this.parsed(lane, k) ?? {}), ...Object.keys(this.launched(lane, k) ?? {})])];
  }

  values(lane: LaneIndex, k: number, keys: readonly string[]): ArgValue[] {
    const own = this.parsed(lane, k);
    let work: Record<string, unknown> | null | undefined;
    return keys.map((key) => {
      let v = own?.[key];
      if (v === undefined) v = (work ??= this.launched(lane, k))?.[key];
      return v === undefined || v === null ? null : typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
}

/** Per key, the value of each asked row (null: the slice has no such arg). */
export function sliceArgs(index: TraceIndex, q: SliceArgsQuery): ArgValue[][] {
  const lanes = q.laneIds.map((id) => index.lanes.get(id));
  const reader = new ArgReader(index);
  const out: ArgValue[][] = q.keys.map(() => new Array<ArgValue>(q.lane.length).fill(null));
  for (let r = 0; r < q.lane.length; r++) {
    const lane = lanes[q.lane[r]];
    if (!lane || q.event[r] >= lane.start.length) continue;
    reader.values(lane, q.event[r], q.keys).forEach((v, j) => (out[j][r] = v));
  }
  return out;
}
