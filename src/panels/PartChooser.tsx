// Open part of a trace (issue 23): a counting pass lists the trace's processes and threads
// with their event counts and its event density over time; the user drags a time window on
// the density, ticks threads, sees the estimated memory against the budget, and opens that.

import { useEffect, useMemo, useRef, useState } from 'react';
import type { LoadProgress, TraceSource } from '../model/types';
import { choiceShare, type TraceChoice, type TraceSurvey } from '../model/traceChoice';
import { formatDuration } from '../model/time';
import { surveySource } from '../state/traceClient';
import { memoryBudgetMB } from '../state/memoryBudget';

const MB = 1024 * 1024;
const HIST_W = 560;
const HIST_H = 72;

const threadKey = (pid: string, tid: string) => `${pid}\u0000${tid}`;
const mb = (bytes: number) => `${Math.ceil(bytes / MB).toLocaleString('en-US')} MB`;

export function PartChooser({ source, onOpen, onCancel }: { source: TraceSource; onOpen: (choice: TraceChoice) => void; onCancel: () => void }) {
  const [progress, setProgress] = useState<LoadProgress | null>(null);
  const [survey, setSurvey] = useState<TraceSurvey | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    const run = surveySource(source, setProgress);
    cancelRef.current = run.cancel;
    let live = true;
    run.result.then(
      (s) => live && setSurvey(s),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
      run.cancel();
    };
  }, [source]);

  const cancel = () => {
    cancelRef.current();
    onCancel();
  };

  return (
    <div className="center-card">
      <div className="part-chooser" data-testid="part-chooser" role="dialog" aria-label="Open part of the trace">
        <h2>Open part of {source.name}</h2>
        {error ? (
          <p className="error-text" data-testid="part-error">
            {error}
          </p>
        ) : !survey ? (
          <SurveyProgress progress={progress} />
        ) : (
          <Choice survey={survey} onOpen={onOpen} onCancel={cancel} />
        )}
        {!survey && (
          <div className="rank-chooser-actions">
            <button className="button" data-testid="part-cancel" onClick={cancel}>
              Cancel
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

function SurveyProgress({ progress }: { progress: LoadProgress | null }) {
  const frac = progress?.bytesTotal ? Math.min(1, progress.bytesDone / progress.bytesTotal) : 0;
  return (
    <div data-testid="part-progress">
      <p>Counting events (nothing is kept)…</p>
      <div className={`bar${!progress?.bytesTotal ? ' indeterminate' : ''}`}>
        <div className="bar-fill" style={{ width: `${(frac * 100).toFixed(1)}%` }} />
      </div>
      <p className="muted">
        {progress ? `${(progress.bytesDone / 1e6).toFixed(1)}${progress.bytesTotal ? ` of ${(progress.bytesTotal / 1e6).toFixed(1)}` : ''} MB · ${(progress.elapsedMs / 1000).toFixed(1)} s` : 'Starting'}
      </p>
    </div>
  );
}

function Choice({ survey, onOpen, onCancel }: { survey: TraceSurvey; onOpen: (choice: TraceChoice) => void; onCancel: () => void }) {
  const [win, setWin] = useState<[number, number]>([survey.firstNs, survey.lastNs]);
  const [chosen, setChosen] = useState(() => new Set(survey.processes.flatMap((p) => p.threads.map((t) => threadKey(p.pid, t.tid)))));
  const allThreads = survey.processes.reduce((n, p) => n + p.threads.length, 0);
  const threads = useMemo(() => (chosen.size === allThreads ? undefined : survey.processes.flatMap((p) => p.threads.filter((t) => chosen.has(threadKey(p.pid, t.tid))).map((t): [string, string] => [p.pid, t.tid]))), [chosen, allThreads, survey]);
  const whole = win[0] <= survey.firstNs && win[1] >= survey.lastNs;
  const choice: TraceChoice = { originUs: survey.originUs, firstNs: survey.firstNs, ...(whole ? {} : { fromNs: win[0], toNs: win[1] }), ...(threads ? { threads } : {}) };
  const estimate = survey.estimateBytes * choiceShare(survey, choice);
  const budget = memoryBudgetMB().mb * MB;
  const toggle = (keys: string[], on: boolean) => {
    const next = new Set(chosen);
    for (const k of keys) {
      if (on) next.add(k);
      else next.delete(k);
    }
    setChosen(next);
  };
  return (
    <>
      <p className="muted">
        {survey.events.toLocaleString('en-US')} events over {formatDuration(survey.lastNs - survey.firstNs)}; opening all of it needs about {mb(survey.estimateBytes)}. Drag over the density to pick a time window; slices crossing its edges are kept whole.
      </p>
      <DensityWindow survey={survey} win={win} onChange={setWin} />
      <div className="part-window muted" data-testid="part-window" data-from-ns={win[0]} data-to-ns={win[1]}>
        {whole ? 'The whole time range' : `${formatDuration(win[0] - survey.firstNs)} – ${formatDuration(win[1] - survey.firstNs)} after the start (${formatDuration(win[1] - win[0])})`}
        {!whole && (
          <button className="button small" data-testid="part-whole" onClick={() => setWin([survey.firstNs, survey.lastNs])}>
            Whole range
          </button>
        )}
      </div>
      <ul className="part-threads">
        {survey.processes.map((p) => {
          const keys = p.threads.map((t) => threadKey(p.pid, t.tid));
          const on = keys.filter((k) => chosen.has(k)).length;
          return (
            <li key={p.pid}>
              <label>
                <input
                  type="checkbox"
                  data-testid="part-process"
                  data-pid={p.pid}
                  checked={on === keys.length}
                  ref={(el) => {
                    if (el) el.indeterminate = on > 0 && on < keys.length;
                  }}
                  onChange={(e) => toggle(keys, e.target.checked)}
                />{' '}
                <strong>{p.name || `Process ${p.pid}`}</strong> <span className="muted">· pid {p.pid} · {p.events.toLocaleString('en-US')} events</span>
              </label>
              <ul>
                {p.threads.map((t) => (
                  <li key={t.tid}>
                    <label>
                      <input type="checkbox" data-testid="part-thread" data-pid={p.pid} data-tid={t.tid} checked={chosen.has(threadKey(p.pid, t.tid))} onChange={(e) => toggle([threadKey(p.pid, t.tid)], e.target.checked)} /> {t.name || `Thread ${t.tid}`}{' '}
                      <span className="muted">· {t.events.toLocaleString('en-US')}</span>
                    </label>
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
      <p data-testid="part-estimate" data-estimate-mb={Math.ceil(estimate / MB)} className={estimate > budget ? 'error-text' : undefined}>
        About {mb(estimate)} of the {mb(budget)} memory budget{estimate > budget ? ': too much, choose less' : ''}.
      </p>
      <div className="rank-chooser-actions">
        <button className="button primary" data-testid="part-open" disabled={chosen.size === 0 || estimate > budget} onClick={() => onOpen(choice)}>
          Open this part
        </button>
        <button className="button" data-testid="part-cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}

/** The density overview: bars per bin, the window shaded; a drag (mouse or touch) sets the window. */
function DensityWindow({ survey, win, onChange }: { survey: TraceSurvey; win: [number, number]; onChange: (w: [number, number]) => void }) {
  const max = Math.max(1, ...survey.bins);
  const span = Math.max(1, survey.lastNs - survey.firstNs);
  const toX = (ns: number) => ((ns - survey.firstNs) / span) * HIST_W;
  const toNs = (x: number) => survey.firstNs + (Math.max(0, Math.min(HIST_W, x)) / HIST_W) * span;
  const drag = useRef<number | null>(null);
  const xOf = (e: React.PointerEvent<SVGSVGElement>) => ((e.clientX - e.currentTarget.getBoundingClientRect().left) / e.currentTarget.getBoundingClientRect().width) * HIST_W;
  const barW = HIST_W / survey.bins.length;
  return (
    <svg
      className="part-density"
      data-testid="part-density"
      viewBox={`0 0 ${HIST_W} ${HIST_H}`}
      preserveAspectRatio="none"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        drag.current = xOf(e);
      }}
      onPointerMove={(e) => {
        if (drag.current === null) return;
        const [a, b] = [drag.current, xOf(e)].sort((p, q) => p - q);
        if (b - a >= 1) onChange([toNs(a), toNs(b)]);
      }}
      onPointerUp={() => (drag.current = null)}
    >
      {survey.bins.map((n, i) => (n > 0 ? <rect key={i} className="part-bin" x={i * barW} width={Math.max(1, barW - 0.5)} y={HIST_H - (n / max) * (HIST_H - 4)} height={(n / max) * (HIST_H - 4)} /> : null))}
      <rect className="part-shade" x={toX(win[0])} width={Math.max(1, toX(win[1]) - toX(win[0]))} y={0} height={HIST_H} />
    </svg>
  );
}
