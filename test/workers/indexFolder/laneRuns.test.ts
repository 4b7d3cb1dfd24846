// Issue 24, a bounded index writer: a lane written from sorted runs (laneRuns.ts) must give the
// chunk files and coarse entry the whole-lane writer gives (writeIndex.ts), byte for byte. Each
// trace's events are cut, in file order, into blocks of RUN_EVENTS (every big lane spans many runs);
// each block's events of a lane are sorted by the lane order and spilled to run files (spillBlockRuns,
// bin/src/runFiles.ts), the runs read and merged part by part and
// written by LaneStreamWriter, and every file compared with the folder written from the in-memory
// index (a lane past LANE_RAW_EVENTS: its pyramid's tiles too, built from the chunks read back; each
// event's args offset from an ArgsPlan; the args blocks from the lanes' args walked part by part). The runs are made from the raw events as the index got them (B/E pairs matched, async
// slices appended), captured on their way into buildLaneIndexes.

import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS, EXTERNAL, corpusJsonTraces, loadCorpus, loadExternal } from '../../support/corpus';
import { RawKind, type RawTrace } from '../../../workers/ingest/rawTrace';
import type { LanePlan } from '../../../workers/lanes/laneMapping';
import { laneOrderOf } from '../../../workers/index/laneIndex';
import { writeArgBlocks, writeIndexFolder, type IndexSink } from '../../../workers/indexFolder/writeIndex';
import type { ArgsPart, ArgsSource } from '../../../workers/ingest/argsReadOrder';
import { dirSink } from '../../../bin/src/dirFolder';
import { arraysOf, type IndexManifest, type StoredArray } from '../../../workers/indexFolder/format';
import { inflateRaw } from '../../../workers/ingest/rawDeflate';
import { LaneStreamWriter, lanePart, mergeRuns, spillBlockRuns, type RunPart } from '../../../workers/indexFolder/laneRuns';
import { ArgsPlan } from '../../../workers/indexFolder/argsPlan';
import { RunFiles, withRunFiles, type RunFile } from '../../../bin/src/runFiles';
import type { TraceIndex } from '../../../workers/index/traceIndex';

/** The raw events (copies) and their lanes, as the last load handed them to buildLaneIndexes. */
let captured: { start: Float64Array; dur: Float64Array; name: Uint32Array; cat: Uint32Array; kind: Uint8Array; flags: Uint8Array; argsOff: Float64Array; argsLen: Uint32Array; laneOfEvent: Int32Array; lanes: number } | null = null;

vi.mock('../../../workers/index/laneIndex', async (original) => {
  const m = await original<typeof import('../../../workers/index/laneIndex')>();
  return {
    ...m,
    buildLaneIndexes: (raw: RawTrace, plans: readonly LanePlan[], laneOfEvent: Int32Array) => {
      const n = raw.count;
      const copy = <T extends Float64Array | Uint32Array | Uint8Array>(c: { data: T }): T => c.data.slice(0, n) as T;
      captured = { start: copy(raw.start), dur: copy(raw.dur), name: copy(raw.name), cat: copy(raw.cat), kind: copy(raw.kind), flags: copy(raw.flags), argsOff: copy(raw.argsOff), argsLen: copy(raw.argsLen), laneOfEvent: laneOfEvent.slice(), lanes: plans.length };
      return m.buildLaneIndexes(raw, plans, laneOfEvent);
    },
  };
});

/** Events per block of the file: each block's events of a lane are one sorted run. */
const RUN_EVENTS = 4096;
/**
 * Runs of the file's blocks (as a writer spills them), and runs of every seventh event: equal spans
 * lie next to each other in the file, so only the stripes put most of them in different runs.
 */
const CUTS: [string, (i: number) => number][] = [
  ['blocks', (i) => Math.floor(i / RUN_EVENTS)],
  ['stripes', (i) => i % 7],
];
/** Chunk files of the folders compared, and events per merged part (neither divides the other). */
const CHUNK_EVENTS = 1000;
const PART_EVENTS = 333;
/** Events per part a run is read in (run r: the r-th size, in turn). */
const RUN_PARTS = [1, 50, 4096, 7];

const out = mkdtempSync(join(tmpdir(), 'tracelane-laneruns-'));

/** Files written in memory. */
function memorySink(): IndexSink & { written: Map<string, Uint8Array> } {
  const written = new Map<string, Uint8Array>();
  return { written, files: { where: 'memory', read: async (p) => written.get(p)!, readSync: (p) => written.get(p)! }, write: async (p, b) => void written.set(p, b) };
}

