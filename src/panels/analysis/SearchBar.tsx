// Search in the top bar: substring or regex over slice names (optionally args), with
// lane filters by kind and name. Enter / Shift+Enter step through the hits in time
// order; every hit is outlined on the timeline at any zoom, from the workers' own
// pyramid of the hits (searchHitLayer.ts), however many there are.

import { useEffect, useRef, useState } from 'react';
import type { SearchHit, SearchResult } from '../../model/analysisTypes';
import { LANE_KIND_LABEL, type LaneKind } from '../../model/types';
import { goToSlice } from '../../state/navigation';
import { isPlaceholder, useStore } from '../../state/store';
import { errorText, openAllTraces, traceWorker } from '../../state/traceClient';
import './analysis.css';

const KINDS: LaneKind[] = ['python', 'cpu', 'cuda_api', 'gpu', 'syscall'];

type GlobalHit = SearchHit & { trace: string; shiftNs: number };

/** A found hit takes at least this share of the view after Enter (else the view zooms in on it). */
const HIT_MIN_SHARE = 0.005;

export function SearchBar() {
  const traces = useStore((s) => s.traces);
  const [text, setText] = useState('');
  const [regex, setRegex] = useState(false);
  const [inArgs, setInArgs] = useState(false);
  const [kind, setKind] = useState<LaneKind | ''>('');
  const [laneName, setLaneName] = useState('');
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [result, setResult] = useState<{ total: number; hits: GlobalHit[]; query: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [current, setCurrent] = useState(-1);
  const inputRef = useRef<HTMLInputElement>(null);
  // Enter pressed before the hits of what is typed arrived: step once they do (the first
  // Enter after typing must work, not just the second).
  const pendingStep = useRef<1 | -1 | null>(null);
  const queryKey = JSON.stringify([text, regex, inArgs, kind, laneName]);

  // A panel's search (a kernel's instances from the GPU kernels tab) becomes this bar's query.
  const request = useStore((s) => s.searchRequest);
  useEffect(() => {
    if (!request) return;
    setText(request.text);
    setRegex(request.regex);
    setInArgs(false);
    setKind(request.laneKind ?? '');
    setLaneName('');
  }, [request]);

  useEffect(() => {
    const ready = traces.filter((t) => t.result);
    if (!text) {
      pendingStep.current = null;
      setResult(null);
      setError(null);
      setCurrent(-1);
      useStore.getState().setAnalysisOverlay({ hits: [], currentHit: -1, searches: undefined });
      return;
    }
    let live = true;
    const timer = setTimeout(async () => {
      try {
        // A search runs across every trace: a job's ranks not opened yet are opened first (the effect runs again then).
        if (traces.some(isPlaceholder)) return void (await openAllTraces());
        const q = { text, regex, inArgs, laneKinds: kind ? [kind] : undefined, laneName: laneName || undefined };
        const parts = await Promise.all(
          ready.map(async (t) => {
            const r: SearchResult = (await traceWorker(t.key)?.search(q)) ?? { total: 0, hits: [] };
            return { trace: t.key, searchId: r.searchId, total: r.total, hits: r.hits.map((h) => ({ ...h, startNs: h.startNs + t.shiftNs, trace: t.key, shiftNs: t.shiftNs })) };
          }),
        );
        if (!live) return;
        const hits = parts.flatMap((p) => p.hits).sort((a, b) => a.startNs - b.startNs);
        const next = { total: parts.reduce((n, p) => n + p.total, 0), hits, query: JSON.stringify([text, regex, inArgs, kind, laneName]) };
        setResult(next);
        setError(null);
        setCurrent(-1);
        useStore.getState().setAnalysisOverlay({
          hits: hits.map((h) => ({ laneId: h.laneId, row: h.row, startNs: h.startNs, endNs: h.startNs + h.durNs })),
          currentHit: -1,
          searches: Object.fromEntries(parts.filter((p) => p.searchId !== undefined).map((p) => [p.trace, p.searchId!])),
        });
        const dir = pendingStep.current;
        pendingStep.current = null;
        if (dir) stepIn(next.hits, -1, dir);
      } catch (e) {
        if (!live) return;
        setError(errorText(e));
        setResult(null);
        useStore.getState().setAnalysisOverlay({ hits: [], currentHit: -1, searches: undefined });
      }
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text, regex, inArgs, kind, laneName, traces]);

  // Ctrl/⌘+F focuses the search (the page's own find cannot see canvas text).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        inputRef.current?.focus();
        inputRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  /** Go to the hit after (or before) `from` in `hits`: select it, scroll to its lane, zoom in if it is a sliver. */
  function stepIn(hits: GlobalHit[], from: number, dir: 1 | -1) {
    if (!hits.length) return;
    const next = from < 0 ? (dir > 0 ? 0 : hits.length - 1) : (from + dir + hits.length) % hits.length;
    setCurrent(next);
    useStore.getState().setAnalysisOverlay({ currentHit: next });
    const h = hits[next];
    void goToSlice(h.trace, { laneId: h.laneId, eventIdx: h.eventIdx, startNs: h.startNs - h.shiftNs, durNs: h.durNs }, { minShare: HIT_MIN_SHARE });
  }

  const step = (dir: 1 | -1) => {
    if (!result || result.query !== queryKey) {
      // The hits for what is typed are still on their way.
      if (text && !error) pendingStep.current = dir;
      return;
    }
    stepIn(result.hits, current, dir);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      step(e.shiftKey ? -1 : 1);
    } else if (e.key === 'Escape') {
      setText('');
      e.currentTarget.blur();
    }
  };

  const total = result?.total ?? 0;
  const shown = result?.hits.length ?? 0;
  const count = error ? 'error' : !text ? '' : !result ? '…' : total === 0 ? 'no hits' : current >= 0 ? `${current + 1} / ${total}` : `${total} ${total === 1 ? 'hit' : 'hits'}`;
  return (
    <div className="search-bar" role="search">
      <input
        ref={inputRef}
        className={error ? 'search-input invalid' : 'search-input'}
        data-testid="search-input"
        type="search"
        placeholder="Search slices"
        aria-label="Search slice names"
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        onKeyDown={onKeyDown}
        title={error ?? 'Substring of slice names; Enter / Shift+Enter: next / previous hit'}
      />
      <button className={regex ? 'toggle active' : 'toggle'} aria-pressed={regex} onClick={() => setRegex(!regex)} title="Regular expression" data-testid="search-regex">
        .*
      </button>
      <button className={inArgs ? 'toggle active' : 'toggle'} aria-pressed={inArgs} onClick={() => setInArgs(!inArgs)} title="Also search the args" data-testid="search-args">
        args
      </button>
      <button
        className={kind || laneName ? 'toggle active' : 'toggle'}
        aria-expanded={filtersOpen}
        onClick={() => setFiltersOpen(!filtersOpen)}
        title="Lane filters (kind, name)"
        data-testid="search-filters"
      >
        lanes{kind || laneName ? ' •' : ''}
      </button>
      {(filtersOpen || kind || laneName) && (
        <>
          <select className="search-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as LaneKind | '')} aria-label="Lane kind" data-testid="search-kind">
            <option value="">all kinds</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {LANE_KIND_LABEL[k]}
              </option>
            ))}
          </select>
          <input className="search-lane" placeholder="lane name…" value={laneName} onChange={(e) => setLaneName(e.currentTarget.value)} aria-label="Lane name contains" data-testid="search-lane" />
        </>
      )}
      <span className="search-count" data-testid="search-count" data-total={total} title={error ?? (total > shown ? `Every hit is outlined; Enter steps through the first ${shown}` : undefined)}>
        {count}
      </span>
      <button className="toggle" onClick={() => step(-1)} disabled={!shown} aria-label="Previous hit" title="Previous hit (Shift+Enter)">
        ↑
      </button>
      <button className="toggle" onClick={() => step(1)} disabled={!shown} aria-label="Next hit" title="Next hit (Enter)">
        ↓
      </button>
    </div>
  );
}
