// Drawing of the analysis overlay (analysisOverlay.ts): idle-gap bands, search-hit
// marks that stay visible at any zoom (at least 3 px wide), and flow arrows.

import type { SceneOverlay } from './analysisOverlay';

const HIT_LIGHT = '#f0a800';
const HIT_DARK = '#ffc833';
const ARROW_LIGHT = '#c2410c';
const ARROW_DARK = '#fb923c';

/** Gap bands go under everything else of the overlay; call before the slices' marks. */
export function drawOverlayGaps(ctx: CanvasRenderingContext2D, o: SceneOverlay, toX: (ns: number) => number, dark: boolean): void {
  ctx.fillStyle = dark ? 'rgba(248, 113, 113, 0.16)' : 'rgba(220, 38, 38, 0.10)';
  ctx.strokeStyle = dark ? 'rgba(248, 113, 113, 0.55)' : 'rgba(220, 38, 38, 0.45)';
  ctx.lineWidth = 1;
  for (const g of o.gaps) {
    const x0 = toX(g.startNs);
    const w = Math.max(2, toX(g.endNs) - x0);
    ctx.fillRect(x0, g.y, w, g.h);
    ctx.strokeRect(Math.round(x0) + 0.5, g.y + 0.5, Math.max(1, Math.round(w) - 1), g.h - 1);
  }
}

export function drawOverlayMarks(ctx: CanvasRenderingContext2D, o: SceneOverlay, toX: (ns: number) => number, dark: boolean): void {
  const hit = dark ? HIT_DARK : HIT_LIGHT;
  ctx.lineWidth = 1.5;
  for (const h of o.hits) {
    const x0 = toX(h.startNs);
    const w = Math.max(3, toX(h.endNs) - x0);
    ctx.strokeStyle = hit;
    ctx.strokeRect(x0 - 0.75, h.y + 0.75, w + 1.5, h.h - 1.5);
    if (h.current) {
      ctx.fillStyle = dark ? 'rgba(255, 200, 51, 0.35)' : 'rgba(240, 168, 0, 0.35)';
      ctx.fillRect(x0, h.y + 1, w, h.h - 2);
    }
  }
  const arrow = dark ? ARROW_DARK : ARROW_LIGHT;
  ctx.strokeStyle = arrow;
  ctx.fillStyle = arrow;
  ctx.lineWidth = 1.5;
  for (const a of o.arrows) {
    const x0 = toX(a.x0Ns);
    const x1 = toX(a.x1Ns);
    if (a.unpaired) {
      // A flow without a partner: a ring where it touches the slice.
      ctx.beginPath();
      ctx.arc(x0, a.y0, 4, 0, Math.PI * 2);
      ctx.stroke();
      continue;
    }
    const dx = Math.max(20, Math.abs(x1 - x0) / 2);
    ctx.beginPath();
    ctx.moveTo(x0, a.y0);
    ctx.bezierCurveTo(x0 + dx, a.y0, x1 - dx, a.y1, x1, a.y1);
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(x0, a.y0, 2.5, 0, Math.PI * 2);
    ctx.fill();
    // Head pointing along the curve's last tangent (horizontal, left to right).
    ctx.beginPath();
    ctx.moveTo(x1, a.y1);
    ctx.lineTo(x1 - 7, a.y1 - 4);
    ctx.lineTo(x1 - 7, a.y1 + 4);
    ctx.closePath();
    ctx.fill();
  }
}
