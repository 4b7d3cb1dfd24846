// The Overview tab: HTA-grade whole-job figures for every open trace (one row per rank) over the
// selected range or the whole trace — temporal breakdown, communication–computation overlap and
// launch delay — with the rank that stands out highlighted and a small chart; the trace picked in
// the drawer also shows its kernel type breakdown, idle time per stream and launch statistics.
// A row click opens that rank's span. Definitions follow HTA and are named in the help below.

import { useEffect, useMemo, useState } from 'react';
import type { TraceOverview } from '../../model/overviewTypes';
import { formatDuration } from '../../model/time';
import { overviewOfTraces, type TraceOverviewRow } from '../../state/overviewReport';
import { errorText, traceWorker } from '../../state/traceClient';
import { useStore } from '../../state/store';
import { fitSpan } from '../../timeline/viewportMath';
import { worstRank, type RankHighlight } from '../../../workers/analysis/overviewRanks';
import { DEFAULT_KERNEL_WAIT_NS } from '../../../workers/analysis/overviewIdle';
import { csvCell, downloadText, formatShare, StatusLine, type QueryState } from './useTraceQuery';
import { OverviewChart } from './OverviewChart';
import { OverviewDetails } from './OverviewDetails';
import { ThresholdInput } from './ThresholdInput';

const NONE: RankHighlight = { index: -1, outlier: false };

const pct = (part: number, o: TraceOverview) => (o.spanNs > 0 ? part / o.spanNs : 0);

/** The per-rank metrics: label, value (null = n/a), whether higher is worse, how it reads. */
const METRICS: { id: string; label: string; help: string; value: (o: TraceOverview) => number | null; higherIsWorse: boolean | null; show: (o: TraceOverview) => string }[] = [
  { id: 'span', label: 'GPU span', help: 'First to last GPU operation (kernel, memcpy, memset) in the range', value: (o) => o.spanNs, higherIsWorse: null, show: (o) => formatDuration(o.spanNs) },
  { id: 'idle', label: 'Idle', help: 'No GPU operation on any stream', value: (o) => pct(o.idleNs, o), higherIsWorse: true, show: (o) => `${formatDuration(o.idleNs)} · ${formatShare(pct(o.idleNs, o))}` },
  { id: 'compute', label: 'Compute', help: 'Union of computation kernels', value: (o) => pct(o.computeNs, o), higherIsWorse: false, show: (o) => `${formatDuration(o.computeNs)} · ${formatShare(pct(o.computeNs, o))}` },
  { id: 'noncompute', label: 'Non-compute', help: 'Span − compute − idle: communication and memory not hidden under compute', value: (o) => pct(o.nonComputeNs, o), higherIsWorse: true, show: (o) => `${formatDuration(o.nonComputeNs)} · ${formatShare(pct(o.nonComputeNs, o))}` },
  { id: 'overlap', label: 'Comm. overlap', help: 'Communication time overlapped by computation ÷ communication time', value: (o) => o.overlapPct, higherIsWorse: false, show: (o) => (o.overlapPct === null ? 'n/a' : `${o.overlapPct.toFixed(1)}%`) },
  { id: 'delay', label: 'Launch delay', help: 'Mean of GPU start − end of the launch call, clipped at 0', value: (o) => o.launch.meanDelayNs, higherIsWorse: true, show: (o) => (o.launch.meanDelayNs === null ? 'n/a' : formatDuration(o.launch.meanDelayNs)) },
];

