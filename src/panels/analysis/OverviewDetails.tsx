// The Overview of the trace picked in the drawer: kernel type breakdown (with overlaps), idle time
// per stream by cause, and HTA's kernel launch statistics.

import type { TraceOverviewRow } from '../../state/overviewReport';
import { formatDuration } from '../../model/time';
import { ShareCell } from './useTraceQuery';

export function OverviewDetails({ row }: { row: TraceOverviewRow }) {
  const o = row.overview;
  const busy = o.kernelTypes.reduce((n, t) => n + t.ns, 0);
  const l = o.launch;
  return (
    <div className="overview-details" data-testid="overview-details" data-trace={row.trace}>
      <section>
        <h4>Kernel types · {row.label}</h4>
        <table className="analysis-table compact" data-testid="overview-kernel-types">
          <thead>
            <tr>
              <th>Running</th>
              <th className="num">Time</th>
              <th className="num">Share of GPU busy</th>
            </tr>
          </thead>
          <tbody>
            {o.kernelTypes.map((t) => (
              <tr key={t.label} data-testid="overview-kernel-type" data-label={t.label} data-ns={Math.round(t.ns)}>
                <td>{t.label}</td>
                <td className="num">{formatDuration(t.ns)}</td>
                <td className="num">
                  <ShareCell share={busy > 0 ? t.ns / busy : 0} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <h4>Idle time per stream</h4>
        <table className="analysis-table compact" data-testid="overview-idle-streams">
          <thead>
            <tr>
              <th>Stream</th>
              <th className="num" title="The launch call began after the stream's previous operation ended">
                Host wait
              </th>
              <th className="num" title="Gap below the kernel-wait threshold: back-to-back launch overhead">
                Kernel wait
              </th>
              <th className="num">Other</th>
            </tr>
          </thead>
          <tbody>
            {o.idleByStream.map((s) => (
              <tr key={s.laneId} data-testid="overview-stream" data-stream={s.stream} data-host-wait-ns={Math.round(s.hostWaitNs)} data-kernel-wait-ns={Math.round(s.kernelWaitNs)} data-other-ns={Math.round(s.otherNs)}>
                <td>
                  GPU {s.device} · stream {s.stream}
                </td>
                <td className="num">{formatDuration(s.hostWaitNs)}</td>
                <td className="num">{formatDuration(s.kernelWaitNs)}</td>
                <td className="num">{formatDuration(s.otherNs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section data-testid="overview-launch" data-launches={l.launches}>
        <h4>Kernel launches</h4>
        {l.launches === 0 ? (
          <p className="muted">No kernel launched by cudaLaunchKernel-like calls (CUDA graphs are left out, as in HTA).</p>
        ) : (
          <dl className="overview-launch">
            <dt>launches</dt>
            <dd>{l.launches}</dd>
            <dt title="GPU start − end of the launch call, clipped at 0">mean launch delay</dt>
            <dd>{formatDuration(l.meanDelayNs ?? 0)}</dd>
            <dt>max launch delay</dt>
            <dd>{formatDuration(l.maxDelayNs ?? 0)}</dd>
            <dt>launch delay &gt; 100 µs</dt>
            <dd>{l.delayOutliers}</dd>
            <dt title="Launch call ≤ 50 µs and GPU time shorter than the call">short kernels</dt>
            <dd>{l.shortKernels}</dd>
            <dt>launch calls &gt; 50 µs</dt>
            <dd>{l.runtimeOutliers}</dd>
          </dl>
        )}
      </section>
    </div>
  );
}
