// The index folder (ARCHITECTURE.md, "Index folder"): a trace parsed, lane-mapped and indexed
// once (by `npm run index` or in a test), written as static files that any HTTP server can
// serve. manifest.json describes everything; the rest are deflated binary column files, named by
// a hash of their bytes (contentName), so they never change under a name and may be cached for good.

import { deflateRaw, inflateRaw } from '../ingest/rawDeflate';
import type { TraceLoadResult } from '../../src/model/types';
import type { CategoryRule } from '../lanes/categoryRules';
import { fnv1a64 } from '../../src/state/fingerprint';

/** Bumped whenever a file's layout or meaning changes; a reader refuses any other version. */
export const INDEX_FORMAT_VERSION = 3;
export const INDEX_FORMAT_NAME = 'tracelane-index';
export const MANIFEST_FILE = 'manifest.json';

/** Events per lane chunk file, by default (tests use fewer so lanes span many chunks). */
export const DEFAULT_CHUNK_EVENTS = 65536;
/** Uncompressed bytes per args block: a selection inflates one block, not the trace's args. */
export const ARGS_BLOCK_BYTES = 256 << 10;

export interface IndexChunk {
  file: string;
  /** Events in this chunk (the lane's events in start order, consecutive). */
  count: number;
  /** Start of its first event and largest end of its events (trace-relative ns). */
  startNs: number;
  endNs: number;
}

export interface IndexManifest {
  format: typeof INDEX_FORMAT_NAME;
  version: number;
  /** False until every file is written: an interrupted run leaves an index that says so. */
  complete: boolean;
  /** The input as the writer saw it: a later run skips an index current for it. */
  input: { name: string; bytes: number; mtimeMs: number | null };
  /** `id:<trace_id>@<baseTimeNanoseconds>` when the trace names itself (src/state/fingerprint.ts), else null. */
  fingerprint: string | null;
  chunkEvents: number;
  /** Bytes of the files opening reads (the coarse file; not lane chunks, counters, flows or args): the progress bar's total. */
  openBytes: number;
  /** What the whole-trace view needs of every lane without its chunks (coarseLanes.ts), one file of packArrays. */
  coarse: string;
  /** The load result of the trace (stagesMs dropped: they describe the writer's run). */
  result: TraceLoadResult;
  /** Slice lanes in result.lanes order: their chunk files (columns of LANE_COLUMNS), read when a call needs the lane's events, and what is stored for the whole-trace view. */
  lanes: { id: string; chunks: IndexChunk[]; coarse: CoarseLane }[];
  /** Counter lanes: one file each (COUNTER_COLUMNS then the series values), read when a call needs the samples, and what is stored for the whole-trace view. */
  counters: { id: string; file: string; count: number; series: number; derived?: boolean; coarse: CoarseCounter }[];
  /** Args of every event, concatenated (`bytes` in all), cut into deflated blocks of `blockBytes` each (the last shorter), block n in `files[n]`. */
  args: { blockBytes: number; bytes: number; files: string[] };
  /** Flow points (RawTrace.flows), their "cat|id" keys (a deflated JSON list: one per flow, too many for the manifest) and own-slice names. */
  flows: { file: string; count: number; keysFile: string; ownName: [number, number][] };
  /** What a window export needs of the importer's tables. */
  raw: { baseNs: string; processNames: [string, string][]; processLabels: [string, string][]; processSort: [string, number][]; threadNames: [string, string][]; threadSort: [string, number][] };
  /** The lane rules the lanes were mapped with (workers/lanes/categoryRules.ts). */
  laneRules: CategoryRule[];
  /** Whole-trace analyses as the worker computes them (summaries.json). */
  summaries: string;
}

/**
 * A lane's part of the coarse file: from its arrays at `at` on, its row sizes, its wide slices and its first
 * band's tile pyramid (coarseLanes.ts) — what the whole-trace view asks of a lane, so opening reads no chunk.
 */
export interface CoarseLane {
  at: number;
  /** rows.length (0 for a lane without events). */
  rows: number;
  /** The earliest end and the latest start of its events: a viewport spanning both sees every event. */
  minEndNs: number;
  maxStartNs: number;
  /** Every slice (not instant) at least this long is among the stored wide slices. */
  wideMinNs: number;
  wide: number;
  /** The first band's pyramid (lanes past LANE_RAW_EVENTS): levels, extent, and per stored tile its level and index. */
  pyramid: { baseLevel: number; topLevel: number; minNs: number; maxNs: number; tiles: [number, number][] } | null;
}

/** A counter's part of the coarse file: its first and last sample time, and from `at` on the tiles of `tiles` (level, index), each as count, before, then min, max, last per series. */
export interface CoarseCounter {
  at: number;
  firstNs: number;
  lastNs: number;
  tiles: [number, number][];
}

type ColumnType = Float64ArrayConstructor | Uint32ArrayConstructor | Uint8ArrayConstructor;
/** A lane chunk's columns, in file order (8-byte columns first, so each column stays aligned). */
export const LANE_COLUMNS = [
  ['start', Float64Array],
  ['dur', Float64Array],
  ['argsOff', Float64Array],
  ['name', Uint32Array],
  ['cat', Uint32Array],
  ['row', Uint32Array],
  ['argsLen', Uint32Array],
  ['instant', Uint8Array],
  ['flags', Uint8Array],
] as const satisfies readonly (readonly [string, ColumnType])[];
/** A counter lane's sample columns (its source events) before its series values (Float64 each). */
export const COUNTER_COLUMNS = [
  ['t', Float64Array],
  ['argsOff', Float64Array],
  ['name', Uint32Array],
  ['cat', Uint32Array],
  ['tid', Uint32Array],
  ['argsLen', Uint32Array],
  ['kind', Uint8Array],
] as const satisfies readonly (readonly [string, ColumnType])[];
export const FLOW_COLUMNS = [
  ['ts', Float64Array],
  ['key', Uint32Array],
  ['pid', Uint32Array],
  ['tid', Uint32Array],
  ['phase', Uint8Array],
  ['enclosing', Uint8Array],
] as const satisfies readonly (readonly [string, ColumnType])[];

