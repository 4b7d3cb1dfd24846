// A folder of many rank traces: pick which ones to open (all by default), so a
// 64-rank job can be looked at a few ranks at a time within the memory budget, or one
// rank in part (a time window, some threads: PartChooser).

import { useState } from 'react';
import type { TraceSource } from '../model/types';

/** Above this many traces, ask before opening them all. */
export const CHOOSE_RANKS_ABOVE = 8;

function sizeOf(s: TraceSource): number {
  return s.kind === 'file' ? s.file.size : 0;
}

export function RankChooser({ sources, onOpen, onCancel, onOpenPart }: { sources: TraceSource[]; onOpen: (chosen: TraceSource[]) => void; onCancel: () => void; onOpenPart: (source: TraceSource) => void }) {
  const [chosen, setChosen] = useState(() => new Set(sources.map((_, i) => i)));
  const toggle = (i: number) => {
    const next = new Set(chosen);
    if (next.has(i)) next.delete(i);
    else next.add(i);
    setChosen(next);
  };
  const totalMb = sources.reduce((n, s, i) => n + (chosen.has(i) ? sizeOf(s) : 0), 0) / 1e6;
  return (
    <div className="center-card">
      <div className="rank-chooser" data-testid="rank-chooser" role="dialog" aria-label="Choose traces to open">
        <h2>{sources.length} traces</h2>
        <p>Open all of them, or only the ranks you need: each trace is parsed in its own worker and kept in memory.</p>
        <div className="rank-chooser-actions">
          <button className="button small" onClick={() => setChosen(new Set(sources.map((_, i) => i)))}>
            All
          </button>
          <button className="button small" onClick={() => setChosen(new Set())}>
            None
          </button>
        </div>
        <ul>
          {sources.map((s, i) => (
            <li key={i}>
              <label>
                <input type="checkbox" checked={chosen.has(i)} onChange={() => toggle(i)} data-testid="rank-choice" /> {s.name}
                {sizeOf(s) > 0 && <span className="muted"> · {(sizeOf(s) / 1e6).toFixed(1)} MB</span>}
              </label>{' '}
              <button className="button small" data-testid="rank-part" title="Count this trace's events, then open only a time window or some of its threads" onClick={() => onOpenPart(s)}>
                Part…
              </button>
            </li>
          ))}
        </ul>
        <div className="rank-chooser-actions">
          <button className="button primary" disabled={chosen.size === 0} data-testid="rank-open" onClick={() => onOpen(sources.filter((_, i) => chosen.has(i)))}>
            Open {chosen.size} {chosen.size === 1 ? 'trace' : 'traces'}
            {totalMb > 0 ? ` (${totalMb.toFixed(0)} MB)` : ''}
          </button>
          <button className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
