// The Requests tab: one row per serving request of the trace (slices carrying a request id;
// workers/analysis/requests.ts), with p50 / p90 / p99 of queue wait, TTFT and TPOT over the
// listed rows, a filter by id and CSV. A row makes the request's span the range and draws its
// journey: its slices outlined and the steps of flows carrying its id, across lanes.

import { useEffect, useMemo, useState } from 'react';
import { nearestRank, type RequestRow } from '../../../workers/analysis/requests';
import { REQUEST_ID_ARGS } from '../../../workers/analysis/requestRoles';
import { compareValues } from '../../model/sliceRows';
import { formatDuration } from '../../model/time';
import { useTraceShift } from '../../state/navigation';
import { useStore } from '../../state/store';
import { errorText, traceWorker } from '../../state/traceClient';
import { fitSpan } from '../../timeline/viewportMath';
import { CsvButton, StatusLine, useTraceQuery } from './useTraceQuery';
import { downloadTableCsv, VirtualTable, type TableColumn, type TableSort } from './VirtualTable';
import './requests.css';

const DASH = '—';

const COLUMNS: TableColumn[] = [
  { id: 'id', label: 'Request', width: 'minmax(140px, 2fr)' },
  { id: 'arrival', label: 'Arrival', numeric: true, width: '100px', help: 'Start of its first slice (axis time)' },
  { id: 'queue', label: 'Queue wait', numeric: true, width: '100px', help: 'Enqueue slice’s end → dequeue slice’s start' },
  { id: 'ttft', label: 'TTFT', numeric: true, width: '90px', help: 'End of the first Prefill batch containing it − arrival' },
  { id: 'decode', label: 'Decodes', numeric: true, width: '90px', help: 'Decode batches containing it' },
  { id: 'tpot', label: 'TPOT', numeric: true, width: '90px', help: '(end − first token) ÷ decode iterations' },
  { id: 'end', label: 'End', numeric: true, width: '100px', help: 'End of its last slice (axis time)' },
  { id: 'total', label: 'Total', numeric: true, width: '90px', help: 'End − arrival' },
  { id: 'slices', label: 'Slices', numeric: true, width: '70px' },
];

const METRICS = [
  { id: 'queue', label: 'Queue wait', of: (r: RequestRow) => r.queueNs },
  { id: 'ttft', label: 'TTFT', of: (r: RequestRow) => r.ttftNs },
  { id: 'tpot', label: 'TPOT', of: (r: RequestRow) => r.tpotNs },
] as const;
const PERCENTILES = [50, 90, 99] as const;

/** A column's value of a request (axis times for arrival and end); null where the trace cannot give it. */
function valueOf(r: RequestRow, col: string, shiftNs: number): string | number | null {
  switch (col) {
    case 'id':
      return r.id;
    case 'arrival':
      return r.arrivalNs + shiftNs;
    case 'queue':
      return r.queueNs;
    case 'ttft':
      return r.ttftNs;
    case 'decode':
      return r.decodeIters;
    case 'tpot':
      return r.tpotNs;
    case 'end':
      return r.endNs + shiftNs;
    case 'total':
      return r.endNs - r.arrivalNs;
    case 'slices':
      return r.slices;
  }
  return null;
}

const ns = (v: number | null) => (v === null ? '' : Math.round(v));

