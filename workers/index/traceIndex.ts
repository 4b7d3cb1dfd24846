// The index of one trace: lanes with their columns, counters, names and args.
// Everything the UI asks (viewport, details, search, key lookup) is answered here.

import { hashName, parseSliceKey, sliceKey } from '../../src/model/keys';
import type {
  FindHit,
  LaneInfo,
  FindQuery,
  LaneGroup,
  QueryResult,
  SliceDetails,
  TraceLoadResult,
  ViewportQuery,
} from '../../src/model/types';
import type { RawTrace } from '../ingest/rawTrace';
import { placeEvents, type CounterPlan, type LaneMap } from '../lanes/laneMapping';
import type { CategoryRule } from '../lanes/categoryRules';
import { flowStats } from './flows';
import { FlowIndex } from './flowIndex';
import { buildLaneIndexes, firstStartingAt, type LaneIndex } from './laneIndex';
import { nestingGroupOf, nestSlices } from './nesting';
import { buildLanesInParallel, type LaneBuilder } from './parallelLanes';
import { SearchHitLayer } from './searchHitLayer';
import { TileStore, tiledViewport } from './tiledViewport';
import type { StageClock } from '../ingest/stageClock';

export interface TraceIndexInput {
  raw: RawTrace;
  trace: string;
  fileName: string;
  format: string;
  bytes: number;
  parseMs: number;
  /** The load's stage times so far; the index adds its own. */
  stages?: StageClock;
  /** The category rules in force (default: DEFAULT_RULES); they never change lane ids. */
  laneRules?: readonly CategoryRule[];
}

/** A trace whose lanes were built on several threads (parallelLanes.ts): raw compacted, lanes in their map's order. */
interface BuiltLanesInput extends TraceIndexInput {
  built: { map: LaneMap; lanes: LaneIndex[]; tiles: TileStore };
}

/** A trace index read back from an index folder: lanes already mapped, sorted and rowed, the load result as written. */
export interface RestoredIndexInput {
  restored: { raw: RawTrace; lanes: LaneIndex[]; counters: CounterPlan[]; result: TraceLoadResult };
}

/** A lane's events, earliest start and latest end (what the trace's extent is made of). */
export interface LaneSpan {
  info: LaneInfo;
  events: number;
  minNs: number;
  maxNs: number;
}

/** A lane's span from its sorted columns: its first start; the latest end is some row's last slice's (ends are sorted within a row). */
function laneSpan(lane: LaneIndex): LaneSpan {
  let maxNs = -Infinity;
  for (const list of lane.rows) {
    const last = list[list.length - 1];
    if (last !== undefined && lane.start[last] + lane.dur[last] > maxNs) maxNs = lane.start[last] + lane.dur[last];
  }
  return { info: lane.info, events: lane.start.length, minNs: lane.start.length ? lane.start[0] : Infinity, maxNs };
}

/**
 * The load result of a trace whose events are all placed (`map`) and whose lanes span `spans` (in the map's
 * order): what the in-memory index and a bounded index writer (indexFolder/boundedIndex.ts, which never
 * holds the lanes) both report. `phases`: raw.phases as the parse left them.
 */
export function loadResult(input: TraceIndexInput, map: Pick<LaneMap, 'counters' | 'groups' | 'categories'>, spans: readonly LaneSpan[], phases: Record<string, number>): TraceLoadResult {
  const { raw, trace, stages } = input;
  // The extent a user wants to see: Kineto's own markers (e.g. "Record Window End",
  // long after the last event) only count when nothing else is there.
  const profilerGroups = new Set(map.groups.filter((g) => g.profiler).map((g) => g.id));
  let [minNs, maxNs] = traceExtent(spans, map.counters, (info) => !profilerGroups.has(info.group));
  if (!Number.isFinite(minNs)) [minNs, maxNs] = traceExtent(spans, map.counters, () => true);
  if (!Number.isFinite(minNs)) minNs = maxNs = 0;
  let events = 0;
  for (const lane of spans) events += lane.events;
  for (const c of map.counters) events += c.t.length;
  const lanes = spans.map((l) => l.info).concat(map.counters.map((c) => c.info));
  lanes.sort((a, b) => a.sortIndex - b.sortIndex);
  return {
    trace,
    fileName: input.fileName,
    format: input.format,
    originNs: raw.originAbsNs(),
    minNs,
    maxNs,
    events,
    categories: map.categories,
    phases,
    flows: flowStats(raw),
    lanes,
    groups: map.groups,
    names: raw.strings.values,
    metadata: raw.metadata,
    warnings: raw.finalWarnings(),
    bytes: input.bytes,
    parseMs: input.parseMs,
    ...(stages ? { stagesMs: stages.marks } : {}),
    ...(raw.scanner ? { scanner: raw.scanner } : {}),
    ...(raw.flame ? { flame: raw.flame } : {}),
  };
}

