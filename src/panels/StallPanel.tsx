// The stall list: communication operations whose ranks arrived far apart, worst first.
// Opens by itself when a finding exceeds the threshold; one click jumps there, another
// marks the wait as a stage across all ranks.

import { useEffect, useState } from 'react';
import { makeAnnotation } from '../model/annotations';
import { formatDuration } from '../model/time';
import { computeStalls, DEFAULT_STALL_THRESHOLD_NS, type PlacedFinding, type StallSummary } from '../state/stallReport';
import { isPlaceholder, useStore } from '../state/store';
import { goToSlice, shiftOf } from '../state/navigation';

function rankName(p: { rank: number | null; trace: string }): string {
  return p.rank === null ? p.trace : `rank ${p.rank}`;
}

function opLabel(f: PlacedFinding): string {
  const op = f.channel.startsWith('p2p') ? `${f.waiting.map((w) => w.op.op).join('/')} → ${f.late.op.op}` : f.late.op.op;
  return `${f.backend} ${op} #${f.occurrence}`;
}

export function StallPanel() {
  const traces = useStore((s) => s.traces);
  const axisOriginNs = useStore((s) => s.axisOriginNs);
  const [thresholdMs, setThresholdMs] = useState(DEFAULT_STALL_THRESHOLD_NS / 1e6);
  const [summary, setSummary] = useState<StallSummary | null>(null);
  const [open, setOpen] = useState(false);
  // A job's ranks not opened yet count: the finder reads their ops from the job's comms.json.
  const ready = traces.length >= 2 && traces.some((t) => t.result) && traces.every((t) => t.result || isPlaceholder(t));
  const offsets = traces.map((t) => t.offsetNs).join(',');

  useEffect(() => {
    if (!ready) return void setSummary(null);
    let live = true;
    computeStalls(useStore.getState().traces, axisOriginNs, thresholdMs * 1e6)
      .then((s) => {
        if (!live) return;
        setSummary(s);
        if (s.findings.some((f) => !f.outsideCapture)) setOpen(true);
      })
      .catch((e) => console.warn('stall finder failed', e));
    return () => {
      live = false;
    };
    // Recomputed when the set of traces, their offsets or the threshold change.
  }, [ready, axisOriginNs, offsets, thresholdMs, traces.length]);

  // Traces without communication (a Kineto trace and an strace log) get no stall list at all.
  if (!ready || !summary || (summary.findings.length === 0 && summary.unmatched.length === 0 && !summary.hasOps)) return null;
  const real = summary.findings.filter((f) => !f.outsideCapture).length;
  if (!open) {
    return (
      <button className="button stall-toggle" data-testid="stall-toggle" onClick={() => setOpen(true)}>
        Stalls: {real}
      </button>
    );
  }

  const jump = (f: PlacedFinding) => {
    const st = useStore.getState();
    const pad = Math.max(1e6, (f.axisEndNs - f.axisStartNs) * 0.15);
    st.setViewport({ startNs: f.axisStartNs - pad, endNs: f.axisEndNs + f.late.op.durNs + pad });
    // Then the late rank's operation itself: selected, its lane scrolled into view (its rank opened first if it waits unopened).
    const { laneId, eventIdx, durNs } = f.late.op;
    void goToSlice(f.late.trace, { laneId, eventIdx, durNs, startNs: f.axisEndNs - shiftOf(f.late.trace) });
  };
  const mark = (f: PlacedFinding) => {
    const st = useStore.getState();
    const a = makeAnnotation(st.annotations, {
      startNs: f.axisStartNs,
      endNs: f.axisEndNs,
      label: `${rankName(f.late)} stalled ${formatDuration(f.waitNs, 3)}${f.step ? ` (${f.step})` : ''}`,
    });
    st.setAnnotations([...st.annotations, a]);
  };

  return (
    <section className="stall-panel" data-testid="stall-panel" aria-label="Stalled ranks">
      <header>
        <h3>Stalled ranks</h3>
        <label>
          threshold{' '}
          <input
            type="number"
            min={0}
            step={10}
            value={thresholdMs}
            data-testid="stall-threshold"
            onChange={(e) => setThresholdMs(Math.max(0, Number(e.currentTarget.value) || 0))}
          />{' '}
          ms
        </label>
        <button className="icon-button" aria-label="Close stall list" onClick={() => setOpen(false)}>
          ✕
        </button>
      </header>
      {summary.findings.length === 0 ? (
        <p className="empty">No communication operation waited longer than {thresholdMs} ms.</p>
      ) : (
        <ol>
          {summary.findings.map((f) => (
            <li
              key={f.id}
              className={`stall-row${f.outsideCapture ? ' edge' : ''}`}
              data-testid="stall-row"
              data-rank={f.late.rank ?? ''}
              data-step={f.step ?? ''}
              data-wait-ns={Math.round(f.waitNs)}
            >
              <button className="stall-jump" onClick={() => jump(f)} title="Show this wait on the timeline">
                <strong>{rankName(f.late)}</strong> arrived {formatDuration(f.waitNs, 3)} late
                <span className="stall-meta">
                  {opLabel(f)}
                  {f.step ? ` · ${f.step}` : ''} · {f.waiting.map(rankName).join(', ')} waited
                  {f.gpuIdleNs > 0 ? ` · GPU idle ${formatDuration(f.gpuIdleNs, 3)}` : ''}
                  {f.outsideCapture ? " · outside the peer's capture" : ''}
                </span>
              </button>
              <button className="button small" data-testid="stall-mark" onClick={() => mark(f)}>
                Mark
              </button>
            </li>
          ))}
        </ol>
      )}
      {summary.unmatched.length > 0 && (
        <p className="empty">
          {summary.unmatched.length} operation(s) without a matching peer (
          {summary.unmatched.filter((u) => u.reason === 'outside-capture').length} outside a peer's capture).
        </p>
      )}
    </section>
  );
}
