// Issue 16, an index that keeps up: lanes built on several threads (index/parallelLanes.ts) give
// the index one thread builds. Each real trace is parsed twice; one copy is indexed by the trace
// worker's constructor alone, the other by TraceIndex.build with helpers that run the fragment
// worker's lane code (buildLaneJob) behind the same structured clone and transfer a postMessage
// does. Lanes, columns, rows, counters, groups, the load result, the eager tiles, a whole-trace
// viewport and slice keys must all be the same.

import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS, corpusText, externalText } from '../../support/corpus';
import { indexOfRaw } from '../../support/sequentialIndex';
import { ChromeTraceJsonImporter } from '../../../workers/importers/chromeTraceJson';
import { RawTrace } from '../../../workers/ingest/rawTrace';
import { TraceIndex } from '../../../workers/index/traceIndex';
import { buildLaneJob, shareLanes, type LaneBuilder, type LaneJob, type LaneJobResult } from '../../../workers/index/parallelLanes';
import { levelForNsPerPx } from '../../../src/model/tiles';

/** A fragment worker's lane code, reached as a worker reaches it: the job and the answer cloned, their buffers moved. */
class ClonedLaneWorker implements LaneBuilder {
  events = 0;
  async lanes(job: LaneJob, transfer: Transferable[]): Promise<LaneJobResult> {
    // A browser refuses a buffer listed twice or already moved by an earlier job (byteLength 0 once detached).
    expect(new Set(transfer).size).toBe(transfer.length);
    for (const b of transfer) expect((b as ArrayBuffer).byteLength).toBeGreaterThan(0);
    const sent = structuredClone(job, { transfer });
    for (const { cols } of job.lanes) {
      // The sender's columns are gone, as after a postMessage that transfers them.
      expect(cols.start.byteLength).toBe(0);
    }
    for (const { cols } of sent.lanes) this.events += cols.start.length;
    await new Promise((resolve) => setTimeout(resolve, 0));
    const { result, transfer: back } = buildLaneJob(sent);
    return structuredClone(result, { transfer: back });
  }
}

function rawOf(text: string): RawTrace {
  const bytes = new TextEncoder().encode(text);
  const raw = new RawTrace();
  const imp = new ChromeTraceJsonImporter(raw);
  for (let at = 0; at < bytes.length; at += 1 << 20) imp.push(bytes.subarray(at, at + (1 << 20)));
  imp.finish();
  return raw;
}

/** Typed arrays equal in type and every value; the first difference named. */
function sameArray(what: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(b.constructor.name, what).toBe(a.constructor.name);
  expect(b.length, what).toBe(a.length);
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) expect(`${what}[${k}] = ${b[k]}`).toBe(`${what}[${k}] = ${a[k]}`);
}

function expectSameIndex(one: TraceIndex, many: TraceIndex): void {
  expect([...many.lanes.keys()]).toEqual([...one.lanes.keys()]);
  for (const [id, a] of one.lanes) {
    const b = many.lanes.get(id)!;
    expect(b.info).toEqual(a.info);
    for (const col of ['start', 'dur', 'name', 'cat', 'row', 'instant', 'flags', 'argsOff', 'argsLen'] as const) sameArray(`${id} ${col}`, a[col], b[col]);
    expect(b.rows.length).toBe(a.rows.length);
    a.rows.forEach((list, r) => sameArray(`${id} row ${r}`, list, b.rows[r]));
    expect(b.rowBlocks.length).toBe(a.rowBlocks.length);
    a.rowBlocks.forEach((levels, r) => {
      expect(b.rowBlocks[r].length).toBe(levels.length);
      levels.forEach((level, l) => sameArray(`${id} row ${r} blocks ${l}`, level, b.rowBlocks[r][l]));
    });
    expect(many.tiles.eagerLevels(id)).toEqual(one.tiles.eagerLevels(id));
  }
  expect([...many.counters.keys()]).toEqual([...one.counters.keys()]);
  for (const [id, c] of one.counters) expect(many.counters.get(id)).toEqual(c);
  expect(many.groups).toEqual(one.groups);
  expect(many.result).toEqual(one.result);

  // The first frame's question, at the level the UI would ask for it.
  const { minNs, maxNs } = one.result;
  const widthPx = 1600;
  const q = { startNs: minNs, endNs: maxNs, widthPx, laneIds: one.result.lanes.map((l) => l.id), level: levelForNsPerPx((maxNs - minNs) / widthPx) };
  expect(many.query(q)).toEqual(one.query(q));
  // Keys of events spread over each lane, and back.
  for (const lane of one.lanes.values()) {
    const n = lane.start.length;
    for (const k of new Set([0, n >> 1, n - 1])) {
      const key = one.keyOf(lane, k);
      expect(many.keyOf(many.lanes.get(lane.info.id)!, k)).toBe(key);
      expect(many.resolveKey(key)).toEqual({ laneId: lane.info.id, eventIdx: k });
    }
  }
}

const corpus = readdirSync(CORPUS).filter((f) => /\.json(\.gz)?$/.test(f)).sort();
const external = ['kineto/tracelens__xdit_sd_3.5__profile_trace_rank_0.json.gz', 'kineto-hta-sampled-2ranks/sampled_rank-0.json.gz', 'chrome-trace/catapult__instance_counters.json.gz', 'edge-cases/hta__large_integer_trace__rank-70.pt.trace.json.gz'];
const traces = [...corpus.map((name) => ({ name, text: () => corpusText(name) })), ...external.map((name) => ({ name, text: () => externalText(name) }))];

describe('lanes built on several threads (issue 16)', () => {
  it('finds the corpus', () => expect(corpus.length).toBeGreaterThanOrEqual(6));

  for (const { name, text } of traces) {
    it(`${name}: lanes built by two helpers give the one-thread index`, async () => {
      const t = text();
      const one = indexOfRaw(rawOf(t));
      const helpers = [new ClonedLaneWorker(), new ClonedLaneWorker()];
      const many = await TraceIndex.build({ raw: rawOf(t), trace: 't', fileName: 't', format: 'json', bytes: 0, parseMs: 0 }, helpers);
      // Every lane's events went to a helper: for llm_decode_large counted from the raw JSON (its X
      // slices and instants other than [memory], which are counter samples), else from the one-thread index.
      let events = 0;
      for (const lane of one.lanes.values()) events += lane.start.length;
      if (name === 'llm_decode_large.json.gz') {
        let slices = 0;
        for (const e of JSON.parse(t).traceEvents as { ph: string; name: string }[]) if (e.ph === 'X' || (e.ph === 'i' && e.name !== '[memory]')) slices++;
        expect(events).toBe(slices);
      }
      expect(events).toBeGreaterThan(0);
      expect(helpers[0].events + helpers[1].events).toBe(events);
      if (one.lanes.size > 1) expect(Math.min(helpers[0].events, helpers[1].events)).toBeGreaterThan(0);
      expectSameIndex(one, many);
    });
  }
});

describe('shareLanes', () => {
  it('gives the largest lanes first, each to the helper with the fewest events so far', () => {
    // By hand: 100k → 0; 60k → 1; 50k → 1 (60k < 100k) = 110k; 20k → 0 = 120k; 10k → 1 = 120k.
    expect(Array.from(shareLanes([20_000, 100_000, 50_000, 60_000, 10_000], 2))).toEqual([0, 0, 1, 1, 1]);
    // One helper takes every lane.
    expect(Array.from(shareLanes([5, 100_000, 1], 1))).toEqual([0, 0, 0]);
  });
});
