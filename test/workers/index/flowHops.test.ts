// Flows v1 (s/t/f with bp) and v2 (bind_id + flow_in/flow_out on slice events), issue 20.
// Trace Event Format, flow events: points of one flow share an id (v1: with the category) and
// run s → t… → f; s and t bind to the enclosing slice, f to the next slice starting after it
// unless bp is "e" (then the enclosing one); a v2 point is the slice event it sits on
// (flow_out: a flow leaves it, flow_in: one arrives, both: a step). Expectations by hand or
// counted from the file here, never from tracelane's output.

import { openAsBlob } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTERNAL, externalText } from '../../support/corpus';
import { loadTrace } from '../../../workers/ingest/loadTrace';
import { flowHops } from '../../../workers/index/flowHops';
import { flowLinks } from '../../../workers/analysis/correlation';
import type { TraceIndex } from '../../../workers/index/traceIndex';

async function open(path: string): Promise<TraceIndex> {
  const file = await openAsBlob(join(EXTERNAL, path));
  return loadTrace({ kind: 'file', file, name: path }, { trace: 't' });
}

/** flowHops over points given as [key, phase, ts]. */
function hops(points: [number, string, number][]): number[] {
  const key = Uint32Array.from(points, (p) => p[0]);
  const phase = Uint8Array.from(points, (p) => p[1].charCodeAt(0));
  const ts = Float64Array.from(points, (p) => p[2]);
  return Array.from(flowHops(key, phase, ts).from);
}

describe('flowHops (by hand)', () => {
  it('links s → t → t → f in time order whatever the file order', () => {
    expect(hops([[0, 'f', 40], [0, 't', 20], [0, 's', 10], [0, 't', 30]])).toEqual([3, 2, -1, 1]);
  });

  it('reuses an id once its flow ended, and serves flows open together first in, first out', () => {
    // s1 f1 s2 f2, then s3 s4 f3 f4 (Chrome posted tasks with one id).
    expect(hops([[0, 's', 1], [0, 'f', 2], [0, 's', 3], [0, 'f', 4], [0, 's', 5], [0, 's', 6], [0, 'f', 7], [0, 'f', 8]])).toEqual([-1, 0, -1, 2, -1, -1, 4, 5]);
  });

  it('goes on along an id after its f when t steps follow (Chrome LatencyInfo flows)', () => {
    expect(hops([[0, 's', 1], [0, 'f', 2], [0, 't', 3], [0, 'f', 4]])).toEqual([-1, 0, 1, 2]);
    const stats = flowHops(Uint32Array.of(0, 0, 0, 0), Uint8Array.of(115, 102, 116, 102), Float64Array.of(1, 2, 3, 4));
    expect([stats.paired, stats.unpairedStarts, stats.unpairedEnds]).toEqual([1, 0, 0]);
  });

  it('fans several ends out of one start (one cudaGraphLaunch, many kernels) and leaves an end before any start alone', () => {
    expect(hops([[0, 'f', 0], [0, 's', 1], [0, 'f', 2], [0, 'f', 3], [1, 's', 0]])).toEqual([-1, -1, 1, 1, -1]);
    const stats = flowHops(Uint32Array.of(0, 0, 0, 1), Uint8Array.of(115, 102, 102, 115), Float64Array.of(1, 2, 3, 0));
    expect([stats.paired, stats.unpairedStarts, stats.unpairedEnds]).toEqual([1, 1, 0]);
  });
});

/** Every link (from slice → to slice name) of a trace, through the details' own flowLinks. */
function allLinks(index: TraceIndex): string[] {
  const out: string[] = [];
  for (const lane of index.lanes.values()) {
    for (let k = 0; k < lane.start.length; k++) {
      for (const l of flowLinks(index, lane.info.id, k)) if (l.outgoing && l.other) out.push(`${index.nameOf(lane, k)} → ${l.other.name}`);
    }
  }
  return out.sort();
}

