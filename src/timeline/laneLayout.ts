// Turns lanes + the user's lane state into the exact vertical layout that the
// header column, the canvas and hit testing all share (one source of y truth).

import { bandOfRow, TILE_BAND_ROWS } from '../model/tiles';
import type { LaneGroup, LaneInfo } from '../model/types';

export interface LaneViewState {
  hidden: ReadonlySet<string>;
  /** Pinned lane ids, shown first in this order. */
  pinned: readonly string[];
  collapsed: ReadonlySet<string>;
  /** Custom lane order (lane ids); lanes not listed keep their natural order after listed ones. */
  order: readonly string[];
  /** Deep lanes shown with all their rows (others are capped at MAX_FOLDED_ROWS). */
  expanded: ReadonlySet<string>;
  /** Groups the user joined into another (e.g. an strace process into its Kineto process): group id → target group id. A view change only. */
  joined?: ReadonlyMap<string, string>;
  /** Show only lanes whose name, process or trace contains this (case-insensitive); pinned lanes always show. */
  filter?: string;
}

/** The separator row above the pinned lanes (not a real group: it never collapses and is never saved). */
export const PINNED_ROW_ID = 'tracelane:pinned';

/**
 * Deep Python stacks (40+ rows) would push every other lane off screen; by default a
 * lane shows this many rows and the header offers the rest.
 */
export const MAX_FOLDED_ROWS = 12;

export interface LayoutMetrics {
  rowHeight: number;
  lanePadding: number;
  counterHeight: number;
  groupHeight: number;
}

export const DEFAULT_METRICS: LayoutMetrics = { rowHeight: 18, lanePadding: 4, counterHeight: 40, groupHeight: 24 };

export interface GroupRow {
  type: 'group';
  id: string;
  group: LaneGroup;
  y: number;
  height: number;
  collapsed: boolean;
  /** 0: a whole trace (several traces open: one per rank), 1: a process inside it. */
  level: 0 | 1;
  /** Lanes of the group still shown (not hidden/pinned). */
  laneCount: number;
  hiddenCount: number;
  /** A trace header standing for a job's rank not opened yet (a deferred trace): it has no lanes until it opens. */
  placeholder?: boolean;
}

export interface LaneRow {
  type: 'lane';
  id: string;
  lane: LaneInfo;
  y: number;
  height: number;
  pinned: boolean;
  /** Zebra stripe: every other lane of a group, shared by header column and canvas. */
  alt: boolean;
  /** y of row 0 inside the lane, relative to the lane top. */
  padTop: number;
  rowHeight: number;
  /** Rows drawn (≤ lane.rows): deep lanes are folded unless expanded. */
  visibleRows: number;
  /** Where a pinned lane comes from (its trace and process), since it sits away from its group. */
  origin?: string;
}

export type LayoutRow = GroupRow | LaneRow;

export interface Layout {
  rows: LayoutRow[];
  totalHeight: number;
  /** Lane id → index in rows. */
  indexById: Map<string, number>;
}

export function visibleRowsOf(lane: LaneInfo, expanded: boolean): number {
  const rows = Math.max(1, lane.rows);
  return expanded ? rows : Math.min(rows, MAX_FOLDED_ROWS);
}

export function laneHeight(lane: LaneInfo, m: LayoutMetrics = DEFAULT_METRICS, expanded = true): number {
  if (lane.kind === 'counter') return m.counterHeight;
  return visibleRowsOf(lane, expanded) * m.rowHeight + 2 * m.lanePadding;
}

/**
 * Groups keep the order given (trace load order, then sortIndex); lanes inside a
 * group follow the custom order first, then sortIndex.
 */
