// Allocation bytes against the raw JSON. Kineto's cudaMalloc has no size; the rule
// (workers/analysis/allocations.ts) gives it the Total Reserved increases of the CUDA
// [memory] events between it and the next alloc/free call, recomputed here.

import { describe, expect, it } from 'vitest';
import { allocations } from '../../../workers/analysis/allocations';
import { loadCorpus, loadText } from '../../support/corpus';
import { refEvents } from './reference';

function reference(file: string) {
  const events = refEvents(file);
  const calls = events.filter((e) => e.ph === 'X' && /^(cudaMalloc|cudaFree)$/.test(e.name)).sort((a, b) => a.ts - b.ts);
  const mem = events.filter((e) => e.name === '[memory]' && e.args!['Device Type'] === 1).sort((a, b) => a.ts - b.ts);
  const growths: number[] = [];
  const bytes = calls.map((c, i) => {
    const until = calls[i + 1]?.ts ?? Infinity;
    let sum = 0;
    for (let j = 1; j < mem.length; j++) {
      if (mem[j].ts < c.ts || mem[j].ts >= until) continue;
      const d = (mem[j].args!['Total Reserved'] as number) - (mem[j - 1].args!['Total Reserved'] as number);
      if (d > 0) sum += d;
    }
    return sum || null;
  });
  for (let j = 1; j < mem.length; j++) {
    const d = (mem[j].args!['Total Reserved'] as number) - (mem[j - 1].args!['Total Reserved'] as number);
    if (d > 0) growths.push(d);
  }
  return { calls, bytes, growths };
}

describe('allocations', () => {
  for (const file of ['train_step.json.gz', 'load_and_infer.json.gz']) {
    it(`attributes Total Reserved growth to the cudaMalloc calls of ${file}`, async () => {
      const ref = reference(file);
      const rows = allocations(await loadCorpus(file));
      const calls = rows.filter((r) => r.kind !== 'growth');
      expect(calls.map((r) => r.name)).toEqual(ref.calls.map((c) => c.name));
      expect(calls.map((r) => r.bytes)).toEqual(ref.bytes);
      expect(calls.filter((r) => r.bytes !== null).every((r) => r.bytesFrom === 'reserved')).toBe(true);
      expect(rows.filter((r) => r.kind === 'growth').map((r) => r.bytes)).toEqual(ref.growths);
      // The Python code that grew memory: the call's innermost frames.
      for (const r of calls.filter((c) => c.call!.laneId.includes('|596|596|'))) expect(r.frames.length).toBeGreaterThan(3);
      // The autograd engine thread runs no Python: its backward op names the allocation.
      for (const r of calls.filter((c) => c.call!.laneId.includes('|664|'))) expect(r.frames.at(-1)).toMatch(/Backward|aten::/);
    });
  }

  it('uses real bytes when the call carries them (nsys-style)', async () => {
    const text = JSON.stringify({
      traceEvents: [
        { ph: 'X', cat: 'python_function', name: 'app.py(3): load', pid: 1, tid: 1, ts: 0, dur: 100 },
        { ph: 'X', cat: 'cuda_runtime', name: 'cudaMalloc', pid: 1, tid: 1, ts: 10, dur: 5, args: { bytes: 4096 } },
        { ph: 'X', cat: 'cuda_runtime', name: 'cudaFree', pid: 1, tid: 1, ts: 50, dur: 5, args: { bytes: 4096 } },
      ],
    });
    const rows = allocations(await loadText(text));
    expect(rows.map((r) => [r.kind, r.bytes, r.bytesFrom, r.frames])).toEqual([
      ['alloc', 4096, 'args', ['app.py(3): load']],
      ['free', -4096, 'args', ['app.py(3): load']],
    ]);
  });
});
