// B/E events are matched per thread in timestamp order (issue 14), not in file order:
// the Trace Event Format orders a thread's events by ts, and real files list ends late,
// early or backwards. Every expectation here is worked out from the generated input.

import { describe, expect, it } from 'vitest';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { loadText } from '../../support/corpus';
import { reversedEnds } from '../../support/extremeTraces';

type Ev = { ph: 'B' | 'E' | 'X'; ts: number; name?: string; tid?: number; dur?: number };

const trace = (events: Ev[]) => JSON.stringify({ traceEvents: events.map((e) => ({ cat: 'cpu_op', pid: 1, tid: 1, ...e })) });

/** Per thread id, every slice as "name start-end" in µs (the first event of each input is at ts 0, the origin), sorted. */
function slicesByThread(index: TraceIndex): Record<string, string[]> {
  const names = index.result.names;
  const out: Record<string, string[]> = {};
  for (const lane of index.lanes.values()) {
    const list = (out[lane.info.tid] ??= []);
    for (let k = 0; k < lane.start.length; k++) list.push(`${names[lane.name[k]]} ${lane.start[k] / 1000}-${(lane.start[k] + lane.dur[k]) / 1000}`);
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

const codes = (index: TraceIndex) => index.result.warnings.map((w) => w.code);

describe('B/E matching by time', () => {
  it('matches 20 000 nested B with nameless E listed backwards in time order, fast and without a bogus long-name warning', async () => {
    const depth = 20_000;
    // B f0 … f(depth−1) at 0, 1, … µs, then nameless E whose times run backwards in the file: 2·depth, 2·depth − 1, …, depth + 1 µs.
    const text = reversedEnds(2 * depth);
    const t0 = performance.now();
    const index = await loadText(text);
    const ms = performance.now() - t0;
    // In time order the earliest E (depth + 1) closes the innermost B (f(depth−1)), and so
    // on outwards: f_i ends at 2·depth − i.
    const want = Array.from({ length: depth }, (_, i) => `f${i} ${i}-${2 * depth - i}`).sort();
    expect(slicesByThread(index)['1']).toEqual(want);
    expect(codes(index)).toEqual([]);
    const lane = [...index.lanes.values()][0];
    expect(lane.info.rows).toBe(depth);
    console.log(`20 000 nested B + reversed E (${(text.length / 1e6).toFixed(1)} MB): ingest + lanes + index ${ms.toFixed(0)} ms`);
  });

  it('keeps file order for equal times: an E before a B at the same ts closes the earlier slice', async () => {
    const index = await loadText(
      trace([
        { ph: 'B', name: 'a', ts: 0 },
        { ph: 'E', ts: 5 },
        { ph: 'B', name: 'b', ts: 5 },
        { ph: 'B', name: 'c', ts: 7 },
        // Listed before c's E although later in time, and two events at 9 in file order.
        { ph: 'E', ts: 10 },
        { ph: 'B', name: 'd', ts: 9 },
        { ph: 'E', ts: 9 },
        { ph: 'E', ts: 8 },
      ]),
    );
    // Time order: B a@0, E@5 (a), B b@5, B c@7, E@8 (c), B d@9, E@9 (d), E@10 (b).
    expect(slicesByThread(index)['1']).toEqual(['a 0-5', 'b 5-10', 'c 7-8', 'd 9-9']);
    expect(codes(index)).toEqual([]);
  });

  it('closes the innermost open slice with an E of another name or none', async () => {
    const index = await loadText(
      trace([
        { ph: 'B', name: 'outer', ts: 0 },
        { ph: 'B', name: 'inner', ts: 1 },
        { ph: 'E', name: 'outer', ts: 2 },
        { ph: 'E', ts: 3 },
      ]),
    );
    expect(slicesByThread(index)['1']).toEqual(['inner 1-2', 'outer 0-3']);
  });

  it('matches each thread on its own, and warns about an E before any B and a B never closed', async () => {
    const index = await loadText(
      trace([
        { ph: 'X', name: 'start', ts: 0, dur: 1, tid: 3 },
        { ph: 'E', ts: 30, tid: 2 },
        { ph: 'B', name: 't1', ts: 10, tid: 1 },
        { ph: 'E', ts: 2, tid: 1 },
        { ph: 'B', name: 't2', ts: 5, tid: 2 },
        { ph: 'E', ts: 20, tid: 1 },
        { ph: 'B', name: 'open', ts: 40, tid: 2 },
        { ph: 'X', name: 'last', ts: 50, dur: 10, tid: 3 },
      ]),
    );
    // Thread 1: E@2 comes before any B in time (unmatched), t1 10–20. Thread 2: t2 5–30, `open` runs to the trace's end (60).
    expect(slicesByThread(index)).toEqual({ '1': ['t1 10-20'], '2': ['open 40-60', 't2 5-30'], '3': ['last 50-60', 'start 0-1'] });
    expect(codes(index).sort()).toEqual(['unclosed-begin', 'unmatched-end']);
  });
});