type Spec = readonly (readonly [string, ColumnType])[];
export type Columns<S extends Spec> = { [E in S[number] as E[0]]: InstanceType<E[1]> };

/** Columns of `n` rows, deflated, as one file. */
export function packColumns(arrays: ArrayLike<number>[], spec: readonly (readonly [string, ColumnType])[], n: number): Uint8Array {
  let bytes = 0;
  for (const [, T] of spec) bytes += T.BYTES_PER_ELEMENT * n;
  const out = new Uint8Array(bytes);
  let at = 0;
  spec.forEach(([, T], i) => {
    const col = new T(n);
    col.set(arrays[i] as ArrayLike<number>);
    out.set(new Uint8Array(col.buffer), at);
    at += col.byteLength;
  });
  return deflateRaw(out, 6);
}

/** The columns of a file written by packColumns; `extra` Float64 columns follow (counter series). */
export function unpackColumns<S extends Spec>(file: Uint8Array, spec: S, n: number, extra = 0): { columns: Columns<S>; extra: Float64Array[] } {
  return columnsOf(inflateRaw(file), spec, n, extra);
}

/** A file of packColumns already inflated (inflateNative), as columns. */
export function columnsOf<S extends Spec>(bytes: Uint8Array, spec: S, n: number, extra = 0): { columns: Columns<S>; extra: Float64Array[] } {
  const columns: Record<string, unknown> = {};
  const buffer = bytes.buffer as ArrayBuffer;
  let at = 0;
  for (const [key, T] of spec) {
    const len = T.BYTES_PER_ELEMENT * n;
    columns[key] = new T(buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + len));
    at += len;
  }
  const rest: Float64Array[] = [];
  for (let s = 0; s < extra; s++, at += 8 * n) rest.push(new Float64Array(buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + 8 * n)));
  if (at !== bytes.length) throw new IndexFolderError(`An index file holds ${bytes.length} bytes where ${at} were expected: the index is damaged.`);
  return { columns: columns as Columns<S>, extra: rest };
}

export type StoredArray = Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;
const ARRAY_TYPES = [Float64Array, Uint32Array, Int32Array, Uint16Array, Uint8Array] as const;

/** Typed arrays of any lengths and types as one deflated file: a header (count, then type and length of each), then each array 8-byte aligned. */
export function packArrays(arrays: readonly StoredArray[]): Uint8Array {
  const head = new Uint32Array(1 + 2 * arrays.length);
  head[0] = arrays.length;
  let bytes = align8(head.byteLength);
  arrays.forEach((a, i) => {
    head[1 + 2 * i] = ARRAY_TYPES.findIndex((T) => a instanceof T);
    head[2 + 2 * i] = a.length;
    bytes += align8(a.byteLength);
  });
  const out = new Uint8Array(bytes);
  out.set(new Uint8Array(head.buffer));
  let at = align8(head.byteLength);
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += align8(a.byteLength);
  }
  return deflateRaw(out, 6);
}

/** The arrays of a file written by packArrays, inflated (inflateNative), each of the type it was written with. */
export function arraysOf(bytes: Uint8Array): StoredArray[] {
  const buf = (bytes.buffer as ArrayBuffer).slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  const n = new Uint32Array(buf, 0, 1)[0];
  const head = new Uint32Array(buf, 0, 1 + 2 * n);
  let at = align8(head.byteLength);
  const out: StoredArray[] = [];
  for (let i = 0; i < n; i++) {
    const T = ARRAY_TYPES[head[1 + 2 * i]];
    const len = head[2 + 2 * i];
    if (!T || at + len * T.BYTES_PER_ELEMENT > buf.byteLength) throw new IndexFolderError('An index file is damaged (its arrays run past its end).');
    out.push(new T(buf, at, len));
    at += align8(len * T.BYTES_PER_ELEMENT);
  }
  return out;
}

const align8 = (n: number) => (n + 7) & ~7;

/** A deflated file inflated by the platform (DecompressionStream, off the JS thread), else in this thread (rawDeflate.ts). */
export async function inflateNative(file: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') return inflateRaw(file);
  const stream = new Blob([file as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** `<stem>-<hash of the bytes>.bin`: a file that never changes under its name (immutable cache headers are safe). */
export function contentName(stem: string, bytes: Uint8Array): string {
  return `${stem}-${fnv1a64(bytes)}.bin`;
}

/** A problem with an index folder (missing, damaged, incomplete, another version): its message is shown as a load error. */
export class IndexFolderError extends Error {
  override name = 'IndexFolderError';
}

/** Checks a manifest before anything else of the folder is read. */
export function checkManifest(m: unknown, where: string): IndexManifest {
  const manifest = m as Partial<IndexManifest> | null;
  if (!manifest || manifest.format !== INDEX_FORMAT_NAME) throw new IndexFolderError(`${where} is not a tracelane index folder (its manifest.json names no "${INDEX_FORMAT_NAME}" format).`);
  if (manifest.version !== INDEX_FORMAT_VERSION) {
    throw new IndexFolderError(`${where} is an index of version ${String(manifest.version)}; this tracelane reads version ${INDEX_FORMAT_VERSION}. Index the trace again with this version's \`npm run index\`.`);
  }
  if (!manifest.complete) throw new IndexFolderError(`${where} is incomplete: the run that wrote it was interrupted. Index the trace again.`);
  return manifest as IndexManifest;
}
