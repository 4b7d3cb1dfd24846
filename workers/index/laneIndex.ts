// Per-lane columns sorted by start, with rows: nesting depth for well-nested slices,
// extra rows for slices that overlap without nesting (nothing is dropped or clipped).

import type { LaneInfo } from '../../src/model/types';
import { RawKind, type RawTrace } from '../ingest/rawTrace';
import type { Column } from '../ingest/growable';
import { assignRows } from './assignRows';
import { beat } from '../heartbeat';
import type { LanePlan } from '../lanes/laneMapping';
import { firstAtOrAfter } from './sortedSearch';
import type { LaneSummary } from './laneSummary';

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
  /** Answers without the columns (an index folder's lane whose chunks are read on demand), where they can. */
  summary?: LaneSummary;
  /**
   * The events that may overlap [startNs, endNs] as a lane of their own, when reading only them costs
   * much less than reading the whole lane (an index folder's lane not in memory: lazyLanes.ts).
   */
  window?(startNs: number, endNs: number): LaneWindow | null;
  /**
   * The lane part by part (in start order) where it may overlap [startNs, endNs], for a walk that
   * need not hold the whole lane (nestingOrder.ts); null: read its columns (in memory, or small).
   */
  parts?(startNs: number, endNs: number): Iterable<LanePart> | null;
}

/** The columns an analysis reads of events: a lane's, or one chunk's of an index folder's lane. */
export type EventColumns = Pick<LaneIndex, 'info' | 'start' | 'dur' | 'name' | 'cat' | 'row' | 'instant' | 'flags' | 'argsOff' | 'argsLen'>;

/** Consecutive events of a lane: `cols` holds its events from index `first` on. */
export interface LanePart {
  cols: EventColumns;
  first: number;
}

/**
 * The lane part by part where it may overlap [startNs, endNs] (default: all of it): chunk by chunk where
 * it offers them (LaneIndex.parts), else itself as one part. A part may hold events outside the range.
 */
export function laneParts(lane: LaneIndex, startNs = -Infinity, endNs = Infinity): Iterable<LanePart> {
  return lane.parts?.(startNs, endNs) ?? [{ cols: lane, first: 0 }];
}

/** Part of a lane's events as a LaneIndex; `laneEvent` maps its event indices to the lane's. */
export interface LaneWindow {
  lane: LaneIndex;
  laneEvent(k: number): number;
}

/** Event indices of a window (−1 and other negatives: none) as the lane's, in place. */
export function toLaneEvents(events: Int32Array, w: Pick<LaneWindow, 'laneEvent'>): void {
  for (let i = 0; i < events.length; i++) if (events[i] >= 0) events[i] = w.laneEvent(events[i]);
}

/** Events per level-0 block; each level up groups this many blocks. */
export const BLOCK = 32;

/**
 * Every lane's index from the raw events: one pass over the events writes each into its lane's
 * columns (in file order, so each column fills front to back), instead of each lane gathering its
 * events from all over the raw columns; then each lane is sorted by start if it is not already,
 * longer first on ties so parents precede their children (importers mostly emit that order).
 */
export function buildLaneIndexes(raw: RawTrace, plans: readonly LanePlan[], laneOfEvent: Int32Array): LaneIndex[] {
  const cols: (LaneColumns | null)[] = gatherLaneColumns(raw, plans, laneOfEvent, true);
  return plans.map((plan, l) => {
    beat();
    const c = cols[l]!;
    // Let go of the lane's gathered columns once it is built: the lane keeps narrowed copies of
    // several (cat, row, args), and the wide ones of every lane built so far are ~20 B an event.
    cols[l] = null;
    return sortedLaneIndex(plan.info, c);
  });
}

/**
 * Each lane's columns in file order (rows not assigned yet): one pass over the raw events per column.
 * `release`: each raw column is freed once gathered (nothing reads them after), so the importer's
 * columns and the lanes' are never all alive at once: the peak is the raw columns plus one lane column.
 */
