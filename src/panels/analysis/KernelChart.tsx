// Top GPU kernels of the range by total time (d3 scales, React-rendered SVG so every
// label is a text node), each with its share of GPU busy time; busy / idle per device.

import { scaleBand, scaleLinear } from 'd3';
import type { RangeStats } from '../../model/analysisTypes';
import { formatDuration } from '../../model/time';
import { shortenName } from '../../timeline/kernelNames';
import { formatShare, StatusLine, useTraceQuery } from './useTraceQuery';

const TOP = 15;
const BAR_H = 20;
const LABEL_W = 300;
const VALUE_W = 150;

export function KernelChart({ trace, span, width, onPick }: { trace: string; span: { startNs: number; endNs: number }; width: number; onPick?: (name: string) => void }) {
  // laneIds [] : no per-name rows needed, the kernel totals cover every GPU lane anyway.
  const state = useTraceQuery<RangeStats>(trace, (w) => w.rangeStats({ ...span, laneIds: [] }), [span.startNs, span.endNs]);
  const data = state.data;
  const kernels = data?.kernels.slice(0, TOP) ?? [];
  const plotW = Math.max(120, width - LABEL_W - VALUE_W - 24);
  const x = scaleLinear()
    .domain([0, Math.max(1, kernels[0]?.totalNs ?? 1)])
    .range([0, plotW]);
  const y = scaleBand<number>()
    .domain(kernels.map((_, i) => i))
    .range([0, kernels.length * BAR_H])
    .padding(0.2);
  const rangeNs = data ? data.endNs - data.startNs : 0;

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
        {data && data.kernels.length > TOP && <span className="muted">top {TOP} of {data.kernels.length} kernels</span>}
      </div>
      <StatusLine state={state} empty={data && data.devices.length > 0 && !kernels.length ? 'No GPU work in this range.' : false} />
      {kernels.length > 0 && (
        <svg className="kernel-svg" width={width} height={kernels.length * BAR_H + 4} role="img" aria-label="Top GPU kernels by total time">
          {kernels.map((k, i) => (
            <g
              key={k.name}
              transform={`translate(0, ${y(i)})`}
              data-testid="kernel-bar"
              data-name={k.name}
              data-share={k.share.toFixed(6)}
              data-total-ns={Math.round(k.totalNs)}
              className="kernel-bar"
              onClick={() => onPick?.(k.name)}
            >
              <title>{`${k.name}\n${k.count} calls · ${formatDuration(k.totalNs)} · ${formatShare(k.share)} of GPU busy${k.meanLatencyNs !== null ? ` · mean launch latency ${formatDuration(k.meanLatencyNs)}` : ''}`}</title>
              <text x={LABEL_W - 8} y={y.bandwidth() / 2} textAnchor="end" dominantBaseline="central" className="kernel-label">
                {clip(shortenName(k.name), 40)}
              </text>
              <rect x={LABEL_W} width={Math.max(1, x(k.totalNs))} height={y.bandwidth()} rx={2} className="kernel-rect" />
              <text x={LABEL_W + x(k.totalNs) + 6} y={y.bandwidth() / 2} dominantBaseline="central" className="kernel-value">
                {formatDuration(k.totalNs)} · {formatShare(k.share)} · {k.count}×
              </text>
            </g>
          ))}
        </svg>
      )}
    </div>
  );
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
