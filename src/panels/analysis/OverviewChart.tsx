// A small chart of the Overview: per rank one bar of idle / compute / non-compute shares of its
// GPU span (React-rendered SVG, every label a text node); the rank worst on idle is outlined.

import { scaleBand, scaleLinear } from 'd3';
import type { TraceOverviewRow } from '../../state/overviewReport';
import type { RankHighlight } from '../../../workers/analysis/overviewRanks';
import { formatShare } from './useTraceQuery';

const BAR_H = 18;
const LABEL_W = 90;
const PARTS = [
  { id: 'compute', label: 'compute', cls: 'ov-compute', ns: (r: TraceOverviewRow) => r.overview.computeNs },
  { id: 'noncompute', label: 'non-compute', cls: 'ov-noncompute', ns: (r: TraceOverviewRow) => r.overview.nonComputeNs },
  { id: 'idle', label: 'idle', cls: 'ov-idle', ns: (r: TraceOverviewRow) => r.overview.idleNs },
] as const;
/** Legend entries' x: each after the previous label (about 6.5 px a character at 11 px). */
const LEGEND_X = PARTS.map((_, j) => PARTS.slice(0, j).reduce((x, p) => x + 22 + p.label.length * 6.5, 0));

/** Characters that fit left of the bars (about 6.5 px a character at 11 px). */
const LABEL_CHARS = Math.floor((LABEL_W - 10) / 6.5);

/** "rank 3" of "rank 3 · file.json.gz", else the file name cut to fit. */
function shortLabel(label: string): string {
  const rank = /^rank \d+/.exec(label);
  if (rank) return rank[0];
  return label.length > LABEL_CHARS ? `${label.slice(0, LABEL_CHARS - 1)}…` : label;
}

export function OverviewChart({ rows, worst, width, onOpen }: { rows: TraceOverviewRow[]; worst: RankHighlight; width: number; onOpen: (r: TraceOverviewRow) => void }) {
  const plotW = width - LABEL_W - 8;
  const x = scaleLinear().domain([0, 1]).range([0, plotW]);
  const y = scaleBand<number>()
    .domain(rows.map((_, i) => i))
    .range([0, rows.length * BAR_H])
    .padding(0.2);
  const legendY = rows.length * BAR_H + 14;
  return (
    <svg className="overview-chart" width={width} height={legendY + 8} role="img" aria-label="Idle, compute and non-compute share of the GPU span per rank" data-testid="overview-chart">
      {rows.map((r, i) => {
        let at = 0;
        const span = r.overview.spanNs || 1;
        return (
          <g key={r.trace} transform={`translate(0, ${y(i)})`} className="overview-bar" data-testid="overview-bar" data-trace={r.trace} data-worst={worst.index === i ? 'idle' : undefined} onClick={() => onOpen(r)}>
            <title>{`${r.label}\n${PARTS.map((p) => `${p.label} ${formatShare(p.ns(r) / span)}`).join(' · ')}`}</title>
            <text x={LABEL_W - 6} y={y.bandwidth() / 2} textAnchor="end" dominantBaseline="central" className="kernel-label">
              {shortLabel(r.label)}
            </text>
            {PARTS.map((p) => {
              const w = x(p.ns(r) / span);
              const rect = <rect key={p.id} x={LABEL_W + at} width={Math.max(0, w)} height={y.bandwidth()} className={p.cls} />;
              at += w;
              return rect;
            })}
            {worst.index === i && <rect x={LABEL_W - 1} y={-1} width={plotW + 2} height={y.bandwidth() + 2} className="ov-worst-outline" />}
          </g>
        );
      })}
      {PARTS.map((p, j) => (
        <g key={p.id} transform={`translate(${LABEL_W + LEGEND_X[j]}, ${legendY})`}>
          <rect width={10} height={10} y={-8} className={p.cls} />
          <text x={14} y={0} className="kernel-value">
            {p.label}
          </text>
        </g>
      ))}
    </svg>
  );
}
