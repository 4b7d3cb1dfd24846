// Format cases the corpus does not cover: the bare array, B/E pairs, async b/e,
// counters, string pids, absolute-µs traces, and files cut anywhere.

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { corpusText, loadText } from '../../support/corpus';
import { parseMicros } from '../../../workers/importers/jsonBytes';
import { ChromeTraceJsonImporter } from '../../../workers/importers/chromeTraceJson';
import { RawTrace } from '../../../workers/ingest/rawTrace';

const enc = new TextEncoder();

function micros(text: string) {
  const b = enc.encode(text);
  const out = { us: 0, ns: 0 };
  return parseMicros(b, 0, b.length, out) ? out : null;
}

describe('parseMicros', () => {
  it('splits µs and ns exactly where doubles would round', () => {
    expect(micros('4736200668849.377')).toEqual({ us: 4736200668849, ns: 377 });
    // 4736200668849.377 * 1000 in doubles is 4736200668849377 ± 1: the split keeps it exact.
    expect(micros('1.5')).toEqual({ us: 1, ns: 500 });
    expect(micros('-12.25')).toEqual({ us: -12, ns: -250 });
    expect(micros('7')).toEqual({ us: 7, ns: 0 });
    expect(micros('"42.001"')).toEqual({ us: 42, ns: 1 });
    expect(micros('0.0004')).toEqual({ us: 0, ns: 0 });
    expect(micros('0.9996')).toEqual({ us: 1, ns: 0 });
    expect(micros('1e3')).toEqual({ us: 1000, ns: 0 });
  });
  it('rejects what is not a usable time', () => {
    for (const bad of ['NaN', '"abc"', 'null', '1e300', 'true', '""']) expect(micros(bad)).toBeNull();
  });
});

