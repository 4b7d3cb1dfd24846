import { describe, expect, it } from 'vitest';
import { renderTimeline, type TimelineScene } from '../../../src/timeline/renderer';
import { LIGHT_THEME } from '../../../src/timeline/colors';

/** A 2D context stand-in that records fillText calls; text width = 6 px per character. */
function fakeCtx() {
  const texts: string[] = [];
  const target: Record<string, unknown> = {
    measureText: (t: string) => ({ width: t.length * 6 }),
    fillText: (t: string) => texts.push(t),
  };
  const ctx = new Proxy(target, {
    get: (o, k: string) => (k in o ? o[k] : () => undefined),
    set: (o, k: string, v) => ((o[k] = v), true),
  });
  return { ctx: ctx as unknown as CanvasRenderingContext2D, texts };
}

const kernel = 'void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float> >(int, at::native::CUDAFunctor_add<float>)';

function scene(over: Partial<TimelineScene> = {}): TimelineScene {
  return {
    width: 1000,
    height: 200,
    dpr: 1,
    viewport: { startNs: 0, endNs: 1000 },
    theme: LIGHT_THEME,
    groups: [{ id: 'g', name: 'GPU 0', y: 0, height: 24, collapsed: false }],
    lanes: [
      {
        id: 'l', kind: 'gpu', name: 'stream 7', y: 24, height: 26, rows: 1, rowHeight: 18, padTop: 4, names: [kernel, 'tiny'], alt: false,
        slices: {
          laneId: 'l',
          start: Float64Array.from([0, 600]),
          end: Float64Array.from([500, 601]),
          row: Uint16Array.from([0, 0]),
          nameId: Uint32Array.from([0, 1]),
          eventIdx: Int32Array.from([0, 1]),
          count: Uint32Array.from([1, 1]),
          instant: Uint8Array.from([0, 0]),
        },
      },
    ],
    range: { startNs: 100, endNs: 300 },
    ...over,
  };
}

describe('renderTimeline', () => {
  it('labels wide slices with the short kernel name and skips narrow ones', () => {
    const { ctx, texts } = fakeCtx();
    renderTimeline(ctx, scene());
    expect(texts.some((t: string) => t.startsWith('vectorized_elementwise_kernel'))).toBe(true);
    expect(texts).not.toContain('tiny');
  });
  it('a slice of 33 px gets a label of a few characters; wide tile and merged runs are named by their dominant name', () => {
    const lane = scene().lanes[0];
    const { ctx, texts } = fakeCtx();
    const slices = {
      ...lane.slices!,
      start: Float64Array.from([0, 600, 920]),
      end: Float64Array.from([33, 900, 1000]), // 33 px, a 300 px run from tiles, an 80 px run of 7 merged sub-pixel events
      busy: Float32Array.from([-1, 0.5, -1]),
      nameId: Uint32Array.from([1, 0, 1]),
      row: Uint16Array.from([0, 0, 0]),
      eventIdx: Int32Array.from([0, 1, -1]),
      count: Uint32Array.from([1, 1, 7]),
      instant: Uint8Array.from([0, 0, 0]),
    };
    renderTimeline(ctx, scene({ range: null, lanes: [{ ...lane, names: [kernel, 'aten::addmm'], slices }] }));
    expect(texts).toContain('add…'); // 'addmm' (GPU lanes shorten names), 3 characters in 33 px at 6 px each
    expect(texts.some((t) => t.startsWith('vectorized_elementwise_kernel'))).toBe(true);
    expect(texts).toContain('addmm');
  });
  it('a wide slice drawn over the tile run it falls in keeps its own label; the run\'s name does not overlap it', () => {
    const lane = scene().lanes[0];
    const { ctx, texts } = fakeCtx();
    // A 600 px run from tiles (row 0), and on the same row a 200 px slice inside it from the lane's columns.
    const slices = {
      ...lane.slices!,
      start: Float64Array.from([100, 300]),
      end: Float64Array.from([700, 500]),
      busy: Float32Array.from([0.8, -1]),
      nameId: Uint32Array.from([0, 1]),
      row: Uint16Array.from([0, 0]),
      eventIdx: Int32Array.from([-1, 4]),
      count: Uint32Array.from([40, 1]),
      instant: Uint8Array.from([0, 0]),
    };
    renderTimeline(ctx, scene({ range: null, lanes: [{ ...lane, names: [kernel, 'aten::addmm'], slices }] }));
    expect(texts).toContain('addmm');
    // The run's label would start at 103 px and run past 303 px, where the slice's starts: not drawn.
    expect(texts.some((t) => t.startsWith('vectorized'))).toBe(false);
  });
  it('draws axis tick labels and the range duration when asked', () => {
    const { ctx, texts } = fakeCtx();
    renderTimeline(ctx, scene({ axisHeight: 28, rangeLabel: true, lanes: [], groups: [] }));
    expect(texts).toContain('200 ns');
    expect(texts.some((t) => /^\d+ ns$/.test(t))).toBe(true);
  });
  it('draws lane names for export when a header column is requested', () => {
    const { ctx, texts } = fakeCtx();
    renderTimeline(ctx, scene({ headerWidth: 200 }));
    expect(texts).toContain('stream 7');
    expect(texts).toContain('GPU 0');
  });
});
