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

export const HOST_KINDS: Record<string, 'python' | 'cpu'> = { python_function: 'python', cpu_op: 'cpu', user_annotation: 'cpu', overhead: 'cpu', Trace: 'cpu' };

export interface RefSlice {
  thread: string;
  kind: 'python' | 'cpu';
  name: string;
  s: number;
  e: number;
  self: number;
  parent: RefSlice | null;
}

/**
 * Nests each thread's host slices by time (outermost first; on equal spans the Python
 * frame holds the cpu_op) and gives each its duration minus the union of its direct
 * children, both clipped to [a, b] (slices outside it are left out). A slice that
 * overlaps the open one without fitting in it is its sibling.
 */
export function referenceSelf(events: RefEvent[], a = -Infinity, b = Infinity): RefSlice[] {
  const threads = new Map<string, RefSlice[]>();
  for (const e of events) {
    const kind = HOST_KINDS[e.cat ?? ''];
    if (e.ph !== 'X' || !kind) continue;
    const key = `${e.pid}|${e.tid}`;
    if (!threads.has(key)) threads.set(key, []);
    // Kineto writes µs with 3 decimals: whole ns, rounded so that float sums of
    // ts + dur cannot make a child end past its parent.
    const s = Math.round(relNs(events, e.ts));
    threads.get(key)!.push({ thread: key, kind, name: e.name, s, e: s + Math.round((e.dur ?? 0) * 1000), self: 0, parent: null });
  }
  const out: RefSlice[] = [];
  for (const list of threads.values()) {
    list.sort((x, y) => x.s - y.s || y.e - x.e || (x.kind === 'python' ? 0 : 1) - (y.kind === 'python' ? 0 : 1));
    const children = new Map<RefSlice, [number, number][]>();
    const stack: RefSlice[] = [];
    for (const x of list) {
      while (stack.length && stack[stack.length - 1].e <= x.s) stack.pop();
      while (stack.length && stack[stack.length - 1].e < x.e) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) children.get(parent)!.push([x.s, x.e]);
      x.parent = parent ?? null;
      children.set(x, []);
      stack.push(x);
    }
    const clip = ([s, e]: [number, number]): [number, number] => [Math.max(a, s), Math.min(b, e)];
    for (const x of list) {
      const [cs, ce] = clip([x.s, x.e]);
      if (ce < cs || (ce === cs && x.e > x.s)) continue;
      x.self = ce - cs - unionLength(children.get(x)!.map(clip));
      out.push(x);
    }
  }
  return out;
}

