import { describe, expect, it } from 'vitest';
import type { LaneGroup, LaneInfo } from '../../../src/model/types';
import { canMoveLane, computeLayout, DEFAULT_METRICS, drawnRows, MAX_FOLDED_ROWS, moveLane, PINNED_ROW_ID, placeholdersInView, rowsInView, type LaneRow } from '../../../src/timeline/laneLayout';
import { TILE_BAND_ROWS } from '../../../src/model/tiles';

const g = (id: string, sortIndex: number, profiler = false): LaneGroup => ({ id, trace: 't', pid: id, name: id, profiler, sortIndex });
const l = (id: string, group: string, rows: number, sortIndex: number, kind: LaneInfo['kind'] = 'cpu'): LaneInfo => ({
  id, kind, name: id, group, trace: 't', pid: group, tid: id, events: 1, rows, sortIndex,
});
const empty = { hidden: new Set<string>(), pinned: [], collapsed: new Set<string>(), order: [], expanded: new Set<string>() };

describe('computeLayout', () => {
  const groups = [g('B', 2), g('A', 1)];
  const lanes = [l('a2', 'A', 2, 2), l('a1', 'A', 1, 1), l('b1', 'B', 3, 0), l('c', 'B', 1, 5, 'counter')];
  it('orders groups and lanes and stacks y offsets', () => {
    const { rows, totalHeight } = computeLayout(groups, lanes, empty);
    expect(rows.map((r) => r.id)).toEqual(['A', 'a1', 'a2', 'B', 'b1', 'c']);
    const m = DEFAULT_METRICS;
    expect(rows[1].y).toBe(m.groupHeight);
    expect(rows[1].height).toBe(m.rowHeight + 2 * m.lanePadding);
    expect(rows[2].height).toBe(2 * m.rowHeight + 2 * m.lanePadding);
    expect(rows[5].height).toBe(m.counterHeight);
    const last = rows[rows.length - 1];
    expect(totalHeight).toBe(last.y + last.height);
  });
  it('applies hidden, pinned, collapsed and custom order', () => {
    const { rows } = computeLayout(groups, lanes, {
      hidden: new Set(['c']),
      pinned: ['b1'],
      collapsed: new Set(['B']),
      order: ['a2', 'a1'],
      expanded: new Set<string>(),
    });
    expect(rows.map((r) => r.id)).toEqual([PINNED_ROW_ID, 'b1', 'A', 'a2', 'a1', 'B']);
    expect(rows[1].type === 'lane' && rows[1].pinned).toBe(true);
    expect(rows[1].type === 'lane' && rows[1].origin).toBe('B');
    const b = rows[5];
    expect(b.type === 'group' && b.collapsed && b.hiddenCount).toBe(1);
  });
  it('pinned lanes sit under a separator and leave no empty group behind', () => {
    const { rows } = computeLayout(groups, lanes, { ...empty, pinned: ['a1', 'a2'] });
    expect(rows.map((r) => r.id)).toEqual([PINNED_ROW_ID, 'a1', 'a2', 'B', 'b1', 'c']);
    expect(rows[0].type === 'group' && rows[0].laneCount).toBe(2);
    // Several traces: the origin names the trace too.
    const two = computeLayout(groups, lanes, { ...empty, pinned: ['b1'] }, DEFAULT_METRICS, new Map([['t', 'rank 0'], ['u', 'rank 1']]));
    const pinned = two.rows.find((r) => r.id === 'b1');
    expect(pinned?.type === 'lane' && pinned.origin).toBe('rank 0 · B');
  });
  it('a lane filter keeps matching lanes (by lane, process or trace name), drops empty groups, keeps pinned lanes', () => {
    const named = [l('thread 1 · Python', 'A', 1, 0), l('stream 7', 'B', 1, 0), l('stream 13', 'B', 1, 1), l('CPU memory', 'A', 1, 2, 'counter')];
    const ids = (filter: string, pinned: string[] = []) => computeLayout(groups, named, { ...empty, filter, pinned }).rows.map((r) => r.id);
    expect(ids('STREAM')).toEqual(['B', 'stream 7', 'stream 13']);
    expect(ids('pyth')).toEqual(['A', 'thread 1 · Python']);
    expect(ids('b')).toEqual(['B', 'stream 7', 'stream 13']); // the process name "B" matches every lane of it
    expect(ids('stream 1')).toEqual(['B', 'stream 13']);
    expect(ids('nothing like it')).toEqual([]);
    expect(ids('stream 13', ['CPU memory'])).toEqual([PINNED_ROW_ID, 'CPU memory', 'B', 'stream 13']);
    expect(ids('  ')).toEqual(computeLayout(groups, named, empty).rows.map((r) => r.id));
  });
  it("a job's ranks not opened yet are one header row each, at their place in trace order", () => {
    // Ranks r0 and r2 open (a process with one lane each), r1 and r3 waiting.
    const opened = [{ ...g('r0|p', 0), trace: 'r0' }, { ...g('r2|p', 0), trace: 'r2' }];
    const laneOf = (trace: string): LaneInfo => ({ ...l(`${trace}|p|1|cpu`, `${trace}|p`, 1, 0), trace });
    const names = new Map([['r0', 'rank 0 · r0.json'], ['r1', 'rank 1 · r1.json'], ['r2', 'rank 2 · r2.json'], ['r3', 'rank 3 · r3.json']]);
    const layout = computeLayout(opened, [laneOf('r0'), laneOf('r2')], empty, DEFAULT_METRICS, names, new Set(['r3', 'r1']));
    expect(layout.rows.map((r) => r.id)).toEqual(['r0', 'r0|p', 'r0|p|1|cpu', 'r1', 'r2', 'r2|p', 'r2|p|1|cpu', 'r3']);
    const r1 = layout.rows[3];
    expect(r1.type === 'group' && r1.placeholder && r1.level === 0 && r1.group.name).toBe('rank 1 · r1.json');
    expect(r1.height).toBe(DEFAULT_METRICS.groupHeight);
    expect(layout.rows.filter((r) => r.type === 'group' && r.placeholder).map((r) => r.id)).toEqual(['r1', 'r3']);
    // Which of them a part of the lane list holds, top first.
    expect(placeholdersInView(layout, 0, layout.totalHeight)).toEqual(['r1', 'r3']);
    expect(placeholdersInView(layout, 0, r1.y)).toEqual([]);
    expect(placeholdersInView(layout, r1.y, r1.y + 1)).toEqual(['r1']);
  });
  it('folds deep lanes to their top rows until expanded', () => {
    const deep = [l('py', 'A', MAX_FOLDED_ROWS + 30, 0)];
    const m = DEFAULT_METRICS;
    const folded = computeLayout([g('A', 1)], deep, empty).rows[1];
    expect(folded.type === 'lane' && folded.visibleRows).toBe(MAX_FOLDED_ROWS);
    expect(folded.height).toBe(MAX_FOLDED_ROWS * m.rowHeight + 2 * m.lanePadding);
    const open = computeLayout([g('A', 1)], deep, { ...empty, expanded: new Set(['py']) }).rows[1];
    expect(open.type === 'lane' && open.visibleRows).toBe(MAX_FOLDED_ROWS + 30);
    expect(open.height).toBe((MAX_FOLDED_ROWS + 30) * m.rowHeight + 2 * m.lanePadding);
  });
  it('finds rows in view and moves lanes within a group only', () => {
    const layout = computeLayout(groups, lanes, empty);
    const [first, last] = rowsInView(layout, 30, 60);
    expect(first).toBe(1);
    expect(last).toBeGreaterThanOrEqual(2);
    expect(moveLane(layout, 'a2', -1)).toEqual(['a2', 'a1', 'b1', 'c']);
    expect(moveLane(layout, 'a2', 1)).toBeNull();
    expect(canMoveLane(layout, 'a2', -1)).toBe(true);
    expect(canMoveLane(layout, 'a2', 1)).toBe(false);
    expect(canMoveLane(layout, 'a1', -1)).toBe(false);
  });
});