/**
 * The span of the included lanes' slices; counters only when there is no slice, so a counter
 * sampled for minutes after the work (a serving trace's usage meter) does not shrink it to a sliver.
 */
function traceExtent(spans: readonly LaneSpan[], counters: readonly CounterPlan[], include: (info: LaneInfo) => boolean): [number, number] {
  let minNs = Infinity;
  let maxNs = -Infinity;
  for (const lane of spans) {
    if (lane.events === 0 || !include(lane.info)) continue;
    if (lane.minNs < minNs) minNs = lane.minNs;
    if (lane.maxNs > maxNs) maxNs = lane.maxNs;
  }
  if (Number.isFinite(minNs)) return [minNs, maxNs];
  for (const c of counters) {
    if (c.t.length === 0 || !include(c.info)) continue;
    minNs = Math.min(minNs, c.t[0]);
    maxNs = Math.max(maxNs, c.t[c.t.length - 1]);
  }
  return [minNs, maxNs];
}

export class TraceIndex {
  readonly lanes = new Map<string, LaneIndex>();
  readonly counters = new Map<string, CounterPlan>();
  readonly groups: LaneGroup[];
  readonly result: TraceLoadResult;
  private flows: FlowIndex | null = null;
  /** The imported events (window export reads their own pid/tid/args). */
  readonly raw: RawTrace;
  /** Level-of-detail tiles of the lanes and counters (coarse levels built here, fine ones on demand). */
  readonly tiles: TileStore;
  /** Resolves once the args store is fully deflated (memory settled), some time after loading. */
  settled: Promise<void> = Promise.resolve();
  /**
   * Starts the work `settled` waits for, if it waits to be started: that work is held back
   * until the first viewport is answered (trace.worker.ts), so it does not take a core from
   * the first frame.
   */
  beginBackground: () => void = () => undefined;
  /** The hits of the last search, outlined on the timeline (one query at a time per trace). */
  searchLayer: SearchHitLayer | null = null;
  private readonly originAbs: bigint;

  /**
   * The index of a parsed trace, its lanes sorted, rowed and tiled by `helpers` (fragment workers
   * done parsing) while this thread reads the counters: what the constructor builds alone.
   */
  static async build(input: TraceIndexInput, helpers: readonly LaneBuilder[]): Promise<TraceIndex> {
    if (helpers.length === 0) return new TraceIndex(input);
    input.raw.compact();
    const placed = placeEvents(input.raw, input.trace, input.laneRules);
    input.stages?.mark('events placed');
    const built = await buildLanesInParallel(input.raw, placed, helpers, input.stages);
    return new TraceIndex({ ...input, built });
  }

  constructor(input: TraceIndexInput | BuiltLanesInput | RestoredIndexInput) {
    if ('restored' in input) {
      // An index folder's lanes (workers/indexFolder/openIndex.ts): mapped and sorted when it was written.
      const { raw, lanes, counters, result } = input.restored;
      this.raw = raw;
      for (const lane of lanes) this.lanes.set(lane.info.id, lane);
      for (const c of counters) this.counters.set(c.info.id, c);
      this.groups = result.groups;
      this.tiles = new TileStore(this.lanes.values());
      this.originAbs = BigInt(result.originNs);
      this.result = result;
      return;
    }
    const { raw, trace } = input;
    this.raw = raw;
    const stages = input.stages;
    let map: LaneMap;
    if ('built' in input) {
      ({ map, tiles: this.tiles } = input.built);
      for (const lane of input.built.lanes) this.lanes.set(lane.info.id, lane);
    } else {
      raw.compact();
      const placed = placeEvents(raw, trace, input.laneRules);
      stages?.mark('events placed');
      // The counters read and the lanes named and ordered.
      map = placed.finish();
      stages?.mark('lanes mapped');
      for (const lane of buildLaneIndexes(raw, map.lanes, map.laneOfEvent)) this.lanes.set(lane.info.id, lane);
      stages?.mark('lanes sorted, rows');
      this.tiles = new TileStore(this.lanes.values());
    }
    for (const c of map.counters) this.counters.set(c.info.id, c);
    this.groups = map.groups;
    stages?.mark('tiles');
    // Lanes and counters now hold every event (sorted); the importer's copy can go.
    const phases = { ...raw.phases };
    raw.releaseEventColumns();
    this.originAbs = BigInt(raw.originAbsNs());
    const spans = [...this.lanes.values()].map(laneSpan);
    this.result = loadResult(input, map, spans, phases);
  }

  /**
   * Flow points (s/t/f) bound to slices; see flowIndex.ts for the binding rules. Built on
   * the first question that needs it (a selected slice's links), not before the first frame.
   */
  get flowIndex(): FlowIndex {
    return (this.flows ??= new FlowIndex(this.raw, this.lanes.values()));
  }

