// Serving requests (workers/analysis/requests.ts) on the synthetic msServiceProfiler fixtures
// (test/fixtures/requests/, test/fixtures/recorders/) and on the real vLLM traces of
// ../shared/external. The fixture's figures below were worked out by hand from its events
// (times in µs after its first event at ts 1000); the vLLM expectation is read from the raw JSON.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { nearestRank, requestJourney, requestKey, requests, type RequestRow } from '../../../workers/analysis/requests';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { EXTERNAL, loadExternal, loadText } from '../../support/corpus';

const FIXTURE = join(__dirname, '../../fixtures/requests/msserviceprofiler_requests.json');
const US = 1000;

/** id → [slices, arrival, end, queue wait, TTFT, decode iterations, TPOT] in µs (null: "—"). */
const BY_HAND: Record<string, [number, number, number, number | null, number | null, number | null, number | null]> = {
  // httpReq 1000, ReqEnQueue 1012+2, ReqDeQueue 1030, prefill modelExec 1040+50 (BatchSchedule ignored:
  // modelExec names it), decode modelExec ×2, httpRes 1160+5. TPOT (1165 − 1090) / 2.
  '#0': [10, 0, 165, 16, 90, 2, 37.5],
  // httpReq 1005, ReqEnQueue 1015+2, ReqDeQueue 1032, same prefill, decode modelExec ×3, httpRes 1195+5.
  '#7': [12, 5, 200, 15, 85, 3, 110 / 3],
  // No ReqEnQueue; BatchSchedule only: prefill 1220+30, decode ×2; httpRes 1295+5. TPOT (1300 − 1250) / 2.
  '#12': [6, 200, 300, null, 50, 2, 25],
  // request_id; ReqEnQueue 1216+1, ReqDeQueue 1240; decode BatchSchedule ×2, no prefill; httpRes 1292+2.
  '#13': [6, 210, 294, 23, null, 2, null],
  // ReqEnQueue 1306+1, ReqDeQueue 1310; prefill modelExec 1320+30; no decode; httpRes 1355+5.
  '#14': [5, 300, 360, 3, 50, 0, null],
  // One httpReq slice 1400+20.
  's:abc-9': [1, 400, 420, null, null, null, null],
};

const asUs = (v: number | null) => (v === null ? null : v / US);
const figures = (r: RequestRow) => [r.slices, asUs(r.arrivalNs), asUs(r.endNs), asUs(r.queueNs), asUs(r.ttftNs), r.decodeIters, asUs(r.tpotNs)];

describe('requests of a synthetic msServiceProfiler trace', () => {
  let index: TraceIndex;
  beforeAll(async () => {
    index = await loadText(readFileSync(FIXTURE));
  });

  it('finds every request, ids compared as numbers, with its figures; a figure the trace cannot give is null', () => {
    const rows = requests(index);
    expect(rows.map((r) => r.key)).toEqual(Object.keys(BY_HAND));
    for (const r of rows) {
      const want = BY_HAND[r.key];
      const got = figures(r);
      for (let i = 0; i < want.length; i++) {
        if (want[i] === null) expect(got[i], `${r.key} figure ${i}`).toBeNull();
        else expect(got[i], `${r.key} figure ${i}`).toBeCloseTo(want[i]!, 6);
      }
    }
  });

  it('compares ids as numbers when they parse as numbers', () => {
    expect(requestKey('0')).toBe(requestKey(0.0));
    expect(requestKey('0.0')).toBe(requestKey(0));
    expect(requestKey(' 7')).toBe(requestKey('7.0'));
    expect(requestKey('abc-9')).not.toBe(requestKey('9'));
  });

  it('draws a journey: the request’s slices and the steps of the flows carrying its id', () => {
    const j7 = requestJourney(index, '#7')!;
    expect(j7.slices.length).toBe(12);
    expect(j7.slices.map((s) => s.startNs)).toEqual([...j7.slices.map((s) => s.startNs)].sort((a, b) => a - b));
    // Flow "7": s on httpReq (1005) → t on ReqDeQueue (1032) → f on httpRes (1195).
    expect(j7.hops.map((h) => [h.from.name, h.to.name, h.from.atNs / US, h.to.atNs / US])).toEqual([
      ['httpReq', 'ReqDeQueue', 5, 32],
      ['ReqDeQueue', 'httpRes', 32, 195],
    ]);
    // Flow 0 (a number id): httpReq (1000) → httpRes (1160).
    expect(requestJourney(index, '#0')!.hops.map((h) => [h.from.atNs / US, h.to.atNs / US])).toEqual([[0, 160]]);
    expect(requestJourney(index, '#12')!.hops).toEqual([]);
    expect(requestJourney(index, '#99')).toBeNull();
  });

  it('frames the slices, not the counter that runs three minutes past them', () => {
    // Slices: 1000 … 1420 µs; the NPU Usage counter's last sample is at 180 001 000 µs.
    expect(index.result.minNs).toBe(0);
    expect(index.result.maxNs).toBe(420 * US);
    const counter = index.result.lanes.find((l) => l.name.includes('NPU Usage'));
    expect(counter?.events).toBe(5);
  });
});

describe('nearest-rank percentiles', () => {
  it('match the queue waits of the fixture worked by hand', () => {
    // Queue waits 16, 15, 23, 3 µs → sorted 3, 15, 16, 23: p50 is the 2nd, p90 and p99 the 4th.
    expect([50, 90, 99].map((p) => nearestRank([16, 15, 23, 3], p))).toEqual([15, 23, 23]);
    expect(nearestRank([], 50)).toBeNull();
  });

  it('are the smallest value with at least p % of the values at or below it', () => {
    const xs = Array.from({ length: 37 }, (_, i) => (i * 7919) % 101);
    for (const p of [1, 50, 90, 99, 100]) {
      const want = [...xs].sort((a, b) => a - b).find((v) => xs.filter((x) => x <= v).length >= (p / 100) * xs.length);
      expect(nearestRank(xs, p)).toBe(want);
    }
  });
});

describe('requests on other traces', () => {
  it('finds the one request of the issue 17 msServiceProfiler fixture', async () => {
    const index = await loadText(readFileSync(join(__dirname, '../../fixtures/recorders/msserviceprofiler_chrome_tracing.json')));
    // r1: httpReq, ReqEnQueue (1006+1), WAITING, RUNNING, ReqDeQueue (1026), decode, httpRes (1086+3); no batch names it.
    expect(requests(index).map(figures)).toEqual([[7, 0, 89, 19, null, null, null]]);
  });

  // vLLM's torch traces carry no request id in any slice's args (their `req_ids` is a Python function name).
  for (const file of ['kineto/tracelens__vllm_decode_full__graph_execution.json.gz', 'kineto/tracelens__vllm_prefilldecode_piecewise__graph_execution.json.gz']) {
    it(`lists as many requests as ${file} has ids in its slices’ args`, async () => {
      const raw = JSON.parse(gunzipSync(readFileSync(join(EXTERNAL, file))).toString('utf8')) as { traceEvents: { ph: string; args?: Record<string, unknown> }[] };
      const ids = new Set<string>();
      for (const e of raw.traceEvents) {
        if (e.ph !== 'X' || !e.args) continue;
        for (const k of ['rid', 'request_id', 'rids', 'request_ids']) if (e.args[k] !== undefined) ids.add(JSON.stringify(e.args[k]));
      }
      const index = await loadExternal(file);
      expect(requests(index).length).toBe(ids.size);
    }, 60_000);
  }
});