const external = ['catapult__async_begin_end.json.gz', 'catapult__nestable_async.json.gz', 'catapult__flow.json.gz', 'catapult__main_thread_has_unclosed_slices.json.gz', 'catapult__instance_counters.json.gz', 'catapult__x_event_trace.json.gz'].map((f) => join('chrome-trace', f));

/** Where the runs of the current comparison are spilled. */
let runFiles: RunFiles;

/** Lanes past LANE_RAW_EVENTS (a stored pyramid) compared, over every trace. */
let pyramidsCompared = 0;
afterAll(() => {
  try {
    expect(pyramidsCompared).toBeGreaterThan(5);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

describe('a lane written from sorted runs (issue 24)', () => {
  const cases: [string, string, () => Promise<unknown>][] = [
    ...corpusJsonTraces().map((f): [string, string, () => Promise<unknown>] => [f, join(CORPUS, f), () => loadCorpus(f)]),
    ...external.map((f): [string, string, () => Promise<unknown>] => [f, join(EXTERNAL, f), () => loadExternal(f)]),
  ];
  it.each(cases)('%s: every lane chunk and coarse entry equals the whole-lane writer', async (name, path, load) => {
    for (const cut of CUTS) await withRunFiles(async (files) => ((runFiles = files), compareLanes(name, path, load, cut)));
  });
});

/** A run's events (raw indices, in lane order) read as RunParts of `size` events, each part's arrays made afresh. */
function* runReader(raw: NonNullable<typeof captured>, events: number[], size: number): Generator<RunPart> {
  for (let from = 0; from < events.length; from += size) {
    const n = Math.min(size, events.length - from);
    const part: RunPart = { ...lanePart(n), file: new Float64Array(n), n };
    for (let j = 0; j < n; j++) {
      const i = events[from + j];
      part.start[j] = raw.start[i];
      part.dur[j] = raw.dur[i];
      part.name[j] = raw.name[i];
      part.cat[j] = raw.cat[i];
      part.instant[j] = raw.kind[i] === RawKind.Instant ? 1 : 0;
      part.flags[j] = raw.flags[i];
      part.argsLen[j] = raw.argsLen[i];
      part.off[j] = raw.argsOff[i];
      part.file[j] = i;
    }
    yield part;
  }
}

/** [args offset, length, column set] of every event with args: each lane's in file order, then each counter's samples. */
function* eventArgs(raw: NonNullable<typeof captured>, byLane: number[][], counters: { argsOff: ArrayLike<number>; argsLen: ArrayLike<number> }[]): Generator<[number, number, number]> {
  for (let l = 0; l < byLane.length; l++) for (const i of byLane[l]) if (raw.argsLen[i] > 0) yield [raw.argsOff[i], raw.argsLen[i], l];
  for (let c = 0; c < counters.length; c++) for (let k = 0; k < counters[c].argsLen.length; k++) if (counters[c].argsLen[k] > 0) yield [counters[c].argsOff[k], counters[c].argsLen[k], byLane.length + c];
}

async function compareLanes(name: string, path: string, load: () => Promise<unknown>, [cutName, runOf]: [string, (i: number) => number]): Promise<void> {
  {
    captured = null;
    const index = (await load()) as TraceIndex;
    const raw = captured!;
    expect(raw).not.toBeNull();
    const dir = join(out, `${name.replace(/\//g, '_')}-${cutName}`);
    const manifest = await writeIndexFolder(index, dirSink(dir), { input: { name, bytes: statSync(path).size, mtimeMs: null }, chunkEvents: CHUNK_EVENTS });
    const file = (p: string) => new Uint8Array(readFileSync(join(dir, p)));
    const coarse = arraysOf(inflateRaw(file(manifest.coarse)));
    expect(manifest.lanes.length).toBe(raw.lanes);

    // Each lane's events in file order, cut into runs by block of the file.
    const byLane: number[][] = Array.from({ length: raw.lanes }, () => []);
    raw.laneOfEvent.forEach((l, i) => l >= 0 && byLane[l].push(i));
    // Where the args blocks put each event's args: each lane's and counter's bytes per bucket of the file.
    const plan = new ArgsPlan(index.raw);
    const counters = [...index.counters.values()].map((c) => c.source);
    // Blocks of the file spilled as the writer spills them (spillBlockRuns: runs per lane, args counted), through run files.
    const blockRuns: RunFile[][] = Array.from({ length: raw.lanes }, () => []);
    if (cutName === 'blocks') {
      for (let first = 0; first < raw.start.length; first += RUN_EVENTS) {
        const n = Math.min(RUN_EVENTS, raw.start.length - first);
        const cut = <T extends Float64Array | Uint32Array | Uint8Array>(c: T): T => c.subarray(first, first + n) as T;
        const block = { kind: cut(raw.kind), flags: cut(raw.flags), start: cut(raw.start), dur: cut(raw.dur), name: cut(raw.name), cat: cut(raw.cat), argsOff: cut(raw.argsOff), argsLen: cut(raw.argsLen), n, first };
        spillBlockRuns(block, raw.laneOfEvent.subarray(first, first + n), runFiles, blockRuns, plan);
      }
      for (const [off, len, c] of eventArgs(raw, [], counters)) plan.count(raw.lanes + c, off, len);
    } else for (const [off, len, c] of eventArgs(raw, byLane, counters)) plan.count(c, off, len);
    const argsAt = plan.seal(raw.lanes + counters.length);
    let multiRun = 0;
    let pyramids = 0;
    const laneArgs: ArgsSource[] = [];
    for (let l = 0; l < raw.lanes; l++) {
      const stored = manifest.lanes[l];
      const events: number[][] = [];
      for (const i of byLane[l]) (events[runOf(i)] ??= []).push(i);
      // Each run in lane order, read in parts of its own varying sizes (as a spilled run is read back).
      const runs =
        cutName === 'blocks'
          ? blockRuns[l].map((run, r) => runFiles.read(run, RUN_PARTS[r % RUN_PARTS.length]))
          : events.filter(Boolean).map((list, r) => {
              const start = Float64Array.from(list, (i) => raw.start[i]);
              const dur = Float64Array.from(list, (i) => raw.dur[i]);
              return runReader(raw, laneOrderOf(start, dur, list).map((j) => list[j]), RUN_PARTS[r % RUN_PARTS.length]);
            });
      expect(runs.length, 'runs').toBe(events.filter(Boolean).length);
      if (runs.length > 1) multiRun++;
      const sink = memorySink();
      const writer = new LaneStreamWriter(sink, `lanes/${l}`, CHUNK_EVENTS, stored.id, manifest.result);
      let k = 0;
      const argsParts: ArgsPart[] = [];
      for (const part of mergeRuns(runs, PART_EVENTS)) {
        // The lane's args locations in lane order, part by part (what a writer spills for the args blocks' pass).
        argsParts.push({ cols: { argsOff: part.off.slice(0, part.n), argsLen: part.argsLen.slice(0, part.n) }, first: k });
        // The merge carries each event's args offset in the trace; the plan says where the args blocks put it.
        for (let j = 0; j < part.n; j++) part.off[j] = argsAt[l](part.off[j], part.argsLen[j]);
        k += part.n;
        await writer.add(part, part.n);
      }
      expect(k).toBe(byLane[l].length);
      const arrays: StoredArray[] = [];
      const made = await writer.finish(arrays);
      // The same chunk files (names are hashes of the bytes), the same entries.
      const what = `${stored.id}, runs of ${cutName}`;
      expect(made.chunks, what).toEqual(stored.chunks);
      for (const c of made.chunks) expect(Buffer.from(sink.written.get(c.file)!).equals(Buffer.from(file(c.file))), c.file).toBe(true);
      // The same entry (its arrays from 0 here), and the same arrays: outline, then the pyramid's tiles.
      const { at: storedAt, ...entry } = stored.coarse;
      const { at: madeAt, ...madeEntry } = made.coarse;
      expect(madeEntry, what).toEqual(entry);
      expect(madeAt).toBe(0);
      const storedArrays = coarse.slice(storedAt, storedAt + arrays.length);
      expect(arrays.map((a) => [a.constructor.name, Array.from(a)]), what).toEqual(storedArrays.map((a) => [a.constructor.name, Array.from(a)]));
      if (stored.coarse.pyramid) pyramids++;
      laneArgs.push({ argsParts: () => argsParts });
      // Nothing of this lane's is left past what was compared: the next lane's arrays (or the file's end) follow.
      const next = manifest.lanes[l + 1]?.coarse.at ?? manifest.counters[0]?.coarse.at ?? coarse.length;
      expect(storedAt + arrays.length, what).toBe(next);
    }
    // Some lane of every trace with more than a block of events spans several runs.
    if (raw.start.length > 2 * RUN_EVENTS) expect(multiRun).toBeGreaterThan(0);
    // The args blocks from the lanes' args walked part by part (and the counters' whole): the folder's, file for file.
    const argsSink = memorySink();
    const args: IndexManifest['args'] = { blockBytes: manifest.args.blockBytes, bytes: 0, files: [] };
    await writeArgBlocks(index.raw, [...laneArgs, ...counters], argsSink, args);
    expect(args).toEqual(manifest.args);
    for (const f of args.files) expect(Buffer.from(argsSink.written.get(f)!).equals(Buffer.from(file(f))), f).toBe(true);
    pyramidsCompared += pyramids;
  }
}
