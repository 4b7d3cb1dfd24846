// Search hit counts against the raw JSON: events placed in slice lanes (X and
// instants, not the [memory] counters) whose name or args match.

import { beforeAll, describe, expect, it } from 'vitest';
import { search } from '../../../workers/analysis/search';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { loadCorpus } from '../../support/corpus';
import { refEvents, type RefEvent } from './reference';

const FILE = 'llm_decode_small.json.gz';

describe('search on llm_decode_small', () => {
  let index: TraceIndex;
  let placed: RefEvent[];
  beforeAll(async () => {
    index = await loadCorpus(FILE);
    placed = refEvents(FILE).filter((e) => (e.ph === 'X' || e.ph === 'i') && e.name !== '[memory]');
  });

  it('counts substring hits, case-insensitively by default', () => {
    const expected = placed.filter((e) => e.name.toLowerCase().includes('aten::linear')).length;
    expect(expected).toBeGreaterThan(0);
    expect(search(index, { text: 'ATEN::LINEAR' }).total).toBe(expected);
    expect(search(index, { text: 'ATEN::LINEAR', caseSensitive: true }).total).toBe(0);
  });

  it('matches regexes, filters lane kinds and keeps hits in time order', () => {
    const expected = placed.filter((e) => e.cat === 'cuda_runtime' && /^cudaLaunch/.test(e.name)).length;
    const result = search(index, { text: '^cudaLaunch', regex: true, laneKinds: ['cuda_api'] });
    expect(result.total).toBe(expected);
    expect(result.hits).toHaveLength(expected);
    for (let i = 1; i < result.hits.length; i++) expect(result.hits[i].startNs).toBeGreaterThanOrEqual(result.hits[i - 1].startNs);
    expect(search(index, { text: '^cudaLaunch', regex: true, laneKinds: ['gpu'] }).total).toBe(0);
  });

  it('searches args when asked, caps the hit list but not the count', () => {
    const expected = placed.filter((e) => e.name.includes('c10::Half') || JSON.stringify(e.args ?? {}).includes('c10::Half')).length;
    const byName = placed.filter((e) => e.name.includes('c10::Half')).length;
    expect(expected).toBeGreaterThan(byName);
    expect(search(index, { text: 'c10::Half', caseSensitive: true }).total).toBe(byName);
    const result = search(index, { text: 'c10::Half', caseSensitive: true, inArgs: true, limit: 10 });
    expect(result.total).toBe(expected);
    expect(result.hits).toHaveLength(10);
  });

  it('filters by lane name and reports bad regexes', () => {
    const gpuLane = [...index.lanes.values()].find((l) => l.info.kind === 'gpu')!;
    const expected = placed.filter((e) => e.pid === 0 && e.tid === 7 && e.name.includes('elementwise')).length;
    expect(search(index, { text: 'elementwise', laneName: gpuLane.info.name }).total).toBe(expected);
    expect(() => search(index, { text: '(', regex: true })).toThrow(/Invalid regular expression/);
  });
});
