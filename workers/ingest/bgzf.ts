// BGZF (the blocked gzip of bioinformatics, `bgzip`): a gzip file of members of at most
// 64 kB of input, each naming its own compressed size in its header (the `BC` extra
// subfield, BSIZE = member size − 1) and its inflated size in its trailer (ISIZE). So the
// members are found WITHOUT inflating: walk from header to header (the compressed bytes read
// a few MB at a time, each member's header and trailer looked at). Then the file is a RangeSource of its INFLATED bytes (bgzfRanges): a range costs
// the members that cover it, inflated synchronously by the WebAssembly inflater (wasmInflate.ts;
// where WebAssembly is unavailable, each by a DecompressionStream of its own), and the
// plain-file parallel parse (parallelParse.ts) cuts, parses and merges it like a File.
// Args are read back by offset as a plain file's are (bgzfArgsSource: the members holding them
// inflated synchronously), so they are neither copied nor deflated while parsing.
// A gzip without the field, or whose chain breaks (no BGZF header where the previous member
// says the next begins, or a member running past the end), is not BGZF here: the caller
// reads it as a stream (gzipMembers.ts), as before.

import type { ArgsSource } from './argsSource';
import type { RangeSource } from './byteSource';
import { nativeGunzip, type InflaterFactory } from './gzipMembers';
import { inflateRaw } from './rawDeflate';
import { InflateError, WasmInflater, type DeflateMember } from './wasmInflate';
import { firstAtOrAfter } from '../index/sortedSearch';

/** Every member's compressed and inflated offsets, with the totals after the last (n + 1 entries each). */
export interface BgzfMembers {
  comp: Float64Array;
  raw: Float64Array;
}

/** What opens a BGZF file's inflated bytes in a fragment worker (byteSource.ts: rangeSourceFor). */
export interface BgzfJob {
  /** The compressed file. */
  of: RangeSource['job'];
  size: number;
  members: BgzfMembers;
}

export type BgzfWalk = { ok: true; members: BgzfMembers } | { ok: false; at: number; reason: string };

/** Fixed part of a gzip header before the extra field (magic, method, flags, mtime, xfl, os, XLEN). */
const FIXED_HEADER = 12;
/** Header + the 2 bytes of the smallest deflate stream + CRC32 + ISIZE. */
const MIN_MEMBER = FIXED_HEADER + 2 + 8;
/** BGZF's flags: FEXTRA only (no name, comment or header CRC), so the deflate data starts after the extra field. */
const FEXTRA = 0x04;
/** Compressed bytes per walk step (members are ≤ 64 kB, so each step walks many). */
const WALK_READ_BYTES = 4 << 20;
/** A step's read runs this far into the next step's bytes: a member starting in a step ends in its read (BSIZE + 1 ≤ 2^16). */
const WALK_OVERLAP = 1 << 16;
/** Steps read at once (a read is a round trip to the browser's blob store: several overlap). */
const WALK_READS_IN_FLIGHT = 4;
/** Inflated bytes per chunk of a stream (whole members: at least one). */
const STREAM_CHUNK_BYTES = 1 << 20;
/** Compressed bytes a stream reads at once (whole members: at least those of one chunk). */
const COMPRESSED_READ_BYTES = 1 << 20;

/**
 * The member length (BSIZE + 1) the gzip header at `bytes[at]` names in its `BC` subfield,
 * `needMore` when the header runs past `bytes`, or null when it is no BGZF header.
 */
