// Counter lanes from raw events: `C` counters (every numeric arg a series) and Kineto's
// [memory] instants (allocated and reserved bytes per device). Samples are gathered per
// lane in columns while the lane mapping walks the events, then sorted once.

import { groupKey, laneKey } from '../../src/model/keys';
import type { LaneInfo } from '../../src/model/types';
import type { RawTrace } from '../ingest/rawTrace';
import { numbersAt } from '../importers/jsonBytes';
import { narrowIds, narrowLengths, narrowOffsets } from '../index/laneIndex';
import { isKinetoMemoryEvent, isProfilerProcess } from './laneKind';
import type { CounterSummary } from '../index/laneSummary';

/** A counter lane: samples sorted by time, one value array per series. */
export interface CounterPlan {
  info: LaneInfo;
  t: Float64Array;
  values: Float64Array[];
  /** Each sample's source event (aligned with t), so an export can write it back as it was. */
  source: CounterSource;
  /** Computed from other events (GPU queue length, workers/analysis/overviewQueue.ts): no source events, never exported. */
  derived?: boolean;
  /** Answers without the samples (an index folder's counter read on demand), where it can. */
  summary?: CounterSummary;
}

/** The raw fields of the events behind counter samples (string ids; kind: RawKind), in the narrowest arrays that hold them. */
export interface CounterSource {
  name: Uint8Array | Uint16Array | Uint32Array;
  cat: Uint8Array | Uint16Array | Uint32Array;
  tid: Uint8Array | Uint16Array | Uint32Array;
  kind: Uint8Array;
  argsOff: Int32Array | Float64Array;
  argsLen: Uint16Array | Uint32Array;
}

/** One lane's samples as they come: a column per series, NaN where a sample lacks it. */
interface Series {
  info: LaneInfo;
  t: number[];
  events: number[];
  names: string[];
  columns: number[][];
}

const MEMORY_NAMES = ['Device Type', 'Device Id', 'Total Allocated', 'Total Reserved'];
const MEMORY_KEYS = MEMORY_NAMES.map((k) => new TextEncoder().encode(k));
const MEMORY_DEFAULTS = [0, 0, NaN, NaN];
const MEMORY_SERIES = ['Total Allocated', 'Total Reserved'];
export const PROFILER_GROUP = '~profiler';

/** The raw fields of counter samples CounterLaneBuilder reads: a RawTrace's columns, or copies of its samples' (laneMapping.ts EventPlacer). */
export type CounterEvents = Pick<RawTrace, 'kind' | 'start' | 'pid' | 'tid' | 'cat' | 'name' | 'argsOff' | 'argsLen'>;

export class CounterLaneBuilder {
  private readonly series = new Map<string, Series>();
  private readonly memory = new Float64Array(MEMORY_KEYS.length);
  /**
   * The memory lanes so far and what each is for (a few: one per process and device), found by a look down this
   * list: a trace's allocations switch device often (llm_decode_large: 11 881 times in 43 226), and each switch
   * built the lane's key string again.
   */
  private readonly memoryLanes: { pid: number; type: number; dev: number; series: Series }[] = [];

  constructor(
    /** Strings and args. */
    private readonly raw: RawTrace,
    private readonly trace: string,
    /** The samples' fields, by the index `add` is given. */
    private readonly events: CounterEvents = raw,
  ) {}

  /** Adds event i of `events` (a counter or a [memory] instant) as a sample of its lane. */
  add(i: number): void {
    const raw = this.raw;
    const ev = this.events;
    const pidId = ev.pid.data[i];
    const cat = raw.strings.get(ev.cat.data[i]);
    const name = raw.strings.get(ev.name.data[i]);
    const off = ev.argsOff.data[i];
    const len = ev.argsLen.data[i];
    if (isKinetoMemoryEvent(cat, name)) {
      const bytes = raw.argsBytes(off, len);
      // Absent: device type and id 0, totals NaN (a sample without them keeps the previous values).
      this.memory.set(MEMORY_DEFAULTS);
      // Plain objects of numbers (Kineto's) are read in place; anything else as JSON.
      let v: ArrayLike<number> | null = bytes ? numbersAt(bytes, 0, bytes.length, MEMORY_KEYS, this.memory) : this.memory;
      if (!v) {
        const args = this.parse(off, len);
        if (!args) return;
        v = MEMORY_NAMES.map((k, j) => (args[k] === undefined ? MEMORY_DEFAULTS[j] : Number(args[k] ?? 0)));
      }
      this.push(this.memorySeries(pidId, v[0], v[1]), i, [v[2], v[3]]);
      return;
    }
    const args = this.parse(off, len);
    if (!args) return;
    const s = this.lane(laneKey(this.trace, raw.strings.get(pidId), `counter ${name}`, 'counter'), raw.strings.get(pidId), name, '', []);
    const values: number[] = new Array<number>(s.names.length).fill(NaN);
    for (const [k, v] of Object.entries(args)) {
      if (typeof v !== 'number') continue;
      let at = s.names.indexOf(k);
      if (at < 0) {
        at = s.names.push(k) - 1;
        s.columns.push(new Array<number>(s.t.length).fill(NaN));
      }
      values[at] = v;
    }
    this.push(s, i, values);
  }

