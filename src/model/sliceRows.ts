// The Slices tab's data on the UI side: the workers' SliceTables of every open trace
// merged into one set of rows on the axis, their arg values as they arrive, and the
// group-by (count, Σ duration, Σ bytes, effective bandwidth). Pure: no store, no DOM.

import type { SliceTable, SliceTableLane } from './analysisTypes';
import type { LaneKind } from './types';

export type ArgValue = number | string | null;

/**
 * The arg that carries a slice's payload size: Kineto's gpu_memcpy / gpu_memset `bytes`
 * (a CUDA API call reads its launched copy's, workers/analysis/sliceTable.ts). Not
 * `[memory]`'s `Bytes`: that is an allocation size, not bytes moved.
 */
export const BYTES_ARG = 'bytes';

export interface MergedLane extends SliceTableLane {
  trace: string;
  /** Index of the lane in its trace's SliceTable.lanes. */
  local: number;
}

export interface SliceRows {
  n: number;
  /** Per trace: its key and table (rows of part p are offsets[p] … offsets[p + 1] − 1). */
  parts: { trace: string; table: SliceTable }[];
  offsets: number[];
  lanes: MergedLane[];
  /** Per row: index into `lanes`, axis start (trace shift applied), duration, name. */
  lane: Uint32Array;
  start: Float64Array;
  dur: Float64Array;
  name: string[];
  /** Union of the traces' arg keys, most frequent first. */
  argKeys: string[];
}

/** One trace's table with its shift onto the axis and its names table. */
export interface SlicePart {
  trace: string;
  shiftNs: number;
  names: readonly string[];
  table: SliceTable;
}

export function mergeSliceTables(list: SlicePart[]): SliceRows {
  const n = list.reduce((s, p) => s + p.table.lane.length, 0);
  const rows: SliceRows = { n, parts: [], offsets: [0], lanes: [], lane: new Uint32Array(n), start: new Float64Array(n), dur: new Float64Array(n), name: new Array<string>(n), argKeys: [] };
  const keys: string[] = [];
  let r = 0;
  for (const p of list) {
    const t = p.table;
    const base = rows.lanes.length;
    t.lanes.forEach((l, local) => rows.lanes.push({ ...l, trace: p.trace, local }));
    for (let i = 0; i < t.lane.length; i++, r++) {
      rows.lane[r] = base + t.lane[i];
      rows.start[r] = t.start[i] + p.shiftNs;
      rows.dur[r] = t.dur[i];
      rows.name[r] = p.names[t.name[i]] ?? '';
    }
    rows.parts.push({ trace: p.trace, table: t });
    rows.offsets.push(r);
    for (const k of t.argKeys) if (!keys.includes(k)) keys.push(k);
  }
  rows.argKeys = keys;
  return rows;
}

/** The trace part a row belongs to and its index there. */
export function partOf(rows: SliceRows, r: number): { part: number; local: number } {
  let p = 0;
  while (r >= rows.offsets[p + 1]) p++;
  return { part: p, local: r - rows.offsets[p] };
}

export type GroupBy = 'name' | 'lane' | 'thread';

/** The grouping key and label of a row. */
export function groupKey(rows: SliceRows, r: number, by: GroupBy): { key: string; label: string } {
  if (by === 'name') return { key: rows.name[r], label: rows.name[r] };
  const l = rows.lanes[rows.lane[r]];
  return by === 'lane' ? { key: l.id, label: l.name } : { key: l.threadKey, label: l.thread };
}

export interface SliceGroup {
  key: string;
  label: string;
  count: number;
  durNs: number;
  /** Σ bytes over the rows that carry them; null when none does. */
  bytes: number | null;
  /** Σ duration of the rows that carry bytes (the bandwidth's denominator). */
  bytesDurNs: number;
  /** Effective bandwidth in GB/s: bytes ÷ ns = GB/s; null without bytes or time. */
  gbPerS: number | null;
}

/** Groups of the given rows; `bytes[r]` the row's bytes arg (null / string: none). */
export function groupSlices(rows: SliceRows, which: ArrayLike<number>, by: GroupBy, bytes: readonly ArgValue[] | null): SliceGroup[] {
  const groups = new Map<string, SliceGroup>();
  for (let i = 0; i < which.length; i++) {
    const r = which[i];
    const { key, label } = groupKey(rows, r, by);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, label, count: 0, durNs: 0, bytes: null, bytesDurNs: 0, gbPerS: null }));
    g.count++;
    g.durNs += rows.dur[r];
    const b = bytes?.[r];
    if (typeof b === 'number' && Number.isFinite(b)) {
      g.bytes = (g.bytes ?? 0) + b;
      g.bytesDurNs += rows.dur[r];
    }
  }
  for (const g of groups.values()) g.gbPerS = g.bytes !== null && g.bytesDurNs > 0 ? g.bytes / g.bytesDurNs : null;
  return [...groups.values()];
}

/** Rows whose lane kind is among `kinds` (all when empty). */
export function rowsOfKinds(rows: SliceRows, kinds: ReadonlySet<LaneKind>): Uint32Array {
  const out: number[] = [];
  for (let r = 0; r < rows.n; r++) if (!kinds.size || kinds.has(rows.lanes[rows.lane[r]].kind)) out.push(r);
  return Uint32Array.from(out);
}

/** Ascending comparison of cell values: numbers before strings, empty last (either direction). */
export function compareValues(a: ArgValue | undefined, b: ArgValue | undefined, desc: boolean): number {
  const ea = a === null || a === undefined;
  const eb = b === null || b === undefined;
  if (ea || eb) return ea === eb ? 0 : ea ? 1 : -1;
  const c = typeof a === 'number' && typeof b === 'number' ? a - b : typeof a === 'number' ? -1 : typeof b === 'number' ? 1 : String(a).localeCompare(String(b));
  return desc ? -c : c;
}