export function bgzfMemberLength(bytes: Uint8Array, at: number): number | 'needMore' | null {
  if (at + FIXED_HEADER > bytes.length) return 'needMore';
  if (bytes[at] !== 0x1f || bytes[at + 1] !== 0x8b || bytes[at + 2] !== 8 || bytes[at + 3] !== FEXTRA) return null;
  const xlen = bytes[at + 10] | (bytes[at + 11] << 8);
  const end = at + FIXED_HEADER + xlen;
  if (end > bytes.length) return 'needMore';
  // Subfields: SI1 SI2, SLEN (2 bytes), SLEN bytes of data.
  for (let p = at + FIXED_HEADER; p + 4 <= end; ) {
    const slen = bytes[p + 2] | (bytes[p + 3] << 8);
    if (bytes[p] === 0x42 && bytes[p + 1] === 0x43 && slen === 2 && p + 6 <= end) {
      const length = (bytes[p + 4] | (bytes[p + 5] << 8)) + 1;
      return length >= FIXED_HEADER + xlen + 2 + 8 ? length : null;
    }
    p += 4 + slen;
  }
  return null;
}

/**
 * Walks a gzip file of `size` bytes from member to member by BSIZE, reading only its bytes
 * (`read(start, end)`: a few MB per call), never inflating. Not ok where no BGZF member
 * starts at a member's computed offset, or the last one does not end at the file's end.
 */
export async function walkBgzf(read: (start: number, end: number) => Promise<Uint8Array>, size: number): Promise<BgzfWalk> {
  // The first read is small: most files are no BGZF, and one header says so.
  const first = await read(0, Math.min(size, MIN_MEMBER + 64));
  if (size < MIN_MEMBER) return { ok: false, at: 0, reason: 'the file ends inside a member header' };
  if (bgzfMemberLength(first, 0) === null) return { ok: false, at: 0, reason: 'no BGZF header (BC extra subfield)' };
  // Then step k's bytes, [k · WALK_READ_BYTES, (k + 1) · WALK_READ_BYTES + WALK_OVERLAP), several asked for at once.
  const steps = Math.ceil(size / WALK_READ_BYTES);
  const reads = new Map<number, Promise<Uint8Array>>();
  const stepBytes = (k: number): Promise<Uint8Array> => {
    for (let ahead = k; ahead < Math.min(steps, k + WALK_READS_IN_FLIGHT); ahead++) {
      if (!reads.has(ahead)) reads.set(ahead, read(ahead * WALK_READ_BYTES, Math.min(size, (ahead + 1) * WALK_READ_BYTES + WALK_OVERLAP)));
    }
    reads.delete(k - 1);
    return reads.get(k)!;
  };
  const comp: number[] = [];
  const raw: number[] = [];
  let inflated = 0;
  for (let at = 0; at < size; ) {
    const step = Math.floor(at / WALK_READ_BYTES);
    const buf = await stepBytes(step);
    const p = at - step * WALK_READ_BYTES;
    if (p + MIN_MEMBER > buf.length) return { ok: false, at, reason: 'the file ends inside a member header' };
    const length = bgzfMemberLength(buf, p);
    // A header running past its step's read is longer than any member.
    if (typeof length !== 'number') return { ok: false, at, reason: length === 'needMore' && at + WALK_OVERLAP >= size ? 'the file ends inside a member header' : 'no BGZF member where the previous member ends' };
    if (at + length > size) return { ok: false, at, reason: `the member's BSIZE runs past the end of the file` };
    const t = p + length - 4;
    comp.push(at);
    raw.push(inflated);
    inflated += (buf[t] | (buf[t + 1] << 8) | (buf[t + 2] << 16) | (buf[t + 3] << 24)) >>> 0;
    at += length;
  }
  comp.push(size);
  raw.push(inflated);
  return { ok: true, members: { comp: Float64Array.from(comp), raw: Float64Array.from(raw) } };
}

/** A member that does not inflate to what its trailer says. */
export class BgzfMemberError extends Error {
  constructor(
    readonly compressedOffset: number,
    reason: string,
  ) {
    super(`The BGZF member at compressed byte ${compressedOffset.toLocaleString('en-US')} is corrupt: ${reason.replace(/\.+$/, '')}.`);
    this.name = 'BgzfMemberError';
  }
}

/** The member holding inflated byte `at` < the file's inflated size (the last one starting at or before it). */
function memberAt(raw: Float64Array, at: number): number {
  return firstAtOrAfter(raw, at, true) - 1;
}

