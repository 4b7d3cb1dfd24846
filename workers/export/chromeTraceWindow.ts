// A time window of a loaded trace written back out as Chrome-trace JSON: the events
// that overlap the window with their own pid/tid/cat/args, the flows inside it, the
// process/thread metadata, the top-level metadata (trace_id, deviceProperties, …)
// and tracelane's annotations, so a colleague can open just the part that matters.
// Times stay relative to the original baseTimeNanoseconds, so slice keys, trace
// identity and annotation instants are the same as in the original.

import { RawFlag, RawKind } from '../ingest/rawTrace';
import type { TraceIndex } from '../index/traceIndex';
import type { LaneIndex } from '../index/laneIndex';

export interface WindowMarker {
  label: string;
  /** ns relative to the trace origin. */
  startNs: number;
  endNs?: number;
  note?: string;
}

export interface WindowExportOptions {
  /** Window, ns relative to the trace origin. */
  startNs: number;
  endNs: number;
  /** Annotations drawn as events of an "Annotations" process, for any viewer. */
  markers?: WindowMarker[];
  /** Extra top-level keys (tracelane writes its annotations file here). */
  extra?: Record<string, unknown>;
}

/** Top-level keys the export writes itself, never copied from the source. */
const OWN_KEYS = new Set(['traceEvents', 'displayTimeUnit', 'baseTimeNanoseconds']);
const MARKER_PID = 'tracelane annotations';

/**
 * Reads the index (its lanes and counters), not the importer's raw columns: those are
 * released after indexing. Async slices are written as async events again (asyncLaneEvents).
 */
