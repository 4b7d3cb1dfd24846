// Flow events (ph s / t / f, and v2 bind_id points) bound to slices, built once per trace.
//
// Binding rules (Trace Event Format, as Chrome and Kineto write it):
// - a point binds on its own pid/tid, i.e. to the lanes of that thread (GPU: device/stream);
// - 's', 't' and 'f' with bp "e" bind to the enclosing slice; a slice that starts exactly at
//   the point wins (Kineto's 'f' sits at the kernel's start), else the deepest slice covering it;
// - 'f' without bp "e" binds to the next slice starting at or after it;
// - a v2 point (bind_id + flow_in / flow_out on a slice event) binds to that slice: the one of
//   its name starting at its ts (the outermost if several), else as an enclosing point;
// - lanes of the thread are tried in a fixed order (GPU, CUDA API, CPU, syscalls, Python) and the
//   first that has a candidate wins: a launch call is the innermost host frame of its thread.
// Which point links to which is flowHops.ts: s → t… → f per flow, ids reused once a flow ended,
// several f may share a flow (one cudaGraphLaunch, many kernels).

import type { LaneKind } from '../../src/model/types';
import { FlowBinding, type RawTrace } from '../ingest/rawTrace';
import { deepestEnclosingAll, deepestStartingAt } from './enclosing';
import { flowHops } from './flowHops';
import { firstStartingAt, type LaneIndex } from './laneIndex';

const S = 's'.charCodeAt(0);
const T = 't'.charCodeAt(0);
const F = 'f'.charCodeAt(0);

const BIND_ORDER: LaneKind[] = ['gpu', 'cuda_api', 'cpu', 'syscall', 'python'];

/** One flow point; lane −1 when nothing on its thread could take it. */
export interface FlowPoint {
  flow: number;
  phase: 's' | 't' | 'f';
  key: string;
  tsNs: number;
  lane: number;
  eventIdx: number;
}

export class FlowIndex {
  /** Lane ordinal → lane (ordinals are local to this index). */
  readonly laneList: LaneIndex[];
  private readonly laneOrd = new Map<string, number>();
  private readonly pointLane: Int32Array;
  private readonly pointEvent: Int32Array;
  /**
   * The arrows: hopFrom[i] = the point i is linked from (−1: none); the points linked from i are
   * hopTo[hopStart[i] … hopStart[i + 1]). Typed arrays, not a Map of arrays: a JS array per flow
   * cost over 100 B per point.
   */
  private readonly hopFrom: Int32Array;
  private readonly hopStart: Int32Array;
  private readonly hopTo: Int32Array;
  /** The bound points sorted by (lane, event, point): a slice's points are one run, found by binary search. */
  private readonly sliceOrder: Int32Array;

  constructor(
    private readonly raw: RawTrace,
    lanes: Iterable<LaneIndex>,
  ) {
    this.laneList = [...lanes];
    this.laneList.forEach((l, i) => this.laneOrd.set(l.info.id, i));
    const byThread = new Map<string, number[]>();
    this.laneList.forEach((l, i) => {
      const t = `${l.info.pid}|${l.info.tid}`;
      const list = byThread.get(t) ?? [];
      list.push(i);
      byThread.set(t, list);
    });
    for (const list of byThread.values()) {
      list.sort((a, b) => BIND_ORDER.indexOf(this.laneList[a].info.kind) - BIND_ORDER.indexOf(this.laneList[b].info.kind));
    }

    const f = raw.flows;
    const n = f.key.length;
    this.pointLane = new Int32Array(n).fill(-1);
    this.pointEvent = new Int32Array(n).fill(-1);
    const strings = raw.strings;
    // Enclosing binds are settled per thread, lane by lane in BIND_ORDER, for all of the
    // thread's points at once: the "deepest slice covering" search is one sweep per lane
    // (deepestEnclosingAll), not a scan of every row per point (a lane of 70 000 rows).
    const enclosed = new Map<number[], number[]>();
    for (let i = 0; i < n; i++) {
      const lanes = byThread.get(`${strings.get(f.pid.data[i])}|${strings.get(f.tid.data[i])}`);
      if (!lanes) continue;
      if (f.enclosing.data[i] === FlowBinding.Own && this.bindOwn(lanes, i)) continue;
      if (f.phase.data[i] !== F || f.enclosing.data[i] !== FlowBinding.Next) {
        let points = enclosed.get(lanes);
        if (!points) enclosed.set(lanes, (points = []));
        points.push(i);
        continue;
      }
      const [lane, k] = this.nextSlice(lanes, f.ts.data[i]);
      if (lane < 0) continue;
      this.pointLane[i] = lane;
      this.pointEvent[i] = k;
    }
    for (const [lanes, points] of enclosed) this.bindEnclosing(lanes, points);
    let bound = 0;
    for (let i = 0; i < n; i++) if (this.pointLane[i] >= 0) bound++;

    this.hopFrom = flowHops(f.key.data, f.phase.data, f.ts.data, n).from;
    this.hopStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) if (this.hopFrom[i] >= 0) this.hopStart[this.hopFrom[i] + 1]++;
    for (let i = 0; i < n; i++) this.hopStart[i + 1] += this.hopStart[i];
    this.hopTo = new Int32Array(this.hopStart[n]);
    const fill = this.hopStart.slice(0, n);
    for (let i = 0; i < n; i++) if (this.hopFrom[i] >= 0) this.hopTo[fill[this.hopFrom[i]]++] = i;

