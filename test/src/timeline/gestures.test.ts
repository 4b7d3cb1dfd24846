import { describe, expect, it } from 'vitest';
import { clampViewport, keyAction, zoomAt } from '../../../src/timeline/gestures';

describe('gestures', () => {
  it('maps physical keys', () => {
    const k = (code: string, key = '') => keyAction({ code, key, ctrlKey: false, metaKey: false, altKey: false });
    expect(k('KeyW', 'z')).toBe('zoomIn');
    expect(k('KeyS')).toBe('zoomOut');
    expect(k('KeyF')).toBe('fit');
    expect(k('Slash', '?')).toBe('help');
    expect(k('Escape', 'Escape')).toBe('clear');
    expect(k('KeyQ')).toBeNull();
  });
  it('zooms around the anchor and clamps', () => {
    const v = zoomAt({ startNs: 0, endNs: 1000 }, 250, 0.5, 100, 1e9);
    expect(v).toEqual({ startNs: 125, endNs: 625 });
    const tight = zoomAt({ startNs: 0, endNs: 200 }, 100, 0.1, 100, 1e9);
    expect(tight.endNs - tight.startNs).toBe(100);
    const c = clampViewport({ startNs: -1e6, endNs: 1e6 }, { startNs: 0, endNs: 1000 }, 100);
    expect(c.endNs - c.startNs).toBe(2000);
  });
});
