// Per-lane columns sorted by start, with rows: nesting depth for well-nested slices,
// extra rows for slices that overlap without nesting (nothing is dropped or clipped).

import type { LaneInfo } from '../../src/model/types';
import { RawKind, type RawTrace } from '../ingest/rawTrace';
import { assignRows } from './assignRows';
import { firstAtOrAfter } from './sortedSearch';

export interface LaneIndex {
  info: LaneInfo;
  start: Float64Array;
  dur: Float64Array;
  name: Uint32Array;
  /** String ids, in the narrowest array that holds the lane's largest (few categories: usually 1 B). */
  cat: Uint8Array | Uint16Array | Uint32Array;
  /** Row of each event, in the narrowest array that holds the deepest (usually 1 B; more than 65 536 rows stay exact). */
  row: Uint8Array | Uint16Array | Uint32Array;
  instant: Uint8Array;
  flags: Uint8Array;
  /**
   * Args location as RawTrace.argsText takes it (negative: in the file). Int32Array when
   * every value fits (files and args stores under 2 GiB), else Float64Array: exact either way.
   */
  argsOff: Int32Array | Float64Array;
  /** Args length (0 = none); Uint16Array when every length is under 64 kB. */
  argsLen: Uint16Array | Uint32Array;
  /** Per row, event indices sorted by start; within a row slices never overlap, so ends are sorted too. */
  rows: Int32Array[];
  /**
   * Level-of-detail summaries per row: rowBlocks[r][l][b] is the longest event of the
   * b-th block of BLOCK^(l+1) consecutive events of row r. A block's time span is
   * [start of its first event, end of its last] (ends are sorted within a row), so a
   * zoomed-out query merges a whole block in O(1) instead of visiting its events.
   */
  rowBlocks: Int32Array[][];
}

/** Events per level-0 block; each level up groups this many blocks. */
export const BLOCK = 32;

export function buildLaneIndex(raw: RawTrace, info: LaneInfo, members: Int32Array): LaneIndex {
  const rs = raw.start.data;
  const rd = raw.dur.data;
  // Sort by start, longer first on ties so parents precede their children. Importers
  // mostly emit a lane's events in that order already: check before paying for a sort.
  const before = (a: number, b: number) => rs[a] - rs[b] || rd[b] - rd[a] || a - b;
  let sorted = true;
  for (let k = 1; k < members.length && sorted; k++) sorted = before(members[k - 1], members[k]) < 0;
  const order = sorted ? members : Array.from(members).sort(before);
  const n = order.length;
  const start = new Float64Array(n);
  const dur = new Float64Array(n);
  const name = new Uint32Array(n);
  const cat = new Uint32Array(n);
  const instant = new Uint8Array(n);
  const flags = new Uint8Array(n);
  const argsOff = new Float64Array(n);
  const argsLen = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    start[k] = rs[i];
    dur[k] = rd[i];
    name[k] = raw.name.data[i];
    cat[k] = raw.cat.data[i];
    instant[k] = raw.kind.data[i] === RawKind.Instant ? 1 : 0;
    flags[k] = raw.flags.data[i];
    argsOff[k] = raw.argsOff.data[i];
    argsLen[k] = raw.argsLen.data[i];
  }
  return laneIndexFromColumns(info, { start, dur, name, cat, row: assignRows(start, dur), instant, flags, argsOff, argsLen });
}

/** A lane's columns in start order with their rows assigned: what an index folder stores per lane (workers/indexFolder). */
export interface LaneColumns {
  start: Float64Array;
  dur: Float64Array;
  name: Uint32Array;
  cat: Uint32Array;
  row: Uint32Array;
  instant: Uint8Array;
  flags: Uint8Array;
  argsOff: Float64Array;
  argsLen: Uint32Array;
}

/** The lane's index from its sorted columns and rows: per-row lists and block summaries derived here. */
export function laneIndexFromColumns(info: LaneInfo, c: LaneColumns): LaneIndex {
  const rows = rowLists(c.row);
  info.events = c.start.length;
  info.rows = Math.max(1, rows.length);
  const rowBlocks = rows.map((list) => blockSummaries(list, c.dur));
  // Narrower columns where the values allow it (exact): ~9 B per event less.
  return { info, start: c.start, dur: c.dur, name: c.name, cat: narrowIds(c.cat), row: narrowIds(c.row), instant: c.instant, flags: c.flags, argsOff: narrowOffsets(c.argsOff), argsLen: narrowLengths(c.argsLen), rows, rowBlocks };
}

/** The same ids in the narrowest unsigned array that holds the largest. */
export function narrowIds(ids: Uint32Array): Uint8Array | Uint16Array | Uint32Array {
  let max = 0;
  for (let k = 0; k < ids.length; k++) if (ids[k] > max) max = ids[k];
  return max < 256 ? Uint8Array.from(ids) : max < 65536 ? Uint16Array.from(ids) : ids;
}

/** Args offsets (RawTrace encoding) as Int32 when every one fits, else as they are. */
export function narrowOffsets(off: Float64Array): Int32Array | Float64Array {
  for (let k = 0; k < off.length; k++) if ((off[k] | 0) !== off[k]) return off;
  return Int32Array.from(off);
}

/** Args lengths as Uint16 when every one is under 64 kB, else as they are. */
export function narrowLengths(len: Uint32Array): Uint16Array | Uint32Array {
  for (let k = 0; k < len.length; k++) if (len[k] > 0xffff) return len;
  return Uint16Array.from(len);
}

/** Shared by every row too short for a block (most rows of a deep lane). */
const NO_BLOCKS: Int32Array[] = [];

function blockSummaries(list: Int32Array, dur: Float64Array): Int32Array[] {
  if (list.length <= BLOCK) return NO_BLOCKS;
  const levels: Int32Array[] = [];
  let below: Int32Array = list;
  while (below.length > BLOCK) {
    const level = new Int32Array(Math.ceil(below.length / BLOCK));
    for (let b = 0; b < level.length; b++) {
      let best = below[b * BLOCK];
      const end = Math.min(below.length, (b + 1) * BLOCK);
      for (let j = b * BLOCK + 1; j < end; j++) if (dur[below[j]] > dur[best]) best = below[j];
      level[b] = best;
    }
    levels.push(level);
    below = level;
  }
  return levels;
}

/**
 * Views into one buffer, rows in order: an array per row cost ~250 B a row in buffers and
 * headers, which a lane of 70 000 mutually overlapping slices (one per row) pays per slice.
 */
function rowLists(row: Uint32Array): Int32Array[] {
  let rows = 0;
  for (let k = 0; k < row.length; k++) if (row[k] + 1 > rows) rows = row[k] + 1;
  const at = new Int32Array(rows + 1);
  for (let k = 0; k < row.length; k++) at[row[k] + 1]++;
  for (let r = 0; r < rows; r++) at[r + 1] += at[r];
  const all = new Int32Array(row.length);
  const fill = at.slice(0, rows);
  for (let k = 0; k < row.length; k++) all[fill[row[k]]++] = k;
  return Array.from({ length: rows }, (_, r) => all.subarray(at[r], at[r + 1]));
}

/** First position in `list` whose event ends at or after `t` (ends are sorted within a row). */
export function firstEndingAfter(lane: Pick<LaneIndex, 'start' | 'dur'>, list: Int32Array, t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const k = list[mid];
    if (lane.start[k] + lane.dur[k] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in the lane whose start is ≥ t. */
export function firstStartingAt(lane: LaneIndex, t: number): number {
  return firstAtOrAfter(lane.start, t);
}