    this.sliceOrder = new Int32Array(bound);
    for (let i = 0, j = 0; i < n; i++) if (this.pointLane[i] >= 0) this.sliceOrder[j++] = i;
    const lanesOf = this.pointLane;
    const events = this.pointEvent;
    this.sliceOrder.sort((a, b) => lanesOf[a] - lanesOf[b] || events[a] - events[b] || a - b);
  }

  /** A v2 point: the slice of its name starting at its ts on the thread (the outermost), if any. */
  private bindOwn(lanes: number[], i: number): boolean {
    const t = this.raw.flows.ts.data[i];
    const name = this.raw.flowOwnName.get(i);
    for (const l of lanes) {
      const lane = this.laneList[l];
      let best = -1;
      for (let k = firstStartingAt(lane, t); k < lane.start.length && lane.start[k] === t; k++) {
        if (lane.name[k] === name && (best < 0 || lane.row[k] < lane.row[best])) best = k;
      }
      if (best >= 0) {
        this.pointLane[i] = l;
        this.pointEvent[i] = best;
        return true;
      }
    }
    return false;
  }

  /**
   * Binds each point to the first lane (in `lanes` order) with a slice starting exactly at
   * it, else covering it (the deepest); the points a lane leaves unbound go on to the next.
   */
  private bindEnclosing(lanes: number[], points: number[]): void {
    const ts = this.raw.flows.ts.data;
    let open = points;
    for (const l of lanes) {
      if (!open.length) return;
      const lane = this.laneList[l];
      const bind = (i: number, k: number) => {
        this.pointLane[i] = l;
        this.pointEvent[i] = k;
      };
      const covering: number[] = [];
      for (const i of open) {
        const k = deepestStartingAt(lane, ts[i]);
        if (k >= 0) bind(i, k);
        else covering.push(i);
      }
      const found = deepestEnclosingAll(lane, Float64Array.from(covering, (i) => ts[i]));
      open = [];
      covering.forEach((i, j) => (found[j] >= 0 ? bind(i, found[j]) : open.push(i)));
    }
  }

  private nextSlice(lanes: number[], t: number): [number, number] {
    let best: [number, number] = [-1, -1];
    for (const l of lanes) {
      const lane = this.laneList[l];
      let k = firstStartingAt(lane, t);
      while (k < lane.start.length && lane.instant[k] === 1) k++;
      if (k < lane.start.length && (best[0] < 0 || lane.start[k] < this.laneList[best[0]].start[best[1]])) best = [l, k];
    }
    return best;
  }

  laneOrdinal(laneId: string): number {
    return this.laneOrd.get(laneId) ?? -1;
  }

  point(i: number): FlowPoint {
    const f = this.raw.flows;
    const ph = f.phase.data[i];
    return {
      flow: i,
      phase: ph === S ? 's' : ph === T ? 't' : 'f',
      key: this.raw.flowKeys.get(f.key.data[i]),
      tsNs: f.ts.data[i],
      lane: this.pointLane[i],
      eventIdx: this.pointEvent[i],
    };
  }

  /** Flow points bound to a slice. */
  pointsOf(laneId: string, k: number): number[] {
    const lane = this.laneOrd.get(laneId);
    if (lane === undefined) return [];
    const order = this.sliceOrder;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = order[mid];
      if (this.pointLane[p] < lane || (this.pointLane[p] === lane && this.pointEvent[p] < k)) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let j = lo; j < order.length && this.pointLane[order[j]] === lane && this.pointEvent[order[j]] === k; j++) out.push(order[j]);
    return out;
  }

  /** The point a point is linked from (−1: none). */
  hopFromOf(i: number): number {
    return this.hopFrom[i];
  }

  /** The points linked from a point. */
  hopsFrom(i: number): Int32Array {
    return this.hopTo.subarray(this.hopStart[i], this.hopStart[i + 1]);
  }

  /** The points a point is linked with: the one before it on its flow, and those after it. */
  partnersOf(i: number): number[] {
    const out = this.hopFrom[i] >= 0 ? [this.hopFrom[i]] : [];
    for (const q of this.hopsFrom(i)) out.push(q);
    return out;
  }
}
