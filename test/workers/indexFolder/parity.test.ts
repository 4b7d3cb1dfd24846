// Issue 24: an index folder answers every worker call as the trace itself does. Each corpus
// trace is opened directly and through its index (written with small chunks so lanes span
// many files, lanes read on demand through a 4 MB cache that must evict, args read back
// through a small block cache), and the answers compared. Opening reads no lane chunk, and
// the whole-trace view reads only the chunks of lanes it draws as raw slices.

import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { openAsBlob } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS } from '../../support/corpus';
import { loadTrace } from '../../../workers/ingest/loadTrace';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { summariesOf, writeIndexFolder } from '../../../workers/indexFolder/writeIndex';
import { indexLaneCaches, openIndexFolder, prefetchForQuery, prefetchLanes, readManifest } from '../../../workers/indexFolder/openIndex';
import { LazyLane } from '../../../workers/indexFolder/lazyLanes';
import { LANE_RAW_EVENTS } from '../../../workers/index/tiledViewport';
import { dirFiles, dirSink } from '../../../bin/src/dirFolder';
import { levelForNsPerPx, sliceTileBytes, tileSpanNs, TILE_BAND_ROWS, type SliceTile } from '../../../src/model/tiles';
import { LruCache } from '../../../src/model/lruCache';
import { SliceTilePyramid } from '../../../workers/index/tilePyramid';
import { correlate } from '../../../workers/analysis/correlation';
import { search } from '../../../workers/analysis/search';
import { sliceTable } from '../../../workers/analysis/sliceTable';
import { gpuIdleWithin } from '../../../workers/analysis/commOps';
import { selectionTotals } from '../../../workers/analysis/compareTotals';
import { chromeTraceWindow } from '../../../workers/export/chromeTraceWindow';
import { readdirSync } from 'node:fs';

