// Opening part of a trace (issue 23): the counting pass counts what the raw JSON holds and
// keeps no events; a partial open keeps exactly the chosen threads' slices overlapping the
// window (crossing slices whole), each counter's last earlier sample, and the axis origin,
// slice keys and lane keys of a full open.

import { openAsBlob } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, corpusText } from '../../support/corpus';
import { loadTrace, surveyTrace } from '../../../workers/ingest/loadTrace';
import { earliestOrigin } from '../../../src/model/time';
import type { TraceChoice, TraceSurvey } from '../../../src/model/traceChoice';
import { findCut } from '../../../workers/importers/chromeTraceFragment';
import { ChromeTraceJsonImporter } from '../../../workers/importers/chromeTraceJson';
import { RawTrace } from '../../../workers/ingest/rawTrace';
import { TraceIndex } from '../../../workers/index/traceIndex';
import { fragmentImporter, pieceFilter, type PieceFilter } from '../../../workers/ingest/fragmentParse';
import { retainChosen, type ChoiceFilter, type SurveyCounter } from '../../../workers/ingest/eventChoice';

const FILE = 'train_step.json.gz';
const TRACE = 'train_step';
const source = async () => ({ kind: 'file' as const, file: await openAsBlob(join(CORPUS, FILE)), name: FILE });

interface RawEvent {
  ph?: string;
  ts?: number;
  dur?: number;
  pid?: string | number;
  tid?: string | number;
  name?: string;
}
const TIMED = new Set(['X', 'i', 'I', 'R', 'C', 'B', 'E', 'b', 'e', 'n', 'S', 'T', 'p', 'F']);
const COUNTERS = new Set(['C']);

let events: RawEvent[];
let full: TraceIndex;
let survey: TraceSurvey;

beforeAll(async () => {
  events = (JSON.parse(corpusText(FILE)) as { traceEvents: RawEvent[] }).traceEvents;
  full = await loadTrace(await source(), { trace: TRACE });
  survey = await surveyTrace(await source(), {});
}, 60_000);