describe('several traces', () => {
  const groups = [g('t1|1', 1), g('t2|1', 1)].map((x) => ({ ...x, trace: x.id.split('|')[0] }));
  const lanes = [{ ...l('t1|1|1|cpu', 't1|1', 1, 0), trace: 't1' }, { ...l('t2|1|1|cpu', 't2|1', 1, 0), trace: 't2' }];
  const names = new Map([
    ['t1', 'rank 0 · a.json'],
    ['t2', 'rank 1 · b.json'],
  ]);
  const empty = { hidden: new Set<string>(), pinned: [], collapsed: new Set<string>(), order: [], expanded: new Set<string>() };
  it('puts each trace under its own top-level header', () => {
    const { rows } = computeLayout(groups, lanes, empty, DEFAULT_METRICS, names);
    expect(rows.map((r) => r.id)).toEqual(['t1', 't1|1', 't1|1|1|cpu', 't2', 't2|1', 't2|1|1|cpu']);
    const header = rows[0];
    expect(header.type === 'group' && [header.level, header.group.name]).toEqual([0, 'rank 0 · a.json']);
  });
  it('collapses a whole trace', () => {
    const { rows } = computeLayout(groups, lanes, { ...empty, collapsed: new Set(['t1']) }, DEFAULT_METRICS, names);
    expect(rows.map((r) => r.id)).toEqual(['t1', 't2', 't2|1', 't2|1|1|cpu']);
  });
  it('adds no trace level for a single trace', () => {
    const { rows } = computeLayout(groups.slice(0, 1), lanes.slice(0, 1), empty, DEFAULT_METRICS, new Map([['t1', 'a']]));
    expect(rows.map((r) => r.id)).toEqual(['t1|1', 't1|1|1|cpu']);
  });
});

describe('drawnRows', () => {
  const deep = [l('gpu', 'A', 70_000, 0, 'gpu')];
  const lane = (expanded: boolean) => computeLayout([g('A', 1)], deep, { ...empty, expanded: new Set(expanded ? ['gpu'] : []) }).rows[1] as LaneRow;
  it('asks a folded deep lane for its first band only', () => {
    const r = lane(false);
    expect(drawnRows(r, 0, 10_000)).toEqual([0, TILE_BAND_ROWS - 1]);
  });
  it('asks an expanded lane for the whole bands between the top and bottom of the view, clamped to its rows', () => {
    const r = lane(true);
    const rowTop = (row: number) => r.y + r.padTop + row * r.rowHeight;
    // Rows 1000 … 1040 in view: bands 15 (960–1023) and 16 (1024–1087).
    expect(drawnRows(r, rowTop(1000), rowTop(1040) + 1)).toEqual([15 * TILE_BAND_ROWS, 17 * TILE_BAND_ROWS - 1]);
    expect(drawnRows(r, -500, 0)).toEqual([0, TILE_BAND_ROWS - 1]);
    const lastBand = Math.floor((70_000 - 1) / TILE_BAND_ROWS);
    expect(drawnRows(r, rowTop(80_000), rowTop(90_000))).toEqual([lastBand * TILE_BAND_ROWS, (lastBand + 1) * TILE_BAND_ROWS - 1]);
  });
});
