// The flame graph of an aggregate profile (collapsed stacks): frames as rectangles
// whose width is their share of the samples, root at the top and callees below
// (like timeline stacks). Hover for samples and share, click a frame to zoom into
// it, Reset (or a click on the root row) to see everything again.

import { useEffect, useMemo, useRef, useState } from 'react';
import type { FlameGraph } from '../model/flameGraph';
import { useStore } from '../state/store';
import { swatchFor } from '../timeline/colors';
import { fitText } from '../timeline/renderer';
import { useTheme } from '../timeline/theme';
import { flameLayout, nodesOnPath, type FlameRect } from './flameLayout';

const ROW = 18;
const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
/** Frames narrower than this many px are not drawn (their samples still count in the parent). */
const MIN_PX = 0.5;

interface Hover {
  rect: FlameRect;
  clientX: number;
  clientY: number;
}

export function FlameGraphView({ flame, fileName }: { flame: FlameGraph; fileName: string }) {
  const theme = useTheme();
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(800);
  const [zoom, setZoom] = useState<string[]>([]);
  const [hover, setHover] = useState<Hover | null>(null);
  const total = flame.root.total;

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(100, box.clientWidth)));
    ro.observe(box);
    return () => ro.disconnect();
  }, []);

  const rects = useMemo(() => flameLayout(flame.root, zoom, MIN_PX / width), [flame, zoom, width]);
  const height = (rects.reduce((d, r) => Math.max(d, r.depth), 0) + 1) * ROW;

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, width, height);
    ctx.font = FONT;
    ctx.textBaseline = 'middle';
    for (const r of rects) {
      const x = r.x0 * width;
      const w = (r.x1 - r.x0) * width;
      const y = r.depth * ROW;
      const sw = swatchFor(r.node.name, theme.dark);
      ctx.fillStyle = sw.fill;
      ctx.fillRect(x, y, Math.max(w - 1, 0.5), ROW - 1);
      const label = fitText(ctx, r.node.name, w - 8);
      if (label) {
        ctx.fillStyle = sw.text;
        ctx.fillText(label, x + 4, y + ROW / 2);
      }
    }
    // Automation's 'ready' waits for the first frame, whichever view draws it.
    useStore.getState().markFirstFrame();
  }, [rects, width, height, theme]);

  const hit = (e: React.MouseEvent): FlameRect | null => {
    const box = canvasRef.current!.getBoundingClientRect();
    const depth = Math.floor((e.clientY - box.top) / ROW);
    const f = (e.clientX - box.left) / width;
    return rects.find((r) => r.depth === depth && r.x0 <= f && f < r.x1) ?? null;
  };
  const onMove = (e: React.MouseEvent) => {
    const rect = hit(e);
    setHover(rect ? { rect, clientX: e.clientX, clientY: e.clientY } : null);
  };
  const onClick = (e: React.MouseEvent) => {
    const rect = hit(e);
    if (rect) setZoom(rect.path);
  };

  const focus = nodesOnPath(flame.root, zoom).at(-1)!;
  const share = (n: number) => `${((100 * n) / total).toFixed(n === total ? 0 : 2)}%`;

  return (
    <div className="flame-view" data-testid="flame-graph">
      <div className="flame-bar">
        <strong>Flame graph: {fileName}</strong>
        <span className="flame-meta">
          {total.toLocaleString('en-US')} samples · width = samples, no time axis · callers above callees
        </span>
        <span className="spacer" />
        {zoom.length > 0 && (
          <span className="flame-meta" data-testid="flame-zoom" title={zoom.join(' → ')}>
            Zoomed into {focus.name} ({share(focus.total)})
          </span>
        )}
        <button className="button small" data-testid="flame-reset" disabled={zoom.length === 0} onClick={() => setZoom([])}>
          Reset zoom
        </button>
      </div>
      <div className="flame-scroll" ref={boxRef}>
        <canvas ref={canvasRef} className="flame-canvas" onMouseMove={onMove} onMouseLeave={() => setHover(null)} onClick={onClick} />
      </div>
      {hover && (
        <div className="tooltip" data-testid="flame-tooltip" style={{ left: hover.clientX + 14, top: hover.clientY + 14 }}>
          <div className="tooltip-name">{hover.rect.node.name}</div>
          <div className="tooltip-meta">
            {hover.rect.node.total.toLocaleString('en-US')} samples · {share(hover.rect.node.total)} of total
            {hover.rect.node.self > 0 && ` · self ${hover.rect.node.self.toLocaleString('en-US')}`}
          </div>
        </div>
      )}
    </div>
  );
}