export function chromeTraceWindow(index: TraceIndex, opts: WindowExportOptions): string {
  const raw = index.raw;
  const { startNs, endNs } = opts;
  const str = raw.strings;
  // ts written = (origin − base) + start, in µs with 3 decimals (exact integer ns arithmetic).
  const originMinusBase = Number(BigInt(raw.originAbsNs()) - raw.baseNs);
  const ts = (ns: number) => microsText(originMinusBase + ns);
  const out: string[] = [];
  const pids = new Set<string>();
  const threads = new Set<string>();

  const event = (kind: RawKind, async: boolean, s: number, d: number, pid: string, tid: string, name: number, cat: number, argsOff: number, argsLen: number): void => {
    pids.add(pid);
    threads.add(`${pid}|${tid}`);
    const fields = [`"name":${JSON.stringify(str.get(name))}`, `"cat":${JSON.stringify(str.get(cat))}`];
    if (kind === RawKind.Slice) fields.push(`"ph":"X"`, `"ts":${ts(s)}`, `"dur":${microsText(d)}`);
    else if (kind === RawKind.Counter) fields.push(`"ph":"C"`, `"ts":${ts(s)}`);
    else fields.push(`"ph":"i"`, `"s":"${async ? 'p' : 't'}"`, `"ts":${ts(s)}`);
    fields.push(`"pid":${idText(pid)}`, `"tid":${idText(tid)}`);
    const args = raw.argsText(argsOff, argsLen);
    if (args !== null) fields.push(`"args":${args}`);
    out.push(`{${fields.join(',')}}`);
  };
  const asyncIds = { next: 1 };
  for (const lane of index.lanes.values()) {
    const { pid, tid } = lane.info;
    if (lane.info.async) {
      asyncEvents(asyncLaneEvents(lane, startNs, endNs, asyncIds), pid, lane);
      continue;
    }
    for (let k = 0; k < lane.start.length; k++) {
      const s = lane.start[k];
      const d = lane.dur[k];
      if (s > endNs) break;
      if (s + d < startNs) continue;
      const kind = lane.instant[k] ? RawKind.Instant : RawKind.Slice;
      event(kind, (lane.flags[k] & RawFlag.Async) !== 0, s, d, pid, tid, lane.name[k], lane.cat[k], lane.argsOff[k], lane.argsLen[k]);
    }
  }
  /**
   * A lane's async slices as nestable b/e pairs (instants as n) of their operations' ids, so they open
   * on the same async lane. Written in time order; at one time ends (inner first), then begins (outer
   * first), then instants: the importer takes equal times in file order, and an e closes the innermost
   * open slice of its name.
   */
  function asyncEvents(slices: AsyncExport[], pid: string, lane: LaneIndex): void {
    pids.add(pid);
    const events: { t: number; rank: number; text: string }[] = [];
    slices.forEach((a, order) => {
      const k = a.event;
      const head = [`"name":${JSON.stringify(str.get(lane.name[k]))}`, `"cat":${JSON.stringify(str.get(lane.cat[k]))}`, `"id":${a.id}`, `"pid":${idText(pid)}`, `"tid":0`];
      const args = raw.argsText(lane.argsOff[k], lane.argsLen[k]);
      const argsField = args !== null ? [`"args":${args}`] : [];
      const s = lane.start[k];
      if (lane.instant[k]) events.push({ t: s, rank: 2e9 + order, text: `{${[...head, `"ph":"n"`, `"ts":${ts(s)}`, ...argsField].join(',')}}` });
      else {
        events.push({ t: s, rank: 1e9 + order, text: `{${[...head, `"ph":"b"`, `"ts":${ts(s)}`, ...argsField].join(',')}}` });
        events.push({ t: s + lane.dur[k], rank: -1 - order, text: `{${[...head, `"ph":"e"`, `"ts":${ts(s + lane.dur[k])}`].join(',')}}` });
      }
    });
    events.sort((x, y) => x.t - y.t || x.rank - y.rank);
    for (const e of events) out.push(e.text);
  }
  for (const c of index.counters.values()) {
    if (c.derived) continue;
    const src = c.source;
    for (let j = 0; j < c.t.length; j++) {
      const s = c.t[j];
      if (s < startNs || s > endNs) continue;
      event(src.kind[j] as RawKind, false, s, 0, c.info.pid, str.get(src.tid[j]), src.name[j], src.cat[j], src.argsOff[j], src.argsLen[j]);
    }
  }

  const f = raw.flows;
  for (let i = 0; i < f.ts.length; i++) {
    const t = f.ts.data[i];
    if (t < startNs || t > endNs) continue;
    const key = raw.flowKeys.get(f.key.data[i]);
    const cut = key.lastIndexOf('|');
    const fields = [
      `"ph":${JSON.stringify(String.fromCharCode(f.phase.data[i]))}`,
      `"cat":${JSON.stringify(key.slice(0, cut))}`,
      `"name":${JSON.stringify(key.slice(0, cut))}`,
      `"id":${idText(key.slice(cut + 1))}`,
      `"ts":${ts(t)}`,
      `"pid":${idText(str.get(f.pid.data[i]))}`,
      `"tid":${idText(str.get(f.tid.data[i]))}`,
    ];
    if (f.enclosing.data[i]) fields.push(`"bp":"e"`);
    out.push(`{${fields.join(',')}}`);
  }

  const meta: string[] = [];
  for (const pid of pids) {
    const p = idText(pid);
    const name = raw.processNames.get(pid);
    if (name !== undefined) meta.push(`{"ph":"M","name":"process_name","pid":${p},"tid":0,"args":{"name":${JSON.stringify(name)}}}`);
    const labels = raw.processLabels.get(pid);
    if (labels !== undefined) meta.push(`{"ph":"M","name":"process_labels","pid":${p},"tid":0,"args":{"labels":${JSON.stringify(labels)}}}`);
    const sort = raw.processSort.get(pid);
    if (sort !== undefined) meta.push(`{"ph":"M","name":"process_sort_index","pid":${p},"tid":0,"args":{"sort_index":${sort}}}`);
  }
  for (const key of threads) {
    const [pid, tid] = splitThread(key);
    const name = raw.threadNames.get(key);
    if (name !== undefined) meta.push(`{"ph":"M","name":"thread_name","pid":${idText(pid)},"tid":${idText(tid)},"args":{"name":${JSON.stringify(name)}}}`);
    const sort = raw.threadSort.get(key);
    if (sort !== undefined) meta.push(`{"ph":"M","name":"thread_sort_index","pid":${idText(pid)},"tid":${idText(tid)},"args":{"sort_index":${sort}}}`);
  }

  for (const m of opts.markers ?? []) {
    const fields = [`"name":${JSON.stringify(m.label)}`, `"cat":"tracelane_annotation"`, `"pid":${JSON.stringify(MARKER_PID)}`, `"tid":${JSON.stringify(m.endNs === undefined ? 'lines' : 'stages')}`, `"ts":${ts(m.startNs)}`];
    if (m.endNs !== undefined) fields.push(`"ph":"X"`, `"dur":${microsText(m.endNs - m.startNs)}`);
    else fields.push(`"ph":"i"`, `"s":"g"`);
    if (m.note) fields.push(`"args":{"note":${JSON.stringify(m.note)}}`);
    out.push(`{${fields.join(',')}}`);
  }

  const top: string[] = [`"traceEvents":[\n${[...meta, ...out].join(',\n')}\n]`, `"displayTimeUnit":"ms"`];
  if (raw.baseNs !== 0n) top.push(`"baseTimeNanoseconds":${raw.baseNs.toString()}`);
  for (const [k, v] of Object.entries(raw.metadata)) if (!OWN_KEYS.has(k) && !(opts.extra && k in opts.extra)) top.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  for (const [k, v] of Object.entries(opts.extra ?? {})) top.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `{${top.join(',\n')}}\n`;
}

