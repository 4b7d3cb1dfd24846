// Landing-page cards for coming back to a trace: the file a shared link (or a recent
// entry without a stored copy) asks for, and the list of recent traces.

import { useEffect, useState } from 'react';
import { useStore } from '../state/store';
import { forgetRecent, listRecent, reopenRecent, type RecentTrace } from '../state/recentTraces';
import '../annotations.css';

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1 << 10) return `${Math.round(n / (1 << 10))} kB`;
  return `${n} B`;
}

function formatWhen(t: number, now = Date.now()): string {
  const min = Math.round((now - t) / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  if (min < 24 * 60) return `${Math.round(min / 60)} h ago`;
  return new Date(t).toLocaleDateString();
}

/** A link made from dropped files: ask for them by name; the identity is checked after loading. */
export function FileRequest({ onPick }: { onPick: () => void }) {
  const files = useStore((s) => s.fileRequest);
  if (!files?.length) return null;
  return (
    <div className="drop-zone file-request" data-testid="file-request" role="region" aria-label="Files this view needs">
      <p className="drop-title">This view needs {files.length === 1 ? 'a trace file' : `${files.length} trace files`} from your disk</p>
      <ul>
        {files.map((f) => (
          <li key={f.id + f.name}>
            <strong>{f.name}</strong> <span className="file-size">{formatBytes(f.size)}</span>
          </li>
        ))}
      </ul>
      <p className="muted">Drop {files.length === 1 ? 'it' : 'them'} here or choose {files.length === 1 ? 'it' : 'them'}: the view and annotations come back once tracelane has checked it is the same trace (the .json and .json.gz of a trace both match).</p>
      <div className="landing-actions">
        <button className="button primary" onClick={onPick}>
          Choose {files.length === 1 ? 'the file' : 'the files'}…
        </button>
        <button className="button" onClick={() => useStore.getState().setFileRequest(null)}>
          Not now
        </button>
      </div>
    </div>
  );
}

export function RecentTraces() {
  const [list, setList] = useState<RecentTrace[] | null>(null);
  useEffect(() => {
    let live = true;
    void listRecent().then((l) => live && setList(l));
    return () => {
      live = false;
    };
  }, []);
  if (!list?.length) return null;
  return (
    <section className="recent-traces" aria-label="Recent traces">
      <h2>Recent traces</h2>
      <ul>
        {list.map((r) => {
          const names = r.sources.map((s) => s.name).join(' · ');
          const size = r.sources.reduce((n, s) => n + s.size, 0);
          const needsFile = r.sources.some((s) => s.kind === 'file' && !s.copy && !s.handle);
          return (
            <li key={r.fingerprint} className="recent-row">
              <button className="recent-trace" data-testid="recent-trace" title={needsFile ? 'You will be asked for the file' : 'Reopen'} onClick={() => void reopenRecent(r)}>
                <span className="recent-name">{names}</span>
                <span className="recent-meta">
                  {formatBytes(size)} · {formatWhen(r.openedAt)}
                  {needsFile ? ' · needs the file' : ''}
                </span>
              </button>
              <button
                className="icon-button recent-forget"
                aria-label={`Forget ${names}`}
                title="Remove from this list"
                onClick={() => void forgetRecent(r.fingerprint).then(() => setList(list.filter((x) => x !== r)))}
              >
                ×
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