/** Members first..last of `bytes` (compressed bytes from offset `bytesAt`) as the WebAssembly inflater's streams: each one's deflate data, inflated size and CRC-32. */
function deflateMembers(members: BgzfMembers, bytes: Uint8Array, bytesAt: number, first: number, last: number): DeflateMember[] {
  const { comp, raw } = members;
  const streams: DeflateMember[] = [];
  for (let m = first; m <= last; m++) {
    const at = comp[m] - bytesAt;
    const trailer = comp[m + 1] - bytesAt - 8;
    const crc = (bytes[trailer] | (bytes[trailer + 1] << 8) | (bytes[trailer + 2] << 16) | (bytes[trailer + 3] << 24)) >>> 0;
    streams.push({ start: at + FIXED_HEADER + (bytes[at + 10] | (bytes[at + 11] << 8)), end: trailer, size: raw[m + 1] - raw[m], crc });
  }
  return streams;
}

/** Members first..last of `bytes` (compressed bytes from offset `bytesAt`) inflated by the WebAssembly inflater into `out`. */
function inflateInWasm(inflater: WasmInflater, members: BgzfMembers, bytes: Uint8Array, bytesAt: number, first: number, last: number, out: Uint8Array): void {
  try {
    inflater.inflate(bytes, deflateMembers(members, bytes, bytesAt, first, last), out);
  } catch (err) {
    if (err instanceof InflateError) throw new BgzfMemberError(members.comp[first + err.member], err.message);
    throw err;
  }
}

/**
 * The inflated bytes of a BGZF file as a RangeSource: bytes [start, end) inflate the members
 * that cover them into one buffer at the offsets the trailers name: synchronously by the
 * WebAssembly inflater, or (no WebAssembly here, or `factory` given) each by its own stream
 * inflater (Chromium's stops after one member), all of a chunk's at once so their turns overlap.
 */
export function bgzfRanges(compressed: RangeSource, members: BgzfMembers, factory?: InflaterFactory): RangeSource {
  const { comp, raw } = members;
  const size = raw[comp.length - 1];
  const wasm = factory ? null : WasmInflater.get();
  const streams = factory ?? nativeGunzip;
  /** Members first..last inflated from `bytes` (compressed bytes from offset `bytesAt`). */
  const inflated = async (bytes: Uint8Array, bytesAt: number, first: number, last: number): Promise<Uint8Array> => {
    const out = new Uint8Array(raw[last + 1] - raw[first]);
    if (wasm) {
      inflateInWasm(wasm, members, bytes, bytesAt, first, last, out);
      return out;
    }
    const inflations: Promise<void>[] = [];
    for (let m = first; m <= last; m++) {
      const member = bytes.subarray(comp[m] - bytesAt, comp[m + 1] - bytesAt);
      inflations.push(inflateMember(member, out.subarray(raw[m] - raw[first], raw[m + 1] - raw[first]), comp[m], streams));
    }
    await Promise.all(inflations);
    return out;
  };
  return {
    size,
    job: { bgzf: { of: compressed.job, size: compressed.size, members } },
    read: async (start, end, signal) => {
      end = Math.min(end, size);
      if (end <= start) return new Uint8Array(0);
      const first = memberAt(raw, start);
      const last = memberAt(raw, end - 1);
      const out = await inflated(await compressed.read(comp[first], comp[last + 1], signal), comp[first], first, last);
      return out.subarray(start - raw[first], end - raw[first]);
    },
    // Compressed bytes are read COMPRESSED_READ_BYTES at a time (a read is a round trip to the
    // browser's blob store), and inflated STREAM_CHUNK_BYTES at a time.
    stream: (start, end, signal) => {
      const stop = Math.min(end, size);
      let next = memberAt(raw, start);
      const last = stop > start ? memberAt(raw, stop - 1) : next - 1;
      let bytes: Uint8Array = new Uint8Array(0);
      let bytesAt = 0;
      return new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            if (next > last) return controller.close();
            const first = next;
            if (comp[first + 1] > bytesAt + bytes.length) {
              let readTo = first;
              while (readTo < last && comp[readTo + 2] - comp[first] <= COMPRESSED_READ_BYTES) readTo++;
              bytes = await compressed.read(comp[first], comp[readTo + 1], signal);
              bytesAt = comp[first];
            }
            // A chunk ends where the bytes read do: the next read begins where this one ended.
            let until = first;
            while (until < last && raw[until + 2] - raw[first] <= STREAM_CHUNK_BYTES && comp[until + 2] <= bytesAt + bytes.length) until++;
            const out = await inflated(bytes, bytesAt, first, until);
            next = until + 1;
            controller.enqueue(out.subarray(Math.max(start, raw[first]) - raw[first], Math.min(stop, raw[until + 1]) - raw[first]));
          },
        },
        { highWaterMark: 0 },
      );
    },
  };
}

