// GPU queue length per stream over time: the operations launched and not yet finished. Each
// operation counts from the start of the runtime call that launched it (a cudaGraphLaunch counts
// every kernel it started: they share its correlation id, or their flows lead to it) to its own
// end; an operation whose launch is not found counts from its own start. So the count never goes
// negative: HTA adds one per launch call and takes one per kernel, which a graph launch of many
// kernels broke (hta__negative_queue_length_values_check__rank0 is the trace HTA keeps for it).

import { laneKey } from '../../src/model/keys';
import type { LaneInfo } from '../../src/model/types';
import type { LaneIndex } from '../index/laneIndex';
import type { TraceIndex } from '../index/traceIndex';
import type { CounterPlan } from '../lanes/counterLanes';
import { launchCallOf } from './correlation';
import { gpuOpsIn } from './overview';

export interface QueueSeries {
  lane: LaneIndex;
  /** Step function: the queue length from t[i] until t[i + 1]. */
  t: Float64Array;
  length: Float64Array;
}

/** Per stream lane with GPU operations, its queue length over the whole trace. */
export function gpuQueueLengths(index: TraceIndex): QueueSeries[] {
  return gpuOpsIn(index).map(({ lane, ops }) => {
    const edges: [number, number][] = [];
    for (const op of ops) {
      const call = launchCallOf(index, lane, op.k);
      const enqueued = call ? Math.min(call.start, op.start) : op.start;
      edges.push([enqueued, 1], [op.end, -1]);
    }
    // Arrivals before departures at the same instant, and one sample per instant: never negative.
    edges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const t: number[] = [];
    const length: number[] = [];
    let n = 0;
    for (const [at, d] of edges) {
      n += d;
      if (t.length && t[t.length - 1] === at) length[length.length - 1] = n;
      else {
        t.push(at);
        length.push(n);
      }
    }
    return { lane, t: Float64Array.from(t), length: Float64Array.from(length) };
  });
}

const NO_SOURCE = { name: new Uint8Array(0), cat: new Uint8Array(0), tid: new Uint8Array(0), kind: new Uint8Array(0), argsOff: new Int32Array(0), argsLen: new Uint16Array(0) };
const added = new WeakMap<TraceIndex, LaneInfo[]>();

/**
 * Adds one "queue length" counter lane per stream to the index (once; asked for from the Overview,
 * so loading never pays for it), right below its stream's lane, and returns their lane infos.
 */
export function addQueueLanes(index: TraceIndex): LaneInfo[] {
  let infos = added.get(index);
  if (infos) return infos;
  infos = gpuQueueLengths(index).map(({ lane, t, length }) => {
    const s = lane.info;
    let max = 0;
    for (const v of length) max = Math.max(max, v);
    const info: LaneInfo = {
      id: laneKey(s.trace, s.pid, `queue ${s.tid}`, 'counter'),
      kind: 'counter',
      name: `${s.name} · queue length`,
      group: s.group,
      trace: s.trace,
      pid: s.pid,
      tid: s.tid,
      events: t.length,
      rows: 1,
      sortIndex: s.sortIndex + 0.5,
      counter: { series: ['queue length'], min: 0, max, unit: '' },
    };
    const plan: CounterPlan = { info, t, values: [length], source: NO_SOURCE, derived: true };
    index.counters.set(info.id, plan);
    return info;
  });
  added.set(index, infos);
  return infos;
}
