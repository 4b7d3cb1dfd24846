// Flow keys live in a table of their own, packed as UTF-8 once importing is done:
// same ids and texts before and after packing, and never in the names the UI lists.

import { describe, expect, it } from 'vitest';
import { PackedStringTable } from '../../../workers/ingest/growable';
import { loadText } from '../../support/corpus';

describe('PackedStringTable', () => {
  it('keeps ids and texts (any UTF-8) across packing', () => {
    const table = new PackedStringTable();
    const texts = ['ac2g|1', 'ac2g|2', '', 'flow|ünïcödé ✓ 𝄞', 'ac2g|1', 'cuda|0x1f'];
    const ids = texts.map((t) => table.intern(t));
    expect(ids).toEqual([0, 1, 2, 3, 0, 4]);
    table.pack();
    expect(table.size).toBe(5);
    texts.forEach((t, i) => expect(table.get(ids[i])).toBe(t));
    expect(table.values).toEqual(['ac2g|1', 'ac2g|2', '', 'flow|ünïcödé ✓ 𝄞', 'cuda|0x1f']);
    expect(() => table.intern('late')).toThrow();
  });

  it('keeps flow keys out of the trace names', async () => {
    const index = await loadText(
      JSON.stringify({
        traceEvents: [
          { ph: 'X', cat: 'cuda_runtime', name: 'cudaLaunchKernel', pid: 1, tid: 1, ts: 1, dur: 2 },
          { ph: 's', cat: 'ac2g', name: 'ac2g', id: 77, pid: 1, tid: 1, ts: 1 },
          { ph: 'X', cat: 'kernel', name: 'k', pid: 0, tid: 7, ts: 5, dur: 2 },
          { ph: 'f', bp: 'e', cat: 'ac2g', name: 'ac2g', id: 77, pid: 0, tid: 7, ts: 5 },
        ],
      }),
    );
    expect(index.result.names).not.toContain('ac2g|77');
    expect(index.result.flows).toMatchObject({ paired: 1 });
    const lane = [...index.lanes.values()].find((l) => l.info.kind === 'gpu')!;
    const [p] = index.flowIndex.pointsOf(lane.info.id, 0);
    expect(index.flowIndex.point(p).key).toBe('ac2g|77');
  });
});
