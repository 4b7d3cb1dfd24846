// The analysis drawer under the timeline: one tab per analysis. Closed it is a thin
// tab bar; a tab opens it. Analyses run on one trace (picked here when several are
// open) over the selected range, or the whole trace without one.

import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { formatDuration } from '../model/time';
import { useStore } from '../state/store';
import { KernelChart } from './analysis/KernelChart';
import { StatsPanel } from './analysis/StatsPanel';
import { StepsPanel } from './analysis/StepsPanel';
import { GapsPanel } from './analysis/GapsPanel';
import { AllocationsPanel } from './analysis/AllocationsPanel';
import { CallTreePanel } from './analysis/CallTreePanel';
import { OverviewPanel } from './analysis/OverviewPanel';
import { SlicesPanel } from './analysis/SlicesPanel';
import { RequestsPanel } from './analysis/RequestsPanel';
import { ComparePanel } from './analysis/ComparePanel';
import { traceSpan } from './analysis/useTraceQuery';
import './analysis/analysis.css';

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'stats', label: 'Statistics' },
  { id: 'kernels', label: 'GPU kernels' },
  { id: 'steps', label: 'Steps' },
  { id: 'gaps', label: 'Idle gaps' },
  { id: 'memory', label: 'Allocations' },
  { id: 'calltree', label: 'Call tree' },
  { id: 'slices', label: 'Slices' },
  { id: 'requests', label: 'Requests' },
  { id: 'compare', label: 'Compare' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export function AnalysisDrawer() {
  const traces = useStore((s) => s.traces);
  const range = useStore((s) => s.range);
  const lanes = useStore((s) => s.lanes);
  const laneState = useStore((s) => s.laneState);
  const [tab, setTab] = useState<TabId | null>(null);
  const [traceKey, setTraceKey] = useState<string | null>(null);
  const [height, setHeight] = useState(320);
  const bodyRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);

  const ready = traces.filter((t) => t.result);
  const entry = ready.find((t) => t.key === traceKey) ?? ready[0];
  const span = useMemo(() => (entry ? traceSpan(entry, range) : { startNs: 0, endNs: 0 }), [entry, range]);
  // Lanes in view: not hidden, not inside a collapsed group.
  const laneIds = useMemo(
    () => lanes.filter((l) => l.trace === entry?.key && !laneState.hidden.has(l.id) && !laneState.collapsed.has(l.group)).map((l) => l.id),
    [lanes, laneState, entry],
  );

  useLayoutEffect(() => {
    const el = bodyRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, [tab]);

  const startResize = (e: React.PointerEvent) => {
    const y0 = e.clientY;
    const h0 = bodyRef.current?.clientHeight ?? height;
    // The timeline above keeps at least half the window, however far up the edge is dragged.
    const timelineH0 = document.querySelector('.timeline')?.getBoundingClientRect().height ?? window.innerHeight;
    const maxH = h0 + timelineH0 - window.innerHeight / 2;
    const move = (ev: PointerEvent) => setHeight(Math.max(140, Math.min(maxH, h0 - (ev.clientY - y0))));
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };

  if (!entry) return null;
  return (
    <section className={tab ? 'analysis-drawer open' : 'analysis-drawer'} data-testid="analysis-drawer" data-tab={tab ?? ''}>
      {tab && <div className="drawer-resize" onPointerDown={startResize} title="Drag to resize" />}
      <div className="drawer-tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? 'drawer-tab active' : 'drawer-tab'}
            data-testid={`analysis-tab-${t.id}`}
            onClick={() => setTab(tab === t.id ? null : t.id)}
          >
            {t.label}
          </button>
        ))}
        <span className="spacer" />
        {ready.length > 1 && tab !== 'slices' && tab !== 'compare' && (
          <select className="drawer-trace" value={entry.key} onChange={(e) => setTraceKey(e.currentTarget.value)} aria-label="Trace to analyse">
            {ready.map((t) => (
              <option key={t.key} value={t.key}>
                {t.name}
              </option>
            ))}
          </select>
        )}
        <span className="drawer-scope muted" data-testid="analysis-scope">
          {range && range.endNs > range.startNs
            ? `Range ${formatDuration(range.startNs)} – ${formatDuration(range.endNs)} (${formatDuration(range.endNs - range.startNs)})`
            : 'Whole trace (Shift+drag to pick a range)'}
        </span>
        {tab && (
          <button className="icon-button" aria-label="Close the analysis drawer" onClick={() => setTab(null)}>
            ×
          </button>
        )}
      </div>
      {tab && (
        <div className="drawer-body" ref={bodyRef} style={{ height }}>
          {tab === 'stats' && <StatsPanel trace={entry.key} span={span} laneIds={laneIds} />}
          {tab === 'kernels' && <KernelChart trace={entry.key} span={span} width={width} />}
          {tab === 'steps' && <StepsPanel trace={entry.key} />}
          {tab === 'gaps' && <GapsPanel trace={entry.key} />}
          {tab === 'memory' && <AllocationsPanel trace={entry.key} />}
          {tab === 'calltree' && <CallTreePanel trace={entry.key} span={span} laneIds={laneIds} />}
          {tab === 'overview' && <OverviewPanel trace={entry.key} width={width} onPickTrace={setTraceKey} />}
          {tab === 'slices' && <SlicesPanel />}
          {tab === 'requests' && <RequestsPanel trace={entry.key} />}
          {tab === 'compare' && <ComparePanel />}
        </div>
      )}
    </section>
  );
}