export function computeLayout(
  groups: readonly LaneGroup[],
  lanes: readonly LaneInfo[],
  state: LaneViewState,
  m: LayoutMetrics = DEFAULT_METRICS,
  /** Display names of the traces, in trace order; with more than one, each trace gets a top-level header row. */
  traceNames: ReadonlyMap<string, string> = new Map(),
  /** Traces not opened yet (a job's deferred ranks): a header row each, at its place in trace order. */
  placeholders: ReadonlySet<string> = new Set(),
): Layout {
  const rows: LayoutRow[] = [];
  const indexById = new Map<string, number>();
  let y = 0;
  const laneById = new Map(lanes.map((l) => [l.id, l]));
  const pinnedSet = new Set<string>();

  const groupById = new Map(groups.map((g) => [g.id, g]));
  const needle = (state.filter ?? '').trim().toLowerCase();
  const matches = (lane: LaneInfo) =>
    !needle || [lane.name, groupById.get(lane.group)?.name ?? '', traceNames.get(lane.trace) ?? ''].some((s) => s.toLowerCase().includes(needle));

  let stripe = 0;
  const pushLane = (lane: LaneInfo, pinned: boolean, origin?: string) => {
    const expanded = state.expanded.has(lane.id);
    const height = laneHeight(lane, m, expanded);
    indexById.set(lane.id, rows.length);
    rows.push({
      type: 'lane',
      id: lane.id,
      lane,
      y,
      height,
      pinned,
      alt: stripe++ % 2 === 1,
      padTop: lane.kind === 'counter' ? 3 : m.lanePadding,
      rowHeight: m.rowHeight,
      visibleRows: visibleRowsOf(lane, expanded),
      origin,
    });
    y += height;
  };

  const pinnedLanes = [...new Set(state.pinned)].flatMap((id) => {
    const lane = laneById.get(id);
    return lane && !state.hidden.has(id) ? [lane] : [];
  });
  if (pinnedLanes.length) {
    // A separator, so the pinned lanes do not read as part of the first process.
    const header: LaneGroup = { id: PINNED_ROW_ID, trace: '', pid: '', name: 'Pinned', profiler: false, sortIndex: -1 };
    indexById.set(PINNED_ROW_ID, rows.length);
    rows.push({ type: 'group', id: PINNED_ROW_ID, group: header, y, height: m.groupHeight, collapsed: false, level: 0, laneCount: pinnedLanes.length, hiddenCount: 0 });
    y += m.groupHeight;
  }
  for (const lane of pinnedLanes) {
    pinnedSet.add(lane.id);
    const group = groupById.get(lane.group)?.name ?? lane.group;
    const trace = traceNames.size > 1 ? traceNames.get(lane.trace) : undefined;
    pushLane(lane, true, trace ? `${trace} · ${group}` : group);
  }

  const orderIndex = new Map(state.order.map((id, i) => [id, i]));
  // A joined group's lanes go to its target's list (after the target's own lanes); the joined group itself shows no header.
  const groupIds = new Set(groups.map((g) => g.id));
  const shownGroupOf = (id: string): string => {
    const target = state.joined?.get(id);
    return target !== undefined && groupIds.has(target) ? target : id;
  };
  const byGroup = new Map<string, LaneInfo[]>();
  for (const lane of lanes) {
    const gid = shownGroupOf(lane.group);
    let list = byGroup.get(gid);
    if (!list) byGroup.set(gid, (list = []));
    list.push(lane);
  }
  const traceOrder = new Map<string, number>();
  for (const key of traceNames.keys()) traceOrder.set(key, traceOrder.size);
  for (const g of groups) if (!traceOrder.has(g.trace)) traceOrder.set(g.trace, traceOrder.size);
  const sortedGroups = groups.filter((g) => shownGroupOf(g.id) === g.id).sort(
    (a, b) => (traceOrder.get(a.trace)! - traceOrder.get(b.trace)!) || a.sortIndex - b.sortIndex,
  );

  const traceLevel = traceNames.size > 1;
  // With a filter, a group (and a trace) whose lanes all fail it takes no space.
  const anyMatch = (l: LaneInfo) => matches(l) && !state.hidden.has(l.id) && !pinnedSet.has(l.id);
  const visibleGroups = needle ? sortedGroups.filter((g) => (byGroup.get(g.id) ?? []).some(anyMatch)) : sortedGroups;
  let currentTrace: string | null = null;
  let traceCollapsed = false;
  // Placeholders go before the first group of a later trace, the rest after the last group.
  const waiting = [...placeholders].filter((k) => traceOrder.has(k)).sort((a, b) => traceOrder.get(a)! - traceOrder.get(b)!);
  const pushPlaceholdersBefore = (order: number) => {
    while (waiting.length && traceOrder.get(waiting[0])! < order) {
      const key = waiting.shift()!;
      const group: LaneGroup = { id: key, trace: key, pid: '', name: traceNames.get(key) ?? key, profiler: false, sortIndex: -1 };
      indexById.set(key, rows.length);
      rows.push({ type: 'group', id: key, group, y, height: m.groupHeight, collapsed: true, level: 0, laneCount: 0, hiddenCount: 0, placeholder: true });
      y += m.groupHeight;
    }
  };
  for (const group of visibleGroups) {
    pushPlaceholdersBefore(traceOrder.get(group.trace)!);
    if (traceLevel && group.trace !== currentTrace) {
      currentTrace = group.trace;
      traceCollapsed = state.collapsed.has(group.trace);
      const traceGroup: LaneGroup = { id: group.trace, trace: group.trace, pid: '', name: traceNames.get(group.trace) ?? group.trace, profiler: false, sortIndex: -1 };
      const traceLanes = lanes.filter((l) => l.trace === group.trace);
      indexById.set(group.trace, rows.length);
      rows.push({
        type: 'group',
        id: group.trace,
        group: traceGroup,
        y,
        height: m.groupHeight,
        collapsed: traceCollapsed,
        level: 0,
        laneCount: traceLanes.filter((l) => !state.hidden.has(l.id)).length,
        hiddenCount: traceLanes.filter((l) => state.hidden.has(l.id)).length,
      });
      y += m.groupHeight;
    }
    if (traceCollapsed) continue;
    const members = (byGroup.get(group.id) ?? []).slice().sort((a, b) => {
      const oa = orderIndex.get(a.id);
      const ob = orderIndex.get(b.id);
      if (oa !== undefined && ob !== undefined) return oa - ob;
      if (oa !== undefined) return -1;
      if (ob !== undefined) return 1;
      return Number(a.group !== group.id) - Number(b.group !== group.id) || a.sortIndex - b.sortIndex;
    });
    const shown = members.filter((l) => !state.hidden.has(l.id) && !pinnedSet.has(l.id) && matches(l));
    const hiddenCount = members.filter((l) => state.hidden.has(l.id)).length;
    // Every lane pinned elsewhere (or filtered out): no empty group header left behind.
    if (!shown.length && !hiddenCount) continue;
    const collapsed = state.collapsed.has(group.id);
    indexById.set(group.id, rows.length);
    rows.push({ type: 'group', id: group.id, group, y, height: m.groupHeight, collapsed, level: 1, laneCount: shown.length, hiddenCount });
    stripe = 0;
    y += m.groupHeight;
    if (collapsed) continue;
    for (const lane of shown) pushLane(lane, false);
  }
  pushPlaceholdersBefore(Infinity);
  return { rows, totalHeight: y, indexById };
}

