// Annotation lines and stages as the renderer draws them: through every lane,
// with labels along the top of the lanes and drag handles on the time axis.
// Geometry for hit-testing the handles lives here too, so drawing and picking agree.

import { formatDuration } from '../model/time';

export interface SceneAnnotation {
  id: string;
  startNs: number;
  endNs?: number;
  label: string;
  color: string;
  /** Drawn emphasised (just jumped to, or being dragged). */
  flash?: boolean;
}

const FONT = '600 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const LABEL_H = 16;
const LABEL_ROWS = 3;
/** Height of a stage's band at the foot of the time axis. */
const STAGE_BAND_PX = 7;
/** Half-width of an axis handle, also its pick tolerance. */
export const HANDLE_HALF_PX = 5;

type ToX = (ns: number) => number;

/** Stage shading and lines across the plot area [top, bottom), labels stacked at its top. */
export function drawAnnotations(
  ctx: CanvasRenderingContext2D,
  list: readonly SceneAnnotation[],
  toX: ToX,
  left: number,
  right: number,
  top: number,
  bottom: number,
  dark: boolean,
): void {
  if (!list.length || bottom - top <= 0) return;
  // Stages first so lines stay visible on top of any shading.
  for (const a of list) {
    if (a.endNs === undefined) continue;
    const x0 = toX(a.startNs);
    const x1 = toX(a.endNs);
    if (x1 < left || x0 > right) continue;
    ctx.globalAlpha = dark ? 0.16 : 0.1;
    ctx.fillStyle = a.color;
    ctx.fillRect(x0, top, Math.max(1, x1 - x0), bottom - top);
    ctx.globalAlpha = 0.8;
    ctx.fillRect(Math.round(x0), top, 1, bottom - top);
    ctx.fillRect(Math.round(x1), top, 1, bottom - top);
    ctx.globalAlpha = 1;
  }
  for (const a of list) {
    if (a.endNs !== undefined) continue;
    const x = toX(a.startNs);
    if (x < left - 3 || x > right + 3) continue;
    ctx.fillStyle = a.color;
    if (a.flash) {
      ctx.globalAlpha = 0.3;
      ctx.fillRect(x - 4, top, 8, bottom - top);
      ctx.globalAlpha = 1;
    }
    const w = a.flash ? 3 : 1.5;
    ctx.fillRect(x - w / 2, top, w, bottom - top);
  }
  drawLabels(ctx, list, toX, left, right, top);
}

function drawLabels(ctx: CanvasRenderingContext2D, list: readonly SceneAnnotation[], toX: ToX, left: number, right: number, top: number): void {
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  const rowRight = new Array<number>(LABEL_ROWS).fill(-Infinity);
  const ordered = [...list].sort((a, b) => a.startNs - b.startNs);
  for (const a of ordered) {
    const x0 = toX(a.startNs);
    const x1 = a.endNs !== undefined ? toX(a.endNs) : x0;
    if (x1 < left || x0 > right) continue;
    const text = a.endNs !== undefined ? `${a.label} · ${formatDuration(a.endNs - a.startNs)}` : a.label;
    const tw = Math.min(ctx.measureText(text).width, 260) + 10;
    // Lines: label just right of the line. Stages: centred when they are wide enough, else from the start.
    let x = a.endNs !== undefined && x1 - x0 > tw + 4 ? (Math.max(x0, left) + Math.min(x1, right)) / 2 - tw / 2 : x0 + 3;
    x = Math.max(left + 2, Math.min(x, right - tw - 2));
    let row = rowRight.findIndex((r) => r + 4 <= x);
    if (row < 0) row = LABEL_ROWS - 1;
    rowRight[row] = Math.max(rowRight[row], x + tw);
    const y = top + 3 + row * (LABEL_H + 2);
    ctx.fillStyle = a.color;
    ctx.globalAlpha = 0.92;
    ctx.fillRect(x, y, tw, LABEL_H);
    ctx.globalAlpha = 1;
    ctx.fillStyle = '#ffffff';
    ctx.fillText(clip(ctx, text, tw - 10), x + 5, y + LABEL_H / 2 + 0.5);
  }
}

function clip(ctx: CanvasRenderingContext2D, text: string, max: number): string {
  if (ctx.measureText(text).width <= max) return text;
  let n = text.length;
  while (n > 1 && ctx.measureText(text.slice(0, n) + '…').width > max) n--;
  return text.slice(0, n) + '…';
}

/** Handles on the time axis: a marker per line, one at each edge of a stage. */
export function drawAnnotationHandles(ctx: CanvasRenderingContext2D, list: readonly SceneAnnotation[], toX: ToX, left: number, right: number, axisH: number): void {
  // A stage's band along the axis' foot: the target a click selects as the range.
  for (const a of list) {
    if (a.endNs === undefined) continue;
    const x0 = Math.max(left, toX(a.startNs));
    const x1 = Math.min(right, toX(a.endNs));
    if (x1 <= x0) continue;
    ctx.fillStyle = a.color;
    ctx.globalAlpha = 0.28;
    ctx.fillRect(x0, axisH - STAGE_BAND_PX, x1 - x0, STAGE_BAND_PX);
    ctx.globalAlpha = 1;
  }
  for (const a of list) {
    for (const ns of a.endNs !== undefined ? [a.startNs, a.endNs] : [a.startNs]) {
      const x = toX(ns);
      if (x < left - HANDLE_HALF_PX || x > right + HANDLE_HALF_PX) continue;
      ctx.fillStyle = a.color;
      ctx.fillRect(x - 0.75, 0, 1.5, axisH);
      ctx.beginPath();
      ctx.moveTo(x - HANDLE_HALF_PX, axisH - 9);
      ctx.lineTo(x + HANDLE_HALF_PX, axisH - 9);
      ctx.lineTo(x + HANDLE_HALF_PX, axisH - 4);
      ctx.lineTo(x, axisH);
      ctx.lineTo(x - HANDLE_HALF_PX, axisH - 4);
      ctx.closePath();
      ctx.fill();
    }
  }
}

export interface HandleHit {
  id: string;
  edge: 'start' | 'end';
}

/** The handle nearest to x (px from the plot's left edge) within HANDLE_HALF_PX, if any. */
export function annotationHandleAt(
  list: readonly { id: string; startNs: number; endNs?: number }[],
  viewport: { startNs: number; endNs: number },
  widthPx: number,
  x: number,
): HandleHit | null {
  const span = Math.max(1e-9, viewport.endNs - viewport.startNs);
  const toX = (ns: number) => ((ns - viewport.startNs) / span) * widthPx;
  let best: HandleHit | null = null;
  let bestD = HANDLE_HALF_PX + 0.5;
  for (const a of list) {
    const edges: [number, 'start' | 'end'][] = a.endNs !== undefined ? [[a.startNs, 'start'], [a.endNs, 'end']] : [[a.startNs, 'start']];
    for (const [ns, edge] of edges) {
      const d = Math.abs(toX(ns) - x);
      if (d < bestD) {
        bestD = d;
        best = { id: a.id, edge };
      }
    }
  }
  return best;
}
