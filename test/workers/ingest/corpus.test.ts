// The importer and index on every real JSON trace of the corpus, against a reference
// computed independently with JSON.parse (and, for times, BigInt over the raw text).

import { describe, expect, it } from 'vitest';
import { corpusJsonTraces, corpusText, loadCorpus } from '../../support/corpus';
import type { TraceIndex } from '../../../workers/index/traceIndex';

interface RefEvent {
  ph: string;
  cat?: string;
  name?: string;
  pid?: unknown;
  tid?: unknown;
  id?: unknown;
}

const PLACED = new Set(['X', 'i', 'I', 'C', 'B', 'b', 'n', 'R']);

function reference(text: string) {
  const doc = JSON.parse(text) as { traceEvents: RefEvent[] } | RefEvent[];
  const events = Array.isArray(doc) ? doc : doc.traceEvents;
  const categories: Record<string, number> = {};
  const flows = new Map<string, number>();
  let placed = 0;
  for (const e of events) {
    if (PLACED.has(e.ph)) {
      placed++;
      const cat = e.cat || '(none)';
      categories[cat] = (categories[cat] ?? 0) + 1;
    }
    if (e.ph === 's' || e.ph === 'f') {
      const key = `${e.cat}|${e.id}`;
      flows.set(key, (flows.get(key) ?? 0) | (e.ph === 's' ? 1 : 2));
    }
  }
  const bits = [...flows.values()];
  return {
    placed,
    categories,
    flows: {
      paired: bits.filter((b) => b === 3).length,
      unpairedStarts: bits.filter((b) => b === 1).length,
      unpairedEnds: bits.filter((b) => b === 2).length,
    },
  };
}