const CHUNK_EVENTS = 4096;
const CACHE_BYTES = 4 << 20;
const IDLE_MS = 20;
/** The end of a worker call: the lane cache trims to its bound between calls, the last call's lanes aside (lazyLanes.ts). */
const nextCall = () => new Promise((resolve) => setTimeout(resolve, 1));
/** No call for longer than the cache's idle time: its bound holds for every lane. */
const idle = () => new Promise((resolve) => setTimeout(resolve, 3 * IDLE_MS));
const out = mkdtempSync(join(tmpdir(), 'tracelane-index-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const traces = readdirSync(CORPUS).filter((f) => /\.(json|txt)(\.gz)?$/.test(f)).sort();

async function open(path: string, trace: string): Promise<TraceIndex> {
  return loadTrace({ kind: 'file', file: await openAsBlob(path), name: path.split('/').pop()! }, { trace });
}

/** Every lane's events at evenly spread positions (first and last included). */
function sample(index: TraceIndex, perLane: number): [string, number][] {
  const picks: [string, number][] = [];
  for (const lane of index.lanes.values()) {
    const n = lane.start.length;
    for (let i = 0; i < Math.min(n, perLane); i++) picks.push([lane.info.id, Math.round((i * (n - 1)) / Math.max(1, perLane - 1))]);
  }
  return picks;
}

describe('index folder parity (issue 24)', () => {
  it('finds the corpus', () => expect(traces.length).toBeGreaterThanOrEqual(7));

  for (const name of traces) {
    it(`${name}: the index answers as the trace`, async () => {
      const trace = name.replace(/\.(json|txt)(\.gz)?$/, '');
      const path = join(CORPUS, name);
      const direct = await open(path, trace);
      const dir = join(out, name);
      const manifest = await writeIndexFolder(direct, dirSink(dir), { input: { name, bytes: statSync(path).size, mtimeMs: statSync(path).mtimeMs }, chunkEvents: CHUNK_EVENTS });
      expect(manifest.complete).toBe(true);
      // Lanes past one chunk span several files, none over the chunk size.
      for (const l of manifest.lanes) for (const c of l.chunks) expect(c.count).toBeLessThanOrEqual(CHUNK_EVENTS);
      const biggest = Math.max(...[...direct.lanes.values()].map((l) => l.start.length));
      if (biggest > CHUNK_EVENTS) expect(Math.max(...manifest.lanes.map((l) => l.chunks.length))).toBeGreaterThan(1);

      const files = dirFiles(dir);
      let argsReads = 0;
      let openRead = 0;
      const chunkReads: string[] = [];
      const prefetchReads: string[] = [];
      const counterReads: string[] = [];
      const counting = {
        ...files,
        read: async (p: string) => {
          const b = await files.read(p);
          if (p !== 'manifest.json') openRead += b.length;
          if (p.startsWith('lanes/')) prefetchReads.push(p);
          return b;
        },
        readSync: (p: string) => {
          if (p.startsWith('args/')) argsReads++;
          if (p.startsWith('lanes/')) chunkReads.push(p);
          if (p.startsWith('counters/')) counterReads.push(p);
          return files.readSync(p);
        },
      };
      let last: number[] = [];
      const index = await openIndexFolder(counting, { trace, onProgress: (...p) => (last = p), laneCache: { bytes: CACHE_BYTES, idleMs: IDLE_MS } });
      const cache = indexLaneCaches.get(index)!;
      // Opening reads the coarse file the manifest counts: no lane chunk, counter, flow or args block.
      expect(openRead).toBe(manifest.openBytes);
      expect(argsReads).toBe(0);
      expect(chunkReads).toEqual([]);
      expect(last).toEqual([manifest.openBytes, manifest.openBytes, direct.result.events]);

      // The first frame (the whole trace, 1600 px wide, every lane and counter) reads only the chunks of lanes small
      // enough to be drawn as slices; busy lanes come from their stored tiles and wide slices.
      const laneIds = direct.result.lanes.map((l) => l.id);
      let windowed = 0;
      let tileWindows = 0;
      const { minNs, maxNs } = direct.result;
      const first = { startNs: minNs, endNs: maxNs, widthPx: 1600, laneIds, level: levelForNsPerPx((maxNs - minNs) / 1600) };
      expect(index.query(first)).toEqual(direct.query(first));
      const chunkLane = new Map(manifest.lanes.flatMap((l) => l.chunks.map((c) => [c.file, l.id] as const)));
      const busy = [...direct.lanes.values()].filter((l) => l.start.length > LANE_RAW_EVENTS).map((l) => l.info.id);
      expect(chunkReads.map((f) => chunkLane.get(f)).filter((id) => busy.includes(id!))).toEqual([]);
      // Nor the samples of a counter too busy to be drawn as they are (its stored tiles).
      const busyCounters = manifest.counters.filter((c) => c.count > LANE_RAW_EVENTS).map((c) => c.file);
      expect(counterReads.filter((f) => busyCounters.includes(f))).toEqual([]);
      await nextCall();

      // Deep zooms into lanes not in memory read only the chunks whose events may overlap the view (a chunk:
      // CHUNK_EVENTS consecutive events in start order), where those are at most a quarter of the lane's;
      // also a view drawn from tiles (1/64 of the trace): its tiles are built from the chunks they overlap.
      for (const [at, part] of [[0.2, 4096], [0.5, 4096], [0.83, 4096], [0.6, 64]]) {
        const startNs = minNs + (maxNs - minNs) * at;
        const deep = { ...first, startNs, endNs: startNs + (maxNs - minNs) / part, level: levelForNsPerPx((maxNs - minNs) / part / 1600) };
        const before = { sync: chunkReads.length, prefetched: prefetchReads.length };
        const closed = new Set([...index.lanes.values()].filter((l) => l instanceof LazyLane && !l.isOpen).map((l) => l.info.id));
        await prefetchForQuery(index, deep);
        expect(index.query(deep)).toEqual(direct.query(deep));
        const read = [...prefetchReads.slice(before.prefetched), ...chunkReads.slice(before.sync)];
        for (const lane of direct.lanes.values()) {
          const m = manifest.lanes.find((l) => l.id === lane.info.id)!;
          if (!closed.has(lane.info.id) || m.chunks.length < 8) continue;
          const overlapping = m.chunks.flatMap((c, i) => {
            let end = -Infinity;
            for (let k = i * CHUNK_EVENTS; k < Math.min(lane.start.length, (i + 1) * CHUNK_EVENTS); k++) end = Math.max(end, lane.start[k] + lane.dur[k]);
            return lane.start[i * CHUNK_EVENTS] <= deep.endNs && end >= deep.startNs ? [c.file] : [];
          });
          if (overlapping.length > m.chunks.length / 4) continue;
          // Nothing else is read; the overlapping chunks are read now unless a window before holds them.
          const mine = read.filter((f) => chunkLane.get(f) === lane.info.id);
          expect(mine.filter((f) => !overlapping.includes(f))).toEqual([]);
          const ever = new Set([...prefetchReads, ...chunkReads]);
          expect(overlapping.filter((f) => !ever.has(f))).toEqual([]);
          windowed++;
        }
        await nextCall();
      }

      // A tile finer than a lane's stored levels is built from the chunks it overlaps (the lane stays unread),
      // the same tile as the trace's own pyramid builds.
      const tall = [...index.lanes.values()].filter((l): l is LazyLane => l instanceof LazyLane && !l.isOpen && l.info.rows <= TILE_BAND_ROWS);
      for (const lazy of tall.sort((a, b) => b.info.events - a.info.events).slice(0, 2)) {
        const stored = lazy.summary?.pyramid(new LruCache<string, SliceTile>(1 << 20, sliceTileBytes));
        const chunks = manifest.lanes.find((l) => l.id === lazy.info.id)!.chunks;
        if (!stored || chunks.length < 8) continue;
        const own = new SliceTilePyramid(direct.lanes.get(lazy.info.id)!, lazy.info.id, new LruCache<string, SliceTile>(1 << 20, sliceTileBytes));
        // A level whose tile spans about one chunk's time, in the middle of the lane.
        const c = chunks[chunks.length >> 1];
        let level = stored.baseLevel - 1;
        while (level > 0 && tileSpanNs(level) > c.endNs - c.startNs) level--;
        const at = Math.floor(c.startNs / tileSpanNs(level));
        const reads = chunkReads.length;
        for (const i of [at, at + 1]) expect(stored.tile(level, i)).toEqual(own.tile(level, i));
        expect(lazy.isOpen).toBe(false);
        expect(chunkReads.length - reads).toBeLessThan(chunks.length / 4);
        tileWindows++;
      }
      await nextCall();

      // A zoomed view asked call after call reads its lanes once, even past the cache's bound (the last call's
      // lanes stay); once idle the bound holds.
      const zoomStart = minNs + (maxNs - minNs) * 0.4;
      const zoom = { ...first, startNs: zoomStart, endNs: zoomStart + (maxNs - minNs) / 100, level: levelForNsPerPx((maxNs - minNs) / 100 / 1600) };
      const zoomed = index.query(zoom);
      expect(zoomed).toEqual(direct.query(zoom));
      await nextCall();
      const zoomReads = cache.chunksRead;
      for (let i = 0; i < 3; i++) {
        expect(index.query(zoom)).toEqual(zoomed);
        await nextCall();
      }
      expect(cache.chunksRead).toBe(zoomReads);
      await idle();
      expect(cache.heldBytes).toBeLessThanOrEqual(CACHE_BYTES);

      // summary(): the load result, but the writer's timings.
      const { parseMs: _a, stagesMs: _b, ...want } = direct.result;
      const { parseMs: _c, stagesMs: _d, ...got } = index.result;
      expect(got).toEqual(want);
      expect([...index.lanes.keys()]).toEqual([...direct.lanes.keys()]);

      // Slice keys of every event, and key → slice.
      for (const lane of direct.lanes.values()) {
        const other = index.lanes.get(lane.info.id)!;
        for (let k = 0; k < lane.start.length; k += 7) expect(index.keyOf(other, k)).toBe(direct.keyOf(lane, k));
      }
      const picks = sample(direct, 24);
      for (const [i, [laneId, k]] of picks.entries()) {
        // Now and then a new call, so the cache drops lanes between them (every time: the suite pays minutes of re-reads).
        if (i % 8 === 0) await nextCall();
        const key = direct.keyOf(direct.lanes.get(laneId)!, k);
        expect(index.resolveKey(key)).toEqual(direct.resolveKey(key));
        // Selection details, args read back from the deflated blocks.
        expect(index.slice(laneId, k)).toEqual(direct.slice(laneId, k));
        expect(correlate(index, laneId, k)).toEqual(correlate(direct, laneId, k));
      }

      // find(): by name and by regex.
      const someName = direct.nameOf(direct.lanes.get(picks[picks.length - 1][0])!, picks[picks.length - 1][1]);
      expect(index.find({ name: someName })).toEqual(direct.find({ name: someName }));
      expect(index.find({ regex: '^[a-c]', limit: 5000 })).toEqual(direct.find({ regex: '^[a-c]', limit: 5000 }));

      // query() at three zoom levels: the whole trace, a sixteenth, a thousandth.
      for (const part of [1, 16, 1024]) {
        await nextCall();
        const span = (maxNs - minNs) / part;
        const startNs = minNs + (maxNs - minNs) / 3;
        const q = { startNs, endNs: startNs + span, widthPx: 1600, laneIds, level: levelForNsPerPx(span / 1600) };
        // As the trace worker asks: the lanes this view reads are fetched (in parallel, inflated natively) first.
        const fetched = cache.chunksRead;
        const closed = [...index.lanes.values()].filter((l) => l instanceof LazyLane && !l.isOpen).length;
        await prefetchForQuery(index, q);
        if (closed) expect(cache.chunksRead).toBeGreaterThan(fetched);
        expect(index.query(q)).toEqual(direct.query(q));
        expect(gpuIdleWithin(index, startNs, startNs + span)).toBe(gpuIdleWithin(direct, startNs, startNs + span));
        const range = { startNs, endNs: startNs + span };
        expect(selectionTotals(index, range)).toEqual(selectionTotals(direct, range));
        if (part === 1) continue; // the rest over the whole trace only repeats the zoomed-in answers, slowly
        expect(index.query({ ...q, level: undefined })).toEqual(direct.query({ ...q, level: undefined }));
        expect(sliceTable(index, range)).toEqual(sliceTable(direct, range));
        // The window export reads every event's args and the importer's process / thread tables.
        expect(chromeTraceWindow(index, range)).toBe(chromeTraceWindow(direct, range));
      }

      // Every whole-trace analysis, and a search over names and args; as the trace worker asks, the chunks of
      // every lane not in memory fetched first in parallel (prefetchLanes): the analyses read none of those
      // synchronously (only lanes in memory before, which the small cache may drop while the others come in).
      await nextCall();
      const summaries = summariesOf(direct);
      const syncReads = chunkReads.length;
      const lazy = [...index.lanes.values()] as LazyLane[];
      const openChunks = lazy.filter((l) => l.isOpen).reduce((n, l) => n + manifest.lanes.find((m) => m.id === l.info.id)!.chunks.length, 0);
      const prefetched = new Set(lazy.filter((l) => !l.isOpen).flatMap((l) => l.chunkFiles));
      await prefetchLanes(index);
      expect(summariesOf(index)).toEqual(summaries);
      const readAgain = chunkReads.slice(syncReads);
      expect(readAgain.filter((f) => prefetched.has(f))).toEqual([]);
      expect(readAgain.length).toBeLessThanOrEqual(openChunks);
      const q = { text: 'aten', inArgs: true };
      const a = search(index, q);
      const b = search(direct, q);
      expect({ ...a, matches: [...a.matches] }).toEqual({ ...b, matches: [...b.matches] });

      // Once idle the lane cache holds at most its bound; lanes too big to stay were read again.
      await nextCall();
      await idle();
      expect(cache.heldBytes).toBeLessThanOrEqual(CACHE_BYTES);
      // (8 B of start times per event alone: lanes past twice the bound cannot all stay.)
      const starts = [...direct.lanes.values()].reduce((n, l) => n + l.start.byteLength, 0);
      if (starts > 2 * CACHE_BYTES) expect(cache.chunksRead).toBeGreaterThan(manifest.lanes.reduce((n, l) => n + l.chunks.length, 0));
      // Args came through the block reader: a few blocks, not one read per slice.
      if (manifest.args.bytes > 0) expect(argsReads).toBeGreaterThan(0);
      // The summaries written match what the index answers.
      const stored = JSON.parse(new TextDecoder().decode(await files.read(manifest.summaries)));
      expect(stored).toEqual(JSON.parse(JSON.stringify(summaries)));
      expect((await readManifest(files)).fingerprint).toBe(manifest.fingerprint);
      // The big corpus traces have lanes of many chunks: their deep zooms read part of them.
      if (biggest > 16 * CHUNK_EVENTS) expect(windowed).toBeGreaterThan(0);
      if (biggest > 16 * CHUNK_EVENTS) expect(tileWindows).toBeGreaterThan(0);
    });
  }
});
