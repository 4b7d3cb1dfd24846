// The one drawing routine: the live canvas, the axis canvas and PNG export all
// call it with plain data, so what you export is what you saw.

import type { CounterSamples, LaneKind, LaneSlices } from '../model/types';
import { formatDuration } from '../model/time';
import { axisTicks } from './axisTicks';
import { swatchOfName, type ThemeColors } from './colors';
import { shortenName } from './kernelNames';
import { drawAnnotationHandles, drawAnnotations, type SceneAnnotation } from './annotationDrawing';
import { drawOverlayGaps, drawOverlayMarks } from './analysisDrawing';
import type { SceneOverlay } from './analysisOverlay';

export interface SceneLane {
  id: string;
  kind: LaneKind;
  name: string;
  /** Top of the lane in canvas CSS px (already scrolled). */
  y: number;
  height: number;
  rows: number;
  rowHeight: number;
  padTop: number;
  /** Global-axis slices for this lane, if queried. */
  slices?: LaneSlices;
  counter?: CounterSamples;
  counterRange?: { min: number; max: number; unit: string };
  /** The owning trace's name table. */
  names: readonly string[];
  alt: boolean;
}

export interface SceneGroup {
  id: string;
  name: string;
  y: number;
  height: number;
  collapsed: boolean;
  /** A rank not opened yet: its extent on the axis (from job.json), drawn as a bar in its band. */
  extent?: { startNs: number; endNs: number };
}

export interface SceneMark {
  laneId: string;
  row: number;
  startNs: number;
  endNs: number;
}

export interface TimelineScene {
  width: number;
  height: number;
  dpr: number;
  viewport: { startNs: number; endNs: number };
  theme: ThemeColors;
  lanes: SceneLane[];
  groups: SceneGroup[];
  selection?: SceneMark | null;
  hover?: SceneMark | null;
  range?: { startNs: number; endNs: number } | null;
  /** Draw a time axis band of this height at the top (axis canvas, export). */
  axisHeight?: number;
  /** Draw the range duration label (only where the axis is not shown separately). */
  rangeLabel?: boolean;
  /** Width of a lane-name column drawn on the left (PNG export); 0 = none. */
  headerWidth?: number;
  /** Write group names into their bands (when no DOM header column shows them). */
  groupLabels?: boolean;
  /** Vertical grid lines at tick positions. */
  grid?: boolean;
  /** Annotation lines and stages (global-axis ns): across the lanes, handles on the axis. */
  annotations?: SceneAnnotation[];
  /** Analysis marks: flow arrows, search hits, idle gaps (analysisOverlay.ts). */
  overlay?: SceneOverlay;
}

const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const FONT_BOLD = '600 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const MIN_LABEL_PX = 30;
/** Fewer visible characters than this reads as noise ("n…"), so no label. */
const MIN_LABEL_CHARS = 3;

