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
import { asyncLanes } from './asyncLanes';
import { CounterLaneBuilder, PROFILER_GROUP, type CounterPlan } from './counterLanes';

/** A lane before indexing: its identity and how many raw events it holds (which: LaneMap.laneOfEvent). */
export interface LanePlan {
  info: LaneInfo;
  events: number;
}

export type { CounterPlan, CounterSource } from './counterLanes';

export interface LaneMap {
  lanes: LanePlan[];
  /** Per raw event, its position in `lanes` (−1: a counter sample, or no lane). */
  laneOfEvent: Int32Array;
  counters: CounterPlan[];
  groups: LaneGroup[];
  /** Events per category placed in lanes (slices, instants, counter samples). */
  categories: Record<string, number>;
}

const KIND_CODE: Record<LaneKind, number> = { python: 0, cpu: 1, cuda_api: 2, gpu: 3, syscall: 4, counter: 5 };
const KIND_CODES = 8;

/**
 * Every slice event placed in its lane (`lanes`, `laneOfEvent`); counter samples only noted.
 * `finish()` reads the counters' args into counter lanes and names and orders every lane: the lanes'
 * columns can be sorted and rowed (on other threads: index/parallelLanes.ts) meanwhile.
 */
export interface PlacedEvents {
  lanes: LanePlan[];
  laneOfEvent: Int32Array;
  /** Counter samples `finish()` will read. */
  counterSamples: number;
  finish(): LaneMap;
}

/**
 * `rules` (default: DEFAULT_RULES) decide what a lane is SHOWN as; the lane key always
 * uses the built-in kind, so identity does not depend on the rules (categoryRules.ts).
 */
export function placeEvents(raw: RawTrace, trace: string, rules: readonly CategoryRule[] = DEFAULT_RULES): PlacedEvents {
  const strings = raw.strings;
  // pid id → track key → lane; a track key packs the tid id (or the async track) with the kind.
  const laneOf = new Map<number, Map<number, number>>();
  const laneOfEvent = new Int32Array(raw.count).fill(-1);
  const laneEvents: number[] = [];
  const infos: LaneInfo[] = [];
  const counterEvents: number[] = [];
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
  // Async slices go to the lane of their operation's root (asyncLanes.ts), whose name decides its kind.
  const async = asyncLanes(raw);
  const asyncFirst = raw.asyncFirst;
  const asyncEnd = asyncFirst + async.trackOf.length;
  const asyncNames = new Map<string, string>();

  for (let i = 0; i < n; i++) {
    if ((i & 0xffff) === 0) beat();
    const catId = cats[i];
    catCounts[catId] = (catCounts[catId] ?? 0) + 1;
    const isMemory = kinds[i] === RawKind.Instant && names[i] === memoryName && isKinetoMemoryEvent(strings.get(catId), '[memory]');
    if (kinds[i] === RawKind.Counter || isMemory) {
      counterEvents.push(i);
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
    const asyncTrack = i >= asyncFirst && i < asyncEnd && (flags[i] & RawFlag.Async) !== 0 ? async.trackOf[i - asyncFirst] : -1;
    const kindName = asyncTrack >= 0 ? async.tracks[asyncTrack].kindName : names[i];
    let kind: LaneKind;
    if (decided !== null) kind = decided;
    else {
      let byName = kindOfName.get(kindName);
      if (byName === undefined) kindOfName.set(kindName, (byName = laneKindOf(strings.get(catId), strings.get(kindName))));
      kind = byName;
    }
    // Async tracks are per process, category and root name (asyncLanes.ts): negative keys.
    const kindCode = KIND_CODE[kind];
    const track = asyncTrack >= 0 ? -1 - (asyncTrack * KIND_CODES + kindCode) : tids[i] * KIND_CODES + kindCode;
    const pidId = pids[i];
    let lane = lastLane;
    if (pidId !== lastPid || track !== lastTrack) {
      let tracks = laneOf.get(pidId);
      if (!tracks) laneOf.set(pidId, (tracks = new Map()));
      let found = tracks.get(track);
      if (found === undefined) {
        const pid = strings.get(pidId);
        const cat = strings.get(catId);
        const tid = asyncTrack >= 0 ? async.tracks[asyncTrack].tid : strings.get(tids[i]);
        found = infos.length;
        tracks.set(track, found);
        const info = newLaneInfo(raw, trace, laneKey(trace, pid, tid, kind), pid, tid, kind);
        const named = recorderName(raw, thr.facts, row, info, cat, strings.get(names[i]));
        if (named) recorderNames.set(info.id, (info.name = named));
        if (asyncTrack >= 0) {
          info.async = true;
          asyncNames.set(info.id, (info.name = async.tracks[asyncTrack].name));
        }
        if (row?.summary) info.summary = true;
        votes.place(infos.length, { process: [thr.facts.processName, thr.facts.processLabels], thread: thr.facts.threadName });
        infos.push(info);
        laneEvents.push(0);
      }
      lane = found;
      lastPid = pidId;
      lastTrack = track;
      lastLane = lane;
    }
    laneOfEvent[i] = lane;
    laneEvents[lane]++;
    votes.vote(lane, i, catId, names[i], kind);
  }
  const lanes = infos.map((info, k) => ({ info, events: laneEvents[k] }));
  const finish = (): LaneMap => {
    const categories: Record<string, number> = {};
    for (let catId = 0; catId < catCounts.length; catId++) {
      const count = catCounts[catId];
      if (!count) continue;
      const cat = strings.get(catId) || '(none)';
      categories[cat] = (categories[cat] ?? 0) + count;
    }

    // In file order, as the events came: a counter lane's samples and series keep that order.
    const counterLanes = new CounterLaneBuilder(raw, trace);
    for (let k = 0; k < counterEvents.length; k++) {
      if ((k & 0xffff) === 0) beat();
      counterLanes.add(counterEvents[k]);
    }
    const counters: CounterPlan[] = counterLanes.finish();

    const allInfos = [...lanes.map((l) => l.info), ...counters.map((c) => c.info)];
    const groupLabels = votes.apply(infos, {
      defaultName: (info, kind) =>
        asyncNames.get(info.id) ?? (kind === info.kind ? recorderNames.get(info.id) : undefined) ?? laneDisplayName(raw, info.pid, info.tid, kind),
      thread: (info) => threadLabel(raw, info.pid, info.tid, info.kind),
    });
    const groups = buildGroups(raw, trace, allInfos);
    for (const g of groups) g.name = groupLabels.get(g.id) ?? g.name;
    orderLanes(raw, allInfos);
    return { lanes, laneOfEvent, counters, groups, categories };
  };
  return { lanes, laneOfEvent, counterSamples: counterEvents.length, finish };
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