/**
 * The placeholders (ranks not opened yet) whose header lies within [top, bottom) of the content, top first:
 * the ranks to open as the lane list scrolls.
 */
export function placeholdersInView(layout: Layout, top: number, bottom: number): string[] {
  const [first, last] = rowsInView(layout, top, bottom);
  const out: string[] = [];
  for (let i = Math.max(0, first); i <= last; i++) {
    const r = layout.rows[i];
    if (r?.type === 'group' && r.placeholder) out.push(r.id);
  }
  return out;
}

/**
 * The rows of a lane within [top, bottom) of the content (CSS px), widened to whole row
 * bands: what the worker is asked for, so a lane 70 000 rows deep costs the rows in view.
 */
export function drawnRows(row: LaneRow, top: number, bottom: number): [number, number] {
  const y0 = row.y + row.padTop;
  const at = (y: number) => Math.min(Math.max(0, row.visibleRows - 1), Math.max(0, Math.floor((y - y0) / row.rowHeight)));
  return [bandOfRow(at(top)) * TILE_BAND_ROWS, (bandOfRow(at(bottom)) + 1) * TILE_BAND_ROWS - 1];
}

/** Index range [first, last] of rows intersecting [top, bottom) (binary search: thousands of lanes). */
export function rowsInView(layout: Layout, top: number, bottom: number): [number, number] {
  const rows = layout.rows;
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].y + rows[mid].height <= top) lo = mid + 1;
    else hi = mid;
  }
  let last = lo;
  while (last < rows.length && rows[last].y < bottom) last++;
  return [lo, last - 1];
}

/** The natural (displayed) lane order of all non-pinned lanes, used as the base for moving a lane. */
export function displayedLaneOrder(layout: Layout): string[] {
  return layout.rows.filter((r): r is LaneRow => r.type === 'lane' && !r.pinned).map((r) => r.id);
}

/** Whether a lane can move one step (its neighbour is an unpinned lane of the same group); O(1). */
export function canMoveLane(layout: Layout, laneId: string, delta: -1 | 1): boolean {
  const i = layout.indexById.get(laneId);
  if (i === undefined) return false;
  const a = layout.rows[i];
  const b = layout.rows[i + delta];
  return !!b && a.type === 'lane' && b.type === 'lane' && !a.pinned && !b.pinned && a.lane.group === b.lane.group;
}

/** New custom order after moving a lane one step up/down within its group. */
export function moveLane(layout: Layout, laneId: string, delta: -1 | 1): string[] | null {
  const order = displayedLaneOrder(layout);
  const i = order.indexOf(laneId);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= order.length) return null;
  const rows = layout.rows;
  const a = rows[layout.indexById.get(order[i])!] as LaneRow;
  const b = rows[layout.indexById.get(order[j])!] as LaneRow;
  if (a.lane.group !== b.lane.group) return null;
  [order[i], order[j]] = [order[j], order[i]];
  return order;
}
