// Viewport limits shared by gestures, keys and automation.

import { clampViewport, zoomAt, type Span } from './gestures';

export const MIN_SPAN_NS = 100;

export function maxSpan(extent: Span): number {
  return Math.max(MIN_SPAN_NS, 2 * (extent.endNs - extent.startNs));
}

export function clampTo(extent: Span, vp: Span): Span {
  return clampViewport(vp, extent, MIN_SPAN_NS);
}

export function zoomed(extent: Span, vp: Span, anchorNs: number, factor: number): Span {
  return clampTo(extent, zoomAt(vp, anchorNs, factor, MIN_SPAN_NS, maxSpan(extent)));
}

export function panned(extent: Span, vp: Span, deltaNs: number): Span {
  return clampTo(extent, { startNs: vp.startNs + deltaNs, endNs: vp.endNs + deltaNs });
}

/** A span around [start, end] with a margin, so the target is not glued to the edges. */
export function fitSpan(extent: Span, startNs: number, endNs: number): Span {
  const d = Math.max(endNs - startNs, MIN_SPAN_NS);
  const margin = d * 0.08;
  return clampTo(extent, { startNs: startNs - margin, endNs: startNs + d + margin });
}