export function OverviewPanel({ trace, width, onPickTrace }: { trace: string; width: number; onPickTrace: (trace: string) => void }) {
  const traces = useStore((s) => s.traces);
  const range = useStore((s) => s.range);
  const [kernelWaitUs, setKernelWaitUs] = useState(DEFAULT_KERNEL_WAIT_NS / 1000);
  const [state, setState] = useState<QueryState<TraceOverviewRow[]>>({ data: null, loading: false, error: null });
  // A job's ranks not opened yet are in the Overview too (overviewReport.ts); the rows follow each trace's shift.
  const readyKey = traces.map((t) => `${t.key}@${t.shiftNs}`).join('|');

  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    overviewOfTraces(useStore.getState().traces, range, { kernelWaitNs: Math.max(0, kernelWaitUs) * 1000 }).then(
      (data) => live && setState({ data, loading: false, error: null }),
      (e) => live && setState({ data: null, loading: false, error: errorText(e) }),
    );
    return () => {
      live = false;
    };
  }, [readyKey, range, kernelWaitUs]);

  const rows = state.data ?? [];
  // A span is neither good nor bad: no rank is highlighted on it.
  const highlights = useMemo(() => METRICS.map((m) => (m.higherIsWorse === null ? NONE : worstRank(rows.map((r) => m.value(r.overview)), m.higherIsWorse))), [rows]);
  const picked = rows.find((r) => r.trace === trace) ?? rows[0];

  const [queueLanes, setQueueLanes] = useState<'none' | 'adding' | 'shown'>('none');
  const addQueueLanes = async () => {
    setQueueLanes('adding');
    for (const t of useStore.getState().traces.filter((x) => x.result)) {
      const lanes = await traceWorker(t.key)?.gpuQueueLanes();
      if (lanes) useStore.getState().addLanes(t.key, lanes);
    }
    setQueueLanes('shown');
  };

  const open = (r: TraceOverviewRow) => {
    onPickTrace(r.trace);
    const o = r.overview;
    if (o.startNs === null || o.endNs === null) return;
    const st = useStore.getState();
    const start = o.startNs + r.shiftNs;
    const end = o.endNs + r.shiftNs;
    if (!range) st.setRange({ startNs: start, endNs: end });
    st.setViewport(fitSpan(st.extent, start - (end - start) * 0.02, end + (end - start) * 0.02));
    const lane = o.idleByStream[0]?.laneId;
    if (lane) st.requestScroll(lane);
  };

  const exportCsv = () => {
    const head = ['trace', 'span_ns', 'idle_ns', 'compute_ns', 'non_compute_ns', 'idle_pct', 'compute_pct', 'non_compute_pct', 'overlap_pct', 'launches', 'mean_launch_delay_ns', 'launch_delay_outliers', 'short_kernels', 'runtime_outliers'];
    const lines = rows.map(({ label, overview: o }) =>
      [label, o.spanNs, o.idleNs, o.computeNs, o.nonComputeNs, 100 * pct(o.idleNs, o), 100 * pct(o.computeNs, o), 100 * pct(o.nonComputeNs, o), o.overlapPct ?? '', o.launch.launches, o.launch.meanDelayNs ?? '', o.launch.delayOutliers, o.launch.shortKernels, o.launch.runtimeOutliers].map(csvCell).join(','),
    );
    downloadText('overview.csv', [head.join(','), ...lines].join('\n'));
  };

  const noGpu = rows.length > 0 && rows.every((r) => r.overview.ops === 0);
  return (
    <div className="overview-panel" data-testid="overview-panel">
      <div className="drawer-toolbar">
        <ThresholdInput
          label="Kernel wait below"
          unit="µs"
          value={kernelWaitUs}
          step={1}
          onChange={setKernelWaitUs}
          testId="overview-kernel-wait"
          ariaLabel="Kernel wait threshold in microseconds"
          title="Idle gaps on a stream shorter than this, with the launch call already made, are kernel wait (HTA's consecutive_kernel_delay)"
        />
        <span className="muted" data-testid="overview-scope">
          {rows.length} {rows.length === 1 ? 'trace' : 'traces'} · {range && range.endNs !== range.startNs ? 'the selected range' : 'whole traces'}
        </span>
        <span className="spacer" />
        <button
          className="button small"
          onClick={() => void addQueueLanes()}
          disabled={queueLanes !== 'none' || noGpu}
          data-testid="overview-queue-lanes"
          title="Add a counter lane under each GPU stream: operations launched and not yet finished"
        >
          {queueLanes === 'shown' ? 'Queue length lanes added' : 'Add GPU queue length lanes'}
        </button>
        <button className="button small" onClick={exportCsv} disabled={!rows.length} data-testid="overview-csv">
          CSV
        </button>
      </div>
      <StatusLine state={state} empty={noGpu ? 'No GPU operation (kernel, memcpy, memset) in the range of any trace.' : false} />
      {rows.length > 0 && !noGpu && (
        <div className="overview-body">
          <div className="table-scroll overview-ranks">
            <table className="analysis-table" data-testid="overview-table" data-total-rows={rows.length}>
              <thead>
                <tr>
                  <th>Trace</th>
                  {METRICS.map((m) => (
                    <th key={m.id} className="num" title={m.help}>
                      {m.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr
                    key={r.trace}
                    className={r.trace === picked?.trace ? 'current' : undefined}
                    data-testid="overview-row"
                    data-trace={r.trace}
                    data-span-ns={Math.round(r.overview.spanNs)}
                    data-idle-ns={Math.round(r.overview.idleNs)}
                    data-compute-ns={Math.round(r.overview.computeNs)}
                    data-non-compute-ns={Math.round(r.overview.nonComputeNs)}
                    data-overlap-pct={r.overview.overlapPct ?? ''}
                    onClick={() => open(r)}
                    title="Open this rank's GPU span"
                  >
                    <td className="mono">{r.label}</td>
                    {METRICS.map((m, j) => (
                      <MetricCell key={m.id} text={m.show(r.overview)} highlight={highlights[j]} at={i} metric={m.id} />
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <OverviewChart rows={rows} worst={highlights[1]} width={Math.min(360, Math.max(220, width * 0.3))} onOpen={open} />
        </div>
      )}
      {picked && picked.overview.ops > 0 && <OverviewDetails row={picked} />}
      <details className="overview-help" data-testid="overview-help">
        <summary>Definitions (as in Holistic Trace Analysis)</summary>
        <ul>
          <li>
            <b>GPU operations</b>: kernels, memcpy and memset (and other recorders' device work), never gpu_user_annotation; types computation / communication / memory
            from the kernel-class table (collectives are communication).
          </li>
          <li>
            <b>Temporal breakdown</b> (HTA get_temporal_breakdown): over the span from the first to the last GPU operation, idle = no operation on any stream, compute = union
            of computation kernels, non-compute = span − compute − idle.
          </li>
          <li>
            <b>Kernel type breakdown</b> (get_gpu_kernel_breakdown): time when exactly these types run; <b>communication–computation overlap</b> (get_comm_comp_overlap):
            communication time overlapped by computation ÷ communication time, n/a without communication.
          </li>
          <li>
            <b>Idle time per stream</b> (get_idle_time_breakdown): each gap before an operation is host wait when its launch call began after the previous operation ended,
            else kernel wait below the threshold (HTA: 30, in µs), else other.
          </li>
          <li>
            <b>Kernel launch statistics</b> (get_cuda_kernel_launch_stats): launch delay = GPU start − end of the launch call (cudaLaunchKernel, cudaMemcpyAsync, …), clipped
            at 0, outliers above 100 µs; short kernels: call ≤ 50 µs and GPU time shorter than the call; runtime outliers: calls over 50 µs. Not the details panel's launch
            latency (GPU start − call start).
          </li>
          <li>
            <b>GPU queue length</b> (a counter lane per stream, added by the button above): operations launched and not yet finished, each from the start of the call
            that launched it (every kernel of a CUDA graph launch counts) to its end; never negative.
          </li>
          <li>The underlined cell is the worst rank on that metric (most idle or non-compute time, least compute or overlap, longest launch delay), red and marked "outlier" when its robust z-score over the ranks exceeds 3; the chart outlines the rank worst on idle.</li>
        </ul>
      </details>
    </div>
  );
}

function MetricCell({ text, highlight, at, metric }: { text: string; highlight: RankHighlight; at: number; metric: string }) {
  const worst = highlight.index === at;
  return (
    <td className={worst ? `num overview-worst${highlight.outlier ? ' outlier' : ''}` : 'num'} data-metric={metric} data-worst={worst ? (highlight.outlier ? 'outlier' : 'worst') : undefined}>
      {text}
      {worst && highlight.outlier && <span className="outlier-badge">outlier</span>}
    </td>
  );
}
