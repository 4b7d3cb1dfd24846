// Independent reference computations over the raw JSON of a corpus trace, for the
// analysis tests: plain JSON.parse, µs floats, no code shared with workers/.

import { corpusText } from '../../support/corpus';

export interface RefEvent {
  ph: string;
  cat?: string;
  name: string;
  pid: number | string;
  tid: number | string;
  ts: number;
  dur?: number;
  id?: number | string;
  bp?: string;
  args?: Record<string, unknown>;
}

const cache = new Map<string, RefEvent[]>();

export function refEvents(file: string): RefEvent[] {
  let events = cache.get(file);
  if (!events) {
    const doc = JSON.parse(corpusText(file)) as { traceEvents: RefEvent[] };
    events = doc.traceEvents;
    cache.set(file, events);
  }
  return events;
}

/** Half a nanosecond in µs: float sums of ts + dur may be off by an ulp. */
export const EPS_US = 0.0005;

export const GPU_WORK = new Set(['kernel', 'gpu_memcpy', 'gpu_memset']);

/** ts of the first non-metadata event (the trace origin), to turn µs into origin-relative ns. */
export function originUs(events: RefEvent[]): number {
  const first = events.find((e) => e.ph !== 'M' && typeof e.ts === 'number');
  return Math.trunc(first!.ts);
}

export function relNs(events: RefEvent[], tsUs: number): number {
  return (tsUs - originUs(events)) * 1000;
}

/** Union length of [s, e) intervals. */
export function unionLength(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let cs = -Infinity;
  let ce = -Infinity;
  for (const [s, e] of sorted) {
    if (s > ce) {
      if (ce > cs) total += ce - cs;
      cs = s;
      ce = e;
    } else if (e > ce) ce = e;
  }
  if (ce > cs) total += ce - cs;
  return total;
}
