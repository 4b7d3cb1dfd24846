// Serving requests: every slice whose request-id arg names a request (or lists it, for a
// batch) is part of that request; the roles of slices (enqueue, dequeue, prefill / decode
// batch) come from the recorder table in requestRoles.ts. Per request: arrival, queue wait,
// time to first token, decode iterations, time per output token and end; and on demand its
// journey (its slices and the steps of flows carrying its id). Times are trace-relative ns.

import type { FlowHop, SliceRef } from '../../src/model/analysisTypes';
import { laneParts, type LaneIndex } from '../index/laneIndex';
import type { TraceIndex } from '../index/traceIndex';
import { flowPointRef } from './correlation';
import { REQUEST_ID_ARGS, requestRoleOf, type RequestRole } from './requestRoles';
import { sliceRef } from './sliceRef';
import { forEachArgsInReadOrder, laneArgs } from '../ingest/argsReadOrder';
import { textDecoder } from '../ingest/rawTrace';

export interface RequestRow {
  /** The id as the trace first wrote it. */
  id: string;
  /** The id compared: numbers by value ("0" = 0.0), anything else as text. */
  key: string;
  slices: number;
  /** Start of its first slice. */
  arrivalNs: number;
  /** End of its last slice. */
  endNs: number;
  /** Enqueue slice's end → dequeue slice's start; null when either is missing. */
  queueNs: number | null;
  /** End of the first prefill batch containing it − arrival; null without one. */
  ttftNs: number | null;
  /** Decode batches containing it; null when no batch of the trace names it. */
  decodeIters: number | null;
  /** (end − first token) ÷ decode iterations; null without a first token or decode iterations. */
  tpotNs: number | null;
}

export interface RequestJourney {
  slices: SliceRef[];
  hops: FlowHop[];
}

interface Member {
  lane: LaneIndex;
  k: number;
  start: number;
  end: number;
  role: RequestRole | null;
  /** Batches: prefill / decode by the batch-type arg, else null. */
  phase: 'prefill' | 'decode' | null;
}

interface RequestMembers {
  id: string;
  members: Member[];
}

const ID_HINT = new RegExp(`"(?:${REQUEST_ID_ARGS.join('|')})"`);
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** The compared form of an id: numbers by value, other text as is (surrounding quotes dropped). */
export function requestKey(id: string | number): string {
  const text = String(id).trim().replace(/^"(.*)"$/, '$1');
  return NUMBER.test(text) ? `#${Number(text)}` : `s:${text}`;
}

/** The ids an arg value names: an id, a list of ids or of objects with an id key, or such a list as JSON text. */
function idsIn(v: unknown, out: (string | number)[]): void {
  if (typeof v === 'number' && Number.isFinite(v)) out.push(v);
  else if (typeof v === 'string') {
    const t = v.trim();
    if (t.startsWith('[')) {
      try {
        idsIn(JSON.parse(t), out);
        return;
      } catch {
        // Not a list after all: the text is the id.
      }
    }
    if (t) out.push(t);
  } else if (Array.isArray(v)) for (const x of v) idsIn(x, out);
  else if (v && typeof v === 'object') for (const key of REQUEST_ID_ARGS) idsIn((v as Record<string, unknown>)[key], out);
}

const membersCache = new WeakMap<TraceIndex, Map<string, RequestMembers>>();

/** A slice whose args name request ids. */
interface IdSlice {
  lane: number;
  k: number;
  args: Record<string, unknown>;
  ids: (string | number)[];
}

/**
 * Per request key, its slices; one pass over the args that mention an id key, in file order
 * (one read of the file), its finds then taken lane by lane, in event order (kept per trace). A lane
 * an index folder reads chunk by chunk is walked so twice (args, then the finds' names and spans).
 */
