// Counter lanes against the raw JSON: every Kineto [memory] instant becomes a sample of
// its process's "memory type:id" lane with the event's Total Allocated / Total Reserved,
// and every `C` event a sample with its numeric args, in time order (ties in file order).

import { describe, expect, it } from 'vitest';
import { corpusText, loadCorpus, loadText } from '../../support/corpus';

interface Want {
  t: number[];
  series: Record<string, number[]>;
}

/** Per lane key tail ("memory 1:0" / "counter name") and pid: samples read with JSON.parse, BigInt-free µs → ns. */
function expectedMemory(text: string): Map<string, Want> {
  const events = (JSON.parse(text) as { traceEvents: Record<string, unknown>[] }).traceEvents;
  const out = new Map<string, { t: number; i: number; a: number; r: number }[]>();
  events.forEach((e, i) => {
    if (e.name !== '[memory]' || e.ph !== 'i') return;
    const args = (e.args ?? {}) as Record<string, number>;
    const key = `${e.pid}|memory ${args['Device Type'] ?? 0}:${args['Device Id'] ?? 0}`;
    const list = out.get(key) ?? [];
    list.push({ t: Number(e.ts), i, a: args['Total Allocated'], r: args['Total Reserved'] });
    out.set(key, list);
  });
  const want = new Map<string, Want>();
  for (const [key, list] of out) {
    list.sort((x, y) => x.t - y.t || x.i - y.i);
    want.set(key, { t: list.map((s) => s.t), series: { 'Total Allocated': list.map((s) => s.a), 'Total Reserved': list.map((s) => s.r) } });
  }
  return want;
}

describe('counter lanes', () => {
  it.each(['train_step.json.gz', 'llm_decode_large.json.gz'])('%s: every [memory] instant is a sample of its device lane with its totals', async (name) => {
    const want = expectedMemory(corpusText(name));
    const index = await loadCorpus(name);
    const counters = [...index.counters.values()].filter((c) => c.info.tid.startsWith('memory '));
    expect(counters.map((c) => `${c.info.pid}|${c.info.tid}`).sort()).toEqual([...want.keys()].sort());
    expect(want.size).toBeGreaterThan(0);
    for (const c of counters) {
      const w = want.get(`${c.info.pid}|${c.info.tid}`)!;
      expect(c.t.length).toBe(w.t.length);
      // Sample times: ns from the trace origin; compare their spacing in µs with the raw ts.
      const t0 = w.t[0];
      for (let k = 0; k < w.t.length; k += 97) expect((c.t[k] - c.t[0]) / 1000).toBeCloseTo(w.t[k] - t0, 2);
      c.info.counter!.series.forEach((s, si) => expect(Array.from(c.values[si])).toEqual(w.series[s]));
    }
  });

  it('reads numeric args of C events as series, a missing one keeping its previous value', async () => {
    const events = [
      { ph: 'C', name: 'queue', pid: 1, tid: 1, ts: 30, args: { depth: 3, 'in flight': 1 } },
      { ph: 'C', name: 'queue', pid: 1, tid: 1, ts: 10, args: { depth: 1 } },
      { ph: 'C', name: 'queue', pid: 1, tid: 1, ts: 20, args: { depth: 2, label: 'x', 'in flight': 5 } },
      { ph: 'i', name: '[memory]', cat: 'cpu_instant_event', pid: 1, tid: 1, ts: 5, args: { 'Total Allocated': 7, 'Total Reserved': null, 'Device Type': 1, 'Device Id': '2' } },
      { ph: 'i', name: '[memory]', cat: 'cpu_instant_event', pid: 1, tid: 1, ts: 6, args: { 'Total Allocated': 1e3, 'Device Type': 1, 'Device Id': 2, 'Total Reserved': -4.5 } },
      { ph: 'i', name: '[memory]', cat: 'cpu_instant_event', pid: 1, tid: 1, ts: 7, args: { 'Escaped Allocated': 9, nested: { 'Total Allocated': 1 } } },
      { ph: 'X', name: 'work', pid: 1, tid: 1, ts: 1, dur: 40 },
    ];
    // A key written with an escape ("\u0054otal Allocated" is "Total Allocated").
    const index = await loadText(JSON.stringify({ traceEvents: events }).replace('Escaped Allocated', '\\u0054otal Allocated'));
    const lanes = [...index.counters.values()];
    const queue = lanes.find((c) => c.info.name === 'queue')!;
    expect(Array.from(queue.t, (t) => t - queue.t[0])).toEqual([0, 10000, 20000]);
    expect(queue.info.counter!.series).toEqual(['depth', 'in flight']);
    expect(Array.from(queue.values[0])).toEqual([1, 2, 3]);
    // 'in flight' is absent from the first sample (0 until seen), then 5, then 1.
    expect(Array.from(queue.values[1])).toEqual([0, 5, 1]);
    const cuda = lanes.find((c) => c.info.name === 'CUDA 2 memory')!;
    // null reads as 0 (Number(null)); the key is found however it is escaped.
    expect(Array.from(cuda.values[0])).toEqual([7, 1000]);
    expect(Array.from(cuda.values[1])).toEqual([0, -4.5]);
    const cpu = lanes.find((c) => c.info.name === 'CPU memory')!;
    expect(Array.from(cpu.values[0])).toEqual([9]);
  });
});
