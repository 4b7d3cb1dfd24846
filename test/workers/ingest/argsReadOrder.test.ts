// Whole-trace passes over args read a plain trace's file once (argsReadOrder.ts): the correlation
// map, the serving requests and the index writer's args blocks. Real traces are rewritten with
// their events in time order (as a tracer writing as it goes, or the bench's generated traces, lay
// them out: every lane's events spread over the whole file), saved as a plain file and opened as
// the CLI opens one (bin/src/nodeFile.ts: args stay offsets into the file), their args read back in
// 64 kB blocks through a counter of the bytes read. Walking such a file lane by lane reads it
// several times over (checked first, so the order matters), a pass in file order at most once.

import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusText, loadText } from '../../support/corpus';
import { openTraceFile } from '../../../bin/src/nodeFile';
import { loadTrace } from '../../../workers/ingest/loadTrace';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import { correlationMap } from '../../../workers/analysis/correlation';
import { requests } from '../../../workers/analysis/requests';
import { writeIndexFolder } from '../../../workers/indexFolder/writeIndex';
import { ARGS_BLOCK_BYTES, LANE_COLUMNS, unpackColumns } from '../../../workers/indexFolder/format';
import { inflateRaw } from '../../../workers/ingest/rawDeflate';

const BLOCK = 64 << 10;
const out = mkdtempSync(join(tmpdir(), 'tracelane-args-order-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Plain {
  index: TraceIndex;
  /** The plain file's size. */
  bytes: number;
  /** Bytes read through the args source since the last reset. */
  read: { bytes: number };
}

interface JsonTrace {
  traceEvents: { ph: string; ts?: number; cat?: string; args?: { correlation?: number } }[];
}

/** A JSON trace's text with its events in time order (metadata first, as they have no time). */
function timeOrdered(text: string): string {
  const trace = JSON.parse(text) as JsonTrace;
  trace.traceEvents.sort((a, b) => (a.ts ?? -Infinity) - (b.ts ?? -Infinity));
  return JSON.stringify(trace);
}

/** `text` as a plain file, opened with its args read back from it through a counter. */
async function openPlain(name: string, text: string): Promise<Plain> {
  const path = join(out, name);
  writeFileSync(path, text);
  const index = await loadTrace({ kind: 'file', file: openTraceFile(path), name }, { trace: 'test' });
  const source = index.raw.argsSource!;
  expect(source).toBeTruthy();
  const read = { bytes: 0 };
  index.raw.argsSource = {
    blockBytes: BLOCK,
    read(at, len) {
      const b = source.read(at, len);
      read.bytes += b.length;
      return b;
    },
  };
  return { index, bytes: Buffer.byteLength(text), read };
}

/** Reads every slice's args lane by lane, as the passes did before; returns the bytes read meanwhile. */
function laneByLane(p: Plain): number {
  p.read.bytes = 0;
  for (const lane of p.index.lanes.values()) for (let k = 0; k < lane.start.length; k++) p.index.argsOf(lane, k);
  return p.read.bytes;
}

/** Per lane id, its slices' correlation ids (NaN: none), and per id its GPU / API slices as lane@event. */
function correlationOf(index: TraceIndex) {
  const map = correlationMap(index);
  const ids = [...new Set([...map.ids.values()].flatMap((a) => [...a]).filter((id) => !Number.isNaN(id)))].sort((a, b) => a - b);
  const refs = (m: typeof map.gpu) =>
    ids.flatMap((id) => {
      const list = m.all(id).map(([l, k]) => `${l.info.id}@${k}`);
      return list.length ? [[id, list] as const] : [];
    });
  return { ids: [...map.ids].map(([l, ids]) => [l.info.id, [...ids]]), gpu: refs(map.gpu), api: refs(map.api) };
}

describe('whole-trace args passes read the file once (issue 24)', () => {
  it('the correlation map of train_step: one read, the same ids as its args copied in memory', async () => {
    const text = timeOrdered(corpusText('train_step.json.gz'));
    const plain = await openPlain('train_step.json', text);
    expect(laneByLane(plain)).toBeGreaterThan(2 * plain.bytes);
    plain.read.bytes = 0;
    const map = correlationOf(plain.index);
    expect(plain.read.bytes).toBeGreaterThan(0);
    expect(plain.read.bytes).toBeLessThanOrEqual(plain.bytes);
    // The same trace opened from memory keeps its args in memory (no file to read back).
    const copied = correlationOf(await loadText(text));
    expect(map).toEqual(copied);
    // Every kernel's and runtime call's correlation id, as the raw JSON has them, is found.
    const raw = JSON.parse(text) as JsonTrace;
    const idsOf = (cat: string) => new Set(raw.traceEvents.filter((e) => e.cat === cat && e.args?.correlation !== undefined).map((e) => e.args!.correlation!));
    const gpu = new Set(map.gpu.map(([id]) => id));
    const api = new Set(map.api.map(([id]) => id));
    // Each id lists as many GPU slices as the JSON has device events (kernel, memcpy, memset) with it.
    const deviceEvents = new Map<number, number>();
    for (const e of raw.traceEvents) if (/^(kernel|gpu_memcpy|gpu_memset)$/.test(e.cat ?? '') && e.args?.correlation !== undefined) deviceEvents.set(e.args.correlation, (deviceEvents.get(e.args.correlation) ?? 0) + 1);
    expect(new Map(map.gpu.map(([id, list]) => [id, list.length]))).toEqual(deviceEvents);
    expect(idsOf('kernel').size).toBeGreaterThan(100);
    for (const id of idsOf('kernel')) expect(gpu.has(id)).toBe(true);
    for (const id of idsOf('cuda_runtime')) expect(api.has(id)).toBe(true);
  });

  it('the requests pass of train_step: one read, the same rows as its args copied in memory', async () => {
    // (Real traces with request ids are not in the corpus: requests.test.ts checks the rows on fixtures.)
    const text = timeOrdered(corpusText('train_step.json.gz'));
    const plain = await openPlain('train_step_requests.json', text);
    plain.read.bytes = 0;
    const rows = requests(plain.index);
    expect(plain.read.bytes).toBeGreaterThan(0);
    expect(plain.read.bytes).toBeLessThanOrEqual(plain.bytes);
    expect(rows).toEqual(requests(await loadText(text)));
  });

  it('the index writer: its args blocks in one read, each event pointing at its own args', async () => {
    const plain = await openPlain('train_step_index.json', timeOrdered(corpusText('train_step.json.gz')));
    const files = new Map<string, Uint8Array>();
    plain.read.bytes = 0;
    // The args blocks are written before any lane chunk.
    let argsRead = -1;
    const sink = {
      write: async (path: string, bytes: Uint8Array) => {
        if (path.startsWith('lanes/') && argsRead < 0) argsRead = plain.read.bytes;
        files.set(path, bytes);
      },
      files: { where: 'memory', read: async (path: string) => files.get(path)!, readSync: (path: string) => files.get(path)! },
    };
    const manifest = await writeIndexFolder(plain.index, sink, { input: { name: 'train_step_index.json', bytes: plain.bytes, mtimeMs: 0 } });
    expect(argsRead).toBeGreaterThan(0);
    expect(argsRead).toBeLessThanOrEqual(plain.bytes);
    // The args blocks back to one stream; every event's offset in it gives the args the trace holds.
    const stream = new Uint8Array(manifest.args.bytes);
    manifest.args.files.forEach((f, b) => stream.set(inflateRaw(files.get(f)!), b * ARGS_BLOCK_BYTES));
    const text = new TextDecoder();
    let withArgs = 0;
    for (const [l, lane] of [...plain.index.lanes.values()].entries()) {
      const chunks = manifest.lanes[l].chunks;
      let k = 0;
      for (const c of chunks) {
        const { columns } = unpackColumns(files.get(c.file)!, LANE_COLUMNS, c.count);
        for (let i = 0; i < c.count; i++, k++) {
          const len = columns.argsLen[i];
          expect(len).toBe(lane.argsLen[k]);
          if (len === 0) continue;
          withArgs++;
          const at = columns.argsOff[i];
          expect(text.decode(stream.subarray(at, at + len))).toBe(plain.index.argsOf(lane, k));
        }
      }
    }
    expect(withArgs).toBeGreaterThan(1000);
  });
});
