// One comparison over two or more selections: whole traces, stages, added ranges (a step
// from the Steps tab), rank groups. Per kind and name: count, total, mean and per-step mean in
// each, and the difference to the baseline (the first), largest |Δ total| first, with a noise
// threshold; CSV. Two traces are a baseline and a candidate: opening a row finds the step
// number where that name differs most, shifts the candidate so the two steps line up
// (undoable) and outlines the instance in both. The analysis is workers/analysis/compare.ts.

import { useEffect, useMemo, useState } from 'react';
import { isStage } from '../../model/annotations';
import { defaultSelections, isTracePair, selectionId, selectionParts, type CompareSelection, type TraceSpan } from '../../model/compareSelections';
import { formatDuration } from '../../model/time';
import { goToSlice } from '../../state/navigation';
import { recordOffsets, undoOffsets, useOffsetUndoSteps } from '../../state/offsetHistory';
import { useStore } from '../../state/store';
import { errorText, traceWorker } from '../../state/traceClient';
import { distinctShortNames } from '../../timeline/kernelNames';
import { fitSpan } from '../../timeline/viewportMath';
import { COMPARE_KINDS, compareSelections, largestStepDifference, type CompareKind, type CompareRow } from '../../../workers/analysis/compare';
import type { SelectionTotals } from '../../../workers/analysis/compareTotals';
import type { StepRow } from '../../model/analysisTypes';
import { classRow, type KernelClass } from '../../../workers/analysis/kernelClass';
import { CsvButton, csvCell, downloadText, StatusLine, type QueryState } from './useTraceQuery';
import { highlightInstances } from './highlightInstances';
import { ThresholdInput } from './ThresholdInput';
import './kernelClasses.css';

/** Rows drawn (the CSV has them all). */
const MAX_ROWS = 400;

type SortKey = 'delta' | 'deltaStep';

