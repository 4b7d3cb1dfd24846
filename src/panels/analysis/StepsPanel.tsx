// The steps table: one row per iteration of the chosen marker. A row click selects the
// step, makes it the range and zooms to it; [ and ] step backwards and forwards.
// Outlier steps (robust z-score on duration) are highlighted. Columns sort on a click
// (the slowest step first after one click on Duration); [ and ] keep time order.

import { useState } from 'react';
import type { StepRow, StepTable } from '../../model/analysisTypes';
import { formatDuration } from '../../model/time';
import { goToSlice } from '../../state/navigation';
import { ScopeLabel, useListScope } from './listScope';
import { useStore } from '../../state/store';
import { shortenName } from '../../timeline/kernelNames';
import { classRow } from '../../../workers/analysis/kernelClass';
import { fitSpan } from '../../timeline/viewportMath';
import { PrevNext } from './PrevNext';
import { TableShell } from './TableShell';
import { formatShare, useTraceQuery } from './useTraceQuery';
import './kernelClasses.css';

type SortCol = 'ordinal' | 'durNs' | 'gpuBusyShare' | 'gpuIdleNs' | 'meanLatencyNs';

export function StepsPanel({ trace }: { trace: string }) {
  const [marker, setMarker] = useState<string | undefined>(undefined);
  const state = useTraceQuery<StepTable>(trace, (w) => w.stepTable(marker), [marker]);
  const [current, setCurrent] = useState(-1);
  const scope = useListScope(trace);
  const steps = (state.data?.steps ?? []).filter((s) => scope.overlaps(s.ref.startNs, s.durNs));

  const open = (i: number) => {
    const row = steps[i];
    if (!row) return;
    setCurrent(i);
    const st = useStore.getState();
    const start = row.ref.startNs + scope.shift;
    scope.claim({ startNs: start, endNs: start + row.durNs });
    st.setRange({ startNs: start, endNs: start + row.durNs });
    void goToSlice(trace, row.ref).then(() => st.setViewport(fitSpan(st.extent, start, start + row.durNs)));
  };

  const [sort, setSort] = useState<{ col: SortCol; desc: boolean }>({ col: 'ordinal', desc: false });
  const order = steps.map((_, i) => i);
  order.sort((a, b) => (sort.desc ? -1 : 1) * ((steps[a][sort.col] ?? -1) - (steps[b][sort.col] ?? -1)) || steps[a].ordinal - steps[b].ordinal);
  const sortBy = (col: SortCol) => setSort((s) => (s.col === col ? { col, desc: !s.desc } : { col, desc: col !== 'ordinal' }));
  const head = (col: SortCol, label: string, title?: string) => (
    <th className="num sortable" title={title} aria-sort={sort.col === col ? (sort.desc ? 'descending' : 'ascending') : 'none'} onClick={() => sortBy(col)} data-testid={`steps-sort-${col}`}>
      {label}
      {sort.col === col ? (sort.desc ? ' ▾' : ' ▴') : ''}
    </th>
  );

  const candidates = state.data?.candidates ?? [];
  const maxDur = Math.max(1, ...steps.map((s) => s.durNs));
  return (
    <div className="steps-panel">
      <div className="drawer-toolbar">
        <label>
          Step marker{' '}
          <select value={state.data?.marker ?? ''} onChange={(e) => setMarker(e.currentTarget.value)} disabled={!candidates.length} data-testid="step-marker">
            {candidates.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} ({c.count}×)
              </option>
            ))}
          </select>
        </label>
        <PrevNext count={steps.length} current={current} open={open} keys={['[', ']']} what="step" />
        <ScopeLabel scope={scope} count={steps.length} what="steps" testId="steps-scope" />
        <span className="muted">[ / ] previous / next step · outliers highlighted</span>
      </div>
      <TableShell
        state={state}
        count={steps.length}
        empty={'No repeated step annotations (ProfilerStep#N, execute_model, decode_step, …) in this trace.'}
        testId="steps-table"
        head={
          <>
            {head('ordinal', '#')}
            <th>Step</th>
            <th className="num">Start</th>
            {head('durNs', 'Duration')}
            {head('gpuBusyShare', 'GPU busy')}
            {head('gpuIdleNs', 'GPU idle')}
            <th title="The kernel class with the most GPU time in the step (workers/analysis/kernelClass.ts)">Top class</th>
            <th>Top kernel</th>
            {head('meanLatencyNs', 'Launch latency', 'Mean launch latency of the kernels in the step')}
          </>
        }
      >
        {order.map((i) => (
          <StepLine key={steps[i].ref.key} step={steps[i]} shift={scope.shift} current={i === current} maxDur={maxDur} onOpen={() => open(i)} />
        ))}
      </TableShell>
    </div>
  );
}

function StepLine({ step: s, shift, current, maxDur, onOpen }: { step: StepRow; shift: number; current: boolean; maxDur: number; onOpen: () => void }) {
  const cls = ['step-row', s.outlier ? 'outlier' : '', current ? 'current' : ''].filter(Boolean).join(' ');
  return (
    <tr className={cls} data-testid="step-row" data-ordinal={s.ordinal} data-start-ns={Math.round(s.ref.startNs + shift)} data-dur-ns={Math.round(s.durNs)} data-outlier={s.outlier ? 'true' : 'false'} onClick={onOpen}>
      <td className="num">{s.ordinal}</td>
      <td>
        {s.name}
        {s.outlier && <span className="outlier-badge">outlier</span>}
      </td>
      <td className="num">{formatDuration(s.ref.startNs + shift)}</td>
      <td className="num">
        <span className="mini-bar" style={{ width: `${(100 * s.durNs) / maxDur}%` }} />
        {formatDuration(s.durNs)}
      </td>
      <td className="num">{formatShare(s.gpuBusyShare)}</td>
      <td className="num">{formatDuration(s.gpuIdleNs)}</td>
      <td data-testid="step-top-class" data-class={s.topClass ?? ''}>
        {s.topClass ? `${classRow(s.topClass).label} (${formatDuration(s.topClassNs)})` : '—'}
      </td>
      <td className="mono" title={s.topKernel ?? ''}>
        {s.topKernel ? `${shortenName(s.topKernel)} (${formatDuration(s.topKernelNs)})` : '—'}
      </td>
      <td className="num">{s.meanLatencyNs === null ? '—' : formatDuration(s.meanLatencyNs)}</td>
    </tr>
  );
}
