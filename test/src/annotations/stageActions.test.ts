// M / Shift+M, a click on a stage, and snapping, against the store: which annotation M makes
// in each context, which range becomes selected, and where a drag lands.

import { beforeEach, describe, expect, it } from 'vitest';
import type { SliceDetails } from '../../../src/model/types';
import { useStore } from '../../../src/state/store';
import { markFromContext, noteCursorNs, selectStageAt, snappedAt } from '../../../src/timeline/annotationActions';
import type { LaneSlices } from '../../../src/model/types';

const slice = (startNs: number, durNs: number) => ({ startNs, durNs, name: 'decode_step', laneId: 'l', eventIdx: 0, key: 'k', category: 'c', selfNs: durNs, row: 0, instant: false, args: null }) as SliceDetails;

beforeEach(() => {
  useStore.setState({ annotations: [], range: null, details: null, hovered: null, editingAnnotation: null, viewport: { startNs: 0, endNs: 1000 }, extent: { startNs: 0, endNs: 1000 } });
  noteCursorNs(null);
});

describe('M and Shift+M', () => {
  it('with a range: a stage of the range, which stays selected', () => {
    useStore.setState({ range: { startNs: 100, endNs: 300 }, details: slice(500, 50) });
    const a = markFromContext(false);
    expect({ startNs: a.startNs, endNs: a.endNs }).toEqual({ startNs: 100, endNs: 300 });
    expect(useStore.getState().range).toEqual({ startNs: 100, endNs: 300 });
    expect(useStore.getState().editingAnnotation).toBeNull();
  });

  it('with a slice selected: a stage of its span, selected as the range; Shift+M asks for the name', () => {
    useStore.setState({ details: slice(500, 50) });
    const a = markFromContext(true);
    expect({ startNs: a.startNs, endNs: a.endNs }).toEqual({ startNs: 500, endNs: 550 });
    expect(useStore.getState().range).toEqual({ startNs: 500, endNs: 550 });
    expect(useStore.getState().editingAnnotation).toBe(a.id);
  });

  it('on the range of a stage already there: Shift+M renames it, M marks the line instead of a second stage', () => {
    useStore.setState({ range: { startNs: 100, endNs: 300 } });
    const stage = markFromContext(false);
    expect(markFromContext(true).id).toBe(stage.id);
    expect(useStore.getState().editingAnnotation).toBe(stage.id);
    noteCursorNs(150);
    const line = markFromContext(false);
    expect({ startNs: line.startNs, endNs: line.endNs }).toEqual({ startNs: 150, endNs: undefined });
    expect(useStore.getState().annotations).toHaveLength(2);
  });

  it('else a line at the cursor', () => {
    noteCursorNs(420);
    const a = markFromContext(false);
    expect(a.startNs).toBe(420);
    expect(a.endNs).toBeUndefined();
    expect(useStore.getState().range).toBeNull();
  });
});

describe('a click on a stage', () => {
  it('selects the narrowest stage under the click as the range; none: false', () => {
    useStore.setState({ range: { startNs: 0, endNs: 900 } });
    markFromContext(false);
    useStore.setState({ range: { startNs: 200, endNs: 300 } });
    markFromContext(false);
    useStore.setState({ range: null });
    expect(selectStageAt(250, 1000)).toBe(true);
    expect(useStore.getState().range).toEqual({ startNs: 200, endNs: 300 });
    expect(selectStageAt(600, 1000)).toBe(true);
    expect(useStore.getState().range).toEqual({ startNs: 0, endNs: 900 });
    expect(selectStageAt(950, 1000)).toBe(false);
  });
});

describe('snapping', () => {
  const slices = new Map<string, LaneSlices>([
    ['x', { laneId: 'x', start: Float64Array.from([100]), end: Float64Array.from([497]), row: Uint16Array.from([0]), nameId: Uint32Array.from([0]), eventIdx: Int32Array.from([0]), count: Uint32Array.from([1]), instant: Uint8Array.from([0]) }],
  ]);
  it('lands on the nearest slice edge or other annotation within 6 px, never on the dragged one', () => {
    noteCursorNs(505);
    const line = markFromContext(false);
    // 1 px = 1 ns here.
    expect(snappedAt(500, 1000, slices)).toBe(497);
    expect(snappedAt(503, 1000, slices)).toBe(505);
    expect(snappedAt(503, 1000, slices, line.id)).toBe(503);
    expect(snappedAt(700, 1000, slices)).toBe(700);
  });
});
