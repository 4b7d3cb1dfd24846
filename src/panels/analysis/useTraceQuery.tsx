// Panels ask their trace's worker through this hook: latest call wins, errors are
// shown as text, and the result is dropped when the trace goes away.

import { useEffect, useState } from 'react';
import type * as Comlink from 'comlink';
import type { TraceWorkerApi } from '../../../workers/api';
import type { TraceEntry } from '../../state/store';
import { errorText, traceWorker } from '../../state/traceClient';

export interface QueryState<T> {
  data: T | null;
  loading: boolean;
  error: string | null;
}

export function useTraceQuery<T>(trace: string | null, run: (worker: Comlink.Remote<TraceWorkerApi>) => Promise<T>, deps: unknown[]): QueryState<T> {
  const [state, setState] = useState<QueryState<T>>({ data: null, loading: false, error: null });
  useEffect(() => {
    const worker = trace ? traceWorker(trace) : null;
    if (!worker) return setState({ data: null, loading: false, error: null });
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    run(worker).then(
      (data) => live && setState({ data, loading: false, error: null }),
      (e) => live && setState({ data: null, loading: false, error: errorText(e) }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [trace, ...deps]);
  return state;
}

/** The span an analysis covers, trace-relative: the selected range, else the whole trace. */
export function traceSpan(entry: TraceEntry, range: { startNs: number; endNs: number } | null): { startNs: number; endNs: number } {
  if (range && range.endNs > range.startNs) return { startNs: range.startNs - entry.shiftNs, endNs: range.endNs - entry.shiftNs };
  return { startNs: entry.result?.minNs ?? 0, endNs: entry.result?.maxNs ?? 0 };
}

export function formatShare(share: number): string {
  const pct = share * 100;
  return `${pct >= 10 ? pct.toFixed(1) : pct.toFixed(2)}%`;
}

/** A share as a percentage over a thin bar (table cells). */
export function ShareCell({ share }: { share: number }) {
  return (
    <span className="stats-cell num">
      <span className="mini-bar" style={{ width: `${Math.min(100, share * 100)}%` }} />
      {formatShare(share)}
    </span>
  );
}

/** Download text as a file (CSV export); the text never becomes HTML. */
export function downloadText(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The toolbar's "Export CSV" button of a table panel. */
export function CsvButton({ onClick, disabled, testId }: { onClick: () => void; disabled: boolean; testId: string }) {
  return (
    <button className="button small" onClick={onClick} disabled={disabled} data-testid={testId}>
      Export CSV
    </button>
  );
}

export function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function StatusLine({ state, empty }: { state: QueryState<unknown>; empty?: string | false }) {
  if (state.error) return <p className="drawer-empty error-text">Could not compute: {state.error}</p>;
  if (state.loading && !state.data) return <p className="drawer-empty">Computing…</p>;
  if (empty) return <p className="drawer-empty">{empty}</p>;
  return null;
}
