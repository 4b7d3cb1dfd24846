// Issue 9, the inputs too big to commit: a 100 MB single string, 100 000 distinct
// tids, and a streamed multi-GB trace that must open (300 MB by default;
// TRACELANE_BIG=1 streams 3 GB). Figures are printed for the issue notes; measured on the
// 2-core CI machine (shared, niced): 300 MB / 1.69 M slices in 11 s, rss 0.6 GB; 3 GB /
// 17.0 M slices in 358 s, rss 5.6 GB.

import { describe, expect, it } from 'vitest';
import { loadText } from '../support/corpus';
import { hugeNameTrace, manyTidsTrace, streamedKinetoTrace } from '../support/bigTraces';
import { indexProblems } from '../support/indexInvariants';
import { loadTrace } from '../../workers/ingest/loadTrace';

const MB = 1 << 20;

describe('generated big inputs', () => {
  it('cuts a 100 MB name to 4 096 bytes with a warning and keeps the args and the next event', async () => {
    const blob = hugeNameTrace(100 * MB);
    const index = await loadTrace({ kind: 'file', file: blob, name: 'huge-name.json' }, { trace: 'huge' });
    expect(index.result.events).toBe(2);
    const w = index.result.warnings.find((x) => x.code === 'long-name')!;
    expect(w).toMatchObject({ eventIndex: 0, byteOffset: 16 });
    expect(w.message).toContain('104,857,602-byte name');
    const longest = Math.max(...index.result.names.map((n) => n.length));
    expect(longest).toBe(4096 + 1);
    const after = index.find({ name: 'after' });
    expect(after).toHaveLength(1);
    const first = index.find({ regex: '^a{4096}…$' })[0];
    expect(index.slice(first.laneId, first.eventIdx)!.args).toBe('{"k":1}');
  });

  it('gives 100 000 distinct tids 100 000 lanes', async () => {
    const t0 = performance.now();
    const index = await loadText(manyTidsTrace(100_000), 'many-tids.json');
    console.log(`100 000 tids: ${Math.round(performance.now() - t0)} ms`);
    expect(index.result.lanes.filter((l) => l.kind === 'cpu')).toHaveLength(100_000);
    expect(index.result.events).toBe(100_000);
    expect(indexProblems(index)).toEqual([]);
  });

  const big = process.env.TRACELANE_BIG === '1';
  const target = (big ? 3 * 1024 : 300) * MB;
  it(`opens a ${big ? '3 GB' : '300 MB'} trace streamed without holding it in memory`, async () => {
    const { source, written } = streamedKinetoTrace(target);
    const t0 = performance.now();
    let lastProgress = 0;
    const index = await loadTrace(source, { trace: 'streamed', onProgress: (p) => (lastProgress = p.bytesDone) });
    const ms = performance.now() - t0;
    const rss = process.memoryUsage().rss;
    console.log(
      `streamed ${(written.bytes / MB).toFixed(0)} MB, ${written.slices.toLocaleString('en-US')} slices in ${(ms / 1000).toFixed(1)} s ` +
        `(${(written.bytes / MB / (ms / 1000)).toFixed(0)} MB/s), rss ${(rss / MB).toFixed(0)} MB`,
    );
    expect(written.bytes).toBeGreaterThan(target * 0.99);
    expect(lastProgress).toBe(written.bytes);
    expect(index.result.warnings).toEqual([]);
    expect(index.result.events).toBe(written.slices);
    expect(index.result.flows).toMatchObject({ paired: written.steps, unpairedStarts: 0, unpairedEnds: 0 });
    const gpu = index.result.lanes.find((l) => l.kind === 'gpu')!;
    expect(gpu.events).toBe(written.steps);
    expect(indexProblems(index)).toEqual([]);
  }, 60 * 60_000);
});