  /** Every lane's samples in time order (equal times in file order). */
  finish(): CounterPlan[] {
    return [...this.series.values()].map((s) => finishSeries(this.events, s));
  }

  private parse(off: number, len: number): Record<string, unknown> | null {
    const text = this.raw.argsText(off, len);
    try {
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return null;
    }
  }

  private memorySeries(pidId: number, type: number, dev: number): Series {
    for (const m of this.memoryLanes) if (m.pid === pidId && Object.is(m.type, type) && Object.is(m.dev, dev)) return m.series;
    const pid = this.raw.strings.get(pidId);
    const id = laneKey(this.trace, pid, `memory ${type}:${dev}`, 'counter');
    const series = this.lane(id, pid, type === 0 ? 'CPU memory' : `CUDA ${dev} memory`, 'bytes', MEMORY_SERIES);
    this.memoryLanes.push({ pid: pidId, type, dev, series });
    return series;
  }

  private lane(id: string, pid: string, name: string, unit: string, names: readonly string[]): Series {
    let s = this.series.get(id);
    if (s) return s;
    const info: LaneInfo = {
      id,
      kind: 'counter',
      name,
      group: isProfilerProcess(pid) ? groupKey(this.trace, PROFILER_GROUP) : groupKey(this.trace, pid),
      trace: this.trace,
      pid,
      tid: id.split('|')[2],
      events: 0,
      rows: 1,
      sortIndex: 0,
      counter: { series: [], min: 0, max: 0, unit },
    };
    s = { info, t: [], events: [], names: [...names], columns: names.map(() => []) };
    this.series.set(id, s);
    return s;
  }

  private push(s: Series, i: number, values: readonly number[]): void {
    s.t.push(this.events.start.data[i]);
    s.events.push(i);
    for (let k = 0; k < s.columns.length; k++) s.columns[k].push(values[k]);
  }
}

function finishSeries(raw: CounterEvents, c: Series): CounterPlan {
  const n = c.t.length;
  // Positions in the arrival order, in time order: typed columns filled by plain loops (no closure per sample).
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) order[j] = j;
  let sorted = true;
  for (let k = 1; k < n && sorted; k++) sorted = !(c.t[k] < c.t[k - 1]);
  if (!sorted) order.set(Array.from(order).sort((a, b) => c.t[a] - c.t[b] || a - b));
  const events = new Int32Array(n);
  const t = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    events[j] = c.events[order[j]];
    t[j] = c.t[order[j]];
  }
  const source: CounterSource = {
    name: narrowIds(pickColumn(raw.name.data, events, new Uint32Array(n))),
    cat: narrowIds(pickColumn(raw.cat.data, events, new Uint32Array(n))),
    tid: narrowIds(pickColumn(raw.tid.data, events, new Uint32Array(n))),
    kind: pickColumn(raw.kind.data, events, new Uint8Array(n)),
    argsOff: narrowOffsets(pickColumn(raw.argsOff.data, events, new Float64Array(n))),
    argsLen: narrowLengths(pickColumn(raw.argsLen.data, events, new Uint32Array(n))),
  };
  let min = Infinity;
  let max = -Infinity;
  const values = c.columns.map((column) => {
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      // A series missing from a sample keeps its previous value.
      const v = column[order[j]];
      const value = Number.isFinite(v) ? v : j > 0 ? out[j - 1] : 0;
      out[j] = value;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    return out;
  });
  c.info.events = n;
  c.info.counter = { series: c.names, min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0, unit: c.info.counter?.unit ?? '' };
  return { info: c.info, t, values, source };
}

/** `out[j] = column[events[j]]`: a raw column's values at the samples' events. */
function pickColumn<T extends Uint32Array | Uint8Array | Float64Array>(column: T, events: Int32Array, out: T): T {
  for (let j = 0; j < events.length; j++) out[j] = column[events[j]];
  return out;
}