describe('Chrome trace JSON importer', () => {
  it('reads the bare-array form with B/E pairs, string pids and nesting', async () => {
    const index = await loadText(
      JSON.stringify([
        { ph: 'B', name: 'outer', pid: 'host', tid: 'main', ts: 10 },
        { ph: 'B', name: 'inner', pid: 'host', tid: 'main', ts: 12, args: { n: 1 } },
        { ph: 'E', pid: 'host', tid: 'main', ts: 15 },
        { ph: 'E', pid: 'host', tid: 'main', ts: 20 },
        { ph: 'M', name: 'thread_name', pid: 'host', tid: 'main', args: { name: 'Main thread' } },
      ]),
    );
    const lane = [...index.lanes.values()][0];
    expect(lane.info.name).toBe('Main thread · CPU');
    expect(lane.info.rows).toBe(2);
    const inner = index.find({ name: 'inner' })[0];
    expect(inner.durNs).toBe(3000);
    const details = index.slice(inner.laneId, inner.eventIdx)!;
    expect(JSON.parse(details.args!)).toEqual({ n: 1 });
    const outer = index.find({ name: 'outer' })[0];
    expect(index.slice(outer.laneId, outer.eventIdx)!.selfNs).toBe(10000 - 3000);
  });

  it('puts overlapping slices that do not nest on extra rows instead of dropping them', async () => {
    const index = await loadText(
      JSON.stringify({
        traceEvents: [
          { ph: 'X', cat: 'kernel', name: 'a', pid: 0, tid: 7, ts: 0, dur: 10 },
          { ph: 'X', cat: 'kernel', name: 'b', pid: 0, tid: 7, ts: 5, dur: 10 },
          { ph: 'X', cat: 'kernel', name: 'c', pid: 0, tid: 7, ts: 12, dur: 8 },
        ],
      }),
    );
    const lane = [...index.lanes.values()][0];
    expect(lane.info.kind).toBe('gpu');
    expect(lane.info.events).toBe(3);
    expect(Array.from(lane.row)).toEqual([0, 1, 0]);
  });

  it('joins async b/e by id onto per-process async lanes (one per category and name) and reads counters', async () => {
    const index = await loadText(
      JSON.stringify({
        traceEvents: [
          { ph: 'b', cat: 'Request', name: 'req 1', id: '0x1', pid: 1, tid: 1, ts: 0 },
          { ph: 'b', cat: 'Request', name: 'req 2', id: '0x2', pid: 1, tid: 2, ts: 1 },
          { ph: 'e', cat: 'Request', name: 'req 1', id: '0x1', pid: 1, tid: 3, ts: 5 },
          { ph: 'e', cat: 'Request', name: 'req 2', id: '0x2', pid: 1, tid: 1, ts: 9 },
          { ph: 'C', name: 'queue', pid: 1, ts: 0, args: { waiting: 3, running: 1 } },
          { ph: 'C', name: 'queue', pid: 1, ts: 4, args: { waiting: 1, running: 3 } },
          { ph: 'P', name: 'sample', pid: 1, tid: 1, ts: 4 },
        ],
      }),
    );
    // Issue 20: async lanes are keyed by process + category + name.
    const asyncLanes = index.result.lanes.filter((l) => l.async);
    expect(asyncLanes.map((l) => [l.tid, l.events]).sort()).toEqual([
      ['async Request req 1', 1],
      ['async Request req 2', 1],
    ]);
    const req2 = index.find({ name: 'req 2' })[0];
    expect(req2.durNs).toBe(8000);
    const counter = index.result.lanes.find((l) => l.kind === 'counter')!;
    expect(counter.counter).toMatchObject({ series: ['waiting', 'running'], min: 1, max: 3 });
    expect(index.result.phases.P).toBe(1);
    expect(index.result.warnings).toContainEqual({ code: 'unknown-phase', message: 'Skipped events with phases tracelane does not draw: 1 × "P".' });
  });

  it('reads absolute-µs traces without baseTimeNanoseconds exactly', async () => {
    const index = await loadText('{"traceEvents":[{"ph":"X","name":"x","pid":1,"tid":1,"ts":1700000000123456.789,"dur":1.001}]}');
    expect(index.result.originNs).toBe('1700000000123456000');
    const hit = index.find({ name: 'x' })[0];
    expect(hit.key).toContain('@1700000000123456789@');
    expect(hit.durNs).toBe(1001);
  });

  it('keeps metadata keys whether they come before or after the events', async () => {
    const index = await loadText('{"traceEvents":[{"ph":"X","name":"x","pid":1,"tid":1,"ts":5,"dur":1}],"baseTimeNanoseconds":1790857026000000000,"distributedInfo":{"rank":1}}');
    expect(index.result.originNs).toBe('1790857026000005000');
    expect(index.result.metadata.distributedInfo).toEqual({ rank: 1 });
  });

  it('parses the same events whatever the chunk boundaries', () => {
    const text = corpusText('two_rank_stall_rank0.json.gz');
    const bytes = enc.encode(text);
    const counts: number[] = [];
    for (const size of [1, 7, 4096, bytes.length]) {
      const raw = new RawTrace();
      const importer = new ChromeTraceJsonImporter(raw);
      for (let at = 0; at < bytes.length; at += size) importer.push(bytes.subarray(at, at + size));
      importer.finish();
      expect(raw.warnings).toEqual([]);
      counts.push(raw.count);
      expect(raw.metadata.distributedInfo).toMatchObject({ rank: 0 });
    }
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBe(2426 - 62 - 98 - 132); // all events but metadata and flows
  });

  it('loads everything before the cut of a truncated trace and says where it ends', async () => {
    const text = corpusText('two_rank_stall_rank1.json.gz');
    const full = await loadText(text);
    for (const fraction of [0.3, 0.77]) {
      const cut = Math.floor(text.length * fraction);
      const partial = await loadText(text.slice(0, cut));
      const [warning] = partial.result.warnings;
      expect(warning.code).toBe('truncated');
      expect(warning.message).toMatch(/ends mid-event at byte [\d,]+: loaded [\d,]+ events/);
      expect(warning.byteOffset).toBeLessThanOrEqual(cut);
      expect(partial.result.events).toBeGreaterThan(0);
      expect(partial.result.events).toBeLessThan(full.result.events);
    }
  });

  it('keeps what decompressed from a gzip file cut short', async () => {
    const gz = gzipSync(corpusText('two_rank_stall_rank1.json.gz'));
    const partial = await loadText(gz.subarray(0, Math.floor(gz.length / 2)), 'cut.json.gz');
    const codes = partial.result.warnings.map((w) => w.code);
    expect(codes).toContain('gzip-truncated');
    expect(codes).toContain('truncated');
    expect(partial.result.events).toBeGreaterThan(100);
  });

  it('rejects an HTML error page, an empty file and JSON without traceEvents with a clear message', async () => {
    await expect(loadText('<!DOCTYPE html><html><body>502 Bad Gateway</body></html>', 'x.json')).rejects.toThrow(/HTML\/XML page, not a trace/);
    await expect(loadText('', 'empty.json')).rejects.toThrow(/empty/);
    await expect(loadText('{"foo": 1}', 'x.json')).rejects.toThrow(/no "traceEvents" array/);
    await expect(loadText('{"traceEvents": 5}', 'x.json')).rejects.toThrow(/"traceEvents" is not an array \(at byte 16\)/);
    await expect(loadText('hello world', 'x.txt')).rejects.toThrow(/not a trace format .* starts with "hello world"/);
  });

  it('skips events without a valid ts and says which', async () => {
    const index = await loadText(
      JSON.stringify({ traceEvents: [{ ph: 'X', name: 'ok', pid: 1, tid: 1, ts: 1, dur: 1 }, { ph: 'X', name: 'bad', pid: 1, tid: 1, ts: 'soon', dur: 1 }] }),
    );
    expect(index.result.events).toBe(1);
    expect(index.result.warnings[0]).toMatchObject({ code: 'bad-ts', eventIndex: 1 });
  });
});