interface AsyncExport {
  event: number;
  id: number;
}

/**
 * The async slices of a lane that overlap the window, each with the id of an operation to write it
 * under. The importer puts an operation on the lane of its root's name and closes an `e` on the
 * innermost open slice of its name, so a slice joins an open operation only where it nests inside
 * that operation's innermost open slice (its own operation, in the trace read); anything else starts
 * an operation of its own, named by itself, as a root is. Rows are assigned on reading, not written.
 */
function asyncLaneEvents(lane: LaneIndex, startNs: number, endNs: number, ids: { next: number }): AsyncExport[] {
  const out: AsyncExport[] = [];
  // Open operations: their id and the ends of their open slices, outermost first.
  const open: { id: number; ends: number[] }[] = [];
  for (let k = 0; k < lane.start.length; k++) {
    const s = lane.start[k];
    const e = s + lane.dur[k];
    if (s > endNs) break;
    if (e < startNs) continue;
    let fit: { id: number; ends: number[] } | null = null;
    for (let j = open.length - 1; j >= 0; j--) {
      const op = open[j];
      while (op.ends.length && op.ends[op.ends.length - 1] <= s) op.ends.pop();
      if (!op.ends.length) {
        open.splice(j, 1);
        continue;
      }
      // The tightest fit: the operation whose innermost open slice ends first and still holds this one.
      if (op.ends[op.ends.length - 1] >= e && (!fit || op.ends[op.ends.length - 1] < fit.ends[fit.ends.length - 1])) fit = op;
    }
    if (!fit) {
      fit = { id: ids.next++, ends: [] };
      if (!lane.instant[k]) open.push(fit);
    }
    if (!lane.instant[k]) fit.ends.push(e);
    out.push({ event: k, id: fit.id });
  }
  return out;
}

/** Integer ns → µs text with exactly 3 decimals, no float rounding. */
export function microsText(ns: number): string {
  const n = Math.round(ns);
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  return `${sign}${Math.floor(a / 1000)}.${String(a % 1000).padStart(3, '0')}`;
}

/** Kineto writes numeric pids/tids as numbers and the profiler's own ones as strings; keep that. */
function idText(id: string): string {
  return /^-?(0|[1-9]\d{0,15})$/.test(id) ? id : JSON.stringify(id);
}

function splitThread(key: string): [string, string] {
  const cut = key.indexOf('|');
  return [key.slice(0, cut), key.slice(cut + 1)];
}

/** gzip text with the platform's CompressionStream (browsers, Node ≥ 18). */
export async function gzipText(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
