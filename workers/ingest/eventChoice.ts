// Opening part of a trace (issue 23): what the importer asks before an event costs memory.
// Two filters answer: ChoiceFilter keeps the chosen threads and time window (a partial
// open), SurveyCounter keeps nothing and counts (the counting pass). pid, tid and name are
// string ids of the RawTrace; times are ns from its origin (RawTrace.toNs).

import type { TraceChoice } from '../../src/model/traceChoice';
import { DensityHistogram, type DensityData } from './densityHistogram';
import { RawKind, type RawTrace } from './rawTrace';
import { numbersAt } from '../importers/jsonBytes';
import { isKinetoMemoryEvent, isProfilerProcess } from '../lanes/laneKind';

/** event(): drop the event; keep it as a new one. An index ≥ 0: overwrite that earlier counter sample. */
export const DROP = -2;
export const KEEP = -1;

export interface EventFilter {
  /**
   * An X, i or C event; `series` names a counter sample's lane (null: not a counter sample,
   * counterSeries). DROP, KEEP or the index of the sample it replaces.
   */
  event(startNs: number, durNs: number, pid: number, tid: number, series: (() => string) | null): number;
  /** The index a KEEP event got (a counter sample before the window becomes its series' slot). */
  placed(index: number): void;
  /** A B or E event: matched later, so only its thread is decided now (the window once matched: retainChosen). */
  thread(startNs: number, pid: number, tid: number): boolean;
  /** An async event: its lane is per process, so only its process is decided now. */
  process(startNs: number, pid: number, tid: number): boolean;
  /** A flow point (RawTrace.addFlow). */
  flow(tsNs: number, pid: number, tid: number): boolean;
}

/** Keeps the chosen threads and time window; slices crossing the window's edges whole. */
export class ChoiceFilter implements EventFilter {
  private readonly threads: Set<string> | null;
  private readonly pids: Set<string> | null;
  private readonly threadIds = new Map<number, Map<number, boolean>>();
  private readonly pidIds = new Map<number, boolean>();
  /** Per counter series before the window: its slot and the sample's time. */
  private readonly earlier = new Map<string, { index: number; start: number }>();
  private pending: { key: string; start: number } | null = null;
  /** Events offered and kept, for the memory budget's share of the text. */
  seen = 0;
  kept = 0;

  constructor(
    private readonly raw: RawTrace,
    private readonly choice: TraceChoice,
  ) {
    this.threads = choice.threads ? new Set(choice.threads.map(([p, t]) => `${p}\u0000${t}`)) : null;
    this.pids = choice.threads ? new Set(choice.threads.map(([p]) => p)) : null;
  }

  /** The window in this RawTrace's time (a parse helper's piece has its own origin). */
  window(): [number, number] {
    const shift = ((this.raw.originUs ?? this.choice.originUs) - this.choice.originUs) * 1000;
    return [(this.choice.fromNs ?? -Infinity) - shift, (this.choice.toNs ?? Infinity) - shift];
  }

  threadChosen(pid: number, tid: number): boolean {
    if (!this.threads) return true;
    let byTid = this.threadIds.get(pid);
    if (!byTid) this.threadIds.set(pid, (byTid = new Map()));
    let chosen = byTid.get(tid);
    if (chosen === undefined) byTid.set(tid, (chosen = this.threads.has(`${this.raw.strings.get(pid)}\u0000${this.raw.strings.get(tid)}`)));
    return chosen;
  }

  processChosen(pid: number): boolean {
    if (!this.pids) return true;
    let chosen = this.pidIds.get(pid);
    if (chosen === undefined) this.pidIds.set(pid, (chosen = this.pids.has(this.raw.strings.get(pid))));
    return chosen;
  }

  event(startNs: number, durNs: number, pid: number, tid: number, series: (() => string) | null): number {
    this.seen++;
    if (!this.threadChosen(pid, tid)) return DROP;
    const [lo, hi] = this.window();
    if (startNs > hi) return DROP;
    if (!series) return startNs + durNs >= lo ? this.keep() : DROP;
    if (startNs >= lo) return this.keep();
    // A counter sample before the window: only the last one of its series is kept (its value at the window's start).
    const key = series();
    const slot = this.earlier.get(key);
    if (!slot) {
      this.pending = { key, start: startNs };
      return this.keep();
    }
    if (startNs < slot.start) return DROP;
    slot.start = startNs;
    return slot.index;
  }

