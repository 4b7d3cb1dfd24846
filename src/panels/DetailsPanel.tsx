// Details of the selected slice. Trace text is hostile: everything here is a
// React text node; args are pretty-printed JSON inside a <pre>.

import { useRef, useState } from 'react';
import { useStore } from '../state/store';
import { shortenName } from '../timeline/kernelNames';
import { axisToAbsolute, formatDuration, formatWallClock } from '../model/time';
import { SliceCorrelationView } from './analysis/SliceCorrelationView';
import { SidePanel } from './SidePanel';

export function prettyArgs(text: string | null): string {
  if (text == null || text === '') return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * Args of a JSON object as [key, value] rows: strings as written (an strace argument
 * list reads as itself, not as escaped JSON), other values as compact JSON.
 */
export function argRows(text: string | null): [string, string][] | null {
  if (!text) return null;
  try {
    const v: unknown = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
    return Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]);
  } catch {
    return null;
  }
}

export function DetailsPanel() {
  const details = useStore((s) => s.details);
  const lanes = useStore((s) => s.lanes);
  const origin = useStore((s) => s.axisOriginNs);

  // Nothing selected: the panel takes no space (the timeline gets the width).
  if (!details) return null;
  const lane = lanes.find((l) => l.id === details.laneId);
  const args = prettyArgs(details.args);
  const rows = argRows(details.args);
  const short = lane?.kind === 'gpu' ? shortenName(details.name) : details.name;
  return (
    <SidePanel
      id="details"
      label="Details"
      className="details-panel"
      testId="details-panel"
      defaultWidth={340}
      head={
        <h2 className="details-name" title={details.name}>
          {short}
        </h2>
      }
    >
      {short !== details.name && <div className="details-fullname">{details.name}</div>}
      <CopyButton text={details.name} label="Copy name" what="name" />
      <dl className="details-grid">
        <dt>Category</dt>
        <dd>{details.category || '—'}</dd>
        <dt>Lane</dt>
        <dd>{lane?.name ?? details.laneId}</dd>
        <dt>Start</dt>
        <dd data-testid="details-start" data-start-ns={Math.round(details.startNs)}>
          {formatDuration(details.startNs)}
          <CopyButton text={`${Math.round(details.startNs)} ns`} what="start (axis ns)" testId="copy-start" />
          <div className="muted">{formatWallClock(axisToAbsolute(origin, details.startNs))}</div>
        </dd>
        <dt>Duration</dt>
        <dd data-testid="details-duration">
          {details.instant ? 'instant' : formatDuration(details.durNs)}
          {!details.instant && <CopyButton text={`${Math.round(details.durNs)} ns`} what="duration (ns)" testId="copy-duration" />}
        </dd>
        <dt>Self time</dt>
        <dd>{details.instant ? '—' : formatDuration(details.selfNs)}</dd>
      </dl>
      <SliceCorrelationView />
      <h3 className="details-args-title">
        Arguments
        {args && <CopyButton text={args} what="arguments (JSON)" testId="copy-args" />}
      </h3>
      {rows ? (
        <>
          <dl className="details-args-grid" data-testid="details-args">
            {rows.map(([k, v]) => (
              <div key={k} className="arg-row">
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          <details className="details-raw">
            <summary>JSON</summary>
            <pre className="details-args">{args}</pre>
          </details>
        </>
      ) : args ? (
        <pre className="details-args">{args}</pre>
      ) : (
        <p className="muted">No arguments</p>
      )}
    </SidePanel>
  );
}

/** Two overlapping sheets, drawn (a font may lack a copy glyph). */
function CopyGlyph() {
  return (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.2">
      <rect x="3.5" y="3.5" width="7" height="7" rx="1" />
      <path d="M1.5 8V2.5a1 1 0 0 1 1-1H8" />
    </svg>
  );
}

/**
 * A copy button. Clipboard needs a secure context; on plain HTTP it falls back to a
 * selected readonly input.
 */
function CopyButton({ text, label, what, testId }: { text: string; /** Absent: a small icon. */ label?: string; what: string; testId?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const inputRef = useRef<HTMLInputElement>(null);
  const copy = async () => {
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setState('copied');
      setTimeout(() => setState('idle'), 1500);
    } catch {
      setState('manual');
      requestAnimationFrame(() => {
        inputRef.current?.focus();
        inputRef.current?.select();
      });
    }
  };
  const icon = !label;
  return (
    <span className={icon ? 'copy-inline' : 'copy-row'}>
      <button className={icon ? 'icon-button copy-icon' : 'button small'} onClick={copy} data-testid={testId} aria-label={`Copy ${what}`} title={`Copy ${what}`}>
        {state === 'copied' ? (icon ? '✓' : 'Copied') : icon ? <CopyGlyph /> : label}
      </button>
      {state === 'manual' && (
        <input ref={inputRef} className="copy-fallback" readOnly value={text} aria-label={`The ${what} (press Ctrl+C to copy)`} onFocus={(e) => e.currentTarget.select()} />
      )}
    </span>
  );
}
