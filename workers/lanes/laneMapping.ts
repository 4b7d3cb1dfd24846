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
import { asyncLanes, type AsyncLanes } from './asyncLanes';
import { Column } from '../ingest/growable';
import { CounterLaneBuilder, PROFILER_GROUP, type CounterEvents, type CounterPlan } from './counterLanes';

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
  const placer = new EventPlacer(raw, trace, rules, asyncLanes(raw), true);
  const laneOfEvent = placer.place(raw.kind.data, raw.flags.data, raw.pid.data, raw.tid.data, raw.cat.data, raw.name.data, raw.start.data, raw.argsOff.data, raw.argsLen.data, 0, raw.count);
  return { lanes: placer.plans(), laneOfEvent, counterSamples: placer.counterSamples, finish: () => placer.finish(laneOfEvent) };
}

/**
 * The lane mapping, resumable: events are placed in file order, all at once (placeEvents) or block by
 * block (a bounded index writer, which never holds every event: indexFolder/boundedIndex.ts), with the
 * same state carried from one block to the next; counter samples are copied as they come, so `finish`
 * reads no event of a block gone. Lanes are numbered in order of their first event.
 */
export class EventPlacer {
  private readonly strings;
  // pid id → track key → lane; a track key packs the tid id (or the async track) with the kind.
  private readonly laneOf = new Map<number, Map<number, number>>();
  private readonly laneEvents: number[] = [];
  private readonly infos: LaneInfo[] = [];
  /** Everything per event is by string id: strings are looked at once per distinct id. */
  private readonly catCounts: number[] = [];
  private readonly kindOfCat: (LaneKind | null | undefined)[] = [];
  private readonly kindOfName = new Map<number, LaneKind>();
  private readonly memoryName: number | undefined;
  private lastPid = -1;
  private lastTrack = NaN;
  private lastLane = -1;
  private readonly votes: LaneRuleVotes;
  /** What each thread says about itself (recorders.ts), once per pid/tid id pair. */
  private readonly threads = new Map<number, Map<number, ThreadRecorders>>();
  private thrPid = -1;
  private thrTid = -1;
  private thr: ThreadRecorders | null = null;
  /** Lane id → the name a recorder row gives it ("NPU 0 · Stream 2", "thread 7 · AscendCL"). */
  private readonly recorderNames = new Map<string, string>();
  private readonly asyncNames = new Map<string, string>();
  /** In file order, as the events came: a counter lane's samples and series keep that order. */
  /** Counter samples' indices in the raw columns, where those stay (else null: copied into `counters`). */
  private readonly sampleEvents: number[] | null;
  private readonly counters: CounterEvents = { kind: new Column(Uint8Array), start: new Column(Float64Array), pid: new Column(Uint32Array), tid: new Column(Uint32Array), cat: new Column(Uint32Array), name: new Column(Uint32Array), argsOff: new Column(Float64Array), argsLen: new Column(Uint32Array) };

  constructor(
    private readonly raw: RawTrace,
    private readonly trace: string,
    rules: readonly CategoryRule[] = DEFAULT_RULES,
    /** Async slices go to the lane of their operation's root (asyncLanes.ts), whose name decides its kind; read while the async slices are in the columns. */
    private readonly async: AsyncLanes = asyncLanes(raw),
    /**
     * The raw columns outlive the placing (all events at once): counter samples are noted by their
     * index there, as `finish` reads them, instead of copied (a cold copy cost the first frame ~10 ms).
     */
    eventsStay = false,
  ) {
    this.sampleEvents = eventsStay ? [] : null;
    this.strings = raw.strings;
    this.memoryName = raw.strings.lookup('[memory]');
    this.votes = new LaneRuleVotes(compileRules(rules), raw.strings);
  }

  /** Lanes so far. */
  get lanes(): number {
    return this.infos.length;
  }

  /** Counter samples placed so far. */
  get counterSamples(): number {
    return this.sampleEvents?.length ?? this.counters.kind.length;
  }

  /** The lanes so far, each with its events so far. */
  plans(): LanePlan[] {
    return this.infos.map((info, k) => ({ info, events: this.laneEvents[k] }));
  }