export function renderTimeline(ctx: CanvasRenderingContext2D, scene: TimelineScene): void {
  const { width, height, dpr, theme } = scene;
  const header = scene.headerWidth ?? 0;
  const axisH = scene.axisHeight ?? 0;
  const plotW = Math.max(1, width - header);
  const { startNs, endNs } = scene.viewport;
  const span = Math.max(1e-9, endNs - startNs);
  const toX = (ns: number) => header + ((ns - startNs) / span) * plotW;

  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height);
  ctx.font = FONT;
  ctx.textBaseline = 'middle';

  // Lane backgrounds and group bands.
  for (const lane of scene.lanes) {
    if (lane.y + lane.height < axisH || lane.y > height) continue;
    if (lane.alt) {
      ctx.fillStyle = theme.laneAlt;
      ctx.fillRect(header, lane.y, plotW, lane.height);
    }
    ctx.fillStyle = theme.separator;
    ctx.fillRect(0, lane.y + lane.height - 1, width, 1);
  }
  for (const g of scene.groups) {
    if (g.y + g.height < axisH || g.y > height) continue;
    ctx.fillStyle = theme.groupBand;
    ctx.fillRect(0, g.y, width, g.height);
    ctx.fillStyle = theme.separator;
    ctx.fillRect(0, g.y + g.height - 1, width, 1);
    if (g.extent) {
      const x0 = Math.max(header, toX(g.extent.startNs));
      const x1 = Math.min(width, toX(g.extent.endNs));
      if (x1 > x0) {
        ctx.globalAlpha = 0.35;
        ctx.fillStyle = theme.textMuted;
        ctx.fillRect(x0, g.y + g.height / 2 - 3, Math.max(1, x1 - x0), 6);
        ctx.globalAlpha = 1;
      }
    }
    if (scene.groupLabels) {
      ctx.font = FONT_BOLD;
      ctx.fillStyle = theme.textMuted;
      ctx.fillText(fitText(ctx, g.collapsed ? `${g.name} (collapsed)` : g.name, plotW - 16), 8, g.y + g.height / 2);
      ctx.font = FONT;
    }
  }

  const ticks = axisTicks(startNs, endNs, plotW, 100);
  if (scene.grid !== false) {
    ctx.fillStyle = theme.grid;
    for (const t of ticks) ctx.fillRect(Math.round(header + t.x), axisH, 1, height - axisH);
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(header, axisH, plotW, height - axisH);
  ctx.clip();
  for (const lane of scene.lanes) {
    if (lane.y + lane.height < axisH || lane.y > height) continue;
    if (lane.kind === 'counter') drawCounter(ctx, scene, lane, toX, header, plotW);
    else if (lane.slices) drawSlices(ctx, scene, lane, toX, header, plotW);
  }
  if (scene.overlay) drawOverlayGaps(ctx, scene.overlay, toX, theme.dark);
  if (scene.overlay) drawOverlayMarks(ctx, scene.overlay, toX, theme.dark);
  for (const [mark, color, w] of [
    [scene.hover, theme.hover, 1],
    [scene.selection, theme.selection, 2],
  ] as const) {
    if (!mark) continue;
    const lane = scene.lanes.find((l) => l.id === mark.laneId);
    if (!lane) continue;
    const y = lane.y + lane.padTop + mark.row * lane.rowHeight;
    const x0 = Math.max(header - 2, toX(mark.startNs));
    const x1 = Math.min(width + 2, toX(mark.endNs));
    ctx.strokeStyle = color;
    ctx.lineWidth = w;
    ctx.strokeRect(x0 - w / 2, y - w / 2 + 0.5, Math.max(2, x1 - x0) + w, lane.rowHeight - 1 + w);
  }
  if (scene.range) drawRange(ctx, scene, toX, axisH, height);
  if (scene.annotations) drawAnnotations(ctx, scene.annotations, toX, header, header + plotW, axisH, height, theme.dark);
  ctx.restore();

  if (axisH > 0) drawAxis(ctx, scene, ticks, header, plotW, axisH, toX);
  if (axisH > 0 && scene.annotations) drawAnnotationHandles(ctx, scene.annotations, toX, header, header + plotW, axisH);
  if (header > 0) drawHeaders(ctx, scene, header);
}

function drawSlices(
  ctx: CanvasRenderingContext2D,
  scene: TimelineScene,
  lane: SceneLane,
  toX: (ns: number) => number,
  left: number,
  plotW: number,
): void {
  const s = lane.slices!;
  const dark = scene.theme.dark;
  const gpu = lane.kind === 'gpu';
  const h = lane.rowHeight - 2;
  const right = left + plotW;
  const n = s.start.length;
  // rank: 0 a slice, 1 a run of merged sub-pixel slices, 2 a level-of-detail tile run.
  const labels: { x: number; y: number; w: number; name: string; text: string; rank: number }[] = [];
  for (let i = 0; i < n; i++) {
    let x0 = toX(s.start[i]);
    let x1 = toX(s.end[i]);
    if (x1 < left - 1 || x0 > right + 1 || s.row[i] >= lane.rows) continue;
    const y = lane.y + lane.padTop + s.row[i] * lane.rowHeight + 1;
    const name = lane.names[s.nameId[i]] ?? '';
    const sw = swatchOfName(lane.names, s.nameId[i], dark, gpu);
    if (s.instant[i]) {
      drawDiamond(ctx, x0, y + h / 2, Math.min(4, h / 2), sw.fill, scene.theme.text);
      continue;
    }
    x0 = Math.max(x0, left - 1);
    x1 = Math.min(x1, right + 1);
    const w = Math.max(1, x1 - x0);
    ctx.fillStyle = sw.fill;
    const busy = s.busy ? s.busy[i] : -1;
    if (busy >= 0) {
      // Buckets from a tile: fainter where slices cover less of the bucket, never invisible.
      ctx.globalAlpha = 0.4 + 0.6 * busy;
      ctx.fillRect(x0, y, w, h);
      ctx.globalAlpha = 1;
      // A wide run is named by its dominant name, as a slice of that width would be.
      if (w >= MIN_LABEL_PX) labels.push({ x: x0, y: y + h / 2, w, name: gpu ? shortenName(name) : name, text: sw.text, rank: 2 });
      continue;
    }
    // A run of merged sub-pixel events is drawn solid and, when wide, named by its
    // dominant (longest) event, like a tile run; the tooltip says how many it holds.
    ctx.fillRect(x0, y, w, h);
    if (w >= MIN_LABEL_PX) labels.push({ x: x0, y: y + h / 2, w, name: gpu ? shortenName(name) : name, text: sw.text, rank: s.count[i] > 1 ? 1 : 0 });
  }
  // Labels after fills so a neighbouring rect never paints over text. A tiled lane draws its
  // wide slices over the runs they fall in: a slice's own name goes first, a run's only where
  // no other label of its row is.
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  labels.sort((a, b) => a.rank - b.rank);
  const taken = new Map<number, [number, number][]>();
  for (const l of labels) {
    // Tight margins (3 px before, 1 after) so a slice of ~33 px still shows a few characters.
    const x = Math.max(l.x, left) + 3;
    const avail = Math.min(l.x + l.w, right) - x - 1;
    if (avail < 12) continue;
    const text = fitText(ctx, l.name, avail);
    if (!text || (text !== l.name && text.length - 1 < MIN_LABEL_CHARS)) continue;
    const end = x + ctx.measureText(text).width;
    const row = taken.get(l.y) ?? [];
    if (row.some(([a, b]) => x < b && a < end)) continue;
    taken.set(l.y, [...row, [x, end]]);
    ctx.fillStyle = l.text;
    ctx.fillText(text, x, l.y + 0.5);
  }
}

