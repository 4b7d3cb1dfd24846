// Parallel parsing, checked without workers: a real trace cut into fragments at event
// boundaries, each parsed on its own and merged in order, gives the same index as one
// sequential parse — events, categories, flows, lanes, rows and slice keys.

import { describe, expect, it } from 'vitest';
import { findCut } from '../../../workers/importers/chromeTraceFragment';
import { ChromeTraceJsonImporter } from '../../../workers/importers/chromeTraceJson';
import { RawTrace } from '../../../workers/ingest/rawTrace';
import { TraceIndex } from '../../../workers/index/traceIndex';
import { sequentialIndex as sequential, indexOfRaw as indexOf } from '../../support/sequentialIndex';
import { corpusText, externalText } from '../../support/corpus';

const enc = new TextEncoder();


/** Cuts near n equal shares, parses each fragment separately, merges; null when a cut is not between events. */
function inFragments(bytes: Uint8Array, n: number, cutsOverride?: number[]): TraceIndex | null {
  const merged = mergedFragments(bytes, n, cutsOverride);
  if (!merged) return null;
  merged.importer.finish();
  return indexOf(merged.raw);
}

/** The fragments parsed and merged (absorbAll), before the importer's finish(). */
function mergedFragments(bytes: Uint8Array, n: number, cutsOverride?: number[]): { raw: RawTrace; importer: ChromeTraceJsonImporter } | null {
  const top = bytes[0] === 0x5b ? 'array' : 'object';
  const cuts = cutsOverride ?? Array.from({ length: n - 1 }, (_, k) => findCut(bytes.subarray(Math.floor(((k + 1) * bytes.length) / n)), Math.floor(((k + 1) * bytes.length) / n))!);
  const bounds = [0, ...cuts, bytes.length];
  const raw = new RawTrace();
  const first = new ChromeTraceJsonImporter(raw);
  first.push(bytes.subarray(0, bounds[1]));
  if (!ChromeTraceJsonImporter.betweenEvents(first.endState(), top)) return null;
  const parts = [];
  for (let k = 1; k < bounds.length - 1; k++) {
    const imp = new ChromeTraceJsonImporter(new RawTrace(), { top, base: bounds[k] });
    // Uneven chunks inside a fragment too.
    for (let at = bounds[k]; at < bounds[k + 1]; at += 7919) imp.push(bytes.subarray(at, Math.min(bounds[k + 1], at + 7919)));
    const last = k === bounds.length - 2;
    if (!last && !ChromeTraceJsonImporter.betweenEvents(imp.endState(), top)) return null;
    parts.push(imp.fragmentResult());
  }
  first.absorbAll(parts);
  return { raw, importer: first };
}

function snapshot(index: TraceIndex) {
  const lanes = [...index.lanes.values()].map((l) => ({ id: l.info.id, rows: l.info.rows, events: l.info.events, keys: [0, l.start.length >> 1, l.start.length - 1].map((k) => index.slice(l.info.id, k)?.key) }));
  const r = index.result;
  return { events: r.events, originNs: r.originNs, minNs: r.minNs, maxNs: r.maxNs, categories: r.categories, phases: r.phases, flows: r.flows, warnings: r.warnings, metadata: r.metadata, lanes };
}