function requestMembers(index: TraceIndex): Map<string, RequestMembers> {
  const cached = membersCache.get(index);
  if (cached) return cached;
  const lanes = [...index.lanes.values()];
  const found: IdSlice[] = [];
  forEachArgsInReadOrder(index.raw, lanes.map(laneArgs), (l, k, bytes) => {
    const text = textDecoder.decode(bytes);
    if (!ID_HINT.test(text)) return;
    let args: Record<string, unknown>;
    try {
      args = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    const ids: (string | number)[] = [];
    for (const key of REQUEST_ID_ARGS) idsIn(args[key], ids);
    if (ids.length) found.push({ lane: l, k, args, ids });
  });
  found.sort((a, b) => a.lane - b.lane || a.k - b.k);
  const byKey = new Map<string, RequestMembers>();
  for (let f = 0; f < found.length; ) {
    const l = found[f].lane;
    const lane = lanes[l];
    for (const { cols, first } of laneParts(lane)) {
      const end = first + cols.start.length;
      for (; f < found.length && found[f].lane === l && found[f].k < end; f++) {
        const { k, args, ids } = found[f];
        const j = k - first;
        addMember(byKey, { lane, k, start: cols.start[j], end: cols.start[j] + cols.dur[j], role: requestRoleOf(index.nameOf(cols, j), lane.info.tid), phase: null }, args, ids);
      }
      if (f === found.length || found[f].lane !== l) break;
    }
  }
  membersCache.set(index, byKey);
  return byKey;
}

/** A slice naming `ids` added to each of their requests (once each), its batch phase read from `args`. */
function addMember(byKey: Map<string, RequestMembers>, m: Member, args: Record<string, unknown>, ids: (string | number)[]): void {
  const role = m.role;
  if (role?.role === 'batch') {
    const type = String(args[role.recorder.batchType] ?? '');
    m.phase = role.recorder.prefill.test(type) ? 'prefill' : role.recorder.decode.test(type) ? 'decode' : null;
  }
  const seen = new Set<string>();
  for (const id of ids) {
    const key = requestKey(id);
    if (seen.has(key)) continue;
    seen.add(key);
    let r = byKey.get(key);
    if (!r) byKey.set(key, (r = { id: String(id), members: [] }));
    r.members.push(m);
  }
}

const startOf = (m: Member) => m.start;
const endOf = (m: Member) => m.end;

function requestRow(key: string, r: RequestMembers): RequestRow {
  const ms = [...r.members].sort((a, b) => startOf(a) - startOf(b));
  const arrivalNs = startOf(ms[0]);
  const endNs = Math.max(...ms.map(endOf));
  const enq = ms.find((m) => m.role?.role === 'enqueue');
  const deq = ms.find((m) => m.role?.role === 'dequeue');
  const queueNs = enq && deq ? startOf(deq) - endOf(enq) : null;
  const batches = ms.filter((m) => m.role?.role === 'batch');
  // The batches of the pattern closest to the device that names this request (requestRoles.ts).
  const rank = Math.min(...batches.map((m) => (m.role as { rank: number }).rank));
  const own = batches.filter((m) => (m.role as { rank: number }).rank === rank);
  const prefill = own.find((m) => m.phase === 'prefill');
  const firstTokenNs = prefill ? endOf(prefill) : null;
  const decodeIters = own.length ? own.filter((m) => m.phase === 'decode').length : null;
  return {
    id: r.id,
    key,
    slices: ms.length,
    arrivalNs,
    endNs,
    queueNs,
    ttftNs: firstTokenNs === null ? null : firstTokenNs - arrivalNs,
    decodeIters,
    tpotNs: firstTokenNs !== null && decodeIters ? (endNs - firstTokenNs) / decodeIters : null,
  };
}

/** Every request of the trace, by arrival. */
export function requests(index: TraceIndex): RequestRow[] {
  return [...requestMembers(index)].map(([key, r]) => requestRow(key, r)).sort((a, b) => a.arrivalNs - b.arrivalNs || a.key.localeCompare(b.key));
}

/** A flow id: what follows the category in the flow key ("cat|id"). */
const flowId = (flowKey: string) => flowKey.slice(flowKey.lastIndexOf('|') + 1);

/** A request's slices (by start) and every step of the flows whose id is the request's. */
export function requestJourney(index: TraceIndex, key: string): RequestJourney | null {
  const r = requestMembers(index).get(key);
  if (!r) return null;
  const slices = r.members.map((m) => sliceRef(index, m.lane, m.k)).sort((a, b) => a.startNs - b.startNs);
  const fi = index.flowIndex;
  const hops: FlowHop[] = [];
  const flows = index.raw.flows;
  const keyMatches = new Map<number, boolean>();
  for (let p = 0; p < flows.key.length; p++) {
    const keyId = flows.key.data[p];
    let match = keyMatches.get(keyId);
    if (match === undefined) keyMatches.set(keyId, (match = requestKey(flowId(index.raw.flowKeys.get(keyId))) === key));
    const from = match ? fi.hopFromOf(p) : -1;
    if (from < 0) continue;
    const a = flowPointRef(index, from);
    const b = flowPointRef(index, p);
    if (a && b) hops.push({ flow: fi.point(p).key, from: a, to: b });
  }
  return { slices, hops };
}

/**
 * The p-th percentile (0 < p ≤ 100) by the nearest-rank method: the smallest value with at
 * least p % of the values at or below it (no interpolation). Null for no values.
 */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}
