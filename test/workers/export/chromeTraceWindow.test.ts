// The window export on a real corpus trace, checked against the raw JSON parsed
// independently: the same events (name, ts, dur, pid, tid, args) overlap the window,
// the flows inside it survive, the metadata and base time are kept exactly, and the
// exported file opens again with the same slice keys.

import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { corpusText, loadCorpus, loadExternal, loadText } from '../../support/corpus';
import { chromeTraceWindow, gzipText, microsText } from '../../../workers/export/chromeTraceWindow';

interface Ev {
  ph: string;
  name?: string;
  cat?: string;
  ts?: number;
  dur?: number;
  pid?: unknown;
  tid?: unknown;
  args?: unknown;
  id?: unknown;
}

const FILE = 'two_rank_stall_rank0.json.gz';

/** µs float with 3 decimals → integer ns (exact at these magnitudes). */
const nsOf = (us: number) => Math.round(us * 1000);

describe('chromeTraceWindow', async () => {
  const text = corpusText(FILE);
  const doc = JSON.parse(text) as { traceEvents: Ev[]; trace_id: string };
  const base = BigInt(/"baseTimeNanoseconds"\s*:\s*(\d+)/.exec(text)![1]);
  const index = await loadCorpus(FILE);
  const r = index.result;
  // A busy 4 ms around a kernel launch in the middle of the run.
  const launches = index.find({ name: 'cudaLaunchKernel', limit: 100000 });
  const mid = launches[launches.length >> 1];
  const winStart = mid.startNs - 2e6;
  const winEnd = mid.startNs + 2e6;
  const out = chromeTraceWindow(index, {
    startNs: winStart,
    endNs: winEnd,
    markers: [{ label: 'stall starts', startNs: winStart + 10 }, { label: 'copy', startNs: winStart, endNs: winEnd, note: 'n' }],
    extra: { tracelaneAnnotations: { format: 'tracelane-annotations', annotations: [] } },
  });
  const exported = JSON.parse(out) as { traceEvents: Ev[]; baseTimeNanoseconds: number; trace_id: string; tracelaneAnnotations: unknown };
  // The window in the file's own µs: origin − base + window ns.
  const shift = Number(BigInt(r.originNs) - base);
  const lo = shift + winStart;
  const hi = shift + winEnd;

  it('keeps exactly the placed events that overlap the window, with their fields', () => {
    const key = (e: Ev) => JSON.stringify([e.ph === 'X' ? 'X' : e.ph, e.name, e.cat, nsOf(e.ts!), e.dur === undefined ? 0 : nsOf(e.dur), String(e.pid), String(e.tid), e.args ?? null]);
    const want = doc.traceEvents
      .filter((e) => ['X', 'i', 'I', 'C'].includes(e.ph))
      .filter((e) => nsOf(e.ts!) <= hi && nsOf(e.ts!) + nsOf(e.dur ?? 0) >= lo)
      .map((e) => key({ ...e, ph: e.ph === 'I' ? 'i' : e.ph }))
      .sort();
    const got = exported.traceEvents.filter((e) => ['X', 'i', 'C'].includes(e.ph) && e.cat !== 'tracelane_annotation').map(key).sort();
    expect(want.length).toBeGreaterThan(20);
    expect(got).toEqual(want);
  });

  it('keeps the flows inside the window', () => {
    const want = doc.traceEvents.filter((e) => (e.ph === 's' || e.ph === 'f') && nsOf(e.ts!) >= lo && nsOf(e.ts!) <= hi).map((e) => `${e.ph}:${String(e.id)}:${nsOf(e.ts!)}`).sort();
    const got = exported.traceEvents.filter((e) => e.ph === 's' || e.ph === 'f').map((e) => `${e.ph}:${String(e.id)}:${nsOf(e.ts!)}`).sort();
    expect(got).toEqual(want);
  });

  it('keeps base time exactly, the metadata, names of processes and threads, and adds the annotations', () => {
    expect(out).toContain(`"baseTimeNanoseconds":${base}`);
    expect(exported.trace_id).toBe(doc.trace_id);
    const names = (ph: string, name: string) => doc.traceEvents.filter((e) => e.ph === ph && e.name === name);
    for (const m of exported.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name')) {
      expect(names('M', 'thread_name').some((o) => String(o.pid) === String(m.pid) && String(o.tid) === String(m.tid))).toBe(true);
    }
    const markers = exported.traceEvents.filter((e) => e.cat === 'tracelane_annotation');
    expect(markers.map((e) => [e.name, e.ph])).toEqual([['stall starts', 'i'], ['copy', 'X']]);
    expect(exported.tracelaneAnnotations).toEqual({ format: 'tracelane-annotations', annotations: [] });
  });

  it('opens again (gzipped) with the same slice keys and trace identity', async () => {
    const gz = await gzipText(out);
    const again = await loadText(new Uint8Array(gunzipSync(gz)), `${FILE}`);
    const inWindow = launches.filter((h) => h.startNs >= winStart && h.startNs + h.durNs <= winEnd);
    expect(inWindow.length).toBeGreaterThan(0);
    const lanePrefix = (k: string) => k.replace(/^[^|]*\|/, '');
    for (const h of inWindow) {
      const key = `test|${lanePrefix(h.key)}`;
      expect(again.resolveKey(key), key).not.toBeNull();
    }
    expect(again.result.metadata.trace_id).toBe(doc.trace_id);
  });

  it('writes µs with exactly three decimals from integer ns', () => {
    expect(microsText(1_234_567)).toBe('1234.567');
    expect(microsText(-1500)).toBe('-1.500');
    expect(microsText(4_700_000_000_000_001)).toBe('4700000000000.001');
  });
});

// Async slices written back as async events: the exported file opens with the same async lanes
// (process, category and the root's name) and the same slices, keys and durations, as the trace itself.
describe('chromeTraceWindow with async operations', () => {
  for (const file of ['chrome-trace/catapult__async_begin_end.json.gz', 'chrome-trace/catapult__multiple_input_latency.json.gz']) {
    it(`${file}: async lanes and slices survive an export of the whole trace`, async () => {
      const index = await loadExternal(file);
      const r = index.result;
      const asyncLanes = r.lanes.filter((l) => l.async);
      expect(asyncLanes.length).toBeGreaterThan(0);
      const again = await loadText(chromeTraceWindow(index, { startNs: r.minNs - 1, endNs: r.maxNs + 1 }));
      // Lane ids without the trace key (the file name differs); slices as key (start, name, ordinal) and duration,
      // as sets: slices of equal start and length may come in another order.
      const slicesOf = (ix: typeof index, async: boolean) =>
        new Map(
          [...ix.lanes.values()]
            .filter((l) => !!l.info.async === async)
            .map((l) => [l.info.id.slice(l.info.id.indexOf('|')), Array.from(l.start, (s, k) => `${ix.keyOf(l, k).split('@').slice(1).join('@')}:${l.dur[k]}:${l.instant[k]}`).sort()]),
        );
      expect(slicesOf(again, true)).toEqual(slicesOf(index, true));
      // Nothing of theirs lands on thread lanes.
      expect([...again.lanes.values()].filter((l) => !l.info.async).reduce((n, l) => n + l.start.length, 0)).toBe([...index.lanes.values()].filter((l) => !l.info.async).reduce((n, l) => n + l.start.length, 0));
      expect(again.result.warnings.filter((w) => w.code === 'unmatched-end')).toEqual([]);
    });
  }
});