  query(q: ViewportQuery): QueryResult {
    const result = tiledViewport(this.tiles, this.lanes, this.counters, q);
    const layer = this.searchLayer;
    if (q.searchId !== undefined && layer?.id === q.searchId) result.hitMarks = layer.marks(q.laneIds, q.startNs, q.endNs, q.widthPx, q.rows);
    return result;
  }

  slice(laneId: string, k: number): SliceDetails | null {
    const lane = this.lanes.get(laneId);
    if (!lane || k < 0 || k >= lane.start.length) return null;
    const strings = this.raw.strings;
    const name = strings.get(lane.name[k]);
    return {
      key: this.keyOf(lane, k),
      laneId,
      eventIdx: k,
      name,
      category: strings.get(lane.cat[k]),
      startNs: lane.start[k],
      durNs: lane.dur[k],
      selfNs: this.selfTime(lane, k),
      row: lane.row[k],
      instant: lane.instant[k] === 1,
      args: this.raw.argsText(lane.argsOff[k], lane.argsLen[k]),
    };
  }

  find(q: FindQuery): FindHit[] {
    const limit = q.limit ?? 1000;
    const strings = this.raw.strings.values;
    const re = q.regex !== undefined ? new RegExp(q.regex) : null;
    const wanted = new Set<number>();
    strings.forEach((s, id) => {
      if (re ? re.test(s) : s === q.name) wanted.add(id);
    });
    const hits: FindHit[] = [];
    if (wanted.size === 0) return hits;
    for (const lane of this.lanes.values()) {
      if (q.laneKind && lane.info.kind !== q.laneKind) continue;
      for (let k = 0; k < lane.start.length && hits.length < limit; k++) {
        if (wanted.has(lane.name[k])) {
          hits.push({ key: this.keyOf(lane, k), laneId: lane.info.id, eventIdx: k, startNs: lane.start[k], durNs: lane.dur[k] });
        }
      }
    }
    return hits;
  }

  resolveKey(key: string): { laneId: string; eventIdx: number } | null {
    const parsed = parseSliceKey(key);
    if (!parsed) return null;
    const lane = this.lanes.get(parsed.lane);
    if (!lane) return null;
    const rel = Number(parsed.absStartNs - this.originAbs);
    let ordinal = 0;
    for (let k = firstStartingAt(lane, rel); k < lane.start.length && lane.start[k] === rel; k++) {
      if (hashName(this.raw.strings.get(lane.name[k])) !== parsed.nameHash) continue;
      if (ordinal++ === parsed.ordinal) return { laneId: lane.info.id, eventIdx: k };
    }
    return null;
  }

  /** Name of event k of a lane. */
  nameOf(lane: Pick<LaneIndex, 'name'>, k: number): string {
    return this.raw.strings.get(lane.name[k]);
  }

  /** Category of event k of a lane. */
  catOf(lane: Pick<LaneIndex, 'cat'>, k: number): string {
    return this.raw.strings.get(lane.cat[k]);
  }

  /** The args JSON text of event k of a lane, or null. */
  argsOf(lane: Pick<LaneIndex, 'argsOff' | 'argsLen'>, k: number): string | null {
    return this.raw.argsText(lane.argsOff[k], lane.argsLen[k]);
  }

  /** The interned name table (ids are LaneIndex.name values). */
  get names(): readonly string[] {
    return this.raw.strings.values;
  }

  keyOf(lane: LaneIndex, k: number): string {
    let ordinal = 0;
    for (let j = k - 1; j >= 0 && lane.start[j] === lane.start[k]; j--) if (lane.name[j] === lane.name[k]) ordinal++;
    return this.sliceKey(lane, lane.start[k], lane.name[k], ordinal);
  }

  /** The key of a lane's slice starting at startNs named `name`, the `ordinal`-th of that name to start then (keyOf). */
  sliceKey(lane: Pick<LaneIndex, 'info'>, startNs: number, name: number, ordinal: number): string {
    return sliceKey(lane.info.id, this.originAbs + BigInt(Math.round(startNs)), this.raw.strings.get(name), ordinal);
  }

  /** Self time as Statistics and the Call tree count it (nesting.ts), over the slice's own span. */
  private selfTime(lane: LaneIndex, k: number): number {
    const group = nestingGroupOf(this.lanes.values(), lane);
    const nest = nestSlices(group, lane.start[k], lane.start[k] + lane.dur[k]);
    const l = group.indexOf(lane);
    for (let i = 0; i < nest.event.length; i++) if (nest.lane[i] === l && nest.event[i] === k) return nest.self[i];
    return lane.dur[k];
  }
}
