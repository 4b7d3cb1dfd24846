import { describe, expect, it } from 'vitest';
import { ANNOTATION_COLORS, annotationRows, makeAnnotation, sortAnnotations, type Annotation } from '../../../src/model/annotations';
import { annotationsFromJson, annotationsToCsv, annotationsToJson, csvField } from '../../../src/model/annotationFiles';
import { annotationHandleAt } from '../../../src/timeline/annotationDrawing';
import { snapToSliceEdge } from '../../../src/timeline/annotationActions';
import type { LaneSlices } from '../../../src/model/types';

function build(): Annotation[] {
  const list: Annotation[] = [];
  list.push(makeAnnotation(list, { startNs: 5_000 }));
  list.push(makeAnnotation(list, { startNs: 1_000, endNs: 3_000, label: 'reading' }));
  list.push(makeAnnotation(list, { startNs: 9_000, note: 'stall starts' }));
  return list;
}

describe('annotation model', () => {
  it('numbers default labels per kind and cycles colours', () => {
    const list = build();
    expect(list.map((a) => a.label)).toEqual(['Mark 1', 'reading', 'Mark 2']);
    expect(list[0].color).toBe(ANNOTATION_COLORS[0]);
    expect(list[1].color).toBe(ANNOTATION_COLORS[1]);
    expect(list[1].endNs).toBe(3_000);
    expect(list[0].endNs).toBeUndefined();
  });
  it('a zero-length "range" is a line, not a stage', () => {
    expect(makeAnnotation([], { startNs: 10, endNs: 10 }).endNs).toBeUndefined();
  });
  it('lists in time order with the gap from the previous item’s end (a stage ends at its end, a line at its start)', () => {
    const rows = annotationRows(build());
    expect(rows.map((r) => r.a.startNs)).toEqual([1_000, 5_000, 9_000]);
    // reading 1000–3000 → Mark 1 at 5000: 2000; Mark 1 → Mark 2: 4000.
    expect(rows.map((r) => r.deltaNs)).toEqual([null, 2_000, 4_000]);
  });
  it('a stage that starts inside the previous one has a negative gap (overlap)', () => {
    const list: Annotation[] = [];
    list.push(makeAnnotation(list, { startNs: 0, endNs: 10_000 }));
    list.push(makeAnnotation(list, { startNs: 4_000, endNs: 6_000 }));
    expect(annotationRows(list).map((r) => r.deltaNs)).toEqual([null, -6_000]);
  });
});

describe('annotation files', () => {
  const origin = '1790857026000000000';
  it('JSON round-trips onto an axis with a different origin at the same absolute instants', () => {
    const list = build();
    const text = annotationsToJson(list, origin, ['a.json.gz']);
    const later = (BigInt(origin) + 500n).toString();
    const { annotations, skipped } = annotationsFromJson(text, later);
    expect(skipped).toBe(0);
    const want = sortAnnotations(list);
    expect(annotations.map((a) => a.startNs)).toEqual(want.map((a) => a.startNs - 500));
    expect(annotations.map((a) => a.endNs)).toEqual(want.map((a) => (a.endNs === undefined ? undefined : a.endNs - 500)));
    expect(annotations.map((a) => [a.label, a.color, a.note])).toEqual(want.map((a) => [a.label, a.color, a.note]));
  });
  it('rejects non-annotation files and skips broken entries', () => {
    expect(() => annotationsFromJson('{"traceEvents": []}', origin)).toThrow(/not a tracelane annotations file/);
    expect(() => annotationsFromJson('nope', origin)).toThrow(/not JSON/);
    const text = JSON.stringify({
      format: 'tracelane-annotations',
      version: 1,
      annotations: [{ label: 'ok', startAbsNs: origin }, { label: 'bad', startAbsNs: 12 }, { label: 'inverted', startAbsNs: origin, endAbsNs: '1' }],
    });
    const r = annotationsFromJson(text, origin);
    expect(r.annotations.map((a) => a.label)).toEqual(['ok']);
    expect(r.skipped).toBe(2);
  });
  it('CSV has one row per annotation with quoted text and exact ms', () => {
    const list = [makeAnnotation([], { startNs: 1_234_567, endNs: 2_234_567, label: 'copy, "decode"', note: 'line1\nline2' })];
    const csv = annotationsToCsv(list, '1000');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('label,kind,start_ms,end_ms,duration_ms,start_abs_ns,end_abs_ns,color,note');
    expect(csv).toContain('"copy, ""decode""",stage,1.234567,2.234567,1,1235567,2235567,');
    expect(csv).toContain('"line1\nline2"');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('-12.5')).toBe('-12.5');
  });
});