  /**
   * Places events [from, to) of the columns given, the file's events `first + from` on (`first`: the file's
   * event at index 0 of the columns); returns each one's lane (−1: a counter sample), index 0 for `from`.
   */
  place(kinds: Uint8Array, flags: Uint8Array, pids: Uint32Array, tids: Uint32Array, cats: Uint32Array, names: Uint32Array, starts: Float64Array, argsOff: Float64Array, argsLen: Uint32Array, first: number, to: number, from = 0): Int32Array {
    const { strings, catCounts, kindOfCat, kindOfName, votes, infos, laneEvents, async } = this;
    const laneOfEvent = new Int32Array(to - from).fill(-1);
    const asyncFirst = this.raw.asyncFirst;
    const asyncEnd = asyncFirst + async.trackOf.length;
    // The state carried between blocks, in locals while the loop runs (fields cost in this loop, which sees every event).
    let { lastPid, lastTrack, lastLane, thrPid, thrTid, thr } = this;
    const memoryName = this.memoryName;
    const samples: number[] = [];
    for (let i = from; i < to; i++) {
      if ((i & 0xffff) === 0) beat();
      const catId = cats[i];
      catCounts[catId] = (catCounts[catId] ?? 0) + 1;
      const isMemory = kinds[i] === RawKind.Instant && names[i] === memoryName && isKinetoMemoryEvent(strings.get(catId), '[memory]');
      if (kinds[i] === RawKind.Counter || isMemory) {
        samples.push(i);
        continue;
      }
      if (pids[i] !== thrPid || tids[i] !== thrTid || !thr) {
        thrPid = pids[i];
        thrTid = tids[i];
        thr = threadRecorders(this.raw, this.threads, thrPid, thrTid);
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
      const event = first + i;
      const asyncTrack = event >= asyncFirst && event < asyncEnd && (flags[i] & RawFlag.Async) !== 0 ? async.trackOf[event - asyncFirst] : -1;
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
        let tracks = this.laneOf.get(pidId);
        if (!tracks) this.laneOf.set(pidId, (tracks = new Map()));
        let found = tracks.get(track);
        if (found === undefined) {
          const pid = strings.get(pidId);
          const cat = strings.get(catId);
          const tid = asyncTrack >= 0 ? async.tracks[asyncTrack].tid : strings.get(tids[i]);
          found = infos.length;
          tracks.set(track, found);
          const info = newLaneInfo(this.raw, this.trace, laneKey(this.trace, pid, tid, kind), pid, tid, kind);
          const named = recorderName(this.raw, thr.facts, row, info, cat, strings.get(names[i]));
          if (named) this.recorderNames.set(info.id, (info.name = named));
          if (asyncTrack >= 0) {
            info.async = true;
            this.asyncNames.set(info.id, (info.name = async.tracks[asyncTrack].name));
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
      laneOfEvent[i - from] = lane;
      laneEvents[lane]++;
      votes.vote(lane, event, catId, names[i], kind);
    }
    Object.assign(this, { lastPid, lastTrack, lastLane, thrPid, thrTid, thr });
    if (this.sampleEvents) {
      for (const i of samples) this.sampleEvents.push(first + i);
      return laneOfEvent;
    }
    // Counter samples' fields copied column by column, not eight pushes per sample inside the loop.
    const c = this.counters;
    appendAt(c.kind, kinds, samples);
    appendAt(c.start, starts, samples);
    appendAt(c.pid, pids, samples);
    appendAt(c.tid, tids, samples);
    appendAt(c.cat, cats, samples);
    appendAt(c.name, names, samples);
    appendAt(c.argsOff, argsOff, samples);
    appendAt(c.argsLen, argsLen, samples);
    return laneOfEvent;
  }

  /** Once every event is placed: the counters read into counter lanes, every lane named and ordered (`laneOfEvent`: the map's, as placed). */
  finish(laneOfEvent: Int32Array): LaneMap {
    const { strings, raw, trace } = this;
    const categories: Record<string, number> = {};
    for (let catId = 0; catId < this.catCounts.length; catId++) {
      const count = this.catCounts[catId];
      if (!count) continue;
      const cat = strings.get(catId) || '(none)';
      categories[cat] = (categories[cat] ?? 0) + count;
    }

    const sampleEvents = this.sampleEvents;
    const counterLanes = new CounterLaneBuilder(raw, trace, sampleEvents ? raw : this.counters);
    for (let k = 0; k < this.counterSamples; k++) {
      if ((k & 0xffff) === 0) beat();
      counterLanes.add(sampleEvents ? sampleEvents[k] : k);
    }
    const counters: CounterPlan[] = counterLanes.finish();

    const lanes = this.plans();
    const infos = this.infos;
    const allInfos = [...infos, ...counters.map((c) => c.info)];
    const groupLabels = this.votes.apply(infos, {
      defaultName: (info, kind) =>
        this.asyncNames.get(info.id) ?? (kind === info.kind ? this.recorderNames.get(info.id) : undefined) ?? laneDisplayName(raw, info.pid, info.tid, kind),
      thread: (info) => threadLabel(raw, info.pid, info.tid, info.kind),
    });
    const groups = buildGroups(raw, trace, allInfos);
    for (const g of groups) g.name = groupLabels.get(g.id) ?? g.name;
    orderLanes(raw, allInfos);
    return { lanes, laneOfEvent, counters, groups, categories };
  }
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

/** Appends `from[at[k]]` for every k to `column`. */
function appendAt<T extends Uint8Array | Uint32Array | Float64Array>(column: Column<T>, from: T, at: readonly number[]): void {
  const base = column.length;
  const data = column.extend(at.length);
  for (let k = 0; k < at.length; k++) data[base + k] = from[at[k]];
}
