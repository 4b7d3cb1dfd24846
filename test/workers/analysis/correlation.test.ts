// Launch ↔ kernel links, launch latency and the Python stack, checked against the
// raw JSON: correlation ids and time containment computed here, independently.

import { beforeAll, describe, expect, it } from 'vitest';
import { correlate } from '../../../workers/analysis/correlation';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { loadCorpus, loadText } from '../../support/corpus';
import { EPS_US, refEvents, type RefEvent } from './reference';

const FILE = 'llm_decode_small.json.gz';
const HOST_STACK_CATS = new Set(['python_function', 'cpu_op', 'user_annotation', 'cuda_runtime', 'cuda_driver']);

function findSlice(index: TraceIndex, kind: string, name: string, startNs: number) {
  for (const lane of index.lanes.values()) {
    if (lane.info.kind !== kind) continue;
    for (let k = 0; k < lane.start.length; k++) {
      if (Math.abs(lane.start[k] - startNs) < 1 && index.nameOf(lane, k) === name) return { laneId: lane.info.id, k, lane };
    }
  }
  throw new Error(`no ${kind} slice ${name} at ${startNs}`);
}

describe('correlation on llm_decode_small', () => {
  let index: TraceIndex;
  let events: RefEvent[];
  let origin: number;
  beforeAll(async () => {
    index = await loadCorpus(FILE);
    events = refEvents(FILE);
    origin = Math.trunc(events.find((e) => e.ph !== 'M')!.ts);
  });
  const ns = (us: number) => (us - origin) * 1000;

  it('links a kernel to its launch, its latency and its Python stack', () => {
    const kernels = events.filter((e) => e.cat === 'kernel').sort((a, b) => a.ts - b.ts);
    for (const kernel of [kernels[40], kernels[kernels.length - 3]]) {
      const corr = kernel.args!.correlation;
      const launch = events.find((e) => (e.cat === 'cuda_runtime' || e.cat === 'cuda_driver') && e.args?.correlation === corr)!;
      expect(launch).toBeTruthy();
      // Reference stack: host events of the launching thread that contain the launch, outermost first.
      const le = launch.ts + launch.dur!;
      const frames = events
        .filter((e) => e.ph === 'X' && e !== launch && HOST_STACK_CATS.has(e.cat!) && e.pid === launch.pid && e.tid === launch.tid)
        .filter((e) => e.ts <= launch.ts + EPS_US && e.ts + e.dur! >= le - EPS_US)
        .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
      const expected = [...frames.map((e) => e.name), launch.name, kernel.name];

      const at = findSlice(index, 'gpu', kernel.name, ns(kernel.ts));
      const result = correlate(index, at.laneId, at.k)!;
      expect(result.launches.map((l) => l.name)).toEqual([launch.name]);
      expect(result.launches[0].startNs).toBeCloseTo(ns(launch.ts), 0);
      expect(result.latencyNs!).toBeCloseTo((kernel.ts - launch.ts) * 1000, 0);
      expect(result.stack.map((f) => f.name)).toEqual(expected);
      expect(result.stack[0].kind).toBe('python');
      // The flow arrow from the launch ends on this kernel.
      const arrows = result.flows.filter((f) => f.other);
      expect(arrows.map((f) => f.other!.name)).toEqual([launch.name]);
      expect(arrows[0].outgoing).toBe(false);

      // And back: the launch lists the kernel.
      const la = findSlice(index, 'cuda_api', launch.name, ns(launch.ts));
      const back = correlate(index, la.laneId, la.k)!;
      expect(back.kernels.map((g) => g.name)).toEqual([kernel.name]);
      expect(back.stack[back.stack.length - 1].name).toBe(launch.name);
      expect(back.stack.length).toBe(expected.length - 1);
    }
  });

  it('shows flows without a partner as unpaired', () => {
    const ids = new Map<string, string[]>();
    for (const e of events) if (e.ph === 's' || e.ph === 'f') ids.set(`${e.cat}|${e.id}`, [...(ids.get(`${e.cat}|${e.id}`) ?? []), e.ph]);
    const lonelyF = events.find((e) => e.ph === 'f' && e.pid !== 0 && ids.get(`${e.cat}|${e.id}`)!.length === 1)!;
    // It sits at a runtime call on the host thread that starts at or encloses it.
    const host = events
      .filter((e) => e.cat === 'cuda_runtime' && e.pid === lonelyF.pid && e.tid === lonelyF.tid)
      .find((e) => e.ts <= lonelyF.ts + EPS_US && e.ts + e.dur! >= lonelyF.ts - EPS_US)!;
    const at = findSlice(index, 'cuda_api', host.name, ns(host.ts));
    const result = correlate(index, at.laneId, at.k)!;
    expect(result.flows.some((f) => f.flow === `ac2g|${lonelyF.id}` && f.other === null)).toBe(true);
    expect(result.kernels).toEqual([]);
  });
});

describe('cudaGraphLaunch', () => {
  it('lists every kernel of one launch', async () => {
    const ev = (o: object) => JSON.stringify({ ph: 'X', pid: 1, tid: 1, ...o });
    const kernels = [0, 1, 2].map((i) =>
      ev({ cat: 'kernel', name: `k${i}`, pid: 0, tid: 7, ts: 20 + i * 5, dur: 3, args: { correlation: 9, device: 0, stream: 7 } }),
    );
    const text = `{"traceEvents":[${[
      ev({ cat: 'python_function', name: 'main.py(1): run', ts: 0, dur: 100 }),
      ev({ cat: 'cuda_runtime', name: 'cudaGraphLaunch', ts: 10, dur: 5, args: { correlation: 9 } }),
      ...kernels,
      ev({ cat: 'kernel', name: 'other', pid: 0, tid: 7, ts: 60, dur: 3, args: { correlation: 10 } }),
    ].join(',')}]}`;
    const index = await loadText(text);
    const api = [...index.lanes.values()].find((l) => l.info.kind === 'cuda_api')!;
    const result = correlate(index, api.info.id, 0)!;
    expect(result.kernels.map((k) => k.name)).toEqual(['k0', 'k1', 'k2']);
    expect(result.latencyNs).toBeCloseTo(((20 - 10 + 25 - 10 + 30 - 10) / 3) * 1000, 3);
    expect(result.stack.map((f) => f.name)).toEqual(['main.py(1): run', 'cudaGraphLaunch']);
  });
});
