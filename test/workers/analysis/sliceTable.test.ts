// The Slices table against the raw JSON of load_and_infer: the slices overlapping the
// load_model range per category, the bytes of every cudaMemcpyAsync (read from the HtoD
// copy it launched, by correlation id) per loader thread, and a search's hits.

import { beforeAll, describe, expect, it } from 'vitest';
import { search } from '../../../workers/analysis/search';
import { sliceArgs, sliceTable } from '../../../workers/analysis/sliceTable';
import { SearchHitLayer } from '../../../workers/index/searchHitLayer';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { loadCorpus } from '../../support/corpus';
import { originUs, refEvents, type RefEvent } from './reference';

const FILE = 'load_and_infer.json.gz';

/** [s, e] in µs overlaps [a, b]; a zero-length slice must lie inside. */
const overlapsUs = (e: RefEvent, a: number, b: number) => ((e.dur ?? 0) > 0 ? e.ts < b && e.ts + e.dur! > a : e.ts >= a && e.ts <= b);

describe('sliceTable on load_and_infer', () => {
  let index: TraceIndex;
  let events: RefEvent[];
  let origin: number;
  let load: RefEvent;
  beforeAll(async () => {
    index = await loadCorpus(FILE);
    events = refEvents(FILE);
    origin = originUs(events);
    load = events.find((e) => e.ph === 'X' && e.cat === 'user_annotation' && e.name === 'load_model')!;
  }, 60_000);

  const range = () => ({ startNs: (load.ts - origin) * 1000, endNs: (load.ts + load.dur! - origin) * 1000 });

  it('lists the slices overlapping the load_model range, per category, in start order', () => {
    const t = sliceTable(index, range());
    const names = index.names;
    for (const cat of ['python_function', 'cuda_runtime', 'gpu_memcpy', 'kernel']) {
      const want = events.filter((e) => e.ph === 'X' && e.cat === cat && overlapsUs(e, load.ts, load.ts + load.dur!)).length;
      let got = 0;
      for (let r = 0; r < t.lane.length; r++) {
        const lane = index.lanes.get(t.lanes[t.lane[r]].id)!;
        if (index.catOf(lane, t.event[r]) === cat) got++;
      }
      expect(got, cat).toBe(want);
    }
    for (let r = 1; r < t.start.length; r++) expect(t.start[r]).toBeGreaterThanOrEqual(t.start[r - 1]);
    expect(names[t.name[0]]).toBeTruthy();
    expect(t.argKeys).toContain('bytes');
  });

  it('reads bytes of every cudaMemcpyAsync from its HtoD copy, per loader thread', () => {
    const memcpyBytes = new Map<number, number>();
    for (const e of events) if (e.cat === 'gpu_memcpy') memcpyBytes.set(e.args!.correlation as number, e.args!.bytes as number);
    const want = new Map<string, { count: number; bytes: number }>();
    for (const e of events) {
      if (e.ph !== 'X' || e.name !== 'cudaMemcpyAsync') continue;
      const w = want.get(String(e.tid)) ?? { count: 0, bytes: 0 };
      w.count++;
      w.bytes += memcpyBytes.get(e.args!.correlation as number) ?? 0;
      want.set(String(e.tid), w);
    }
    expect(want.size).toBeGreaterThan(2);

    const whole = { startNs: index.result.minNs, endNs: index.result.maxNs };
    const t = sliceTable(index, { ...whole, kinds: ['cuda_api'] });
    const rows = [...t.name.keys()].filter((r) => index.names[t.name[r]] === 'cudaMemcpyAsync');
    const [bytes] = sliceArgs(index, { laneIds: t.lanes.map((l) => l.id), lane: Uint32Array.from(rows, (r) => t.lane[r]), event: Uint32Array.from(rows, (r) => t.event[r]), keys: ['bytes'] });
    const got = new Map<string, { count: number; bytes: number }>();
    rows.forEach((r, i) => {
      const tid = t.lanes[t.lane[r]].threadKey.split('|')[2];
      const g = got.get(tid) ?? { count: 0, bytes: 0 };
      g.count++;
      g.bytes += (bytes[i] as number) ?? 0;
      got.set(tid, g);
    });
    expect(got).toEqual(want);
  });

  it('lists a search’s hits in the range instead of every slice', () => {
    const { matches } = search(index, { text: 'cudaMemcpyAsync' });
    index.searchLayer = new SearchHitLayer(7, index.lanes, matches);
    const t = sliceTable(index, { ...range(), searchId: 7 });
    const want = events.filter((e) => e.ph === 'X' && e.name === 'cudaMemcpyAsync' && overlapsUs(e, load.ts, load.ts + load.dur!)).length;
    expect(want).toBeGreaterThan(0);
    expect(t.lane.length).toBe(want);
    expect([...t.name].every((id) => index.names[id] === 'cudaMemcpyAsync')).toBe(true);
    // A stale id lists the range.
    expect(sliceTable(index, { ...range(), searchId: 6 }).lane.length).toBeGreaterThan(want);
    index.searchLayer = null;
  });
});