  private keep(): number {
    this.kept++;
    return KEEP;
  }

  placed(index: number): void {
    if (!this.pending) return;
    this.earlier.set(this.pending.key, { index, start: this.pending.start });
    this.pending = null;
  }

  thread(_startNs: number, pid: number, tid: number): boolean {
    this.seen++;
    return this.threadChosen(pid, tid) && this.keep() === KEEP;
  }

  process(_startNs: number, pid: number): boolean {
    this.seen++;
    return this.processChosen(pid) && this.keep() === KEEP;
  }

  flow(tsNs: number, pid: number, tid: number): boolean {
    const [lo, hi] = this.window();
    return tsNs >= lo && tsNs <= hi && this.threadChosen(pid, tid);
  }
}

/** Counts per thread (as strings), so pieces counted by different threads merge. */
export interface SurveyCounts {
  originUs: number | null;
  /** First slice start per process, first event of any kind, last event end: ns from originUs. */
  firstSlice: [string, number][];
  firstAny: number;
  last: number;
  /** [pid, tid, events]. */
  threads: [string, string, number][];
  /** Density over file time (originUs × 1000 + ns). */
  density: DensityData;
}

/** The counting pass: keeps nothing; counts events per thread, the time extent and the density. */
export class SurveyCounter implements EventFilter {
  private readonly perThread = new Map<number, Map<number, number>>();
  private readonly density = new DensityHistogram();
  /** Per process: its first slice start (the extent leaves Kineto's own rows out, as TraceIndex does). */
  private readonly firstSlice = new Map<number, number>();
  private firstAny = Infinity;
  private last = -Infinity;
  events = 0;

  constructor(private readonly raw: RawTrace) {}

  private count(startNs: number, endNs: number, pid: number, tid: number, slice: boolean): void {
    this.events++;
    let byTid = this.perThread.get(pid);
    if (!byTid) this.perThread.set(pid, (byTid = new Map()));
    byTid.set(tid, (byTid.get(tid) ?? 0) + 1);
    if (slice && !(startNs >= (this.firstSlice.get(pid) ?? Infinity))) this.firstSlice.set(pid, startNs);
    if (startNs < this.firstAny) this.firstAny = startNs;
    if (endNs > this.last) this.last = endNs;
    this.density.add(this.raw.originUs! * 1000 + startNs);
  }

  event(startNs: number, durNs: number, pid: number, tid: number, series: (() => string) | null): number {
    this.count(startNs, startNs + durNs, pid, tid, !series);
    return DROP;
  }

  placed(): void {}

  thread(startNs: number, pid: number, tid: number): boolean {
    this.count(startNs, startNs, pid, tid, true);
    return false;
  }

  process(startNs: number, pid: number, tid: number): boolean {
    this.count(startNs, startNs, pid, tid, true);
    return false;
  }

  flow(): boolean {
    return false;
  }

  counts(): SurveyCounts {
    const s = this.raw.strings;
    const threads: [string, string, number][] = [];
    for (const [pid, byTid] of this.perThread) for (const [tid, n] of byTid) threads.push([s.get(pid), s.get(tid), n]);
    return { originUs: this.raw.originUs, firstSlice: [...this.firstSlice].map(([pid, t]) => [s.get(pid), t]), firstAny: this.firstAny, last: this.last, threads, density: this.density.data() };
  }

  /** Adds a later piece's counts (its times moved onto this trace's origin). */
  absorb(c: SurveyCounts): void {
    const dt = c.originUs === null || this.raw.originUs === null ? 0 : (c.originUs - this.raw.originUs) * 1000;
    for (const [pid, t] of c.firstSlice) {
      const id = this.raw.strings.intern(pid);
      this.firstSlice.set(id, Math.min(this.firstSlice.get(id) ?? Infinity, t + dt));
    }
    this.firstAny = Math.min(this.firstAny, c.firstAny + dt);
    this.last = Math.max(this.last, c.last + dt);
    const s = this.raw.strings;
    for (const [pid, tid, n] of c.threads) {
      const p = s.intern(pid);
      let byTid = this.perThread.get(p);
      if (!byTid) this.perThread.set(p, (byTid = new Map()));
      const t = s.intern(tid);
      byTid.set(t, (byTid.get(t) ?? 0) + n);
      this.events += n;
    }
    this.density.merge(c.density);
  }