describe('parallel fragments of a Chrome trace', () => {
  it.each([2, 3, 5])('merges %i fragments of a real trace into the same index as one pass', (n) => {
    const bytes = enc.encode(corpusText('train_step.json.gz'));
    const merged = inFragments(bytes, n);
    expect(merged).not.toBeNull();
    expect(snapshot(merged!)).toEqual(snapshot(sequential(bytes)));
  });

  it('makes room for every fragment’s events at once: the merged event columns hold exactly the events', () => {
    const bytes = enc.encode(corpusText('train_step.json.gz'));
    const whole = new RawTrace();
    new ChromeTraceJsonImporter(whole).push(bytes);
    const { raw } = mergedFragments(bytes, 4)!;
    expect(raw.count).toBe(whole.count);
    for (const c of [raw.kind, raw.flags, raw.start, raw.dur, raw.pid, raw.tid, raw.cat, raw.name, raw.argsOff, raw.argsLen]) expect(c.data.length).toBe(raw.count);
  });

  it('joins B/E pairs and async b/e across fragment boundaries, and keeps a cut file’s warning', () => {
    const events = [];
    for (let i = 0; i < 40; i++) events.push({ ph: 'B', name: `outer${i}`, pid: 1, tid: 1, ts: i * 100 });
    for (let i = 39; i >= 0; i--) events.push({ ph: 'E', pid: 1, tid: 1, ts: 5000 + (39 - i) * 10 });
    events.push({ ph: 'b', cat: 'req', name: 'r', id: 7, pid: 1, tid: 2, ts: 1 }, { ph: 'e', cat: 'req', name: 'r', id: 7, pid: 1, tid: 3, ts: 9000 });
    const text = JSON.stringify({ traceEvents: events, baseTimeNanoseconds: 1000 }, null, 1);
    const bytes = enc.encode(text);
    for (const n of [2, 4, 7]) {
      const merged = inFragments(bytes, n);
      expect(merged).not.toBeNull();
      expect(snapshot(merged!)).toEqual(snapshot(sequential(bytes)));
    }
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.8));
    const mergedCut = inFragments(cut, 3);
    expect(snapshot(mergedCut!)).toEqual(snapshot(sequential(cut)));
    expect(mergedCut!.result.warnings.map((w) => w.code)).toContain('truncated');
  });

  /** Every slice of every lane (B/E ones included) as start, end and name, in lane order. */
  const allSlices = (index: TraceIndex) =>
    [...index.lanes.values()].map((l) => ({ id: l.info.id, slices: Array.from(l.start, (s, k) => `${s}+${l.dur[k]} ${index.result.names[l.name[k]]} ${l.flags[k]}`) }));

  it('matches the B/E events of a big real file (132 000 of them) by time across fragments exactly as one pass does', () => {
    const bytes = enc.encode(externalText('chrome-trace/catapult__fuchsia_trace.json.gz'));
    const one = sequential(bytes);
    // 4 and more fragments put a cut inside a string of this file (the merge then falls back to one pass).
    for (const n of [2, 3]) {
      const merged = inFragments(bytes, n);
      expect(merged).not.toBeNull();
      expect(allSlices(merged!)).toEqual(allSlices(one));
      expect(snapshot(merged!)).toEqual(snapshot(one));
    }
  });

  it.each(['catapult__multiple_input_latency', 'catapult__webview'])('matches async operations, their steps and flows (v1 steps, v2 bind_id) of %s across fragments exactly as one pass does (issue 20)', (file) => {
    const bytes = enc.encode(externalText(`chrome-trace/${file}.json.gz`));
    const one = sequential(bytes);
    const hops = (index: TraceIndex) => Array.from({ length: index.raw.flows.key.length }, (_, i) => [index.flowIndex.hopFromOf(i), index.flowIndex.point(i).lane, index.flowIndex.point(i).eventIdx]);
    for (const n of [2, 3, 5]) {
      const merged = inFragments(bytes, n);
      expect(merged).not.toBeNull();
      expect(allSlices(merged!)).toEqual(allSlices(one));
      expect(snapshot(merged!)).toEqual(snapshot(one));
      expect(hops(merged!)).toEqual(hops(one));
    }
  });

  it('matches B/E by time when the ends come backwards and from other fragments', () => {
    // Per thread t: depth nested B at t, t+1, … µs, then its E listed backwards in time, threads interleaved.
    const depth = 3000;
    const events = [];
    for (let i = 0; i < depth; i++) for (let t = 1; t <= 3; t++) events.push({ ph: 'B', name: `f${i}`, pid: 1, tid: t, ts: i });
    for (let j = 0; j < depth; j++) for (let t = 1; t <= 3; t++) events.push({ ph: 'E', pid: 1, tid: t, ts: 2 * depth - j });
    const bytes = enc.encode(JSON.stringify({ traceEvents: events }, null, 1));
    // In time order the earliest E closes the innermost B: f_i spans i … 2·depth − i µs on every thread.
    const want = Array.from({ length: depth }, (_, i) => `f${i} ${i}-${2 * depth - i}`).sort();
    for (const n of [1, 2, 3, 7]) {
      const index = n === 1 ? sequential(bytes) : inFragments(bytes, n)!;
      const lanes = [...index.lanes.values()];
      expect(lanes).toHaveLength(3);
      for (const l of lanes) {
        const got = Array.from(l.start, (s, k) => `${index.result.names[l.name[k]]} ${s / 1000}-${(s + l.dur[k]) / 1000}`).sort();
        expect(got).toEqual(want);
      }
      expect(index.result.warnings).toEqual([]);
    }
  });

  it('detects a cut that falls inside a string', () => {
    const text = JSON.stringify({ traceEvents: [{ ph: 'X', name: 'a}, {b', pid: 1, tid: 1, ts: 1, dur: 1 }, { ph: 'X', name: 'c', pid: 1, tid: 1, ts: 2, dur: 1 }] });
    const bytes = enc.encode(text);
    const inside = text.indexOf('{b') ;
    expect(findCut(bytes, 0)).toBe(inside);
    expect(inFragments(bytes, 2, [inside])).toBeNull();
  });
});
