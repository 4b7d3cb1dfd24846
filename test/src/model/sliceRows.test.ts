// The Slices tab's merge and group-by against the raw JSON: two traces' tables on one
// axis (shifts applied), and per name of load_and_infer's GPU slices the count, Σ
// duration, Σ bytes and bandwidth (bytes ÷ ns = GB/s) recomputed from the events.

import { beforeAll, describe, expect, it } from 'vitest';
import { sliceArgs, sliceTable } from '../../../workers/analysis/sliceTable';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { BYTES_ARG, groupSlices, mergeSliceTables, rowsOfKinds, type SlicePart } from '../../../src/model/sliceRows';
import { loadCorpus } from '../../support/corpus';
import { refEvents } from '../../workers/analysis/reference';

function part(index: TraceIndex, trace: string, shiftNs: number): SlicePart {
  const table = sliceTable(index, { startNs: index.result.minNs, endNs: index.result.maxNs, kinds: ['gpu'] });
  return { trace, shiftNs, names: index.names, table };
}

describe('sliceRows', () => {
  let load: TraceIndex;
  let small: TraceIndex;
  beforeAll(async () => {
    load = await loadCorpus('load_and_infer.json.gz');
    small = await loadCorpus('llm_decode_small.json.gz');
  }, 60_000);

  it('merges traces on the axis and groups by name with Σ bytes and bandwidth', () => {
    const rows = mergeSliceTables([part(load, 'load', 0), part(small, 'small', 5e9)]);
    const n0 = rows.offsets[1];
    expect(rows.n).toBe(n0 + rows.parts[1].table.lane.length);
    expect(rows.start[n0]).toBe(rows.parts[1].table.start[0] + 5e9);
    expect(rows.lanes[rows.lane[n0]].trace).toBe('small');

    // Bytes of the first trace's rows only (as the UI reads them per trace).
    const t = rows.parts[0].table;
    const [bytes] = sliceArgs(load, { laneIds: t.lanes.map((l) => l.id), lane: t.lane, event: t.event, keys: [BYTES_ARG] });
    const all = [...bytes, ...new Array(rows.n - n0).fill(null)];
    const which = rowsOfKinds(rows, new Set(['gpu'])).filter((r) => r < n0);
    const groups = groupSlices(rows, which, 'name', all);

    const want = new Map<string, { count: number; durNs: number; bytes: number | null }>();
    for (const e of refEvents('load_and_infer.json.gz')) {
      if (e.ph !== 'X' || e.pid !== 0) continue;
      const w = want.get(e.name) ?? { count: 0, durNs: 0, bytes: null };
      w.count++;
      w.durNs += e.dur! * 1000;
      if (typeof e.args?.bytes === 'number') w.bytes = (w.bytes ?? 0) + e.args.bytes;
      want.set(e.name, w);
    }
    expect(groups.length).toBe(want.size);
    for (const g of groups) {
      const w = want.get(g.key)!;
      expect(g.count, g.key).toBe(w.count);
      expect(g.durNs).toBeCloseTo(w.durNs, 0);
      expect(g.bytes, g.key).toBe(w.bytes);
      if (w.bytes !== null) expect(g.gbPerS!).toBeCloseTo(w.bytes / w.durNs, 6);
      else expect(g.gbPerS).toBeNull();
    }
    expect(groups.some((g) => g.key.startsWith('Memcpy HtoD') && g.bytes! > 0)).toBe(true);
  });
});
