// Issue 24: the index writer computes its whole-trace summaries from the folder it wrote, reading
// lanes too big for its cache chunk by chunk (LaneIndex.parts). Each analysis here runs over an
// index folder whose lanes span many small chunks, opened with a cache so small that every lane
// past a few events is streamed, and must give what it gives over the trace in memory; a lane it
// may stream is never read whole.

import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, openAsBlob, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CORPUS, EXTERNAL, corpusJsonTraces } from '../../support/corpus';
import { loadTrace } from '../../../workers/ingest/loadTrace';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { writeIndexFolder } from '../../../workers/indexFolder/writeIndex';
import { openIndexFolder } from '../../../workers/indexFolder/openIndex';
import { LazyLane } from '../../../workers/indexFolder/lazyLanes';
import { dirFiles, dirSink } from '../../../bin/src/dirFolder';
import { requests } from '../../../workers/analysis/requests';
import { commOps } from '../../../workers/analysis/commOps';
import { detectSteps, stepCandidates } from '../../../workers/analysis/steps';
import { overview } from '../../../workers/analysis/overview';
import { deviceIntervals } from '../../../workers/analysis/gpuBusy';
import { correlationMap } from '../../../workers/analysis/correlation';
import { stepTable } from '../../../workers/analysis/stepTable';
import { allocations } from '../../../workers/analysis/allocations';

/** Lane columns cached: a lane over a quarter of it (LazyLane.parts: 44 B an event) is walked chunk by chunk. */
const CACHE_BYTES = 4 * 44;
const STREAMED_PAST_EVENTS = CACHE_BYTES / 4 / 44;
/** Events a chunk at most; fewer where the biggest lane would not span CHUNKS_AT_LEAST of them. */
const CHUNK_EVENTS = 1024;
const CHUNKS_AT_LEAST = 8;

const out = mkdtempSync(join(tmpdir(), 'tracelane-chunked-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const FIXTURES = join(__dirname, '../../fixtures');
const TRACES = [
  ...corpusJsonTraces().map((f) => join(CORPUS, f)),
  join(FIXTURES, 'requests/msserviceprofiler_requests.json'),
  join(FIXTURES, 'recorders/msserviceprofiler_chrome_tracing.json'),
  // NCCL: device collectives matched to record_param_comms by External id; record_param_comms on the host clock.
  join(EXTERNAL, 'kineto/hta__nccl_data.json.gz'),
  join(EXTERNAL, 'kineto/hta__negative_queue_length_values_check__rank0.json.gz'),
  join(EXTERNAL, 'kineto/hta__ns_resolution__rank-0.Apr_03_18_51_38.1102.pt.trace.json.gz'),
];

const ANALYSES: Record<string, (index: TraceIndex) => unknown> = {
  requests: (index) => requests(index),
  steps: (index) => [stepCandidates(index), detectSteps(index)],
  comms: (index) => commOps(index),
  deviceIntervals: (index) => deviceIntervals(index),
  correlationIds: (index) => [...correlationMap(index).ids].map(([lane, ids]) => [lane.info.id, ids]),
  overview: (index) => overview(index),
  stepTable: (index) => stepTable(index),
  allocations: (index) => allocations(index),
};

/** The trace in memory and through its index folder, whose biggest lane spans CHUNKS_AT_LEAST chunks or more (or one an event). */
async function inMemoryAndFolder(path: string): Promise<[TraceIndex, TraceIndex]> {
  const name = basename(path);
  const trace = name.replace(/\.json(\.gz)?$/, '');
  const load = async () => loadTrace({ kind: 'file', file: await openAsBlob(path), name }, { trace });
  const written = await load();
  const biggest = Math.max(...[...written.lanes.values()].map((l) => l.start.length));
  const chunkEvents = Math.max(1, Math.min(CHUNK_EVENTS, Math.floor(biggest / CHUNKS_AT_LEAST)));
  const dir = join(out, name);
  const manifest = await writeIndexFolder(written, dirSink(dir), { input: { name, bytes: statSync(path).size, mtimeMs: statSync(path).mtimeMs }, chunkEvents });
  expect(Math.max(...manifest.lanes.map((l) => l.chunks.length))).toBeGreaterThanOrEqual(Math.min(CHUNKS_AT_LEAST, biggest));
  const folder = await openIndexFolder(dirFiles(dir), { trace, laneCache: { bytes: CACHE_BYTES } });
  return [await load(), folder];
}

describe('analyses chunk by chunk over an index folder (issue 24)', () => {
  for (const path of TRACES) {
    it(`${basename(path)}: each analysis as in memory, streamed lanes never read whole`, async () => {
      const [memory, folder] = await inMemoryAndFolder(path);
      const read = vi.spyOn(LazyLane.prototype as unknown as { read(): unknown }, 'read');
      // The flow index binds flow points to slices over whole lanes: device work found through flows
      // (no launch call carries its correlation id: CUDA graphs, Ascend) reads them so.
      const flows = vi.spyOn(folder, 'flowIndex', 'get');
      for (const [name, analysis] of Object.entries(ANALYSES)) {
        read.mockClear();
        flows.mockClear();
        const want = analysis(memory);
        expect(analysis(folder), name).toEqual(want);
        if (flows.mock.calls.length) continue;
        // Each alloc / free call's Python stack (threadStack) reads its thread's lanes whole.
        if (name === 'allocations' && (want as unknown[]).length) continue;
        const readWhole = read.mock.contexts.map((lane) => (lane as LazyLane).info.events);
        expect(readWhole.filter((events) => events > STREAMED_PAST_EVENTS), `${name}: lanes read whole`).toEqual([]);
      }
    }, 120_000);
  }
});