/** Inflates one whole member into `into`, which is exactly as long as its trailer's ISIZE. */
async function inflateMember(member: Uint8Array, into: Uint8Array, compressedOffset: number, factory: InflaterFactory): Promise<void> {
  const inflater = factory();
  const writer = inflater.writable.getWriter();
  const written = writer.write(member).then(() => writer.close());
  // Reported through the reads (an inflater errors both sides).
  written.catch(() => undefined);
  const reader = inflater.readable.getReader();
  let n = 0;
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      if (n + r.value.length > into.length) throw new Error(`it inflates to more than the ${into.length.toLocaleString('en-US')} bytes its trailer names`);
      into.set(r.value, n);
      n += r.value.length;
    }
    await written;
  } catch (err) {
    void reader.cancel().catch(() => undefined);
    throw new BgzfMemberError(compressedOffset, (err as Error).message || String(err));
  }
  if (n !== into.length) throw new BgzfMemberError(compressedOffset, `it inflates to ${n.toLocaleString('en-US')} bytes, its trailer names ${into.length.toLocaleString('en-US')}`);
}

/**
 * Inflated bytes [at, at + len) of a BGZF file read synchronously (`compressed`: its bytes, read
 * the same way), the members inflated here by the WebAssembly inflater, else each by fflate
 * (browsers have no synchronous native inflater).
 */
export function bgzfArgsSource(members: BgzfMembers, compressed: ArgsSource, wasm: WasmInflater | null = WasmInflater.get()): ArgsSource {
  const { comp, raw } = members;
  const size = raw[comp.length - 1];
  return {
    // 16 members: a selection inflates 1 MB at most; analyses reading args in file order reuse the block.
    blockBytes: 1 << 20,
    read(at, len) {
      const end = Math.min(at + len, size);
      if (end <= at) return new Uint8Array(0);
      const first = memberAt(raw, at);
      const last = memberAt(raw, end - 1);
      const bytes = compressed.read(comp[first], comp[last + 1] - comp[first]);
      const out = new Uint8Array(raw[last + 1] - raw[first]);
      if (wasm) inflateInWasm(wasm, members, bytes, comp[first], first, last, out);
      else for (let m = first; m <= last; m++) {
        const member = bytes.subarray(comp[m] - comp[first], comp[m + 1] - comp[first]);
        const deflated = member.subarray(FIXED_HEADER + (member[10] | (member[11] << 8)), member.length - 8);
        try {
          out.set(inflateRaw(deflated, raw[m + 1] - raw[m]), raw[m] - raw[first]);
        } catch (err) {
          throw new BgzfMemberError(comp[m], (err as Error).message || String(err));
        }
      }
      return out.subarray(at - raw[first], end - raw[first]);
    },
  };
}

/** The inflated bytes of `compressed` as a RangeSource when it is a whole BGZF chain, else null (read it as a stream). */
export async function bgzfSource(compressed: RangeSource, signal?: AbortSignal): Promise<RangeSource | null> {
  const walk = await walkBgzf((start, end) => compressed.read(start, end, signal), compressed.size);
  return walk.ok ? bgzfRanges(compressed, walk.members) : null;
}
