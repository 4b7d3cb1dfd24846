// The one lane-mapping stage: after all importers, decide for every raw event which
// lane (and group) it belongs to. Importers never do this.

import { groupKey, laneKey } from '../../src/model/keys';
import { LANE_KIND_LABEL, type LaneGroup, type LaneInfo, type LaneKind } from '../../src/model/types';
import { RawFlag, RawKind, type RawTrace } from '../ingest/rawTrace';
import { isKinetoMemoryEvent, isProfilerProcess, KIND_ORDER, knownCategoryKind, laneKindOf } from './laneKind';
import { compileRules, DEFAULT_RULES, type CategoryRule } from './categoryRules';
import { LaneRuleVotes } from './laneRuleVotes';
import { deviceLabel, recorderOf, runtimeLabel, summaryRecorder, type Recorder, type ThreadFacts } from './recorders';
import { beat } from '../heartbeat';
import { narrowIds, narrowLengths, narrowOffsets } from '../index/laneIndex';

/** A lane before indexing: its identity and the raw events it holds. */
export interface LanePlan {
  info: LaneInfo;
  members: Int32Array;
}

/** A counter lane: samples sorted by time, one value array per series. */
export interface CounterPlan {
  info: LaneInfo;
  t: Float64Array;
  values: Float64Array[];
  /** Each sample's source event (aligned with t), so an export can write it back as it was. */
  source: CounterSource;
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

export interface LaneMap {
  lanes: LanePlan[];
  counters: CounterPlan[];
  groups: LaneGroup[];
  /** Events per category placed in lanes (slices, instants, counter samples). */
  categories: Record<string, number>;
}

const PROFILER_GROUP = '~profiler';
const KIND_CODE: Record<LaneKind, number> = { python: 0, cpu: 1, cuda_api: 2, gpu: 3, syscall: 4, counter: 5 };
const KIND_CODES = 8;

/**
 * `rules` (default: DEFAULT_RULES) decide what a lane is SHOWN as; the lane key always
 * uses the built-in kind, so identity does not depend on the rules (categoryRules.ts).
 */
export function mapLanes(raw: RawTrace, trace: string, rules: readonly CategoryRule[] = DEFAULT_RULES): LaneMap {
  const strings = raw.strings;
  // pid id → track key → lane; a track key packs the tid id (or the async track) with the kind.
  const laneOf = new Map<number, Map<number, number>>();
  const members: number[][] = [];
  const infos: LaneInfo[] = [];
  const counterSeries = new Map<string, { info: LaneInfo; t: number[]; rows: Record<string, number>[]; events: number[] }>();
  const n = raw.count;
  const kinds = raw.kind.data;
  const flags = raw.flags.data;
  const pids = raw.pid.data;
  const tids = raw.tid.data;
  const cats = raw.cat.data;
  const names = raw.name.data;

  // Everything per event is by string id: strings are looked at once per distinct id,
  // and nothing per event builds a string (this loop sees every event of a 2 GB trace).
  const catCounts: number[] = [];
  const kindOfCat: (LaneKind | null | undefined)[] = [];
  const kindOfName = new Map<number, LaneKind>();
  const memoryName = strings.lookup('[memory]');
  let lastPid = -1;
  let lastTrack = NaN;
  let lastLane = -1;
  const votes = new LaneRuleVotes(compileRules(rules), strings);
  // What each thread says about itself (recorders.ts), once per pid/tid id pair.
  const threads = new Map<number, Map<number, ThreadRecorders>>();
  let thrPid = -1;
  let thrTid = -1;
  let thr: ThreadRecorders | null = null;
  // Lane id → the name a recorder row gives it ("NPU 0 · Stream 2", "thread 7 · AscendCL").
  const recorderNames = new Map<string, string>();

  for (let i = 0; i < n; i++) {
    if ((i & 0xffff) === 0) beat();
    const catId = cats[i];
    catCounts[catId] = (catCounts[catId] ?? 0) + 1;
    const isMemory = kinds[i] === RawKind.Instant && names[i] === memoryName && isKinetoMemoryEvent(strings.get(catId), '[memory]');
    if (kinds[i] === RawKind.Counter || isMemory) {
      addCounterSample(raw, i, trace, strings.get(pids[i]), strings.get(catId), strings.get(names[i]), counterSeries);
      continue;
    }
    if (pids[i] !== thrPid || tids[i] !== thrTid || !thr) {
      thrPid = pids[i];
      thrTid = tids[i];
      thr = threadRecorders(raw, threads, thrPid, thrTid);
    }
    // A recorder's summary thread first; then the Kineto category; then the recorder table
    // by process / thread / category; then name rules (once per name).
    let row: Recorder | null = thr.summary;
    let decided: LaneKind | null = row ? row.kind : (kindOfCat[catId] ??= knownCategoryKind(strings.get(catId)));
    if (decided === null) {
      let byCat = thr.byCat.get(catId);
      if (byCat === undefined) thr.byCat.set(catId, (byCat = recorderOf(thr.facts, strings.get(catId))));
      row = byCat;
      decided = byCat?.kind ?? null;
    }
    let kind: LaneKind;
    if (decided !== null) kind = decided;
    else {
      let byName = kindOfName.get(names[i]);
      if (byName === undefined) kindOfName.set(names[i], (byName = laneKindOf(strings.get(catId), strings.get(names[i]))));
      kind = byName;
    }
    const isAsync = (flags[i] & RawFlag.Async) !== 0;
    // Async tracks are per process and category (per name when there is no category): negative keys.
    const kindCode = KIND_CODE[kind];
    const track = isAsync
      ? -1 - ((strings.get(catId) ? catId * 2 : names[i] * 2 + 1) * KIND_CODES + kindCode)
      : tids[i] * KIND_CODES + kindCode;
    const pidId = pids[i];
    let lane = lastLane;
    if (pidId !== lastPid || track !== lastTrack) {
      let tracks = laneOf.get(pidId);
      if (!tracks) laneOf.set(pidId, (tracks = new Map()));
      let found = tracks.get(track);
      if (found === undefined) {
        const pid = strings.get(pidId);
        const cat = strings.get(catId);
        const tid = isAsync ? `async ${cat || strings.get(names[i])}` : strings.get(tids[i]);
        found = infos.length;
        tracks.set(track, found);
        const info = newLaneInfo(raw, trace, laneKey(trace, pid, tid, kind), pid, tid, kind);
        const named = recorderName(raw, thr.facts, row, info, cat, strings.get(names[i]));
        if (named) recorderNames.set(info.id, (info.name = named));
        if (row?.summary) info.summary = true;
        votes.place(infos.length, { process: [thr.facts.processName, thr.facts.processLabels], thread: thr.facts.threadName });
        infos.push(info);
        members.push([]);
      }
      lane = found;
      lastPid = pidId;
      lastTrack = track;
      lastLane = lane;
    }
    members[lane].push(i);
    votes.vote(lane, i, catId, names[i], kind);
  }
  const categories: Record<string, number> = {};
  for (let catId = 0; catId < catCounts.length; catId++) {
    const count = catCounts[catId];
    if (!count) continue;
    const cat = strings.get(catId) || '(none)';
    categories[cat] = (categories[cat] ?? 0) + count;
  }

  const counters: CounterPlan[] = [];
  for (const c of counterSeries.values()) counters.push(finishCounter(raw, c));

  const lanes = infos.map((info, k) => ({ info, members: Int32Array.from(members[k]) }));
  const allInfos = [...lanes.map((l) => l.info), ...counters.map((c) => c.info)];
  const groupLabels = votes.apply(infos, {
    defaultName: (info, kind) =>
      (kind === info.kind ? recorderNames.get(info.id) : undefined) ?? laneDisplayName(raw, info.pid, info.tid, kind),
    thread: (info) => threadLabel(raw, info.pid, info.tid, info.kind),
  });
  const groups = buildGroups(raw, trace, allInfos);
  for (const g of groups) g.name = groupLabels.get(g.id) ?? g.name;
  orderLanes(raw, allInfos);
  return { lanes, counters, groups, categories };
}

/** A thread's recorder facts and decisions (recorders.ts). */
interface ThreadRecorders {
  facts: ThreadFacts;
  /** The summary row claiming the whole thread, or null. */
  summary: Recorder | null;
  /** Per category id (categories Kineto does not know): the row deciding, or null. */
  byCat: Map<number, Recorder | null>;
}

function threadRecorders(raw: RawTrace, threads: Map<number, Map<number, ThreadRecorders>>, pidId: number, tidId: number): ThreadRecorders {
  let byTid = threads.get(pidId);
  if (!byTid) threads.set(pidId, (byTid = new Map()));
  let t = byTid.get(tidId);
  if (!t) {
    const pid = raw.strings.get(pidId);
    const tid = raw.strings.get(tidId);
    const facts: ThreadFacts = {
      processName: raw.processNames.get(pid) ?? '',
      processLabels: raw.processLabels.get(pid) ?? '',
      threadName: raw.threadNames.get(`${pid}|${tid}`) ?? tid,
    };
    t = { facts, summary: summaryRecorder(facts), byCat: new Map() };
    byTid.set(tidId, t);
  }
  return t;
}

/**
 * The name of a lane a recorder decided or whose runtime is known from its first call: device
 * lanes "NPU 0 · Stream 2" (one of several ranks: "rank 3 · NPU 0 · Stream 2"), summaries "GPU 0 · XLA Ops", runtime lanes "thread 7 · AscendCL"
 * (else "Runtime API"; Kineto's CUDA lanes keep "CUDA API"). Null: the default name.
 */
function recorderName(raw: RawTrace, facts: ThreadFacts, row: Recorder | null, info: LaneInfo, cat: string, name: string): string | null {
  const thread = threadLabel(raw, info.pid, info.tid, info.kind);
  if (info.kind === 'cuda_api') {
    const runtime = runtimeLabel(cat, name, facts) ?? (row ? 'Runtime API' : null);
    return runtime ? `${thread} · ${runtime}` : null;
  }
  if (!row) return null;
  const rank = rankPrefix(raw);
  if (row.summary) {
    const where = deviceLabel(facts, '') || facts.processName;
    return where ? `${rank}${where} · ${thread}` : thread;
  }
  if (row.hardware) return `${rank}${deviceLabel(facts, row.hardware)} · ${thread}`;
  return null;
}

/** "rank 3 · " when the trace is one of several ranks (distributedInfo: rank, world_size > 1), else "". */
function rankPrefix(raw: RawTrace): string {
  const info = raw.metadata.distributedInfo as { rank?: unknown; world_size?: unknown } | undefined;
  return typeof info?.rank === 'number' && typeof info.world_size === 'number' && info.world_size > 1 ? `rank ${info.rank} · ` : '';
}

function newLaneInfo(raw: RawTrace, trace: string, id: string, pid: string, tid: string, kind: LaneKind): LaneInfo {
  return {
    id,
    kind,
    name: laneDisplayName(raw, pid, tid, kind),
    group: isProfilerProcess(pid) ? groupKey(trace, PROFILER_GROUP) : groupKey(trace, pid),
    trace,
    pid,
    tid,
    events: 0,
    rows: 0,
    sortIndex: 0,
  };
}

function laneDisplayName(raw: RawTrace, pid: string, tid: string, kind: LaneKind): string {
  const label = threadLabel(raw, pid, tid, kind);
  return kind === 'gpu' || isProfilerProcess(pid) ? label : `${label} · ${LANE_KIND_LABEL[kind]}`;
}

export function threadLabel(raw: RawTrace, pid: string, tid: string, kind: LaneKind): string {
  const named = raw.threadNames.get(`${pid}|${tid}`);
  if (named) return named;
  if (!/^-?\d+$/.test(tid)) return tid || (pid ? pid : 'global');
  if (kind === 'gpu') return `stream ${tid}`;
  // Threads the profiler never named (pthread ids of loader workers, tid 0 helpers).
  return `thread ${tid}`;
}

function addCounterSample(
  raw: RawTrace,
  i: number,
  trace: string,
  pid: string,
  cat: string,
  name: string,
  series: Map<string, { info: LaneInfo; t: number[]; rows: Record<string, number>[]; events: number[] }>,
): void {
  const text = raw.argsText(raw.argsOff.data[i], raw.argsLen.data[i]);
  let args: Record<string, unknown> = {};
  try {
    if (text) args = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return;
  }
  let id: string;
  let laneName: string;
  let row: Record<string, number>;
  let unit = '';
  if (isKinetoMemoryEvent(cat, name)) {
    const type = Number(args['Device Type'] ?? 0);
    const dev = Number(args['Device Id'] ?? 0);
    id = laneKey(trace, pid, `memory ${type}:${dev}`, 'counter');
    laneName = type === 0 ? 'CPU memory' : `CUDA ${dev} memory`;
    row = { 'Total Allocated': Number(args['Total Allocated']), 'Total Reserved': Number(args['Total Reserved']) };
    unit = 'bytes';
  } else {
    id = laneKey(trace, pid, `counter ${name}`, 'counter');
    laneName = name;
    row = {};
    for (const [k, v] of Object.entries(args)) if (typeof v === 'number') row[k] = v;
  }
  let c = series.get(id);
  if (!c) {
    const info: LaneInfo = {
      id,
      kind: 'counter',
      name: laneName,
      group: isProfilerProcess(pid) ? groupKey(trace, PROFILER_GROUP) : groupKey(trace, pid),
      trace,
      pid,
      tid: id.split('|')[2],
      events: 0,
      rows: 1,
      sortIndex: 0,
      counter: { series: [], min: 0, max: 0, unit },
    };
    series.set(id, (c = { info, t: [], rows: [], events: [] }));
  }
  c.t.push(raw.start.data[i]);
  c.rows.push(row);
  c.events.push(i);
}

function finishCounter(raw: RawTrace, c: { info: LaneInfo; t: number[]; rows: Record<string, number>[]; events: number[] }): CounterPlan {
  const order = c.t.map((_, k) => k).sort((a, b) => c.t[a] - c.t[b] || a - b);
  const pick = <T extends Uint32Array | Uint8Array | Float64Array>(col: { data: T }, make: new (n: number) => T): T => {
    const out = new make(order.length);
    order.forEach((k, j) => (out[j] = col.data[c.events[k]]));
    return out;
  };
  const source: CounterSource = {
    name: narrowIds(pick(raw.name, Uint32Array)),
    cat: narrowIds(pick(raw.cat, Uint32Array)),
    tid: narrowIds(pick(raw.tid, Uint32Array)),
    kind: pick(raw.kind, Uint8Array),
    argsOff: narrowOffsets(pick(raw.argsOff, Float64Array)),
    argsLen: narrowLengths(pick(raw.argsLen, Uint32Array)),
  };
  const names = new Set<string>();
  for (const r of c.rows) for (const k of Object.keys(r)) names.add(k);
  const series = [...names];
  const t = new Float64Array(order.length);
  const values = series.map(() => new Float64Array(order.length));
  let min = Infinity;
  let max = -Infinity;
  order.forEach((k, j) => {
    t[j] = c.t[k];
    series.forEach((s, si) => {
      // A series missing from a sample keeps its previous value.
      const v = c.rows[k][s];
      const value = Number.isFinite(v) ? v : j > 0 ? values[si][j - 1] : 0;
      values[si][j] = value;
      if (value < min) min = value;
      if (value > max) max = value;
    });
  });
  c.info.events = t.length;
  c.info.counter = { series, min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0, unit: c.info.counter?.unit ?? '' };
  return { info: c.info, t, values, source };
}

function buildGroups(raw: RawTrace, trace: string, lanes: LaneInfo[]): LaneGroup[] {
  const groups = new Map<string, LaneGroup>();
  const hasGpu = new Set(lanes.filter((l) => l.kind === 'gpu').map((l) => l.pid));
  for (const lane of lanes) {
    if (groups.has(lane.group)) continue;
    const profiler = isProfilerProcess(lane.pid);
    const pid = lane.pid;
    let name: string;
    let sortIndex: number;
    if (profiler) {
      name = 'Profiler';
      sortIndex = Number.MAX_SAFE_INTEGER;
    } else {
      const pname = raw.processNames.get(pid);
      const labels = raw.processLabels.get(pid);
      if (hasGpu.has(pid) && labels && /gpu/i.test(labels)) name = pname ? `${labels} (${pname})` : labels;
      // Named pids (speedscope, collapsed stacks, other tools' exports) need no "(pid …)".
      else if (!/^-?\d+$/.test(pid)) name = `${pname ?? pid}${labels ? ` · ${labels}` : ''}`;
      else name = `${pname ?? 'process'} (pid ${pid})${labels ? ` · ${labels}` : ''}`;
      sortIndex = raw.processSort.get(pid) ?? (Number.isFinite(Number(pid)) ? Number(pid) : Number.MAX_SAFE_INTEGER - 1);
    }
    groups.set(lane.group, { id: lane.group, trace, pid: profiler ? PROFILER_GROUP : pid, name, profiler, sortIndex });
  }
  return [...groups.values()].sort((a, b) => a.sortIndex - b.sortIndex || a.id.localeCompare(b.id));
}

/** Order inside a group: thread sort index (or tid), then kind in the SysOM order. */
function orderLanes(raw: RawTrace, lanes: LaneInfo[]): void {
  const threadOrder = (l: LaneInfo): number => {
    const s = raw.threadSort.get(`${l.pid}|${l.tid}`);
    if (s !== undefined) return s;
    const n = Number(l.tid);
    return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
  };
  const sorted = [...lanes].sort(
    (a, b) =>
      (a.kind === 'counter' ? 1 : 0) - (b.kind === 'counter' ? 1 : 0) ||
      threadOrder(a) - threadOrder(b) ||
      a.tid.localeCompare(b.tid) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      a.id.localeCompare(b.id),
  );
  sorted.forEach((l, k) => (l.sortIndex = k));
}
