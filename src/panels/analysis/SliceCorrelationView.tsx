// The "what caused this?" part of the details: launch latency, Go to launch / Go to
// kernel (every kernel of a graph launch), flows without a partner, and the Python
// stack, outermost frame first and the selected GPU slice last. Every frame is a link.

import { useEffect, useState } from 'react';
import type { SliceCorrelation, SliceRef } from '../../model/analysisTypes';
import { formatDuration } from '../../model/time';
import { goToSlice, shiftOf } from '../../state/navigation';
import { useStore } from '../../state/store';
import { traceWorker } from '../../state/traceClient';
import { shortenName } from '../../timeline/kernelNames';
import type { OverlayArrow } from '../../timeline/analysisOverlay';
import './analysis.css';

const KIND_SHORT: Record<string, string> = { python: 'py', cpu: 'op', cuda_api: 'api', gpu: 'gpu', syscall: 'sys' };

function displayName(ref: SliceRef): string {
  return ref.kind === 'gpu' ? shortenName(ref.name) : ref.name;
}

/** Flow arrows of the selection, on the global axis: every hop of its flows, and its points without a partner. */
function arrowsOf(corr: SliceCorrelation, laneId: string, row: number, shift: number): OverlayArrow[] {
  const at = (r: SliceRef & { atNs: number }) => ({ laneId: r.laneId, row: r.row, tNs: r.atNs + shift });
  const arrows: OverlayArrow[] = corr.hops.map((h) => ({ from: at(h.from), to: at(h.to) }));
  for (const f of corr.flows) if (!f.other) arrows.push({ from: { laneId, row, tNs: f.selfNs + shift }, to: null });
  return arrows;
}

export function SliceCorrelationView() {
  const selection = useStore((s) => s.selection);
  const details = useStore((s) => s.details);
  const [corr, setCorr] = useState<SliceCorrelation | null>(null);

  useEffect(() => {
    let live = true;
    setCorr(null);
    const st = useStore.getState();
    if (!selection || !details) {
      st.setAnalysisOverlay({ arrows: [] });
      return;
    }
    const worker = traceWorker(selection.trace);
    if (!worker) return;
    worker
      .correlate(selection.laneId, selection.eventIdx)
      .then((c) => {
        if (!live) return;
        setCorr(c);
        useStore.getState().setAnalysisOverlay({ arrows: c ? arrowsOf(c, selection.laneId, details.row, shiftOf(selection.trace)) : [] });
      })
      .catch((e) => console.warn('tracelane: correlate failed', e));
    return () => {
      live = false;
      // Unmounted with the details (selection cleared) or superseded: no stale arrows.
      useStore.getState().setAnalysisOverlay({ arrows: [] });
    };
  }, [selection, details]);

  if (!selection || !corr) return null;
  const trace = selection.trace;
  const unpaired = corr.flows.filter((f) => !f.other);
  // Flow partners not already offered as the launch / the kernels above.
  const offered = new Set([...corr.launches, ...corr.kernels].map((r) => r.key));
  const flowLinks = corr.flows.filter((f) => f.other && !offered.has(f.other.key));
  const stackTitle = corr.stack.some((f) => f.kind === 'python') ? 'Python stack' : 'Stack';
  return (
    <section className="corr" data-testid="correlation">
      {corr.latencyNs !== null && (
        <dl className="details-grid">
          <dt>{corr.kernels.length > 1 ? 'Mean launch latency' : 'Launch latency'}</dt>
          <dd data-testid="launch-latency" data-latency-ns={Math.round(corr.latencyNs)}>
            {formatDuration(corr.latencyNs)}
          </dd>
        </dl>
      )}
      {corr.launches.map((l) => (
        <button key={l.key} className="button small corr-jump" data-testid="go-to-launch" onClick={() => void goToSlice(trace, l)} title={l.name}>
          Go to launch: {l.name}
        </button>
      ))}
      {corr.kernels.length === 1 && (
        <button className="button small corr-jump" data-testid="go-to-kernel" onClick={() => void goToSlice(trace, corr.kernels[0])} title={corr.kernels[0].name}>
          Go to kernel: {displayName(corr.kernels[0])}
        </button>
      )}
      {corr.kernels.length > 1 && (
        <>
          <h3>GPU work of this launch ({corr.kernels.length})</h3>
          <ol className="corr-list">
            {corr.kernels.map((k) => (
              <li key={k.key}>
                <button className="link-button" data-testid="go-to-kernel" onClick={() => void goToSlice(trace, k)} title={k.name}>
                  {displayName(k)}
                </button>
                <span className="muted"> {formatDuration(k.durNs)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
      {flowLinks.length > 0 && (
        <>
          <h3>Flows</h3>
          <ol className="corr-list" data-testid="flow-links">
            {flowLinks.map((f, i) => (
              <li key={`${f.flow}-${i}`}>
                <span className="muted">{f.outgoing ? 'to ' : 'from '}</span>
                <button className="link-button" data-testid="flow-link" data-name={f.other!.name} data-outgoing={f.outgoing} onClick={() => void goToSlice(trace, f.other!)} title={`${f.flow} → ${f.other!.name}`}>
                  {displayName(f.other!)}
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
      {corr.flows.length > 0 && (
        <p className="muted corr-flows" data-testid="flow-summary">
          {corr.flows.length - unpaired.length} flow {corr.flows.length - unpaired.length === 1 ? 'arrow' : 'arrows'}
          {unpaired.length > 0 && (
            <span data-testid="unpaired-flows">
              {' '}
              · {unpaired.length} without a partner ({unpaired.map((f) => f.flow).join(', ')})
            </span>
          )}
        </p>
      )}
      {corr.stack.length > 1 && (
        <>
          <h3>{stackTitle}</h3>
          <ol className="stack" data-testid="stack">
            {corr.stack.map((f, i) => (
              <li key={f.key} className={f.key === selection.key ? 'stack-row current' : 'stack-row'} style={{ paddingLeft: Math.min(i, 10) * 3 }}>
                <button className="stack-frame" data-testid="stack-frame" data-kind={f.kind} data-name={f.name} onClick={() => void goToSlice(trace, f)} title={f.name}>
                  <span className={`stack-kind kind-${f.kind}`}>{KIND_SHORT[f.kind] ?? f.kind}</span>
                  <span className="stack-name">{displayName(f)}</span>
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