describe('flows in real files', () => {
  it('links Perfetto’s flow v1 test file (s, t with bp-less f binding to the next slice)', async () => {
    const index = await open('edge-cases/perfetto__flow_events_json_v1.json.gz');
    // By hand: 0x402 s in SenderA, t in OtherSlice, f before SomeSlice (next slice); 0x403 s in SenderB, f before Blergh.
    expect(allLinks(index)).toEqual(['OtherSlice → SomeSlice', 'SenderA → OtherSlice', 'SenderB → Blergh']);
  });

  it('links Perfetto’s flow v2 test file (bind_id with flow_in / flow_out on X and B events)', async () => {
    const index = await open('edge-cases/perfetto__flow_events_json_v2.json.gz');
    // By hand: 0x402 leaves SenderA (out), passes OtherSlice (in + out), arrives at SomeSlice and at
    // the B slice SomeOtherSlice (both in: two ends of one flow); 0x403 leaves SenderB, arrives at Blergh.
    expect(allLinks(index)).toEqual(['OtherSlice → SomeOtherSlice', 'OtherSlice → SomeSlice', 'SenderA → OtherSlice', 'SenderB → Blergh']);
    expect(index.result.flows).toEqual({ paired: 2, unpairedStarts: 0, unpairedEnds: 0 });
  });

  it('binds every v2 point of a WebView trace to the slice it sits on', async () => {
    const p = 'chrome-trace/catapult__webview.json.gz';
    const events = (JSON.parse(externalText(p)) as { traceEvents: { ph: string; name: string; bind_id?: string; flow_in?: boolean; flow_out?: boolean }[] }).traceEvents;
    const v2 = events.filter((e) => e.bind_id !== undefined && (e.flow_in || e.flow_out));
    const index = await open(p);
    const fi = index.flowIndex;
    let bound = 0;
    const names = new Map<string, number>();
    for (const e of v2) names.set(e.name, (names.get(e.name) ?? 0) + 1);
    for (let i = 0; i < index.raw.flows.key.length; i++) {
      const pt = fi.point(i);
      if (!pt.key.startsWith('bind_id|') || pt.lane < 0) continue;
      const lane = fi.laneList[pt.lane];
      // Its own slice: the same start and a name the file gives a v2 event.
      expect(lane.start[pt.eventIdx]).toBe(pt.tsNs);
      expect(names.has(index.nameOf(lane, pt.eventIdx))).toBe(true);
      bound++;
    }
    expect(bound).toBe(v2.length);
  });

  it('draws every hop of multi-step v1 flows (catapult multiple_input_latency: s, t steps, f)', async () => {
    const p = 'chrome-trace/catapult__multiple_input_latency.json.gz';
    const events = (JSON.parse(externalText(p)) as { traceEvents: { ph: string; cat: string; id: string; ts: number }[] }).traceEvents;
    // Per id: its s, t and f; every id has at most one s here, so its points after the s are one
    // flow in time order and each t or f is one hop (some ids go on with t steps after an f).
    const per = new Map<string, { s: number[]; tf: number[] }>();
    for (const e of events) {
      if (e.ph !== 's' && e.ph !== 't' && e.ph !== 'f') continue;
      const k = `${e.cat}|${e.id}`;
      const c = per.get(k) ?? { s: [], tf: [] };
      (e.ph === 's' ? c.s : c.tf).push(e.ts);
      per.set(k, c);
    }
    let expected = 0;
    for (const c of per.values()) {
      expect(c.s.length).toBeLessThanOrEqual(1);
      if (c.s.length) expected += c.tf.filter((t) => t >= c.s[0]).length;
    }
    const index = await open(p);
    const fi = index.flowIndex;
    let hopsSeen = 0;
    for (let i = 0; i < index.raw.flows.key.length; i++) hopsSeen += fi.hopsFrom(i).length;
    expect(hopsSeen).toBe(expected);
    expect(index.result.flows.unpairedEnds).toBe(0);
  });
});