/** Absolute ns of every kernel start, from the raw text with BigInt: no double rounding anywhere. */
function kernelStartsFromText(text: string): bigint[] {
  const base = BigInt(/"baseTimeNanoseconds":\s*(\d+)/.exec(text)?.[1] ?? '0');
  const out: bigint[] = [];
  const re = /"ph": "X", "cat": "kernel",[^\n]*\n\s*"ts": (\d+)(?:\.(\d+))?/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const frac = (m[2] ?? '').padEnd(3, '0').slice(0, 3);
    out.push(base + BigInt(m[1]) * 1000n + BigInt(frac));
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function kernelStartsFromIndex(index: TraceIndex): bigint[] {
  const origin = BigInt(index.result.originNs);
  const names = index.result.names;
  const out: bigint[] = [];
  for (const lane of index.lanes.values()) {
    for (let k = 0; k < lane.start.length; k++) {
      if (names[lane.cat[k]] === 'kernel') out.push(origin + BigInt(lane.start[k]));
    }
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

describe.each(corpusJsonTraces())('corpus trace %s', (file) => {
  let index: TraceIndex;
  let text: string;
  let ref: ReturnType<typeof reference>;

  it('loads without warnings', async () => {
    text = corpusText(file);
    ref = reference(text);
    index = await loadCorpus(file);
    expect(index.result.warnings).toEqual([]);
  });

  it('places every slice, instant and counter sample, per category', () => {
    expect(index.result.events).toBe(ref.placed);
    expect(index.result.categories).toEqual(ref.categories);
    const laneTotal = index.result.lanes.reduce((n, l) => n + l.events, 0);
    expect(laneTotal).toBe(ref.placed);
  });

  it('pairs flows by (cat, id) and reports the unpaired ones', () => {
    expect(index.result.flows).toEqual(ref.flows);
  });

  it('keeps kernel start times exact to the nanosecond', () => {
    const expected = kernelStartsFromText(text);
    expect(expected.length).toBeGreaterThan(0);
    expect(kernelStartsFromIndex(index)).toEqual(expected);
  });

  it('has Python, CPU, CUDA API, GPU and memory counter lanes', () => {
    const kinds = new Set(index.result.lanes.map((l) => l.kind));
    for (const kind of ['python', 'cpu', 'cuda_api', 'gpu', 'counter']) expect(kinds).toContain(kind);
    const gpu = index.result.lanes.filter((l) => l.kind === 'gpu');
    expect(gpu.map((l) => l.name)).toContain('stream 7');
    expect(index.result.lanes.find((l) => l.name === 'CUDA 0 memory')?.counter?.series).toEqual(['Total Allocated', 'Total Reserved']);
  });

  it('never overlaps slices within a row, and nests Python frames under their callers', () => {
    const problems: string[] = [];
    for (const lane of index.lanes.values()) {
      for (const list of lane.rows) {
        for (let p = 1; p < list.length; p++) {
          const prev = list[p - 1];
          if (lane.start[list[p]] < lane.start[prev] + lane.dur[prev]) problems.push(`${lane.info.id}: overlap at event ${list[p]}`);
        }
      }
      if (lane.info.kind !== 'python') continue;
      // Every frame below the top row lies inside a frame of the row above.
      for (let r = 1; r < lane.rows.length; r++) {
        const above = lane.rows[r - 1];
        let q = 0;
        for (const k of lane.rows[r]) {
          while (q < above.length && lane.start[above[q]] + lane.dur[above[q]] < lane.start[k]) q++;
          const parent = above[q];
          const inside = parent !== undefined && lane.start[parent] <= lane.start[k] && lane.start[parent] + lane.dur[parent] >= lane.start[k] + lane.dur[k];
          if (!inside) problems.push(`${lane.info.id}: row ${r} event ${k} has no enclosing frame`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(Math.max(...index.result.lanes.filter((l) => l.kind === 'python').map((l) => l.rows))).toBeGreaterThan(5);
  });

  it('groups Kineto’s own rows into one profiler group and skips processes without events', () => {
    const groups = index.result.groups;
    const profiler = groups.filter((g) => g.profiler);
    expect(profiler).toHaveLength(1);
    expect(profiler[0].name).toBe('Profiler');
    // Kineto names 16 GPUs; only the one with events gets a group.
    expect(groups.filter((g) => /^GPU/.test(g.name))).toHaveLength(1);
    for (const g of groups) expect(index.result.lanes.some((l) => l.group === g.id)).toBe(true);
  });

  it('finds a kernel and resolves its key back to the same slice', () => {
    const hits = index.find({ regex: 'kernel', laneKind: 'gpu', limit: 5 });
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) {
      expect(index.resolveKey(hit.key)).toEqual({ laneId: hit.laneId, eventIdx: hit.eventIdx });
      const details = index.slice(hit.laneId, hit.eventIdx);
      expect(details?.key).toBe(hit.key);
      expect(JSON.parse(details?.args ?? 'null')).toHaveProperty('correlation');
    }
  });
});

describe('load_and_infer.json.gz', () => {
  it('gives the unnamed loader threads their own CUDA API lanes with their HtoD copies', async () => {
    const index = await loadCorpus('load_and_infer.json.gz');
    const loaders = index.result.lanes.filter((l) => l.kind === 'cuda_api' && l.tid !== l.pid && /^\d{6,}$/.test(l.tid));
    expect(loaders.length).toBe(4);
    for (const lane of loaders) expect(lane.name).toBe(`thread ${lane.tid} · CUDA API`);
    const copies = index.find({ name: 'cudaMemcpyAsync', laneKind: 'cuda_api' });
    expect(copies.some((h) => loaders.some((l) => l.id === h.laneId))).toBe(true);
    const details = index.slice(copies[0].laneId, copies[0].eventIdx);
    expect(JSON.parse(details!.args!)).toHaveProperty('correlation');
  });
});

describe('trace extent', () => {
  it('spans the real events, not the profiler’s end-of-window marker', async () => {
    const index = await loadCorpus('load_and_infer.json.gz');
    const span = (index.result.maxNs - index.result.minNs) / 1e6;
    // The corpus README: the X events of load_and_infer span 464 ms.
    expect(span).toBeGreaterThan(460);
    expect(span).toBeLessThan(470);
  });
});
