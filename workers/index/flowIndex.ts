// Flow events (ph s / t / f) bound to slices, built once per trace.
//
// Binding rules (Chrome trace format, as Kineto writes it):
// - a point binds on its own pid/tid, i.e. to the lanes of that thread (GPU: device/stream);
// - 's', 't' and 'f' with bp "e" bind to the enclosing slice; a slice that starts exactly at
//   the point wins (Kineto's 'f' sits at the kernel's start), else the deepest slice covering it;
// - 'f' without bp "e" binds to the next slice starting at or after it;
// - lanes of the thread are tried in a fixed order (GPU, CUDA API, CPU, syscalls, Python) and the
//   first that has a candidate wins: a launch call is the innermost host frame of its thread.
// Points of one flow share the key "cat|id"; the chain runs s → t… → f (several f may share an s:
// one cudaGraphLaunch, many kernels).

import type { LaneKind } from '../../src/model/types';
import type { RawTrace } from '../ingest/rawTrace';
import { deepestEnclosingAll, deepestStartingAt } from './enclosing';
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
   * Points grouped by key (a counting sort, stable): the points of key id `key` are
   * keyOrder[keyStart[key] … keyStart[key + 1]). Typed arrays, not a Map of arrays: a JS
   * array per flow cost over 100 B per point.
   */
  private readonly keyStart: Int32Array;
  private readonly keyOrder: Int32Array;
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
    const keys = f.key.data;
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
      if (f.phase.data[i] !== F || f.enclosing.data[i] !== 0) {
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

    let keyCount = 0;
    for (let i = 0; i < n; i++) if (keys[i] + 1 > keyCount) keyCount = keys[i] + 1;
    this.keyStart = new Int32Array(keyCount + 1);
    for (let i = 0; i < n; i++) this.keyStart[keys[i] + 1]++;
    for (let key = 0; key < keyCount; key++) this.keyStart[key + 1] += this.keyStart[key];
    this.keyOrder = new Int32Array(n);
    const fill = this.keyStart.slice(0, keyCount);
    for (let i = 0; i < n; i++) this.keyOrder[fill[keys[i]]++] = i;

    this.sliceOrder = new Int32Array(bound);
    for (let i = 0, j = 0; i < n; i++) if (this.pointLane[i] >= 0) this.sliceOrder[j++] = i;
    const lanesOf = this.pointLane;
    const events = this.pointEvent;
    this.sliceOrder.sort((a, b) => lanesOf[a] - lanesOf[b] || events[a] - events[b] || a - b);
  }

  /** The points of one flow key, in point order. */
  private chain(key: number): Int32Array {
    return this.keyOrder.subarray(this.keyStart[key], this.keyStart[key + 1]);
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

  /**
   * The points a point is linked to along its chain: s → t… → f. The last non-f point
   * links to every f, and every f links back to it.
   */
  partnersOf(i: number): number[] {
    const f = this.raw.flows;
    const chain = Array.from(this.chain(f.key.data[i]));
    if (chain.length < 2) return [];
    const order = (p: number) => (f.phase.data[p] === S ? 0 : f.phase.data[p] === T ? 1 : 2);
    const path = chain.filter((p) => order(p) < 2).sort((a, b) => order(a) - order(b) || f.ts.data[a] - f.ts.data[b]);
    const ends = chain.filter((p) => order(p) === 2);
    const at = path.indexOf(i);
    if (at < 0) return path.length ? [path[path.length - 1]] : [];
    const out: number[] = [];
    if (at > 0) out.push(path[at - 1]);
    if (at < path.length - 1) out.push(path[at + 1]);
    else out.push(...ends);
    return out;
  }
}
