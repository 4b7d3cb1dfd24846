import { FileRequest, RecentTraces } from './ReopenPanels';

export function Landing({ onPick, onSample, onPickPart, onPickIndex }: { onPick: () => void; onSample: () => void; onPickPart: () => void; onPickIndex: () => void }) {
  return (
    <div className="center-card">
      <div className="landing">
        <h1>Open a profiler trace</h1>
        <FileRequest onPick={onPick} />
        <div className="drop-zone">
          <p className="drop-title">Drop trace files or a folder anywhere on this page</p>
          <div className="landing-actions">
            <button className="button primary" onClick={onPick}>
              Choose files…
            </button>
            <button className="button" data-testid="open-sample" onClick={onSample}>
              Open sample trace
            </button>
            <button className="button" data-testid="open-part" onClick={onPickPart} title="Count a big trace's events first, then open only a time window or some processes and threads">
              Open part of a trace…
            </button>
            <button className="button" data-testid="open-index-folder" onClick={onPickIndex} title="A folder written by npm run index: opens at once, whatever the trace's size">
              Open index folder…
            </button>
          </div>
        </div>
        <p className="muted">Supports torch.profiler / Kineto Chrome-trace JSON, strace logs (-ttt -T), py-spy speedscope JSON and Nsight Systems SQLite exports, plain or .gz. Several files open side by side on one time axis.</p>
        <p className="muted">Your traces never leave the browser: everything is parsed locally.</p>
        <RecentTraces />
      </div>
    </div>
  );
}
