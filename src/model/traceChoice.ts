// Opening part of a trace (issue 23): a counting pass (the survey) lists what a trace holds
// without keeping its events; the user picks a time window and/or threads (the choice);
// a second pass keeps only that. Shared by the worker (filtering) and the UI (chooser, link).

/**
 * What to keep of a trace. Times are ns from the trace's origin: the integer µs of the first
 * timed event in the file (RawTrace.originUs, the same in a survey, a full and a partial open),
 * so they are exact and mean the same events whichever piece of the file a parse helper reads.
 */
export interface TraceChoice {
  /** The trace origin (the `ts` µs of the file's first timed event, integer part). */
  originUs: number;
  /** The time window [fromNs, toNs]; slices crossing its edges are kept whole. Absent: the whole trace. */
  fromNs?: number;
  toNs?: number;
  /** The threads to keep, [pid, tid] as the file writes them. Absent: every thread. */
  threads?: [string, string][];
  /**
   * The whole trace's first slice start (from the survey): what a full open's extent starts at, so
   * the axis origin, annotations and the view land on the same instants as in a full open.
   */
  firstNs: number;
}

export interface SurveyThread {
  tid: string;
  name: string;
  /** Timed events of the thread (slices, instants, counter samples, B/E and async events). */
  events: number;
}

export interface SurveyProcess {
  pid: string;
  name: string;
  events: number;
  threads: SurveyThread[];
}

/** What a counting pass found: no events kept, only counts, names and time. */
export interface TraceSurvey {
  fileName: string;
  format: string;
  bytes: number;
  events: number;
  /** The trace origin: integer `ts` µs of the file's first timed event, and as absolute ns (decimal string, with the base). */
  originUs: number;
  originNs: string;
  /** First slice start (counter samples only when the trace has no slices) and last event end, ns from the origin. */
  firstNs: number;
  lastNs: number;
  /** Events per bin of equal width over [firstNs, lastNs] (the density overview). */
  bins: number[];
  processes: SurveyProcess[];
  /** The memory a full open would take (workers/ingest/memoryBudget.ts: estimateIndexBytes). */
  estimateBytes: number;
}

/** Bins of the density overview. */
export const SURVEY_BINS = 200;

/** A choice's share of the trace's events: the chosen threads' share × the window's share of the density. */
export function choiceShare(survey: TraceSurvey, choice: Pick<TraceChoice, 'fromNs' | 'toNs' | 'threads'>): number {
  if (survey.events === 0) return 0;
  let threadShare = 1;
  if (choice.threads) {
    const chosen = new Set(choice.threads.map(([p, t]) => `${p}\u0000${t}`));
    let n = 0;
    for (const p of survey.processes) for (const t of p.threads) if (chosen.has(`${p.pid}\u0000${t.tid}`)) n += t.events;
    threadShare = n / survey.events;
  }
  return threadShare * windowShare(survey, choice.fromNs ?? survey.firstNs, choice.toNs ?? survey.lastNs);
}

/** The share of the density overview's events in [fromNs, toNs] (partial bins pro rata). */
export function windowShare(survey: Pick<TraceSurvey, 'bins' | 'firstNs' | 'lastNs'>, fromNs: number, toNs: number): number {
  const { bins, firstNs, lastNs } = survey;
  const total = bins.reduce((a, b) => a + b, 0);
  if (total === 0 || lastNs <= firstNs) return 1;
  const w = (lastNs - firstNs) / bins.length;
  let inside = 0;
  for (let i = 0; i < bins.length; i++) {
    const a = firstNs + i * w;
    const overlap = Math.min(a + w, toNs) - Math.max(a, fromNs);
    if (overlap > 0) inside += (bins[i] * overlap) / w;
  }
  return Math.min(1, inside / total);
}
