// What the analyses mark on the timeline, in lane terms (global-axis ns), and its
// projection to canvas y for the pure renderer. Kept apart from Timeline.tsx so the
// scene only gains one field.

import type { LaneSlices } from '../model/types';
import type { Layout } from './laneLayout';

/** A point on a slice row: where a flow arrow starts or ends. */
export interface OverlayPoint {
  laneId: string;
  row: number;
  tNs: number;
}

export interface OverlayArrow {
  from: OverlayPoint;
  /** null: a flow without a partner (drawn as a short stub with a ring). */
  to: OverlayPoint | null;
}

export interface OverlayHit {
  laneId: string;
  row: number;
  startNs: number;
  endNs: number;
}

export interface OverlayGap {
  /** GPU lanes of the device the gap belongs to. */
  laneIds: string[];
  startNs: number;
  endNs: number;
}

export interface AnalysisOverlay {
  arrows: OverlayArrow[];
  hits: OverlayHit[];
  /** Index of the current search hit in `hits`, −1 = none. */
  currentHit: number;
  /**
   * Per trace key, the search whose hits the workers outline (their own tile pyramid):
   * then every hit is outlined from those marks and `hits` only serves stepping.
   */
  searches?: Record<string, number>;
  gaps: OverlayGap[];
  /** A request's slices (the Requests tab's journey): outlined whatever the search. */
  journey?: OverlayHit[];
}

/** Scene form: y in canvas CSS px (may lie off screen: arrows then run to the edge). */
export interface SceneOverlay {
  arrows: { x0Ns: number; y0: number; x1Ns: number; y1: number; unpaired: boolean }[];
  hits: { startNs: number; endNs: number; y: number; h: number; current: boolean }[];
  gaps: { startNs: number; endNs: number; y: number; h: number }[];
}

/**
 * @param marks per lane, the pixel runs of every search hit in view (from the workers'
 *   hit pyramid); when given, outlines come from them and `overlay.hits` adds only the current hit
 */
export function sceneOverlay(overlay: AnalysisOverlay, layout: Layout, scrollTop: number, viewHeight: number, marks?: ReadonlyMap<string, LaneSlices>): SceneOverlay | undefined {
  const useMarks = !!marks && !!overlay.searches && Object.keys(overlay.searches).length > 0;
  if (!overlay.arrows.length && !overlay.hits.length && !overlay.gaps.length && !overlay.journey?.length && !(useMarks && marks!.size)) return undefined;
  const laneRow = (laneId: string) => {
    const i = layout.indexById.get(laneId);
    const r = i === undefined ? undefined : layout.rows[i];
    return r && r.type === 'lane' ? r : null;
  };
  const rowMid = (p: OverlayPoint): number | null => {
    const r = laneRow(p.laneId);
    if (!r) return null;
    return r.y - scrollTop + r.padTop + Math.min(p.row, r.visibleRows - 1) * r.rowHeight + r.rowHeight / 2;
  };
  const out: SceneOverlay = { arrows: [], hits: [], gaps: [] };
  for (const a of overlay.arrows) {
    const y0 = rowMid(a.from);
    if (y0 === null) continue;
    const y1 = a.to ? rowMid(a.to) : y0;
    if (y1 === null) continue;
    out.arrows.push({ x0Ns: a.from.tNs, y0, x1Ns: a.to ? a.to.tNs : a.from.tNs, y1, unpaired: !a.to });
  }
  const outline = (h: OverlayHit, current: boolean) => {
    const r = laneRow(h.laneId);
    if (!r || h.row >= r.visibleRows) return;
    const y = r.y - scrollTop + r.padTop + h.row * r.rowHeight;
    if (y + r.rowHeight < 0 || y > viewHeight) return;
    out.hits.push({ startNs: h.startNs, endNs: h.endNs, y, h: r.rowHeight, current });
  };
  if (useMarks) {
    for (const m of marks!.values()) for (let i = 0; i < m.start.length; i++) outline({ laneId: m.laneId, row: m.row[i], startNs: m.start[i], endNs: m.end[i] }, false);
    const cur = overlay.hits[overlay.currentHit];
    if (cur) outline(cur, true);
  } else overlay.hits.forEach((h, i) => outline(h, i === overlay.currentHit));
  for (const h of overlay.journey ?? []) outline(h, false);
  for (const g of overlay.gaps) {
    for (const id of g.laneIds) {
      const r = laneRow(id);
      if (!r) continue;
      out.gaps.push({ startNs: g.startNs, endNs: g.endNs, y: r.y - scrollTop, h: r.height });
    }
  }
  return out;
}
