// The open traces and how they sit on the one axis: each trace's start, end and span,
// a warning when they share no instant, and the ways to line them up — typed offsets
// (ns / µs / ms / s), "align starts", "align slice A with slice B", "align on event" —
// all of which set the ordinary per-trace offsets (view transforms), with undo.

import { useState } from 'react';
import { alignOnEvent, applyOffsets, overlapProblem, sliceAlignedOffset, startAlignedOffsets, traceSpans, type PickedSlice } from '../state/alignment';
import { recordOffsets, undoOffsets, useOffsetUndoSteps } from '../state/offsetHistory';
import { useStore } from '../state/store';
import { traceLabel, tracesAreRanks } from '../state/traceLabel';
import { formatDuration } from '../model/time';
import { clampTo } from '../timeline/viewportMath';

/** Offset units: ns per unit. */
const UNITS = { ns: 1, µs: 1e3, ms: 1e6, s: 1e9 } as const;
type Unit = keyof typeof UNITS;

export function TracesPanel({ onClose }: { onClose: () => void }) {
  const traces = useStore((s) => s.traces);
  const selection = useStore((s) => s.selection);
  const details = useStore((s) => s.details);
  const undoSteps = useOffsetUndoSteps();
  const [unit, setUnit] = useState<Unit>('µs');
  const [eventName, setEventName] = useState('');
  const [picked, setPicked] = useState<{ a: PickedSlice | null; b: PickedSlice | null }>({ a: null, b: null });
  const [note, setNote] = useState<string | null>(null);
  const ranks = tracesAreRanks(traces);
  const spans = traceSpans(traces, traceLabel);
  const problem = overlapProblem(spans);
  const labelOf = (key: string) => spans.find((s) => s.key === key)?.label ?? key;

  const align = async () => {
    const name = eventName.trim();
    if (!name) return;
    const missing = await alignOnEvent(name);
    setNote(missing.length ? `No "${name}" in: ${missing.join(', ')} (left in place).` : `Aligned on the first "${name}".`);
  };
  const reset = () => {
    applyOffsets(new Map(useStore.getState().traces.map((t) => [t.key, 0])));
    setNote('Aligned by absolute time.');
  };
  const alignStarts = () => {
    applyOffsets(startAlignedOffsets(useStore.getState().traces));
    setNote(`Every trace starts where ${spans[0]?.label ?? 'the first'} starts.`);
  };
  const pick = (slot: 'a' | 'b') => {
    const st = useStore.getState();
    if (!selection || !details) return;
    const t = st.traces.find((x) => x.key === selection.trace);
    if (!t) return;
    const p: PickedSlice = { trace: t.key, key: selection.key, name: details.name, startNs: details.startNs - t.shiftNs };
    setPicked((cur) => ({ ...cur, [slot]: p }));
    setNote(null);
  };
  const alignSlices = () => {
    const { a, b } = picked;
    if (!a || !b) return;
    const off = sliceAlignedOffset(useStore.getState().traces, a, b);
    if (off === null) return setNote('Slice A and slice B are in the same trace: pick B in another trace.');
    const st = useStore.getState();
    const delta = off - (st.traces.find((t) => t.key === b.trace)?.offsetNs ?? 0);
    applyOffsets(new Map([[b.trace, off]]));
    // The view follows B to where it now sits (at A), instead of staying on the emptied spot.
    st.setViewport(clampTo(useStore.getState().extent, { startNs: st.viewport.startNs + delta, endNs: st.viewport.endNs + delta }));
    setNote(`${labelOf(b.trace)} moved so "${b.name}" starts with "${a.name}".`);
  };
  const undo = () => {
    if (undoOffsets()) setNote('Undone.');
  };

  return (
    <section className="traces-panel" data-testid="traces-panel" aria-label="Traces and alignment">
      <header>
        <h3>{ranks ? 'Ranks' : 'Traces'}</h3>
        <button className="button small" data-testid="offset-undo" disabled={!undoSteps} onClick={undo} title="Undo the last offset or alignment change">
          ↶ Undo
        </button>
        <button className="icon-button" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </header>
      {problem && (
        <p className="traces-warning" role="alert" data-testid="overlap-warning">
          These traces share no instant: {problem.late.label} starts {formatDuration(problem.gapNs)} after {problem.early.label} ends. Align their starts, or a slice of one
          with a slice of the other.
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>{ranks ? 'rank' : 'trace'}</th>
            <th>start</th>
            <th>end</th>
            <th>span</th>
            <th>
              offset{' '}
              <select value={unit} aria-label="Offset unit" data-testid="offset-unit" onChange={(e) => setUnit(e.currentTarget.value as Unit)}>
                {Object.keys(UNITS).map((u) => (
                  <option key={u} value={u}>
                    {u}
                  </option>
                ))}
              </select>
            </th>
          </tr>
        </thead>
        <tbody>
          {traces.map((t) => {
            const span = spans.find((s) => s.key === t.key);
            return (
              <tr key={t.key} data-testid="trace-row" data-trace={t.key} data-start-ns={span?.startNs} data-end-ns={span?.endNs}>
                <td title={t.name}>{traceLabel(t)}</td>
                {t.result?.events === 0 ? (
                  <td colSpan={3} className="trace-empty" data-testid="trace-no-events">
                    no events
                  </td>
                ) : (
                  <>
                    <td data-testid="trace-start">{span ? formatDuration(span.startNs) : '…'}</td>
                    <td data-testid="trace-end">{span ? formatDuration(span.endNs) : '…'}</td>
                    <td data-testid="trace-span">{span ? formatDuration(span.endNs - span.startNs) : '…'}</td>
                  </>
                )}
                <td>
                  <OffsetInput traceKey={t.key} name={t.name} offsetNs={t.offsetNs} unit={unit} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="align-actions">
        <button className="button small" data-testid="align-starts" onClick={alignStarts} disabled={spans.length < 2}>
          Align starts
        </button>
        <button className="button small" onClick={reset}>
          Absolute time
        </button>
      </div>
      <div className="align-slices" data-testid="align-slices">
        {(['a', 'b'] as const).map((slot) => {
          const p = picked[slot];
          return (
            <div key={slot} className="align-slot">
              <span className="slot-name">Slice {slot.toUpperCase()}</span>
              <span className="slot-value" data-testid={`align-slot-${slot}`} title={p?.name}>
                {p ? `${p.name} · ${labelOf(p.trace)}` : 'none'}
              </span>
              <button className="button small" data-testid={`align-pick-${slot}`} disabled={!selection || !details} onClick={() => pick(slot)} title="Use the selected slice">
                Use selected
              </button>
            </div>
          );
        })}
        <button className="button small" data-testid="align-slices-button" disabled={!picked.a || !picked.b} onClick={alignSlices}>
          Align B with A
        </button>
      </div>
      <form
        className="align-form"
        onSubmit={(e) => {
          e.preventDefault();
          void align();
        }}
      >
        <input placeholder="event name, e.g. execute_model" value={eventName} data-testid="align-event" onChange={(e) => setEventName(e.currentTarget.value)} />
        <button className="button small" type="submit">
          Align on event
        </button>
      </form>
      {note && (
        <p className="empty" data-testid="align-note">
          {note}
        </p>
      )}
    </section>
  );
}

/**
 * A trace's offset in the chosen unit. While typing, the text is the user's own ("-", "1.")
 * so a half-typed number is not snapped back; each complete number applies at once.
 */
function OffsetInput({ traceKey, name, offsetNs, unit }: { traceKey: string; name: string; offsetNs: number; unit: Unit }) {
  const [draft, setDraft] = useState<string | null>(null);
  const shown = String(Number((offsetNs / UNITS[unit]).toPrecision(12)));
  return (
    <input
      type="number"
      step="any"
      data-testid="trace-offset"
      aria-label={`Offset of ${name} in ${unit}`}
      value={draft ?? shown}
      // One undo step per edit: the offsets as they were when the field was entered.
      onFocus={recordOffsets}
      onBlur={() => setDraft(null)}
      onChange={(e) => {
        setDraft(e.currentTarget.value);
        const v = e.currentTarget.valueAsNumber;
        if (Number.isFinite(v)) useStore.getState().setTraceOffset(traceKey, Math.round(v * UNITS[unit]));
      }}
    />
  );
}