  /** The extent ([first slice start, or first event without slices; last end], ns from the origin) and the density in `bins` bins over it. */
  extent(bins: number): { first: number; last: number; bins: number[] } {
    let work = Infinity;
    let any = Infinity;
    for (const [pid, t] of this.firstSlice) {
      any = Math.min(any, t);
      if (!isProfilerProcess(this.raw.strings.get(pid))) work = Math.min(work, t);
    }
    const first = Number.isFinite(work) ? work : Number.isFinite(any) ? any : Number.isFinite(this.firstAny) ? this.firstAny : 0;
    const last = Number.isFinite(this.last) ? Math.max(this.last, first) : first;
    const o = (this.raw.originUs ?? 0) * 1000;
    return { first, last, bins: this.density.resample(o + first, o + last, bins) };
  }

  /** [pid, tid, events] of every thread with events. */
  threadCounts(): [string, string, number][] {
    return this.counts().threads;
  }
}

/**
 * Once B/E and async events are matched into slices (after the importer's finish): drops the
 * slices that end before or start after the window (X events were decided as they were read),
 * and of the counter samples before the window all but each series' last (each parse helper's
 * piece kept its own last, ChoiceFilter.event). Kept events keep their order.
 */
export function retainChosen(raw: RawTrace, filter: ChoiceFilter): void {
  const n = raw.count;
  const [lo, hi] = filter.window();
  const kind = raw.kind.data;
  const start = raw.start.data;
  const dur = raw.dur.data;
  const counter = (i: number): boolean => isCounterSample(kind[i], raw.strings.get(raw.name.data[i]));
  const lastEarlier = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (start[i] >= lo || !counter(i)) continue;
    const series = counterSeries(raw, raw.pid.data[i], raw.cat.data[i], raw.name.data[i], raw.argsBytes(raw.argsOff.data[i], raw.argsLen.data[i]));
    const prev = lastEarlier.get(series);
    if (prev === undefined || start[i] >= start[prev]) lastEarlier.set(series, i);
  }
  const earlier = new Set(lastEarlier.values());
  const columns = [raw.kind, raw.flags, raw.start, raw.dur, raw.pid, raw.tid, raw.cat, raw.name, raw.argsOff, raw.argsLen];
  const async = raw.asyncTrack.data;
  const isAsync = (i: number): boolean => i >= raw.asyncFirst && i - raw.asyncFirst < raw.asyncTrack.length;
  let at = 0;
  let asyncFirst = raw.asyncFirst;
  for (let i = 0; i < n; i++) {
    const keep = start[i] <= hi && (counter(i) ? start[i] >= lo || earlier.has(i) : start[i] + dur[i] >= lo);
    if (!keep) {
      if (!isAsync(i)) asyncFirst--;
      continue;
    }
    for (const c of columns) c.data[at] = c.data[i];
    if (isAsync(i)) async[at - asyncFirst] = async[i - raw.asyncFirst];
    at++;
  }
  for (const c of columns) c.length = at;
  if (raw.asyncTrack.length > 0) raw.asyncTrack.length = at - asyncFirst;
  raw.asyncFirst = raw.asyncTrack.length > 0 ? asyncFirst : at;
}

const DEVICE_KEYS = ['Device Type', 'Device Id'].map((k) => new TextEncoder().encode(k));

/**
 * The counter lane a sample goes to (workers/lanes/counterLanes.ts): a `C` counter's process and
 * name; a Kineto [memory] instant's process and device (from its args, `args`: their bytes).
 */
export function counterSeries(raw: RawTrace, pid: number, cat: number, name: number, args: Uint8Array | null): string {
  if (!isKinetoMemoryEvent(raw.strings.get(cat), raw.strings.get(name))) return `${pid},${name}`;
  const device = new Float64Array(2);
  if (args) numbersAt(args, 0, args.length, DEVICE_KEYS, device);
  return `${pid},memory,${device[0]}:${device[1]}`;
}

/** Counter samples, and Kineto's [memory] instants, which become counter samples while indexing. */
export function isCounterSample(kind: RawKind, name: string): boolean {
  return kind === RawKind.Counter || (kind === RawKind.Instant && name === '[memory]');
}