export function ComparePanel() {
  const traces = useStore((s) => s.traces);
  const annotations = useStore((s) => s.annotations);
  const range = useStore((s) => s.range);
  const spans: TraceSpan[] = useMemo(
    () => traces.filter((t) => t.result).map((t) => ({ key: t.key, name: t.name, shiftNs: t.shiftNs, minNs: t.result!.minNs, maxNs: t.result!.maxNs })),
    [traces],
  );
  const stages = useMemo(() => annotations.filter(isStage), [annotations]);
  const [chosen, setChosen] = useState<CompareSelection[] | null>(null);
  const selections = useMemo(() => (chosen ?? defaultSelections(spans, stages)).filter((s) => selectionParts(s, spans, stages).length > 0), [chosen, spans, stages]);
  const [kind, setKind] = useState<CompareKind>('kernel');
  const [noiseUs, setNoiseUs] = useState(10);
  const [sort, setSort] = useState<SortKey>('delta');
  const [state, setState] = useState<QueryState<SelectionTotals[][]>>({ data: null, loading: false, error: null });
  // The alignment a row made, undone through the offsets' own history (offsetHistory.ts, shared with the Traces panel).
  const [aligned, setAligned] = useState<string | null>(null);
  const undoSteps = useOffsetUndoSteps();
  const [note, setNote] = useState<string | null>(null);

  const parts = useMemo(() => selections.map((s) => selectionParts(s, spans, stages)), [selections, spans, stages]);
  const partsKey = JSON.stringify(parts);
  useEffect(() => {
    if (parts.length < 2) return setState({ data: null, loading: false, error: null });
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    (async () => {
      const fetchPart = (p: { trace: string; startNs: number; endNs: number }, marker?: string) => {
        const w = traceWorker(p.trace);
        if (!w) throw new Error(`The trace ${p.trace} is closed.`);
        return w.selectionTotals({ startNs: p.startNs, endNs: p.endNs, marker });
      };
      // Steps are matched under the baseline's marker.
      const baseline = await Promise.all(parts[0].map((p) => fetchPart(p)));
      const marker = baseline.find((b) => b.marker)?.marker ?? undefined;
      const rest = await Promise.all(parts.slice(1).map((ps) => Promise.all(ps.map((p) => fetchPart(p, marker)))));
      return [baseline, ...rest];
    })().then(
      (data) => live && setState({ data, loading: false, error: null }),
      (e) => live && setState({ data: null, loading: false, error: errorText(e) }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [partsKey]);

  // Each trace's steps, for "+ add…" (asked once the comparison is in, so it never waits behind them).
  const [stepsOf, setStepsOf] = useState<Record<string, StepRow[]>>({});
  const tracesKey = spans.map((t) => t.key).join(',');
  const comparing = parts.length >= 2 && !state.data;
  useEffect(() => {
    if (comparing) return;
    let live = true;
    void Promise.all(spans.map(async (t) => [t.key, (await traceWorker(t.key)?.stepTable())?.steps ?? []] as const)).then((list) => live && setStepsOf(Object.fromEntries(list)));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tracesKey, comparing]);

  const comparison = useMemo(() => (state.data ? compareSelections(state.data, { noiseNs: noiseUs * 1000, kinds: [kind] }) : null), [state.data, noiseUs, kind]);
  const rows = useMemo(() => {
    const list = [...(comparison?.rows ?? [])];
    if (sort === 'deltaStep') list.sort((a, b) => maxAbs(b.deltaPerStepNs) - maxAbs(a.deltaPerStepNs) || a.name.localeCompare(b.name));
    return list;
  }, [comparison, sort]);
  const labels = useMemo(() => (kind === 'kernel' ? distinctShortNames(rows.map((r) => r.name)) : null), [rows, kind]);
  const names = selections.map((s) => selectionLabel(s, spans, stages));
  const pair = isTracePair(selections);

  const open = async (row: CompareRow) => {
    setNote(null);
    if (!pair) {
      if (row.kind !== 'kernel class') highlightInstances(row.name);
      return;
    }
    const [base, cand] = selections as [{ trace: string }, { trace: string }];
    const marker = state.data?.[0].find((t) => t.marker)?.marker ?? undefined;
    const q = { kind: row.kind, name: row.name, marker };
    const [bs, cs] = await Promise.all([traceWorker(base.trace)?.nameInSteps(q), traceWorker(cand.trace)?.nameInSteps(q)]);
    const match = bs && cs ? largestStepDifference(bs, cs) : null;
    if (!match) return setNote(`No step number has ${row.name} in both traces.`);
    const st = useStore.getState();
    const bt = st.traces.find((t) => t.key === base.trace);
    const ct = st.traces.find((t) => t.key === cand.trace);
    if (!bt || !ct) return;
    // The candidate's offset so its step N starts where the baseline's step N does.
    const offsetNs = ct.offsetNs + (match.baseline.startNs + bt.shiftNs) - (match.candidate.startNs + ct.shiftNs);
    if (offsetNs !== ct.offsetNs) {
      recordOffsets();
      st.setTraceOffset(ct.key, offsetNs);
      setAligned(`${ct.name} shifted so step ${match.candidate.ordinal} lines up`);
    }
    const after = useStore.getState();
    const shift = (key: string) => after.traces.find((t) => t.key === key)?.shiftNs ?? 0;
    const instances = [
      { trace: bt.key, ref: match.baseline.longest },
      { trace: ct.key, ref: match.candidate.longest },
    ];
    after.setAnalysisOverlay({
      hits: instances.flatMap((i) => (i.ref ? [{ laneId: i.ref.laneId, row: i.ref.row, startNs: i.ref.startNs + shift(i.trace), endNs: i.ref.startNs + i.ref.durNs + shift(i.trace) }] : [])),
      currentHit: -1,
      searches: undefined,
    });
    const shown = instances.find((i) => i.ref) ?? instances[0];
    const startNs = match.baseline.startNs + shift(bt.key);
    const endNs = startNs + Math.max(match.baseline.endNs - match.baseline.startNs, match.candidate.endNs - match.candidate.startNs);
    if (shown.ref) await goToSlice(instances[1].ref ? ct.key : bt.key, instances[1].ref ?? shown.ref);
    after.setViewport(fitSpan(useStore.getState().extent, startNs, endNs));
    setNote(
      `Step ${match.baseline.ordinal}: ${formatDuration(match.baseline.totalNs)} in ${bt.name}, ${formatDuration(match.candidate.totalNs)} in ${ct.name} (the largest difference of a step number in both); the longest instance of each is outlined.`,
    );
  };

  const undoAlign = () => {
    undoOffsets();
    setAligned(null);
  };

  const add = (value: string) => {
    const s = optionSelection(value, range, stepsOf);
    if (!s) return;
    const next = [...selections.filter((x) => selectionId(x) !== selectionId(s)), s];
    setChosen(next);
  };
  const remove = (i: number) => setChosen(selections.filter((_, j) => j !== i));
  const makeBaseline = (i: number) => setChosen([selections[i], ...selections.filter((_, j) => j !== i)]);

  const exportCsv = () => {
    const head = ['kind', 'name'];
    names.forEach((l, i) => {
      head.push(`${l} count`, `${l} total_ns`, `${l} mean_ns`, `${l} per_step_ns`);
      if (i > 0) head.push(`${l} delta_total_ns`, `${l} delta_per_step_ns`);
    });
    const lines = rows.map((r) => {
      const cols: (string | number)[] = [r.kind, r.name];
      r.cells.forEach((c, i) => {
        cols.push(c.count, Math.round(c.totalNs), Math.round(c.meanNs), c.perStepNs === null ? '' : Math.round(c.perStepNs));
        if (i > 0) cols.push(Math.round(r.deltaNs[i]), r.deltaPerStepNs[i] === null ? '' : Math.round(r.deltaPerStepNs[i]!));
      });
      return cols.map(csvCell).join(',');
    });
    downloadText('tracelane-compare.csv', [head.map(csvCell).join(','), ...lines].join('\n') + '\n');
  };

  const sortHead = (key: SortKey, label: string, title: string) => (
    <th className="num sortable" title={title} aria-sort={sort === key ? 'descending' : 'none'} onClick={() => setSort(key)} data-testid={`compare-sort-${key}`}>
      {label}
      {sort === key ? ' ▾' : ''}
    </th>
  );

  return (
    <div className="compare-panel" data-testid="compare-panel">
      <div className="drawer-toolbar compare-selections">
        {selections.map((s, i) => (
          <span key={selectionId(s)} className={i === 0 ? 'compare-chip baseline' : 'compare-chip'} data-testid="compare-selection" data-id={selectionId(s)}>
            <button className="chip-label" onClick={() => makeBaseline(i)} disabled={i === 0} title={i === 0 ? 'The baseline: differences are to it' : 'Make this the baseline'}>
              {i === 0 ? 'baseline' : pair ? 'candidate' : `#${i + 1}`}: {names[i]}
            </button>
            <button className="chip-remove" onClick={() => remove(i)} aria-label={`Remove ${names[i]}`}>
              ×
            </button>
          </span>
        ))}
        <select className="compare-add" value="" onChange={(e) => add(e.currentTarget.value)} data-testid="compare-add" aria-label="Add a selection">
          <option value="">+ add…</option>
          {spans.map((t) => (
            <option key={t.key} value={`trace:${t.key}`}>
              Trace {t.name}
            </option>
          ))}
          {spans.length > 1 && <option value={`group:${spans.map((t) => t.key).join(',')}`}>All {spans.length} traces as one group</option>}
          {stages.map((a) => (
            <option key={a.id} value={`stage:${a.id}`}>
              Stage {a.label || '(unnamed)'}
            </option>
          ))}
          {spans.map((t) =>
            stepsOf[t.key]?.length ? (
              <optgroup key={t.key} label={`Steps of ${t.name}`}>
                {stepsOf[t.key].map((st) => (
                  <option key={st.ordinal} value={`step:${st.ordinal}:${t.key}`}>
                    {st.name} #{st.ordinal} ({formatDuration(st.durNs)})
                  </option>
                ))}
              </optgroup>
            ) : null,
          )}
          {range && range.endNs > range.startNs && <option value="range">The selected range ({formatDuration(range.endNs - range.startNs)})</option>}
        </select>
        {pair && aligned && undoSteps > 0 && (
          <button className="button small" onClick={undoAlign} data-testid="compare-undo-align" title={aligned}>
            Undo alignment
          </button>
        )}
      </div>
      <div className="drawer-toolbar">
        <label>
          Compare{' '}
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as CompareKind)} data-testid="compare-kind">
            {COMPARE_KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <ThresholdInput
          label="Hide |Δ| under"
          unit="µs"
          value={noiseUs}
          step={10}
          onChange={(v) => setNoiseUs(Math.max(0, v))}
          testId="compare-noise"
          ariaLabel="Noise threshold (µs)"
          title="Rows whose every difference (total and per step) is smaller are hidden"
        />
        <span className="muted" data-testid="compare-summary">
          {comparison ? `${rows.length} names differ${comparison.hidden ? ` · ${comparison.hidden} under the threshold hidden` : ''} · steps ${comparison.steps.join(' / ')}` : ''}
        </span>
        <span className="spacer" />
        <CsvButton onClick={exportCsv} disabled={!rows.length} testId="compare-csv" />
      </div>
      {note && (
        <p className="compare-note muted" data-testid="compare-note">
          {note}
        </p>
      )}
      {selections.length < 2 ? (
        <p className="drawer-empty">Pick two or more selections to compare: open two traces, mark stages (Shift+M), or add the selected range (a step from the Steps tab) with “+ add…”.</p>
      ) : (
        <>
          <StatusLine state={state} empty={state.data && !rows.length ? (comparison?.hidden ? 'Every difference is under the threshold.' : 'Nothing of this kind in these selections.') : false} />
          {rows.length > 0 && (
            <div className="table-scroll">
              <table className="analysis-table compare-table" data-testid="compare-table" data-total-rows={rows.length}>
                <thead>
                  <tr className="compare-groups">
                    <th rowSpan={2} className="compare-name">
                      {COMPARE_KINDS.find((k) => k.kind === kind)?.label}
                    </th>
                    {names.map((n, i) => (
                      <th key={i} colSpan={4} className="group-start" title={n}>
                        {i === 0 ? 'baseline' : pair ? 'candidate' : `#${i + 1}`} · {clip(n, 40)}
                      </th>
                    ))}
                    {names.slice(1).map((n, i) => (
                      <th key={`d${i}`} colSpan={2} className="group-start" title={n}>
                        Δ {names.length > 2 ? `#${i + 2} ${clip(n, 24)}` : pair ? 'candidate' : '#2'} − baseline
                      </th>
                    ))}
                  </tr>
                  <tr>
                    {names.map((_, i) => (
                      <CellHeads key={i} />
                    ))}
                    {names.slice(1).map((_, i) => (
                      <DeltaHeads key={i} sortHead={sortHead} />
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.slice(0, MAX_ROWS).map((r) => (
                    <tr
                      key={`${r.kind}|${r.name}`}
                      className="compare-row"
                      onClick={() => void open(r)}
                      data-testid="compare-row"
                      data-name={r.name}
                      data-kind={r.kind}
                      data-delta-ns={Math.round(r.deltaNs[r.deltaNs.length - 1])}
                      data-delta-per-step-ns={r.deltaPerStepNs[r.deltaPerStepNs.length - 1] === null ? '' : Math.round(r.deltaPerStepNs[r.deltaPerStepNs.length - 1]!)}
                      title={pair ? `${r.name}\nClick: the step where it differs most, lined up in both traces` : `${r.name}\nClick: outline its instances`}
                    >
                      <td className="mono compare-name">{r.kind === 'kernel class' ? classRow(r.name as KernelClass).label : labels?.get(r.name) ?? r.name}</td>
                      {r.cells.map((c, i) => (
                        <Cells key={i} c={c} />
                      ))}
                      {r.deltaNs.slice(1).map((d, i) => (
                        <DeltaCells key={i} d={d} step={r.deltaPerStepNs[i + 1]} />
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      {rows.length > MAX_ROWS && <p className="muted compare-note">{rows.length - MAX_ROWS} more rows in the CSV.</p>}
    </div>
  );
}

function CellHeads() {
  return (
    <>
      <th className="num group-start">count</th>
      <th className="num">total</th>
      <th className="num">mean</th>
      <th className="num" title="Time inside the selection's steps ÷ its steps">
        per step
      </th>
    </>
  );
}

function DeltaHeads({ sortHead }: { sortHead: (key: SortKey, label: string, title: string) => React.ReactNode }) {
  return (
    <>
      {sortHead('delta', 'total', 'Total minus the baseline’s; sorted by its size')}
      {sortHead('deltaStep', 'per step', 'Per-step mean minus the baseline’s; sorted by its size')}
    </>
  );
}

function Cells({ c }: { c: { count: number; totalNs: number; meanNs: number; perStepNs: number | null } }) {
  return (
    <>
      <td className="num group-start">{c.count}</td>
      <td className="num">{c.count ? formatDuration(c.totalNs) : '—'}</td>
      <td className="num">{c.count ? formatDuration(c.meanNs) : '—'}</td>
      <td className="num">{c.perStepNs === null ? '—' : formatDuration(c.perStepNs)}</td>
    </>
  );
}

function DeltaCells({ d, step }: { d: number; step: number | null }) {
  return (
    <>
      <td className={`num delta ${d > 0 ? 'up' : d < 0 ? 'down' : ''}`}>{signed(d)}</td>
      <td className={`num delta ${step && step > 0 ? 'up' : step && step < 0 ? 'down' : ''}`}>{step === null ? '—' : signed(step)}</td>
    </>
  );
}

function signed(ns: number): string {
  return ns === 0 ? '0' : `${ns > 0 ? '+' : '−'}${formatDuration(Math.abs(ns))}`;
}

function maxAbs(xs: readonly (number | null)[]): number {
  let m = 0;
  for (const x of xs) if (x !== null) m = Math.max(m, Math.abs(x));
  return m;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function selectionLabel(s: CompareSelection, traces: readonly TraceSpan[], stages: readonly { id: string; label: string }[]): string {
  switch (s.type) {
    case 'trace':
      return traces.find((t) => t.key === s.trace)?.name ?? s.trace;
    case 'group':
      return s.label;
    case 'stage':
      return `stage ${stages.find((a) => a.id === s.id)?.label || '(unnamed)'}`;
    case 'step':
      return `${traces.find((t) => t.key === s.trace)?.name ?? s.trace} step #${s.ordinal}`;
    case 'range':
      return `range ${formatDuration(s.startNs)} – ${formatDuration(s.endNs)}`;
  }
}

/** The selection an "+ add…" option names. */
function optionSelection(value: string, range: { startNs: number; endNs: number } | null, stepsOf: Record<string, StepRow[]>): CompareSelection | null {
  if (value === 'range') return range && range.endNs > range.startNs ? { type: 'range', startNs: range.startNs, endNs: range.endNs } : null;
  const [type, rest] = [value.slice(0, value.indexOf(':')), value.slice(value.indexOf(':') + 1)];
  if (type === 'trace') return { type: 'trace', trace: rest };
  if (type === 'stage') return { type: 'stage', id: rest };
  if (type === 'step') {
    const ordinal = Number(rest.slice(0, rest.indexOf(':')));
    const trace = rest.slice(rest.indexOf(':') + 1);
    const st = stepsOf[trace]?.find((x) => x.ordinal === ordinal);
    return st ? { type: 'step', trace, ordinal, startNs: st.ref.startNs, endNs: st.ref.startNs + st.durNs } : null;
  }
  if (type === 'group') return { type: 'group', traces: rest.split(','), label: `all ${rest.split(',').length} traces` };
  return null;
}
