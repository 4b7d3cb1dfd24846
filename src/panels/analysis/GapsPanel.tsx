// Idle GPU gaps above a threshold, per device, with what the host's Python was doing.
// While open, the gaps are marked on the GPU lanes; a row click zooms there, and
// , / . step to the previous / next gap; one click turns a gap into a stage annotation.

import { useEffect, useState } from 'react';
import type { IdleGap } from '../../model/analysisTypes';
import { formatDuration } from '../../model/time';
import { goToSlice } from '../../state/navigation';
import { ScopeLabel, useListScope } from './listScope';
import { useStore } from '../../state/store';
import { addAnnotation } from '../../timeline/annotationActions';
import { fitSpan } from '../../timeline/viewportMath';
import { PrevNext } from './PrevNext';
import { RowButton } from './RowButton';
import { TableShell } from './TableShell';
import { ThresholdInput } from './ThresholdInput';
import { useTraceQuery } from './useTraceQuery';

export function GapsPanel({ trace }: { trace: string }) {
  const [thresholdMs, setThresholdMs] = useState(1);
  const thresholdNs = Math.max(0, thresholdMs) * 1e6;
  const state = useTraceQuery<IdleGap[]>(trace, (w) => w.idleGaps(thresholdNs), [thresholdNs]);
  const [current, setCurrent] = useState(-1);
  const scope = useListScope(trace);
  const gaps = (state.data ?? []).filter((g) => scope.overlaps(g.startNs, g.durNs));
  const shift = scope.shift;

  // Mark the gaps on the timeline while this panel is open.
  useEffect(() => {
    const st = useStore.getState();
    st.setAnalysisOverlay({ gaps: gaps.map((g) => ({ laneIds: g.laneIds, startNs: g.startNs + shift, endNs: g.startNs + g.durNs + shift })) });
    return () => useStore.getState().setAnalysisOverlay({ gaps: [] });
  }, [gaps, shift]);

  const open = (i: number) => {
    const g = gaps[i];
    if (!g) return;
    setCurrent(i);
    const st = useStore.getState();
    const start = g.startNs + shift;
    scope.claim({ startNs: start, endNs: start + g.durNs });
    st.setRange({ startNs: start, endNs: start + g.durNs });
    st.setViewport(fitSpan(st.extent, start - g.durNs * 0.1, start + g.durNs * 1.1));
    if (g.laneIds[0]) st.requestScroll(g.laneIds[0]);
  };

  const annotate = (g: IdleGap, i: number) => {
    const start = g.startNs + shift;
    addAnnotation({ startNs: start, endNs: start + g.durNs, label: `GPU ${g.device} idle gap ${i + 1}`, note: g.host.length ? `Host: ${g.host.map((h) => h.name).join(' · ')}` : undefined });
  };

  const total = gaps.reduce((n, g) => n + g.durNs, 0);
  return (
    <div className="gaps-panel">
      <div className="drawer-toolbar">
        <ThresholdInput label="Longer than" unit="ms" value={thresholdMs} step={0.1} onChange={setThresholdMs} testId="gap-threshold" ariaLabel="Gap threshold in milliseconds" />
        <PrevNext count={gaps.length} current={current} open={open} keys={[',', '.']} what="gap" />
        <ScopeLabel scope={scope} count={gaps.length} what="gaps" testId="gaps-scope" />
        <span className="muted">{formatDuration(total)} idle · , / . previous / next</span>
      </div>
      <TableShell
        state={state}
        count={gaps.length}
        empty={'No GPU gap longer than the threshold between the first and last GPU operation.'}
        testId="gaps-table"
        head={
          <>
            <th className="num">#</th>
            <th>GPU</th>
            <th className="num">Start</th>
            <th className="num">Idle for</th>
            <th>Host Python meanwhile (longest frames)</th>
            <th />
          </>
        }
      >
        {gaps.map((g, i) => (
          <tr
            key={`${g.device}@${g.startNs}`}
            className={i === current ? 'current' : undefined}
            data-testid="gap-row"
            data-start-ns={Math.round(g.startNs + shift)}
            data-dur-ns={Math.round(g.durNs)}
            onClick={() => open(i)}
          >
            <td className="num">{i + 1}</td>
            <td>{g.device}</td>
            <td className="num">{formatDuration(g.startNs + shift)}</td>
            <td className="num">{formatDuration(g.durNs)}</td>
            <td className="host-frames">
              {g.host.length === 0 && <span className="muted">no Python frames</span>}
              {g.host.map((h) => (
                <button
                  key={`${h.laneId}@${h.eventIdx}`}
                  className="link-button mono"
                  title={`${h.name} — ${formatDuration(h.overlapNs)} in the gap`}
                  onClick={(e) => {
                    e.stopPropagation();
                    void goToSlice(trace, { laneId: h.laneId, eventIdx: h.eventIdx, startNs: g.startNs, durNs: 0 });
                  }}
                >
                  {h.name} ({formatDuration(h.overlapNs)})
                </button>
              ))}
            </td>
            <td>
              <RowButton label="Annotate" testId="gap-annotate" title="Add this gap as a stage annotation" onClick={() => annotate(g, i)} />
            </td>
          </tr>
        ))}
      </TableShell>
    </div>
  );
}
