// GPU kernels of the range by class (workers/analysis/kernelClass.ts), each class with its
// HTA kernel type and its kernels by total time (d3 scales, React-rendered SVG so every
// label is a text node), with their share of GPU busy time; busy / idle per device. A
// kernel's click outlines all its instances on the timeline (the search bar runs it).

import { useMemo, useState } from 'react';
import { scaleLinear } from 'd3';
import type { KernelTotal, RangeStats } from '../../model/analysisTypes';
import { formatDuration } from '../../model/time';
import { useStore } from '../../state/store';
import { distinctShortNames } from '../../timeline/kernelNames';
import { classRow, type KernelClass } from '../../../workers/analysis/kernelClass';
import { formatShare, StatusLine, useTraceQuery } from './useTraceQuery';
import { highlightInstances } from './highlightInstances';
import './kernelClasses.css';

/** Kernels shown per class until "Show all". */
const PER_CLASS = 5;
const BAR_H = 20;
const CLASS_H = 26;
const LABEL_W = 340;
const VALUE_W = 170;
const LABEL_CHARS = 48;

type Line = { type: 'class'; cls: KernelClass; total: number; count: number; share: number; kernels: number; hidden: number } | { type: 'kernel'; k: KernelTotal };

export function KernelChart({ trace, span, width }: { trace: string; span: { startNs: number; endNs: number }; width: number }) {
  // laneIds [] : no per-name rows needed, the kernel totals cover every GPU lane anyway.
  const state = useTraceQuery<RangeStats>(trace, (w) => w.rangeStats({ ...span, laneIds: [] }), [span.startNs, span.endNs]);
  const [showAll, setShowAll] = useState(false);
  const [picked, setPicked] = useState<string | null>(null);
  const data = state.data;
  const labels = useMemo(() => distinctShortNames(data?.kernels.map((k) => k.name) ?? []), [data]);

  const lines = useMemo(() => {
    const out: Line[] = [];
    for (const c of data?.classes ?? []) {
      const kernels = data!.kernels.filter((k) => k.cls === c.cls);
      const shown = showAll ? kernels : kernels.slice(0, PER_CLASS);
      out.push({ type: 'class', cls: c.cls, total: c.totalNs, count: c.count, share: c.share, kernels: kernels.length, hidden: kernels.length - shown.length });
      for (const k of shown) out.push({ type: 'kernel', k });
    }
    return out;
  }, [data, showAll]);

  const plotW = Math.max(120, width - LABEL_W - VALUE_W - 24);
  const x = scaleLinear()
    .domain([0, Math.max(1, data?.classes[0]?.totalNs ?? 1)])
    .range([0, plotW]);
  const rangeNs = data ? data.endNs - data.startNs : 0;
  const hiddenKernels = lines.reduce((n, l) => n + (l.type === 'class' ? l.hidden : 0), 0);

  const highlight = (name: string) => {
    setPicked(name);
    highlightInstances(name, 'gpu');
    // Bring the device's lanes on screen, where the outlines are.
    const st = useStore.getState();
    const lane = st.lanes.find((l) => l.trace === trace && l.kind === 'gpu');
    if (lane) st.requestScroll(lane.id);
  };

  let y = 0;
  const rows = lines.map((l) => {
    const top = y;
    y += l.type === 'class' ? CLASS_H : BAR_H;
    if (l.type === 'class') {
      const row = classRow(l.cls);
      return (
        <g key={`c-${l.cls}`} transform={`translate(0, ${top})`} data-testid="kernel-class" data-class={l.cls} data-hta={row.hta} data-total-ns={Math.round(l.total)} data-share={l.share.toFixed(6)} className="kernel-class-row">
          <text x={0} y={CLASS_H / 2 + 2} dominantBaseline="central" className="kernel-class-label">
            {row.label}
            <tspan className="kernel-class-meta"> · {row.hta} · {l.kernels} {l.kernels === 1 ? 'kernel' : 'kernels'}</tspan>
          </text>
          <rect x={LABEL_W} y={5} width={Math.max(1, x(l.total))} height={CLASS_H - 8} rx={2} className={`kernel-class-rect cls-${l.cls}`} />
          <text x={LABEL_W + x(l.total) + 6} y={CLASS_H / 2 + 1} dominantBaseline="central" className="kernel-value strong">
            {formatDuration(l.total)} · {formatShare(l.share)} · {l.count}×
          </text>
        </g>
      );
    }
    const k = l.k;
    const label = labels.get(k.name) ?? k.name;
    return (
      <g
        key={k.name}
        transform={`translate(0, ${top})`}
        data-testid="kernel-bar"
        data-name={k.name}
        data-class={k.cls}
        data-label={label}
        data-share={k.share.toFixed(6)}
        data-total-ns={Math.round(k.totalNs)}
        className={picked === k.name ? 'kernel-bar picked' : 'kernel-bar'}
        onClick={() => highlight(k.name)}
      >
        <title>{`${k.name}\n${k.count} calls · ${formatDuration(k.totalNs)} · ${formatShare(k.share)} of GPU busy${k.meanLatencyNs !== null ? ` · mean launch latency ${formatDuration(k.meanLatencyNs)}` : ''}\nClick: outline every instance on the timeline`}</title>
        <text x={LABEL_W - 8} y={BAR_H / 2} textAnchor="end" dominantBaseline="central" className="kernel-label">
          {clipMiddle(label, LABEL_CHARS)}
        </text>
        <rect x={LABEL_W} y={3} width={Math.max(1, x(k.totalNs))} height={BAR_H - 6} rx={2} className={`kernel-rect cls-${k.cls}`} />
        <text x={LABEL_W + x(k.totalNs) + 6} y={BAR_H / 2} dominantBaseline="central" className="kernel-value">
          {formatDuration(k.totalNs)} · {formatShare(k.share)} · {k.count}×
        </text>
      </g>
    );
  });

  return (
    <div className="kernel-chart" data-testid="kernel-chart">
      <div className="drawer-toolbar">
        {data?.devices.map((d) => (
          <span key={d.device} className="device-busy" data-testid="gpu-busy" data-device={d.device} data-busy-ns={Math.round(d.busyNs)} data-idle-ns={Math.round(d.idleNs)}>
            <strong>GPU {d.device}</strong> busy {formatDuration(d.busyNs)} ({formatShare(rangeNs > 0 ? d.busyNs / rangeNs : 0)}) · idle {formatDuration(d.idleNs)}
            <span className="busy-meter" aria-hidden>
              <span style={{ width: `${rangeNs > 0 ? (100 * d.busyNs) / rangeNs : 0}%` }} />
            </span>
          </span>
        ))}
        {data && !data.devices.length && <span className="muted">No GPU lanes in this trace.</span>}
        <span className="spacer" />
        {data && data.kernels.length > 0 && (
          <span className="muted">
            {data.kernels.length} kernels in {data.classes.length} classes · click a kernel to outline its instances
          </span>
        )}
        {data && (hiddenKernels > 0 || showAll) && (
          <button className="button small" onClick={() => setShowAll(!showAll)} data-testid="kernels-show-all" aria-pressed={showAll}>
            {showAll ? `Top ${PER_CLASS} per class` : `Show all (${hiddenKernels} more)`}
          </button>
        )}
      </div>
      <StatusLine state={state} empty={data && data.devices.length > 0 && !data.kernels.length ? 'No GPU work in this range.' : false} />
      {lines.length > 0 && (
        <svg className="kernel-svg" width={Math.max(0, width - 24)} height={y + 4} role="img" aria-label="GPU kernels by class and total time">
          {rows}
        </svg>
      )}
    </div>
  );
}

/** Keep both ends: the part that tells two kernels apart is often at the end (‹…<long>›). */
function clipMiddle(s: string, n: number): string {
  if (s.length <= n) return s;
  const head = Math.ceil((n - 1) * 0.6);
  return `${s.slice(0, head)}…${s.slice(s.length - (n - 1 - head))}`;
}
