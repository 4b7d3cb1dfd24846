import { isPlaceholder, useStore } from '../state/store';
import { cancelAll } from '../state/traceClient';
import type { LoadProgress } from '../model/types';

const PHASE_LABEL: Record<LoadProgress['phase'], string> = {
  read: 'Reading',
  decompress: 'Decompressing',
  parse: 'Parsing',
  index: 'Indexing',
  done: 'Done',
};

const mb = (b: number) => (b / 1e6).toFixed(1);
// One formatter for every update: toLocaleString() builds a new one per call, a few ms each
// on the page's thread while the workers want both cores.
const count = new Intl.NumberFormat();

export function LoadProgressPanel() {
  const all = useStore((s) => s.traces);
  // A job's ranks that wait unopened are not part of this load: they open as they scroll into view.
  const traces = all.filter((t) => !isPlaceholder(t));
  const waiting = all.length - traces.length;
  return (
    <div className="center-card">
      <div className="progress-card" data-testid="load-progress">
        <h2>Opening {traces.length === 1 ? 'trace' : `${traces.length} traces`}</h2>
        {waiting > 0 && <p className="progress-meta">{waiting} more ranks open as they scroll into view.</p>}
        {traces.map((t) => {
          const p = t.progress;
          const done = t.status === 'ready';
          const frac = done ? 1 : p && p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 0;
          const rate = p && p.elapsedMs > 0 ? p.bytesDone / 1e6 / (p.elapsedMs / 1000) : 0;
          return (
            <div className="progress-row" key={t.key}>
              <div className="progress-head">
                <span className="progress-name" title={t.name}>
                  {t.name}
                </span>
                <span className="progress-phase">{done ? 'Ready' : p ? PHASE_LABEL[p.phase] : 'Starting'}</span>
              </div>
              <div className={`bar${!done && (!p || !p.bytesTotal) ? ' indeterminate' : ''}`}>
                <div className="bar-fill" style={{ transform: `scaleX(${frac.toFixed(3)})` }} />
              </div>
              <div className="progress-meta">
                {p ? `${mb(p.bytesDone)} MB${p.bytesTotal ? ` / ${mb(p.bytesTotal)} MB` : ''} · ${rate.toFixed(1)} MB/s${p.events > 0 ? ` · ${count.format(p.events)} events` : ''}` : '—'}
              </div>
            </div>
          );
        })}
        <button className="button" data-testid="cancel-load" onClick={cancelAll}>
          Cancel
        </button>
      </div>
    </div>
  );
}
