// The lanes' sort, rows and coarse tiles on other threads: after a parallel parse the trace worker
// would do them alone while its fragment workers idle. The lanes' columns (in file order) go to the
// helpers, in one message each; a helper builds each lane as the trace worker would (the same
// functions) and sends its index and its pyramid's eager levels back, while the trace worker reads
// the counters and names the lanes. Every array moves (transferred), none is copied.

import type { LaneInfo } from '../../src/model/types';
import type { RawTrace } from '../ingest/rawTrace';
import type { StageClock } from '../ingest/stageClock';
import type { LaneMap, PlacedEvents } from '../lanes/laneMapping';
import { gatherLaneColumns, sortedLaneIndex, type LaneColumns, type LaneIndex } from './laneIndex';
import { TileStore } from './tiledViewport';
import type { StoredPyramid } from './tilePyramid';

/** Lanes for a helper to build, in one message: each with its columns in file order. */
export interface LaneJob {
  lanes: { info: LaneInfo; cols: LaneColumns }[];
}

/** A helper's answer, lane by lane as asked: the lane's index (its info a copy) and its first band's eager levels, if it has any. */
export interface LaneJobResult {
  lanes: { lane: LaneIndex; pyramid: StoredPyramid | null }[];
}

/** A thread that builds lanes (a fragment worker: parallelParse.ts FragmentHelper.lanes). */
export interface LaneBuilder {
  lanes(job: LaneJob, transfer: Transferable[]): Promise<LaneJobResult>;
}

/** Runs in a helper: the lanes as sortedLaneIndex and TileStore would build them on the trace worker. */
export function buildLaneJob(job: LaneJob): { result: LaneJobResult; transfer: ArrayBuffer[] } {
  const lanes = job.lanes.map(({ info, cols }) => {
    const lane = sortedLaneIndex(info, cols);
    return { lane, pyramid: new TileStore([lane]).eagerLevels(lane.info.id) };
  });
  return { result: { lanes }, transfer: [...new Set(lanes.flatMap((l) => laneBuffers(l.lane, l.pyramid)))] };
}

/**
 * Every buffer under a lane's columns (and a pyramid's tiles), once each. Empty ones are left out:
 * they may be shared by every lane (the rows not assigned yet), and a buffer transferred once is gone.
 */
export function laneBuffers(lane: LaneIndex | LaneColumns, pyramid: StoredPyramid | null = null): ArrayBuffer[] {
  const arrays: ArrayBufferView[] = [lane.start, lane.dur, lane.name, lane.cat, lane.row, lane.instant, lane.flags, lane.argsOff, lane.argsLen];
  if ('rows' in lane) arrays.push(...lane.rows, ...lane.rowBlocks.flat());
  for (const t of pyramid?.tiles ?? []) arrays.push(t.rows, t.busy, t.count, t.name, t.event);
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer).filter((b) => b.byteLength > 0))];
}

/**
 * Cores from which a parallel parse's helpers build the lanes unasked (LoadOptions.laneHelpers). On the
 * 2-core VM, quiet or shared, they did not gain (bench/README.md, issue 16): the counters the trace worker
 * reads meanwhile took ~60 % longer, and the first frame after the index came later.
 */
export const LANE_HELPERS_MIN_CORES = 4;

/** Which helper builds each lane: largest first, each to the helper with the fewest events so far. */
export function shareLanes(events: readonly number[], helpers: number): Int32Array {
  const to = new Int32Array(events.length);
  const load = new Array<number>(helpers).fill(0);
  const order = events.map((_, l) => l).sort((a, b) => events[b] - events[a] || a - b);
  for (const l of order) {
    let least = 0;
    for (let h = 1; h < helpers; h++) if (load[h] < load[least]) least = h;
    load[least] += events[l];
    to[l] = least;
  }
  return to;
}

/**
 * The lanes of `placed` (in its order), counters and groups (LaneMap) and the lanes' coarse tiles:
 * `helpers` build every lane while this thread reads the counters and names the lanes. The lanes all
 * go: this thread's share is the counters (Kineto's [memory] samples, ~0.2 s of llm_decode_large's
 * index in Chromium), and lanes built here too would compile the same code cold on both threads
 * (on the 2-core VM, shared, that lost: bench/README.md, issue 16).
 */
export async function buildLanesInParallel(
  raw: RawTrace,
  placed: PlacedEvents,
  helpers: readonly LaneBuilder[],
  stages?: StageClock,
): Promise<{ map: LaneMap; lanes: LaneIndex[]; tiles: TileStore }> {
  const plans = placed.lanes;
  const cols = gatherLaneColumns(raw, plans, placed.laneOfEvent);
  const to = shareLanes(plans.map((p) => p.events), helpers.length);
  const answers = helpers.map((helper, h) => {
    const mine = plans.map((_, l) => l).filter((l) => to[l] === h);
    const job: LaneJob = { lanes: mine.map((l) => ({ info: plans[l].info, cols: cols[l] })) };
    return { mine, result: mine.length ? helper.lanes(job, [...new Set(mine.flatMap((l) => laneBuffers(cols[l])))]) : null };
  });
  stages?.mark('lanes sent');
  const map = placed.finish();
  stages?.mark('lanes mapped');
  const tiles = new TileStore([]);
  const lanes: LaneIndex[] = new Array<LaneIndex>(plans.length);
  for (const { mine, result } of answers) {
    if (!result) continue;
    const built = (await result).lanes;
    mine.forEach((l, k) => {
      const { lane, pyramid } = built[k];
      // The lane's own info object (names and kinds are decided on it), with what the helper counted.
      const info = plans[l].info;
      info.events = lane.info.events;
      info.rows = lane.info.rows;
      lane.info = info;
      tiles.addLane(lane, pyramid ?? undefined);
      lanes[l] = lane;
    });
  }
  stages?.mark('lanes sorted, rows');
  return { map, lanes, tiles };
}