export function gatherLaneColumns(raw: RawTrace, plans: readonly LanePlan[], laneOfEvent: Int32Array, release = false): LaneColumns[] {
  const sizes = plans.map((p) => p.events);
  const gather = <T extends Float64Array | Uint32Array | Uint8Array>(T: { new (n: number): T }, column: Column<T>): T[] => {
    const out = sizes.map((m) => new T(m));
    const filled = new Int32Array(plans.length);
    const from = column.data;
    for (let i = 0; i < laneOfEvent.length; i++) {
      if ((i & 0xfffff) === 0) beat();
      const l = laneOfEvent[i];
      if (l >= 0) out[l][filled[l]++] = from[i];
    }
    if (release) column.release();
    return out;
  };
  const start = gather(Float64Array, raw.start);
  const dur = gather(Float64Array, raw.dur);
  const name = gather(Uint32Array, raw.name);
  const cat = gather(Uint32Array, raw.cat);
  const instant = gather(Uint8Array, raw.kind).map(instantFlags);
  const flags = gather(Uint8Array, raw.flags);
  const argsOff = gather(Float64Array, raw.argsOff);
  const argsLen = gather(Uint32Array, raw.argsLen);
  return plans.map((_, l) => ({ start: start[l], dur: dur[l], name: name[l], cat: cat[l], row: EMPTY_ROWS, instant: instant[l], flags: flags[l], argsOff: argsOff[l], argsLen: argsLen[l] }));
}

/**
 * A lane's raw kinds as its `instant` column, in place (a function of its own: Chromium threw away the code it
 * optimized for this loop each time it ended inside the loop over lanes, as in sliceTiles.ts).
 */
function instantFlags(kinds: Uint8Array): Uint8Array {
  for (let k = 0; k < kinds.length; k++) kinds[k] = instantOf(kinds[k]);
  return kinds;
}

/** A lane's `instant` value of an event of raw kind `kind`. */
export function instantOf(kind: number): number {
  return kind === RawKind.Instant ? 1 : 0;
}

/** A lane's index from its columns in file order: sorted by start, rows assigned. */
export function sortedLaneIndex(info: LaneInfo, cols: LaneColumns): LaneIndex {
  const c = inStartOrder(cols);
  c.row = assignRows(c.start, c.dur);
  return laneIndexFromColumns(info, c);
}

const EMPTY_ROWS = new Uint32Array(0);

/**
 * A lane's order (negative: event a first): by start, longer first on ties so parents precede their
 * children, then file order (`fileA`, `fileB`: the events' places in the file). The one definition:
 * the in-memory sort and an index writer's merge of sorted runs (indexFolder/laneRuns.ts) both use it.
 */
export function laneOrder(startA: number, durA: number, fileA: number, startB: number, durB: number, fileB: number): number {
  return startA - startB || durB - durA || fileA - fileB;
}

/** Positions 0 … n − 1 of events in lane order; `file`: their places in the file (default: their positions, in file order). */
export function laneOrderOf(start: Float64Array, dur: Float64Array, file?: ArrayLike<number>): number[] {
  const order = Array.from({ length: start.length }, (_, k) => k);
  if (!file) return order.sort((a, b) => laneOrder(start[a], dur[a], a, start[b], dur[b], b));
  return order.sort((a, b) => laneOrder(start[a], dur[a], file[a], start[b], dur[b], file[b]));
}

/** The columns sorted by start, longer first, then file order (their order now); as they are when already so. */
function inStartOrder(c: LaneColumns): LaneColumns {
  const { start, dur } = c;
  const n = start.length;
  let sorted = true;
  for (let k = 1; k < n && sorted; k++) sorted = start[k - 1] < start[k] || (start[k - 1] === start[k] && dur[k - 1] >= dur[k]);
  if (sorted) return c;
  const order = laneOrderOf(start, dur);
  const take = <T extends Float64Array | Uint32Array | Uint8Array>(col: T): T => {
    const out = new (col.constructor as { new (n: number): T })(n);
    for (let k = 0; k < n; k++) out[k] = col[order[k]];
    return out;
  };
  return { start: take(start), dur: take(dur), name: take(c.name), cat: take(c.cat), row: c.row, instant: take(c.instant), flags: take(c.flags), argsOff: take(c.argsOff), argsLen: take(c.argsLen) };
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