function drawDiamond(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, fill: string, stroke: string): void {
  ctx.beginPath();
  ctx.moveTo(x, y - r);
  ctx.lineTo(x + r, y);
  ctx.lineTo(x, y + r);
  ctx.lineTo(x - r, y);
  ctx.closePath();
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.strokeStyle = stroke;
  ctx.globalAlpha = 0.5;
  ctx.lineWidth = 0.75;
  ctx.stroke();
  ctx.globalAlpha = 1;
}

function drawCounter(
  ctx: CanvasRenderingContext2D,
  scene: TimelineScene,
  lane: SceneLane,
  toX: (ns: number) => number,
  left: number,
  plotW: number,
): void {
  const c = lane.counter;
  if (!c || !c.t.length) return;
  // The lane range may cover only some series; widen by what is on screen so no line leaves the lane.
  let min = lane.counterRange?.min ?? Infinity;
  let max = lane.counterRange?.max ?? -Infinity;
  for (const vs of c.values) for (const v of vs) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > 0) min = 0;
  const range = max - min || 1;
  const top = lane.y + lane.padTop;
  const bottom = lane.y + lane.height - 3;
  const yOf = (v: number) => bottom - ((v - min) / range) * (bottom - top);
  const right = left + plotW;
  c.values.forEach((vals, k) => {
    ctx.beginPath();
    let started = false;
    for (let i = 0; i < c.t.length; i++) {
      const x = Math.max(left - 1, Math.min(right + 1, toX(c.t[i])));
      const nx = i + 1 < c.t.length ? Math.max(left - 1, Math.min(right + 1, toX(c.t[i + 1]))) : right + 1;
      const y = yOf(vals[i]);
      if (!started) {
        ctx.moveTo(x, k === 0 ? bottom : y);
        started = true;
      }
      ctx.lineTo(x, y);
      ctx.lineTo(nx, y);
    }
    if (k === 0) {
      ctx.lineTo(right + 1, bottom);
      ctx.closePath();
      ctx.fillStyle = scene.theme.counterFill;
      ctx.fill();
    }
    ctx.strokeStyle = scene.theme.counterLines[k % scene.theme.counterLines.length];
    ctx.lineWidth = 1;
    if (k !== 0) ctx.stroke();
  });
  ctx.fillStyle = scene.theme.textMuted;
  ctx.textBaseline = 'top';
  ctx.fillText(formatValue(max, lane.counterRange?.unit ?? ''), left + 4, top);
  ctx.textBaseline = 'middle';
}

function drawRange(
  ctx: CanvasRenderingContext2D,
  scene: TimelineScene,
  toX: (ns: number) => number,
  top: number,
  height: number,
): void {
  const r = scene.range!;
  const x0 = toX(Math.min(r.startNs, r.endNs));
  const x1 = toX(Math.max(r.startNs, r.endNs));
  ctx.fillStyle = scene.theme.rangeFill;
  ctx.fillRect(x0, top, Math.max(1, x1 - x0), height - top);
  ctx.fillStyle = scene.theme.rangeEdge;
  ctx.fillRect(Math.round(x0), top, 1, height - top);
  ctx.fillRect(Math.round(x1), top, 1, height - top);
  if (scene.rangeLabel) drawRangeLabel(ctx, scene, x0, x1, top + 4);
}

function drawRangeLabel(ctx: CanvasRenderingContext2D, scene: TimelineScene, x0: number, x1: number, y: number): void {
  const r = scene.range!;
  const text = formatDuration(Math.abs(r.endNs - r.startNs));
  ctx.font = FONT_BOLD;
  const tw = ctx.measureText(text).width + 12;
  const cx = Math.min(Math.max((x0 + x1) / 2, (scene.headerWidth ?? 0) + tw / 2 + 2), scene.width - tw / 2 - 2);
  ctx.fillStyle = scene.theme.rangeLabelBg;
  roundRect(ctx, cx - tw / 2, y, tw, 16, 3);
  ctx.fill();
  ctx.fillStyle = scene.theme.rangeLabelText;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'center';
  ctx.fillText(text, cx, y + 8.5);
  ctx.textAlign = 'left';
  ctx.font = FONT;
}

