// Parallel parsing of a plain JSON trace: the event list is cut into byte ranges at
// event boundaries, each range is parsed by its own importer (in its own worker) as a
// FRAGMENT, and the fragments are merged back in file order. This module holds what
// crosses the worker boundary and the pure parts (split points, serialisation).

import type { LoadWarning } from '../../src/model/types';
import { HOT_ARGS, RawTrace, type RawEventColumns } from '../ingest/rawTrace';
import { asyncEventBuffers, type AsyncEventData } from '../ingest/asyncEvents';
import { SurveyCounter, type SurveyCounts } from '../ingest/eventChoice';

/** Where a fragment starts: the document's shape (from the file's first bytes) and its byte offset. */
export interface FragmentStart {
  top: 'object' | 'array';
  base: number;
}

/**
 * The B and E events of a file (or fragment) in file order, per thread ("pid|tid" of string
 * ids). They are kept until every event is known, then matched in time order: the Trace
 * Event Format orders a thread's events by ts, and files list them in any order. Columns,
 * not objects (traces hold millions); a B is already in the RawTrace with duration 0 until
 * matched, so it is just its index there.
 */
export interface BeginEndColumns {
  /** Thread keys; `thread` holds positions in it. */
  threads: string[];
  thread: Uint32Array;
  ts: Float64Array;
  /** B: its RawTrace index (≥ 0); E: −1 − its event number (for the warning of an E that closes nothing). */
  ref: Float64Array;
  /** Byte offset in the file. */
  abs: Float64Array;
}

/** Scanner state at the fragment's last byte: the next fragment's start is valid only if this is "between events". */
export interface FragmentEndState {
  depth: number;
  inString: boolean;
  inEvent: boolean;
  eventsState: 'none' | 'open' | 'closed';
  captureAbs: number;
  base: number;
}

/** Everything a fragment parsed, as plain transferable data. */
export interface FragmentData extends RawEventColumns {
  strings: string[];
  /** The fragment's flow keys (ids of flows.key). */
  flowKeys: string[];
  originUs: number | null;
  baseNs: string;
  /** In-memory args bytes (file-backed args keep negative offsets). */
  args: Uint8Array;
  flows: { key: Uint32Array; phase: Uint8Array; ts: Float64Array; pid: Uint32Array; tid: Uint32Array; enclosing: Uint8Array };
  /** RawTrace.flowOwnName as [point, name id] pairs. */
  flowOwnName: [number, number][];
  /** Async events, matched once the whole file is merged (their args offsets repacked like the events'). */
  asyncEvents: AsyncEventData;
  processNames: [string, string][];
  processLabels: [string, string][];
  processSort: [string, number][];
  threadNames: [string, string][];
  threadSort: [string, number][];
  metadata: Record<string, unknown>;
  phases: Record<string, number>;
  warnings: { warning: LoadWarning; count: number }[];
  beginEnds: BeginEndColumns;
  /** The counting pass (ingest/eventChoice.ts): this piece's counts, merged by the trace worker. */
  survey?: SurveyCounts;
  maxEnd: number;
  events: number;
  end: FragmentEndState;
}

/** Serialises a fragment's RawTrace; in-memory args are repacked into one buffer. */
export function fragmentData(raw: RawTrace, rest: Pick<FragmentData, 'beginEnds' | 'maxEnd' | 'events' | 'end'>): FragmentData {
  const n = raw.count;
  const argsOff = raw.argsOff.trimmed();
  const argsLen = raw.argsLen.trimmed();
  const parts: Uint8Array[] = [];
  let size = 0;
  // Hot args travel in the same buffer, their offsets still marked hot (HOT_ARGS − offset).
  const repack = (off: number, len: number): number => {
    if (len === 0 || (off < 0 && off > HOT_ARGS)) return off;
    const bytes = off <= HOT_ARGS ? raw.hotArgs.read(HOT_ARGS - off, len) : raw.args.read(off, len);
    parts.push(bytes);
    size += len;
    return off <= HOT_ARGS ? HOT_ARGS - (size - len) : size - len;
  };
  for (let i = 0; i < n; i++) argsOff[i] = repack(argsOff[i], argsLen[i]);
  const asyncEvents = raw.asyncEvents.data();
  for (let i = 0; i < asyncEvents.key.length; i++) asyncEvents.argsOff[i] = repack(asyncEvents.argsOff[i], asyncEvents.argsLen[i]);
  const args = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    args.set(p, at);
    at += p.length;
  }
  const f = raw.flows;
  return {
    strings: raw.strings.values,
    flowKeys: raw.flowKeys.values,
    originUs: raw.originUs,
    baseNs: raw.baseNs.toString(),
    kind: raw.kind.trimmed(),
    flags: raw.flags.trimmed(),
    start: raw.start.trimmed(),
    dur: raw.dur.trimmed(),
    pid: raw.pid.trimmed(),
    tid: raw.tid.trimmed(),
    cat: raw.cat.trimmed(),
    name: raw.name.trimmed(),
    argsOff,
    argsLen,
    args,
    flows: { key: f.key.trimmed(), phase: f.phase.trimmed(), ts: f.ts.trimmed(), pid: f.pid.trimmed(), tid: f.tid.trimmed(), enclosing: f.enclosing.trimmed() },
    flowOwnName: [...raw.flowOwnName],
    asyncEvents,
    processNames: [...raw.processNames],
    processLabels: [...raw.processLabels],
    processSort: [...raw.processSort],
    threadNames: [...raw.threadNames],
    threadSort: [...raw.threadSort],
    metadata: raw.metadata,
    phases: raw.phases,
    warnings: raw.warningCounts(),
    survey: raw.filter instanceof SurveyCounter ? raw.filter.counts() : undefined,
    ...rest,
  };
}

/** The buffers of a fragment, to transfer rather than copy. */
export function fragmentBuffers(d: FragmentData): ArrayBuffer[] {
  const f = d.flows;
  const be = d.beginEnds;
  return [d.kind, d.flags, d.start, d.dur, d.pid, d.tid, d.cat, d.name, d.argsOff, d.argsLen, d.args, f.key, f.phase, f.ts, f.pid, f.tid, f.enclosing, be.thread, be.ts, be.ref, be.abs]
    .map((a) => a.buffer as ArrayBuffer)
    .concat(asyncEventBuffers(d.asyncEvents));
}

/**
 * Candidate cut points: the first `{` after roughly equal shares of the file that follows
 * a `}` and a `,` (an event boundary if we are not inside a string — verified after
 * parsing by the previous fragment's end state).
 */
export function findCut(window: Uint8Array, windowOffset: number): number | null {
  for (let i = 0; i < window.length; i++) {
    if (window[i] !== 0x7d) continue;
    let j = i + 1;
    while (j < window.length && isWs(window[j])) j++;
    if (window[j] !== 0x2c) continue;
    j++;
    while (j < window.length && isWs(window[j])) j++;
    if (j < window.length && window[j] === 0x7b) return windowOffset + j;
  }
  return null;
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
