// Selections of the comparison view as parts: whole traces, rank groups, and stages / ranges
// cut per trace by each trace's own shift (numbers by hand).

import { describe, expect, it } from 'vitest';
import { defaultSelections, isTracePair, selectionParts, type TraceSpan } from '../../../src/model/compareSelections';
import type { Annotation } from '../../../src/model/annotations';

const TRACES: TraceSpan[] = [
  { key: 'a', name: 'a.json', shiftNs: 0, minNs: 0, maxNs: 1000 },
  { key: 'b', name: 'b.json', shiftNs: 500, minNs: 0, maxNs: 1000 },
];
const STAGES: Annotation[] = [
  { id: 's1', startNs: 100, endNs: 300, label: 'read', color: '#000' },
  { id: 's2', startNs: 900, endNs: 1200, label: 'copy', color: '#000' },
  { id: 'l', startNs: 50, label: 'line', color: '#000' },
];

describe('comparison selections', () => {
  it('cuts a stage per trace in the trace’s own time, leaving out traces it misses', () => {
    expect(selectionParts({ type: 'stage', id: 's1' }, TRACES, STAGES)).toEqual([{ trace: 'a', startNs: 100, endNs: 300 }]);
    // Axis 900–1200: a's 900–1000, b's 400–700.
    expect(selectionParts({ type: 'stage', id: 's2' }, TRACES, STAGES)).toEqual([
      { trace: 'a', startNs: 900, endNs: 1000 },
      { trace: 'b', startNs: 400, endNs: 700 },
    ]);
    expect(selectionParts({ type: 'stage', id: 'l' }, TRACES, STAGES)).toEqual([]);
    expect(selectionParts({ type: 'range', startNs: 1400, endNs: 1600 }, TRACES, STAGES)).toEqual([{ trace: 'b', startNs: 900, endNs: 1000 }]);
  });

  it('takes whole traces and rank groups as they are', () => {
    expect(selectionParts({ type: 'trace', trace: 'b' }, TRACES, STAGES)).toEqual([{ trace: 'b', startNs: 0, endNs: 1000 }]);
    expect(selectionParts({ type: 'group', traces: ['a', 'b'], label: 'all' }, TRACES, STAGES)).toHaveLength(2);
  });

  it('starts with the first two traces (baseline first), else the stages', () => {
    const two = defaultSelections(TRACES, STAGES);
    expect(two).toEqual([
      { type: 'trace', trace: 'a' },
      { type: 'trace', trace: 'b' },
    ]);
    expect(isTracePair(two)).toBe(true);
    const stages = defaultSelections(TRACES.slice(0, 1), STAGES);
    expect(stages).toEqual([
      { type: 'stage', id: 's1' },
      { type: 'stage', id: 's2' },
    ]);
    expect(isTracePair(stages)).toBe(false);
  });
});