describe('annotation handles and snapping', () => {
  it('picks the nearest handle within a few px, stage edges separately', () => {
    const list = [{ id: 'l', startNs: 100 }, { id: 's', startNs: 400, endNs: 700 }];
    const vp = { startNs: 0, endNs: 1000 };
    expect(annotationHandleAt(list, vp, 1000, 103)).toEqual({ id: 'l', edge: 'start' });
    expect(annotationHandleAt(list, vp, 1000, 698)).toEqual({ id: 's', edge: 'end' });
    expect(annotationHandleAt(list, vp, 1000, 250)).toBeNull();
  });
  it('snaps to the nearest real slice edge, ignoring merged buckets', () => {
    const slices: LaneSlices = {
      laneId: 'x',
      start: Float64Array.from([100, 200]),
      end: Float64Array.from([150, 260]),
      row: Uint16Array.from([0, 0]),
      nameId: Uint32Array.from([0, 0]),
      eventIdx: Int32Array.from([0, -1]),
      count: Uint32Array.from([1, 5]),
      instant: Uint8Array.from([0, 0]),
    };
    const m = new Map([['x', slices]]);
    expect(snapToSliceEdge(147, m, 5)).toBe(150);
    expect(snapToSliceEdge(203, m, 5)).toBe(203);
    expect(snapToSliceEdge(120, m, 5)).toBe(120);
  });
});

describe('annotation drawing', () => {
  it('labels lines and stages (with duration) in the lanes, draws handles only on an axis', async () => {
    const { renderTimeline } = await import('../../../src/timeline/renderer');
    const { LIGHT_THEME } = await import('../../../src/timeline/colors');
    const texts: string[] = [];
    const calls: string[] = [];
    const target: Record<string, unknown> = { measureText: (t: string) => ({ width: t.length * 6 }), fillText: (t: string) => texts.push(t) };
    const ctx = new Proxy(target, {
      get: (o, k: string) => (k in o ? o[k] : () => calls.push(k)),
      set: (o, k: string, v) => ((o[k] = v), true),
    }) as unknown as CanvasRenderingContext2D;
    const scene = {
      width: 1000, height: 200, dpr: 1, viewport: { startNs: 0, endNs: 10_000 }, theme: LIGHT_THEME, lanes: [], groups: [],
      annotations: [{ id: 'a', startNs: 2_000, label: 'cudaMalloc here', color: '#e5484d' }, { id: 'b', startNs: 4_000, endNs: 6_500, label: 'copying', color: '#2f8fe0' }, { id: 'c', startNs: 50_000, label: 'off screen', color: '#000' }],
    };
    renderTimeline(ctx, scene);
    expect(texts).toEqual(expect.arrayContaining(['cudaMalloc here', 'copying · 2.5 µs']));
    expect(texts).not.toContain('off screen');
    const lanesOnlyPaths = calls.filter((c) => c === 'closePath').length;
    texts.length = 0;
    calls.length = 0;
    renderTimeline(ctx, { ...scene, height: 28, axisHeight: 28 });
    // Axis canvas: no lane area, so no labels; one handle per line and two per stage on screen.
    expect(texts).not.toContain('copying · 2.5 µs');
    expect(calls.filter((c) => c === 'closePath').length - lanesOnlyPaths).toBe(3);
  });
});
