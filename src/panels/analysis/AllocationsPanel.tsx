// GPU memory allocations: alloc / free calls and Total Reserved growths with bytes,
// time, lane and the Python code that made them. Sortable by bytes or time; a click
// jumps there, "Mark" drops an annotation line. Kineto's cudaMalloc has no size: see
// the attribution rule in workers/analysis/allocations.ts.

import { useMemo, useState } from 'react';
import type { AllocationRow } from '../../model/analysisTypes';
import { formatDuration } from '../../model/time';
import { goToSlice, revealSpan, useTraceShift } from '../../state/navigation';
import { useStore } from '../../state/store';
import { addAnnotation } from '../../timeline/annotationActions';
import { formatValue } from '../../timeline/renderer';
import { RowButton } from './RowButton';
import { TableShell } from './TableShell';
import { useTraceQuery } from './useTraceQuery';

const KIND_LABEL: Record<AllocationRow['kind'], string> = { alloc: 'alloc', free: 'free', growth: 'reserved +' };

function formatBytes(b: number | null): string {
  if (b === null) return 'unknown';
  return `${b > 0 ? '+' : b < 0 ? '−' : ''}${formatValue(Math.abs(b), 'bytes')}`;
}

export function AllocationsPanel({ trace }: { trace: string }) {
  const state = useTraceQuery<AllocationRow[]>(trace, (w) => w.allocations(), []);
  const [sort, setSort] = useState<'time' | 'bytes'>('time');
  const lanes = useStore((s) => s.lanes);
  const shift = useTraceShift(trace);
  const rows = useMemo(() => {
    const list = [...(state.data ?? [])];
    if (sort === 'bytes') list.sort((a, b) => Math.abs(b.bytes ?? 0) - Math.abs(a.bytes ?? 0) || a.tNs - b.tNs);
    return list;
  }, [state.data, sort]);

  const jump = (r: AllocationRow) => {
    if (r.call && r.kind !== 'growth') return void goToSlice(trace, r.call);
    const t = r.tNs + shift;
    useStore.getState().requestScroll(r.laneId);
    revealSpan(t - 1000, t + 1000);
  };
  const mark = (r: AllocationRow) => {
    addAnnotation({ startNs: r.tNs + shift, label: `${r.kind === 'growth' ? 'Reserved' : r.name} ${formatBytes(r.bytes)}`, note: r.frames.length ? r.frames[r.frames.length - 1] : undefined });
  };

  const grown = (state.data ?? []).filter((r) => r.kind === 'growth').reduce((n, r) => n + (r.bytes ?? 0), 0);
  return (
    <div className="allocations-panel">
      <div className="drawer-toolbar">
        <label>
          Sort by{' '}
          <select value={sort} onChange={(e) => setSort(e.currentTarget.value as 'time' | 'bytes')} data-testid="allocations-sort">
            <option value="time">time</option>
            <option value="bytes">bytes</option>
          </select>
        </label>
        <span className="muted">
          Total Reserved grew by {formatValue(grown, 'bytes')} · Kineto&apos;s cudaMalloc has no size: it gets the growth of Total Reserved up to the next alloc/free call
        </span>
      </div>
      <TableShell
        state={state}
        count={rows.length}
        empty={'No cudaMalloc / cudaFree calls or Total Reserved growth in this trace.'}
        testId="allocations-table"
        head={
          <>
            <th className="num">Time</th>
            <th>Event</th>
            <th className="num">Bytes</th>
            <th>Lane</th>
            <th>Python (innermost frames) or cpu op</th>
            <th />
          </>
        }
      >
        {rows.map((r) => (
          <tr
            key={`${r.kind}@${r.laneId}@${r.tNs}`}
            data-testid="allocation-row"
            data-kind={r.kind}
            data-bytes={r.bytes ?? ''}
            data-t-ns={Math.round(r.tNs + shift)}
            onClick={() => jump(r)}
          >
            <td className="num">{formatDuration(r.tNs + shift)}</td>
            <td>
              <span className={`alloc-kind alloc-${r.kind}`}>{KIND_LABEL[r.kind]}</span> {r.kind === 'growth' ? `GPU ${r.device ?? '?'}` : r.name}
            </td>
            <td className="num" title={r.bytesFrom === 'reserved' ? 'From Total Reserved changes (the call has no size)' : r.bytesFrom === 'args' ? 'From the call’s args' : 'No size known'}>
              {formatBytes(r.bytes)}
            </td>
            <td>{lanes.find((l) => l.id === r.laneId)?.name ?? r.laneId}</td>
            <td className="mono" title={r.frames.join('\n')}>
              {r.frames.length ? r.frames.slice(-2).join(' › ') : '—'}
            </td>
            <td>
              <RowButton label="Mark" testId="allocation-mark" title="Drop an annotation line here" onClick={() => mark(r)} />
            </td>
          </tr>
        ))}
      </TableShell>
    </div>
  );
}
