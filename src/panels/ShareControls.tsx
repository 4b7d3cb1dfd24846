// The link to this view: a Copy link button and, because plain-HTTP portals have
// no clipboard API, a read-only field holding the link to copy by hand.

import { useRef, useState } from 'react';
import { useStore } from '../state/store';
import { ExportMenu } from './ExportMenu';
import { downloadAnnotations } from '../export/annotationsDownload';
import { reopenKeepingView } from '../state/viewPersistence';
import '../annotations.css';

export function ShareControls() {
  const shareUrl = useStore((s) => s.shareUrl);
  const [copied, setCopied] = useState(false);
  const fieldRef = useRef<HTMLInputElement>(null);
  const copy = async () => {
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(shareUrl);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      fieldRef.current?.focus();
      fieldRef.current?.select();
    }
  };
  return (
    <div className="share-controls">
      <ExportMenu />
      <input
        ref={fieldRef}
        className="share-url"
        data-testid="share-url"
        readOnly
        value={shareUrl}
        aria-label="Link to this view"
        title="Link to this view: traces, viewport, selection, lanes and annotations"
        onFocus={(e) => e.currentTarget.select()}
      />
      <button className="button" data-testid="copy-link" disabled={!shareUrl} onClick={copy}>
        {copied ? 'Copied' : 'Copy link'}
      </button>
    </div>
  );
}

/** What a link or saved work could not restore. The traces are open regardless. */
export function RestoreNotice() {
  const notice = useStore((s) => s.restoreNotice);
  if (!notice?.length) return null;
  const [first, ...rest] = notice;
  const lead = /\.$/.test(first) ? first : `Could not restore from the link: ${notice.join(', ')}.`;
  return (
    <div className="banner notice" data-testid="restore-notice" role="status">
      <span>
        {lead}
        {lead === first && rest.length > 0 && ` Also not restored: ${rest.join(', ')}.`}
      </span>
      <span className="spacer" />
      <button className="button small" onClick={() => useStore.getState().setRestoreNotice(null)}>
        Dismiss
      </button>
    </div>
  );
}

/** The app's own limits: a worker that stopped answering, saved work the browser would not keep, a link that had to leave lanes out. */
export function AppNotices() {
  const notices = useStore((s) => s.notices);
  const hasAnnotations = useStore((s) => s.annotations.length > 0);
  return (
    <>
      {(['worker', 'storage', 'link'] as const).map((kind) => {
        const text = notices[kind];
        if (!text) return null;
        return (
          <div key={kind} className="banner notice" data-testid={`${kind}-notice`} role={kind === 'link' ? 'status' : 'alert'}>
            <span>{text}</span>
            <span className="spacer" />
            {kind === 'worker' && (
              <button className="button small" data-testid="reopen-trace" onClick={reopenKeepingView}>
                Reopen the trace
              </button>
            )}
            {kind === 'storage' && (
              <button className="button small" data-testid="storage-export-json" disabled={!hasAnnotations} onClick={() => downloadAnnotations('json')}>
                Export annotations (JSON)
              </button>
            )}
            <button className="button small" onClick={() => useStore.getState().setNotice(kind, null)}>
              Dismiss
            </button>
          </div>
        );
      })}
    </>
  );
}