function drawAxis(
  ctx: CanvasRenderingContext2D,
  scene: TimelineScene,
  ticks: ReturnType<typeof axisTicks>,
  header: number,
  plotW: number,
  axisH: number,
  toX: (ns: number) => number,
): void {
  const { theme } = scene;
  ctx.fillStyle = theme.axisBackground;
  ctx.fillRect(0, 0, scene.width, axisH);
  ctx.fillStyle = theme.separator;
  ctx.fillRect(0, axisH - 1, scene.width, 1);
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  // Keep tick labels clear of the range pill.
  let pill: [number, number] | null = null;
  let rx0 = 0;
  let rx1 = 0;
  if (scene.range) {
    rx0 = toX(Math.min(scene.range.startNs, scene.range.endNs));
    rx1 = toX(Math.max(scene.range.startNs, scene.range.endNs));
    const w = ctx.measureText(formatDuration(Math.abs(scene.range.endNs - scene.range.startNs))).width + 24;
    const cx = (rx0 + rx1) / 2;
    pill = [cx - w / 2, cx + w / 2];
  }
  let lastRight = -Infinity;
  for (const t of ticks) {
    const x = Math.round(header + t.x);
    ctx.fillStyle = theme.axisText;
    ctx.fillRect(x, axisH - 6, 1, 5);
    const w = ctx.measureText(t.label).width;
    if (x + 4 < lastRight + 8 || x + 4 + w > header + plotW) continue;
    if (pill && x + 4 + w > pill[0] && x + 4 < pill[1]) continue;
    ctx.fillText(t.label, x + 4, axisH / 2 - 2);
    lastRight = x + 4 + w;
  }
  if (scene.range) {
    ctx.fillStyle = theme.rangeFill;
    ctx.fillRect(rx0, 0, Math.max(1, rx1 - rx0), axisH);
    drawRangeLabel(ctx, scene, rx0, rx1, Math.max(2, axisH / 2 - 8));
  }
}

function drawHeaders(ctx: CanvasRenderingContext2D, scene: TimelineScene, header: number): void {
  const { theme } = scene;
  const top = scene.axisHeight ?? 0;
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, top, header, scene.height - top);
  ctx.clip();
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, top, header, scene.height - top);
  ctx.font = FONT;
  for (const lane of scene.lanes) {
    ctx.fillStyle = theme.text;
    ctx.fillText(fitText(ctx, lane.name, header - 16), 12, lane.y + Math.min(lane.height, 22) / 2);
    ctx.fillStyle = theme.separator;
    ctx.fillRect(0, lane.y + lane.height - 1, header, 1);
  }
  ctx.font = FONT_BOLD;
  for (const g of scene.groups) {
    ctx.fillStyle = theme.groupBand;
    ctx.fillRect(0, g.y, header, g.height);
    ctx.fillStyle = theme.groupText;
    ctx.fillText(fitText(ctx, g.name, header - 12), 6, g.y + g.height / 2);
  }
  ctx.fillStyle = theme.separator;
  ctx.fillRect(header - 1, top, 1, scene.height - top);
  ctx.restore();
  ctx.font = FONT;
}

/** Longest prefix of text (with an ellipsis) that fits maxWidth; '' if not even one character does. */
export function fitText(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (maxWidth <= 0) return '';
  if (ctx.measureText(text).width <= maxWidth) return text;
  const charW = ctx.measureText('n').width || 6;
  let n = Math.min(text.length - 1, Math.floor(maxWidth / charW));
  while (n > 0) {
    const candidate = text.slice(0, n) + '…';
    const w = ctx.measureText(candidate).width;
    if (w <= maxWidth) return candidate;
    n = Math.min(n - 1, Math.floor((n * maxWidth) / w));
  }
  return '';
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

export function formatValue(v: number, unit: string): string {
  if (/^(bytes?|B)$/i.test(unit)) {
    const a = Math.abs(v);
    if (a >= 2 ** 30) return `${(v / 2 ** 30).toFixed(2)} GiB`;
    if (a >= 2 ** 20) return `${(v / 2 ** 20).toFixed(1)} MiB`;
    if (a >= 2 ** 10) return `${(v / 2 ** 10).toFixed(1)} KiB`;
    return `${Math.round(v)} B`;
  }
  return unit ? `${formatNumber(v)} ${unit}` : formatNumber(v);
}

function formatNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return `${Math.round(v * 100) / 100}`;
}