describe('counting pass', () => {
  it('counts every timed event per process and thread, as the raw JSON has them', () => {
    const expected = new Map<string, number>();
    for (const e of events) {
      if (!e.ph || !TIMED.has(e.ph) || typeof e.ts !== 'number') continue;
      const k = `${e.pid}|${e.tid}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    const got = new Map<string, number>();
    for (const p of survey.processes) for (const t of p.threads) got.set(`${p.pid}|${t.tid}`, t.events);
    expect(got).toEqual(expected);
    expect(survey.events).toBe([...expected.values()].reduce((a, b) => a + b, 0));
    // Names come from the metadata events.
    const named = events.find((e) => e.ph === 'M' && e.name === 'thread_name') as RawEvent & { args: { name: string } };
    const thread = survey.processes.find((p) => p.pid === String(named.pid))!.threads.find((t) => t.tid === String(named.tid));
    expect(thread?.name).toBe(named.args.name.trim());
    // A process: its name and its label (Kineto's GPU: the host program's name, "GPU 0").
    const meta = (pid: string, key: string) => (events.find((e) => e.ph === 'M' && e.name === key && String(e.pid) === pid) as (RawEvent & { args: { name?: string; labels?: string } }) | undefined)?.args;
    for (const p of survey.processes) expect(p.name).toBe([meta(p.pid, 'process_name')?.name, meta(p.pid, 'process_labels')?.labels].filter(Boolean).join(' · '));
    expect(survey.processes.some((p) => p.name.includes(' · '))).toBe(true);
  });

  it('gives the extent from the first slice start to the last end, and a density that sums to the events', () => {
    const first = events.find((e) => e.ph && TIMED.has(e.ph) && typeof e.ts === 'number')!;
    const originUs = Math.floor(first.ts!);
    expect(survey.originUs).toBe(originUs);
    // Kineto's own rows (pid −1, "Spans", "Traces", "") do not count, as in a full open's extent.
    const profiler = new Set(['-1', 'Spans', 'Traces', '']);
    const slices = events.filter((e) => e.ph && TIMED.has(e.ph) && !COUNTERS.has(e.ph) && typeof e.ts === 'number' && !(e.ph === 'i' && e.name === '[memory]') && !profiler.has(String(e.pid)));
    const minTs = Math.min(...slices.map((e) => e.ts!));
    const maxEnd = Math.max(...events.filter((e) => e.ph && TIMED.has(e.ph) && typeof e.ts === 'number').map((e) => e.ts! + (e.ph === 'X' ? e.dur ?? 0 : 0)));
    expect(Math.abs(survey.firstNs - (minTs - originUs) * 1000)).toBeLessThan(1);
    expect(Math.abs(survey.lastNs - (maxEnd - originUs) * 1000)).toBeLessThan(1);
    // The full open's extent starts at the same slice (the axis origin of a partial open).
    expect(survey.firstNs).toBe(full.result.minNs);
    expect(survey.bins).toHaveLength(200);
    expect(survey.bins.reduce((a, b) => a + b, 0)).toBe(survey.events);
    expect(survey.estimateBytes).toBeGreaterThan(0);
  });
});

describe('partial open', () => {
  let part: TraceIndex;
  let choice: TraceChoice;
  let chosen: Set<string>;

  beforeAll(async () => {
    // The busiest host thread and the busiest GPU stream, the middle third of the trace.
    const host = survey.processes.find((p) => p.threads.some((t) => t.tid === p.pid))!;
    const gpu = survey.processes.find((p) => p.pid === '0')!;
    const threads: [string, string][] = [
      [host.pid, host.pid],
      [gpu.pid, gpu.threads[0].tid],
    ];
    chosen = new Set(threads.map(([p, t]) => `${p}|${t}`));
    const span = survey.lastNs - survey.firstNs;
    choice = { originUs: survey.originUs, firstNs: survey.firstNs, fromNs: survey.firstNs + span / 3, toNs: survey.firstNs + (2 * span) / 3, threads };
    part = await loadTrace(await source(), { trace: TRACE, keep: choice });
  }, 60_000);

  const laneThread = (laneId: string) => laneId.split('|').slice(1, 3).join('|');

  it('keeps exactly the chosen threads’ slices overlapping the window, with a full open’s keys', () => {
    const all = full.find({ regex: '.', limit: 1e7 });
    const expected = all.filter((h) => chosen.has(laneThread(h.laneId)) && h.startNs <= choice.toNs! && h.startNs + h.durNs >= choice.fromNs!).map((h) => h.key);
    const got = part.find({ regex: '.', limit: 1e7 }).map((h) => h.key);
    expect(expected.length).toBeGreaterThan(100);
    // Slices crossing the window's start are kept whole.
    expect(all.some((h) => expected.includes(h.key) && h.startNs < choice.fromNs!)).toBe(true);
    expect(new Set(got)).toEqual(new Set(expected));
    expect(got).toHaveLength(expected.length);
    // Lane keys are a full open's.
    const fullLanes = new Set(full.result.lanes.map((l) => l.id));
    for (const l of part.result.lanes) expect(fullLanes.has(l.id)).toBe(true);
  });

  it('keeps each counter’s last sample before the window', () => {
    const partCounters = new Map([...part.counters.values()].map((c) => [c.info.id, c]));
    let checked = 0;
    for (const c of full.counters.values()) {
      const pid = c.info.id.split('|')[1];
      const times: number[] = [];
      for (let i = 0; i < c.t.length; i++) if (chosen.has(`${pid}|${full.raw.strings.get(c.source.tid[i])}`)) times.push(c.t[i]);
      const inside = times.filter((t) => t >= choice.fromNs! && t <= choice.toNs!);
      const before = times.filter((t) => t < choice.fromNs!);
      const expected = [...(before.length ? [before[before.length - 1]] : []), ...inside];
      if (expected.length === 0) continue;
      expect([...(partCounters.get(c.info.id)?.t ?? [])]).toEqual(expected);
      if (before.length) checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('keeps the axis origin of a full open, records the choice and lists flows leaving the part', () => {
    expect(part.result.originNs).toBe(full.result.originNs);
    expect(earliestOrigin([part.result])).toBe(earliestOrigin([full.result]));
    expect(part.result.minNs).toBeGreaterThan(full.result.minNs);
    expect(part.result.choice).toEqual(choice);
    expect(part.result.warnings[0]).toEqual({ code: 'opened-in-part', message: expect.stringMatching(/^Opened in part: [\d.]+ ms – [\d.]+ ms after the trace's start, 2 threads of 2 processes; the rest of the trace was not kept\.$/) });
    const leaving = part.result.warnings.find((w) => w.code === 'flows-leave-window');
    expect(leaving?.message).toMatch(/flows? leads? to slices outside the opened part/);
  });
});

describe('in pieces, as parse helpers read a big file', () => {
  /** Cuts near n equal shares (at event boundaries), parses each piece with its own filter, merges (workers/ingest/parallelParse.ts). */
  function inPieces(bytes: Uint8Array, n: number, keep: PieceFilter): RawTrace {
    const cuts = Array.from({ length: n - 1 }, (_, k) => findCut(bytes.subarray(Math.floor(((k + 1) * bytes.length) / n)), Math.floor(((k + 1) * bytes.length) / n))!);
    const bounds = [0, ...cuts, bytes.length];
    const raw = new RawTrace();
    raw.filter = pieceFilter(raw, keep);
    const first = new ChromeTraceJsonImporter(raw);
    first.push(bytes.subarray(0, bounds[1]));
    const parts = bounds.slice(1, -1).map((at, k) => {
      const imp = fragmentImporter({ top: 'object', base: at }, null, keep);
      imp.push(bytes.subarray(at, bounds[k + 2]));
      return imp.fragmentResult();
    });
    parts.forEach((p, k) => first.absorb(p, k === parts.length - 1));
    first.finish();
    return raw;
  }
  const bytes = () => new TextEncoder().encode(corpusText(FILE));

  it('counts the same as one pass', () => {
    const raw = inPieces(bytes(), 3, 'survey');
    const counter = raw.filter as SurveyCounter;
    expect(raw.count).toBe(0);
    const perThread = new Map<string, number>();
    for (const p of survey.processes) for (const t of p.threads) perThread.set(`${p.pid}|${t.tid}`, t.events);
    expect(new Map(counter.threadCounts().map(([p, t, n]) => [`${p}|${t}`, n]))).toEqual(perThread);
    const extent = counter.extent(200);
    expect([extent.first, extent.last]).toEqual([survey.firstNs, survey.lastNs]);
    expect(extent.bins.reduce((a, b) => a + b, 0)).toBe(survey.events);
  });

  it('keeps the same part as one pass: slices, and one last earlier sample per counter', async () => {
    const host = survey.processes.find((p) => p.threads.some((t) => t.tid === p.pid))!;
    const span = survey.lastNs - survey.firstNs;
    const choice: TraceChoice = { originUs: survey.originUs, firstNs: survey.firstNs, fromNs: survey.firstNs + span / 2, toNs: survey.lastNs, threads: [[host.pid, host.pid]] };
    const raw = inPieces(bytes(), 4, choice);
    retainChosen(raw, raw.filter as ChoiceFilter);
    raw.filter = null;
    const pieces = new TraceIndex({ raw, trace: TRACE, fileName: FILE, format: 'json', bytes: 0, parseMs: 0 });
    const one = await loadTrace(await source(), { trace: TRACE, keep: choice });
    expect(pieces.find({ regex: '.', limit: 1e7 }).map((h) => h.key)).toEqual(one.find({ regex: '.', limit: 1e7 }).map((h) => h.key));
    const counters = (index: TraceIndex) => [...index.counters.values()].map((c) => [c.info.id, [...c.t]]);
    expect(counters(pieces)).toEqual(counters(one));
  }, 60_000);
});

describe('other formats', () => {
  it('the counting pass says that only Chrome / Kineto JSON opens in part', async () => {
    const name = 'strace_model_load.txt.gz';
    const err = await surveyTrace({ kind: 'file', file: await openAsBlob(join(CORPUS, name)), name }, {}).catch((e: Error) => e);
    expect((err as Error).message).toBe(`${name}: only Chrome / Kineto trace JSON can be opened in part.`);
    const keep: TraceChoice = { originUs: 0, firstNs: 0, fromNs: 0, toNs: 1e9 };
    const refused = await loadTrace({ kind: 'file', file: await openAsBlob(join(CORPUS, name)), name }, { trace: 's', keep }).catch((e: Error) => e);
    expect((refused as Error).message).toBe(`${name}: only Chrome / Kineto trace JSON can be opened in part.`);
  });
});
