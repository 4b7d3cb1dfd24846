// The frame of a column beside the timeline (details, annotations): its width follows a
// drag on its left edge, and it collapses to a thin strip. Width and collapsed state
// outlive the panel (the details panel unmounts while nothing is selected).

import { useState, type ReactNode } from 'react';

const MIN_WIDTH = 200;
/** A side panel never takes more than this share of the window: the timeline keeps the rest. */
const MAX_WINDOW_SHARE = 0.5;

const widths = new Map<string, number>();
const collapsedPanels = new Set<string>();

export function SidePanel(props: { id: string; label: string; className: string; testId: string; defaultWidth: number; head: ReactNode; children: ReactNode }) {
  const { id, label, className, testId, defaultWidth, head, children } = props;
  const [width, setWidthState] = useState(() => widths.get(id) ?? defaultWidth);
  const [collapsed, setCollapsedState] = useState(() => collapsedPanels.has(id));
  const setWidth = (w: number) => {
    widths.set(id, w);
    setWidthState(w);
  };
  const setCollapsed = (c: boolean) => {
    if (c) collapsedPanels.add(id);
    else collapsedPanels.delete(id);
    setCollapsedState(c);
  };

  if (collapsed) {
    return (
      <aside className="side-panel side-collapsed" data-testid={testId} data-collapsed="true" aria-label={label}>
        <button className="side-expand" data-testid={`${id}-expand`} aria-label={`Show ${label}`} title={`Show ${label}`} onClick={() => setCollapsed(false)}>
          <span aria-hidden>«</span>
          <span className="side-expand-label">{label}</span>
        </button>
      </aside>
    );
  }

  const startResize = (e: React.PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const x0 = e.clientX;
    const w0 = width;
    const move = (ev: PointerEvent) => {
      const max = Math.max(MIN_WIDTH, window.innerWidth * MAX_WINDOW_SHARE);
      setWidth(Math.round(Math.min(max, Math.max(MIN_WIDTH, w0 - (ev.clientX - x0)))));
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };

  return (
    <aside className={`side-panel ${className}`} style={{ width }} data-testid={testId} aria-label={label}>
      <div className="side-resize" data-testid={`${id}-resize`} onPointerDown={startResize} title="Drag to resize" />
      <div className="side-head">
        {head}
        <button className="icon-button side-collapse" data-testid={`${id}-collapse`} aria-label={`Collapse ${label}`} title={`Collapse ${label}`} onClick={() => setCollapsed(true)}>
          »
        </button>
      </div>
      <div className="side-body">{children}</div>
    </aside>
  );
}
