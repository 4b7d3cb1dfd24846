// The benchmark's synthetic traces: same seed → same bytes, and the shape of torch.profiler's
// output (checked here from the parsed JSON, independently of the generator's own bookkeeping).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BASE_TIME_NS, COMPUTE_STREAM, HOST_PID, NCCL_STREAM, micros, mulberry32, traceChunks } from '../../bench/traceGenerator.mjs';
import { loadText } from '../support/corpus';
import type { RefEvent as Ev } from '../workers/analysis/reference';

const TARGET = 3_000_000;
const generate = (seed: number, targetBytes = TARGET, layers?: number) => [...traceChunks({ seed, targetBytes, layers })].join('');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

const text = generate(7);
const doc = JSON.parse(text) as Record<string, unknown> & { traceEvents: Ev[] };
const events = doc.traceEvents;

describe('bench trace generator', () => {
  it('gives the same bytes for the same seed and other bytes for another seed', () => {
    expect(sha(generate(7))).toBe(sha(text));
    expect(sha(generate(8))).not.toBe(sha(text));
  });

  it('stops near the target size, never above it, and stays ASCII', () => {
    expect(text.length).toBeLessThanOrEqual(TARGET);
    expect(text.length).toBeGreaterThan(TARGET * 0.5);
    expect(/^[\x09\x0a\x20-\x7e]*$/.test(text)).toBe(true);
    // A tiny target still yields one whole step and valid JSON.
    expect(() => JSON.parse(generate(1, 1000, 2))).not.toThrow();
  });

  it('averages about 300 bytes per event, like the corpus', () => {
    const perEvent = text.length / events.length;
    expect(perEvent).toBeGreaterThan(200);
    expect(perEvent).toBeLessThan(400);
  });

  it('has Kineto top-level keys and µs timestamps with 3 decimals relative to baseTimeNanoseconds', () => {
    expect(String(doc.baseTimeNanoseconds)).toBe(BASE_TIME_NS);
    expect(doc.displayTimeUnit).toBe('ms');
    expect(Array.isArray(doc.deviceProperties)).toBe(true);
    const stamps = [...text.matchAll(/"(ts|dur)": ([0-9.]+)/g)].map((m) => m[2]);
    expect(stamps.length).toBeGreaterThan(events.length);
    expect(stamps.every((s) => /^\d+\.\d{3}$/.test(s))).toBe(true);
    const ts = events.map((e) => e.ts);
    expect(Math.min(...ts)).toBeGreaterThan(4e12);
    expect(micros(1_234_567)).toBe('1234.567');
    expect(micros(5)).toBe('0.005');
  });

  it('has every kind of event the corpus has', () => {
    const cats = new Set(events.map((e) => `${e.ph}/${e.cat ?? ''}`));
    for (const k of ['X/python_function', 'X/cpu_op', 'X/user_annotation', 'X/cuda_runtime', 'X/cuda_driver', 'X/kernel', 'X/gpu_memcpy', 'X/gpu_user_annotation', 'i/cpu_instant_event', 's/ac2g', 'f/ac2g', 'M/', 'X/overhead', 'X/Trace']) {
      expect(cats, k).toContain(k);
    }
    expect(events.filter((e) => e.name === '[memory]').every((e) => typeof e.args?.['Total Allocated'] === 'number')).toBe(true);
    const streams = new Set(events.filter((e) => e.cat === 'kernel').map((e) => e.tid));
    expect([...streams].sort()).toEqual([COMPUTE_STREAM, NCCL_STREAM].sort());
    expect(events.some((e) => typeof e.pid === 'string')).toBe(true);
    const longest = Math.max(...events.filter((e) => e.cat === 'kernel').map((e) => e.name.length));
    expect(longest).toBeGreaterThan(1000);
    const meta = events.filter((e) => e.ph === 'M').map((e) => e.name);
    for (const m of ['process_name', 'process_labels', 'process_sort_index', 'thread_name', 'thread_sort_index']) expect(meta).toContain(m);
  });

  it('links each launch to its GPU activity by an ac2g flow on the correlation id', () => {
    const starts = events.filter((e) => e.ph === 's');
    const ends = new Map(events.filter((e) => e.ph === 'f').map((e) => [e.id, e]));
    const gpu = new Map(events.filter((e) => e.pid === 0 && e.ph === 'X' && e.cat !== 'gpu_user_annotation').map((e) => [e.args?.correlation, e]));
    const host = new Map(events.filter((e) => e.cat === 'cuda_runtime' || e.cat === 'cuda_driver').map((e) => [e.args?.correlation, e]));
    expect(starts.length).toBeGreaterThan(100);
    for (const s of starts) {
      const f = ends.get(s.id)!;
      const work = gpu.get(s.id)!;
      const launch = host.get(s.id)!;
      expect(f.bp).toBe('e');
      expect([f.pid, f.tid, f.ts]).toEqual([0, work.tid, work.ts]);
      expect([s.pid, s.tid]).toEqual([HOST_PID, HOST_PID]);
      expect(s.ts).toBeGreaterThanOrEqual(launch.ts);
      expect(work.ts).toBeGreaterThan(launch.ts);
      expect(work.args?.['External id']).toBe(launch.args?.['External id']);
    }
    // Host calls without GPU work carry an `f` with no `s`, as in torch's output.
    const startIds = new Set(starts.map((s) => s.id));
    expect([...ends.values()].some((f) => !startIds.has(f.id) && f.pid === HOST_PID)).toBe(true);
  });

  it('nests host slices by time and keeps each GPU stream serial', () => {
    const byLane = new Map<string, Ev[]>();
    for (const e of events) {
      if (e.ph !== 'X' || e.cat === 'gpu_user_annotation') continue;
      const key = `${e.pid}|${e.tid}`;
      (byLane.get(key) ?? byLane.set(key, []).get(key)!).push(e);
    }
    for (const [key, list] of byLane) {
      const spans = list.map((e) => ({ start: Math.round(e.ts * 1000), end: Math.round((e.ts + (e.dur ?? 0)) * 1000) })).sort((a, b) => a.start - b.start || b.end - a.end);
      const stack: number[] = [];
      for (const s of spans) {
        // Doubles near 4.7e12 µs round to ±1 ns: spans that touch within 2 ns are siblings.
        while (stack.length && stack[stack.length - 1] <= s.start + 2) stack.pop();
        if (stack.length) expect(s.end, key).toBeLessThanOrEqual(stack[stack.length - 1] + 2);
        if (key.startsWith('0|')) expect(stack.length, `${key} overlaps`).toBe(0);
        stack.push(s.end);
      }
    }
    // Python parent ids name an enclosing python_function on the same thread.
    const py = events.filter((e) => e.cat === 'python_function');
    const byId = new Map(py.map((e) => [e.args?.['Python id'], e]));
    for (const e of py) {
      const parent = byId.get(e.args?.['Python parent id']);
      if (!parent) continue;
      expect(parent.ts).toBeLessThanOrEqual(e.ts);
      expect(parent.ts + parent.dur!).toBeGreaterThanOrEqual(e.ts + e.dur!);
    }
  });

  it('opens in tracelane with the lanes a Kineto trace gets', async () => {
    const index = await loadText(text, 'synthetic.json');
    const lanes = index.result.lanes;
    const gpuLanes = lanes.filter((l) => l.kind === 'gpu');
    expect(gpuLanes.length).toBe(2);
    const kernels = events.filter((e) => e.pid === 0 && e.ph === 'X' && e.cat !== 'gpu_user_annotation').length;
    expect(gpuLanes.reduce((n, l) => n + l.events, 0)).toBeGreaterThanOrEqual(kernels);
    expect(lanes.some((l) => l.kind === 'python')).toBe(true);
  });

  it('draws the same numbers from the same PRNG seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