export function RequestsPanel({ trace }: { trace: string }) {
  const state = useTraceQuery(trace, (w) => w.requests(), []);
  const shift = useTraceShift(trace);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<TableSort>({ col: 'arrival', desc: false });
  const [picked, setPicked] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const rows = useMemo(() => {
    const all = state.data ?? [];
    const f = filter.trim().toLowerCase();
    const list = f ? all.filter((r) => r.id.toLowerCase().includes(f)) : [...all];
    return list.sort((a, b) => compareValues(valueOf(a, sort.col, 0), valueOf(b, sort.col, 0), sort.desc) || a.arrivalNs - b.arrivalNs);
  }, [state.data, filter, sort]);

  const percentiles = useMemo(
    () =>
      METRICS.map((m) => {
        const values = rows.map(m.of).filter((v): v is number => v !== null);
        return { ...m, n: values.length, p: PERCENTILES.map((p) => nearestRank(values, p)) };
      }),
    [rows],
  );

  // The journey stays drawn while the tab is open; closing it takes the outlines and arrows away.
  useEffect(() => {
    if (picked === null) return;
    return () => useStore.getState().setAnalysisOverlay({ journey: [], arrows: [] });
  }, [picked]);

  const open = (r: RequestRow) => {
    const st = useStore.getState();
    const start = r.arrivalNs + shift;
    const end = r.endNs + shift;
    setPicked(r.key);
    st.setRange({ startNs: start, endNs: end });
    st.setViewport(fitSpan(st.extent, start, end));
    traceWorker(trace)
      ?.requestJourney(r.key)
      .then((j) => {
        if (!j) return;
        const at = (p: { laneId: string; row: number; atNs: number }) => ({ laneId: p.laneId, row: p.row, tNs: p.atNs + shift });
        useStore.getState().setAnalysisOverlay({
          journey: j.slices.map((s) => ({ laneId: s.laneId, row: s.row, startNs: s.startNs + shift, endNs: s.startNs + s.durNs + shift })),
          arrows: j.hops.map((h) => ({ from: at(h.from), to: at(h.to) })),
        });
      })
      .catch((e) => setError(errorText(e)));
  };

  const cell = (i: number, col: string): string => {
    const v = valueOf(rows[i], col, shift);
    if (v === null) return DASH;
    if (col === 'id' || col === 'decode' || col === 'slices') return String(v);
    return formatDuration(v as number);
  };

  if (!state.data) return <StatusLine state={state} />;
  if (!state.data.length)
    return (
      <p className="drawer-empty" data-testid="requests-empty">
        No slice of this trace carries a request id ({REQUEST_ID_ARGS.join(', ')} in its args).
      </p>
    );

  return (
    <div className="requests-panel">
      <div className="drawer-toolbar">
        <input className="search-input" type="search" placeholder="Filter by request id" value={filter} onChange={(e) => setFilter(e.currentTarget.value)} data-testid="requests-filter" aria-label="Filter by request id" />
        <span className="muted" data-testid="requests-scope">
          {rows.length.toLocaleString()} of {state.data.length.toLocaleString()} requests
        </span>
        <span className="spacer" />
        <span className="muted requests-help" data-testid="requests-help" title="p-th percentile: the smallest value with at least p % of the listed requests’ values at or below it (no interpolation); requests without the figure are left out">
          Percentiles: nearest rank over the listed requests · “—”: the trace does not say
        </span>
        <CsvButton onClick={() => downloadTableCsv('tracelane-requests.csv', COLUMNS, rows.length, (i, col) => valueOf(rows[i], col, shift))} disabled={!rows.length} testId="requests-csv" />
      </div>
      <table className="analysis-table requests-percentiles" data-testid="requests-percentiles">
        <thead>
          <tr>
            <th />
            {PERCENTILES.map((p) => (
              <th key={p} className="num">
                p{p}
              </th>
            ))}
            <th className="num">requests</th>
          </tr>
        </thead>
        <tbody>
          {percentiles.map((m) => (
            <tr key={m.id} data-testid="requests-percentile" data-metric={m.id} data-n={m.n} data-p50-ns={ns(m.p[0])} data-p90-ns={ns(m.p[1])} data-p99-ns={ns(m.p[2])}>
              <td>{m.label}</td>
              {m.p.map((v, j) => (
                <td key={j} className="num">
                  {v === null ? DASH : formatDuration(v)}
                </td>
              ))}
              <td className="num">{m.n}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {error && <p className="drawer-empty error-text">Could not draw the journey: {error}</p>}
      {rows.length ? (
        <VirtualTable
          columns={COLUMNS}
          count={rows.length}
          cell={cell}
          sort={sort}
          onSort={(col) => setSort((s) => (s.col === col ? { col, desc: !s.desc } : { col, desc: col !== 'id' && col !== 'arrival' && col !== 'end' }))}
          onRowClick={(i) => open(rows[i])}
          rowClass={(i) => (rows[i].key === picked ? 'picked' : '')}
          rowAttrs={(i) => {
            const r = rows[i];
            return { 'data-id': r.id, 'data-arrival-ns': Math.round(r.arrivalNs + shift), 'data-end-ns': Math.round(r.endNs + shift), 'data-queue-ns': ns(r.queueNs), 'data-ttft-ns': ns(r.ttftNs), 'data-tpot-ns': ns(r.tpotNs), 'data-decode': r.decodeIters ?? '', title: 'Make this request’s span the range and draw its journey' };
          }}
          testId="requests-table"
          rowTestId="requests-row"
        />
      ) : (
        <p className="drawer-empty">No request id contains “{filter}”.</p>
      )}
    </div>
  );
}
