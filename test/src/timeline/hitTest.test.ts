import { describe, expect, it } from 'vitest';
import type { LaneSlices } from '../../../src/model/types';
import { computeLayout } from '../../../src/timeline/laneLayout';
import { hitTest } from '../../../src/timeline/hitTest';

const lanes = [{ id: 'L', kind: 'cpu' as const, name: 'L', group: 'G', trace: 't', pid: 'G', tid: '1', events: 3, rows: 2, sortIndex: 0 }];
const groups = [{ id: 'G', trace: 't', pid: 'G', name: 'G', profiler: false, sortIndex: 0 }];
const slices: LaneSlices = {
  laneId: 'L',
  start: Float64Array.from([0, 100, 400, 600]),
  end: Float64Array.from([1000, 300, 410, 600]),
  row: Uint16Array.from([0, 1, 1, 1]),
  nameId: Uint32Array.from([0, 1, 2, 3]),
  eventIdx: Int32Array.from([0, 1, -1, 3]),
  count: Uint32Array.from([1, 1, 5, 1]),
  instant: Uint8Array.from([0, 0, 0, 1]),
};

describe('hitTest', () => {
  const layout = computeLayout(groups, lanes, { hidden: new Set(), pinned: [], collapsed: new Set(), order: [], expanded: new Set() });
  const data = { slices: new Map([['L', slices]]), counters: new Map() };
  const lane = layout.rows[1];
  const vp = { startNs: 0, endNs: 1000 };
  const yRow = (r: number) => lane.y + 4 + r * 18 + 5;
  it('finds slices by row and time', () => {
    expect(hitTest(layout, data, vp, 1000, 500, yRow(0))).toMatchObject({ kind: 'slice', eventIdx: 0 });
    expect(hitTest(layout, data, vp, 1000, 200, yRow(1))).toMatchObject({ eventIdx: 1, startNs: 100, endNs: 300 });
    expect(hitTest(layout, data, vp, 1000, 405, yRow(1))).toMatchObject({ eventIdx: -1, count: 5 });
    expect(hitTest(layout, data, vp, 1000, 602, yRow(1))).toMatchObject({ eventIdx: 3, instant: true });
  });
  it('misses empty space and group rows', () => {
    expect(hitTest(layout, data, vp, 1000, 350, yRow(1))).toBeNull();
    expect(hitTest(layout, data, vp, 1000, 10, 5)).toBeNull();
  });
});
