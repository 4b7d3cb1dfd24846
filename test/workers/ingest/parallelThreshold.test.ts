// When a plain trace is parsed in parallel pieces (parallelParse.ts plainParallelMinBytes): on two cores a
// browser's helper pays off only for big files, unless the address asks (`?pieces=parallel`); with more cores,
// and for the index writer's threads, from PARALLEL_MIN_BYTES.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { canFetchInParallel, PARALLEL_MIN_BYTES, plainParallelMinBytes, TWO_CORE_PLAIN_PARALLEL_MIN_BYTES, useFragmentThreads } from '../../../workers/ingest/parallelParse';

const MB = 1 << 20;
/** A browser with `cores` cores (Node has Worker only as worker_threads: a stand-in is enough to count). */
function browserWith(cores: number): void {
  vi.stubGlobal('navigator', { hardwareConcurrency: cores });
  vi.stubGlobal('Worker', class {});
}

afterEach(() => {
  vi.unstubAllGlobals();
  useFragmentThreads(null);
});

describe('a plain trace parsed in parallel pieces', () => {
  it('on two cores, from 320 MB: a 100 MB file and a 297 MB file parse on one thread, 1 GB on two', () => {
    browserWith(2);
    expect(TWO_CORE_PLAIN_PARALLEL_MIN_BYTES).toBe(320 * MB);
    const min = plainParallelMinBytes();
    expect(canFetchInParallel(100 * MB, min)).toBe(false);
    expect(canFetchInParallel(297 * MB, min)).toBe(false);
    expect(canFetchInParallel(1000 * MB, min)).toBe(true);
  });

  it('on two cores, from 48 MB when the address asks for it', () => {
    browserWith(2);
    const min = plainParallelMinBytes(true);
    expect(min).toBe(PARALLEL_MIN_BYTES);
    expect(canFetchInParallel(47 * MB, min)).toBe(false);
    expect(canFetchInParallel(100 * MB, min)).toBe(true);
  });

  it('with four or more cores, from 48 MB; with one core, never', () => {
    browserWith(4);
    expect(canFetchInParallel(100 * MB, plainParallelMinBytes())).toBe(true);
    browserWith(8);
    expect(canFetchInParallel(49 * MB, plainParallelMinBytes())).toBe(true);
    browserWith(1);
    expect(canFetchInParallel(1000 * MB, plainParallelMinBytes(true))).toBe(false);
  });

  it("the index writer's two threads parse from 48 MB: no page or browser shares their cores", () => {
    useFragmentThreads({ threads: 2, start: () => ({}) as Worker });
    expect(plainParallelMinBytes()).toBe(PARALLEL_MIN_BYTES);
    expect(canFetchInParallel(100 * MB, plainParallelMinBytes())).toBe(true);
  });
});
