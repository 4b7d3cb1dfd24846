// Loaded traces (ranks) and their alignment: absolute time by default, a typed
// offset per trace, or "align on event". Offsets are view transforms.

import { useState } from 'react';
import { alignOnEvent } from '../state/alignment';
import { useStore } from '../state/store';
import { traceLabel } from '../state/traceLabel';

export function TracesPanel({ onClose }: { onClose: () => void }) {
  const traces = useStore((s) => s.traces);
  const [eventName, setEventName] = useState('');
  const [note, setNote] = useState<string | null>(null);

  const align = async () => {
    const name = eventName.trim();
    if (!name) return;
    const missing = await alignOnEvent(name);
    setNote(missing.length ? `No "${name}" in: ${missing.join(', ')} (left in place).` : `Aligned on the first "${name}".`);
  };
  const reset = () => {
    for (const t of useStore.getState().traces) useStore.getState().setTraceOffset(t.key, 0);
    setNote('Aligned by absolute time.');
  };

  return (
    <section className="traces-panel" data-testid="traces-panel" aria-label="Traces and alignment">
      <header>
        <h3>Traces</h3>
        <button className="icon-button" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </header>
      <table>
        <thead>
          <tr>
            <th>trace</th>
            <th>events</th>
            <th>offset (µs)</th>
          </tr>
        </thead>
        <tbody>
          {traces.map((t) => (
            <tr key={t.key} data-testid="trace-row" data-trace={t.key}>
              <td title={t.name}>{traceLabel(t)}</td>
              <td>{t.result?.events.toLocaleString('en-US') ?? '…'}</td>
              <td>
                <input
                  type="number"
                  step="any"
                  data-testid="trace-offset"
                  aria-label={`Offset of ${t.name} in µs`}
                  value={Number((t.offsetNs / 1000).toFixed(3))}
                  onChange={(e) => useStore.getState().setTraceOffset(t.key, Number(e.currentTarget.value) * 1000)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
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
        <button className="button small" type="button" onClick={reset}>
          Absolute time
        </button>
      </form>
      {note && <p className="empty">{note}</p>}
    </section>
  );
}
