// Growable typed-array columns: the importers append millions of values without
// creating a JS object per event.

import { deflateRaw, inflateRaw } from './rawDeflate';
import { startDeflater, type Deflater } from './deflate';

type TypedArray = Float64Array | Uint32Array | Int32Array | Uint8Array | Uint16Array;
type TypedCtor<T extends TypedArray> = { new (n: number): T };

/** A buffer this big that a column lets go of is worth collecting at once (largeBufferDropped). */
const LARGE_BUFFER_BYTES = 64 << 20;
let largeBufferDropped: (() => void) | null = null;

/**
 * Called each time a column lets go of a buffer of 64 MB or more (grown past, or released once copied):
 * the index writer collects garbage then (bin/), so that buffer leaves the process before the next one is
 * made; left to V8, the halves a big trace's columns grew from and the raw columns the lanes were copied
 * from stay until a collection comes. The browser sets none (no gc there).
 */
export function onLargeBufferDropped(collect: (() => void) | null): void {
  largeBufferDropped = collect;
}

export class Column<T extends TypedArray> {
  data: T;
  length = 0;
  constructor(private readonly ctor: TypedCtor<T>, capacity = 1024) {
    this.data = new ctor(capacity);
  }
  push(v: number): number {
    if (this.length === this.data.length) this.grow(this.length * 2);
    this.data[this.length] = v;
    return this.length++;
  }
  /** Makes room for `n` more values and counts them in: the caller writes data[length − n …] (one capacity check for many). */
  extend(n: number): T {
    const end = this.length + n;
    if (end > this.data.length) this.grow(Math.max(end, this.data.length * 2));
    this.length = end;
    return this.data;
  }

  /** Room for `n` values in all, allocated once (a merge that knows its total: no doubling, no slack). */
  reserve(n: number): void {
    if (n > this.data.length) this.grow(n);
  }

  private grow(n: number): void {
    const next = new this.ctor(n);
    next.set(this.data);
    this.drop(next);
  }

  /** Replaces the values' buffer; a large one let go is collected at once where the host can (onLargeBufferDropped). */
  private drop(next: T): void {
    const large = this.data.byteLength >= LARGE_BUFFER_BYTES;
    this.data = next;
    if (large) largeBufferDropped?.();
  }
  /** A right-sized copy (so the large backing buffer can be freed). */
  trimmed(): T {
    return this.data.slice(0, this.length) as T;
  }

  /** Frees the values entirely (after their content was copied elsewhere). */
  release(): void {
    this.length = 0;
    this.drop(new this.ctor(0));
  }

  /** Drops the growth slack (up to half the buffer) once no more values will come. */
  compact(): void {
    if (this.data.length > this.length) this.drop(this.trimmed());
  }
}

/** Interns strings to dense ids. */
export class StringTable {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();
  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(s);
      this.ids.set(s, id);
    }
    return id;
  }
  get(id: number): string {
    return this.values[id];
  }
  lookup(s: string): number | undefined {
    return this.ids.get(s);
  }
}

/**
 * Strings interned to dense ids while importing, then packed as UTF-8 bytes once
 * importing is done: no JS string and no Map entry per string. For tables with one
 * entry per few events (flow keys "cat|id"), which the UI never lists.
 */
export class PackedStringTable {
  private ids: Map<string, number> | null = new Map();
  private list: string[] | null = [];
  private bytes = new Uint8Array(0);
  private ends = new Uint32Array(0);

  intern(s: string): number {
    if (!this.ids || !this.list) throw new Error('PackedStringTable: intern after pack');
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  get(id: number): string {
    if (this.list) return this.list[id];
    return textDecoderUtf8.decode(this.bytes.subarray(id > 0 ? this.ends[id - 1] : 0, this.ends[id]));
  }

  get size(): number {
    return this.list ? this.list.length : this.ends.length;
  }

  /** The strings in id order (to send a fragment's table to the trace that absorbs it). */
  get values(): string[] {
    return this.list ?? Array.from({ length: this.ends.length }, (_, id) => this.get(id));
  }

  /** Packs the strings; no interning afterwards. */
  pack(): void {
    const list = this.list;
    if (!list) return;
    const encoder = new TextEncoder();
    let bytes = new Uint8Array(Math.max(16, list.length * 16));
    const ends = new Uint32Array(list.length);
    let used = 0;
    for (let id = 0; id < list.length; id++) {
      const s = list[id];
      // UTF-8 takes at most 3 bytes per UTF-16 unit.
      if (used + s.length * 3 > bytes.length) {
        const next = new Uint8Array(Math.max(bytes.length * 2, used + s.length * 3));
        next.set(bytes.subarray(0, used));
        bytes = next;
      }
      used += encoder.encodeInto(s, bytes.subarray(used)).written;
      ends[id] = used;
    }
    this.bytes = bytes.slice(0, used);
    this.ends = ends;
    this.list = null;
    this.ids = null;
  }

  /** Bytes held once packed (for memory accounting). */
  get byteLength(): number {
    return this.bytes.byteLength + this.ends.byteLength;
  }
}

const textDecoderUtf8 = new TextDecoder('utf-8');

/**
 * Where a RawTrace keeps the args bytes it cannot leave in the source (a .gz's, other formats'):
 * appended, each run of bytes at the next offset (the bytes appended before it), read back by offset.
 * ByteStore holds them in memory; the index CLI's bounded writer in a file (bin/src/fileArgsStore.ts).
 */
export interface ArgsStore {
  /** False: bytes are kept as they come until compressAll (where the store compresses at all). */
  compress: boolean;
  /** Stores bytes[start, end); returns their offset: the bytes stored before them. */
  append(bytes: Uint8Array, start: number, end: number): number;
  /** No more bytes come for now (the last ones are compressed or written). */
  seal(): void;
  compressAll(): void;
  /** Resolves once the store's background work is done. */
  settled(): Promise<void>;
  /** Bytes [offset, offset + length) (a view: valid until the next read). */
  read(offset: number, length: number): Uint8Array;
  /** Forgets what was kept for reads. */
  dropCache(): void;
  /** Bytes held in memory. */
  readonly byteLength: number;
}

/**
 * Append-only byte store for event args: events keep (offset, length) into it and
 * args are decoded lazily, on selection. Chunked so it never needs one huge buffer.
 * Every chunk is deflated once full (and the last one when importing is done): JSON
 * args shrink about tenfold, and a read inflates one chunk (a few kept inflated).
 * Deflating runs on a helper thread in native code where the platform allows it (see
 * deflate.ts), so the parse does not wait for it; reads use a chunk as is meanwhile.
 */
export class ByteStore implements ArgsStore {
  /** Small enough that reading one arg inflates little; big enough to compress well. */
  private static readonly CHUNK = 256 << 10;
  private static readonly FIRST_CHUNK = 16 << 10;
  /** Inflated chunks kept for reads in roughly file order (analyses reading many args). */
  private static readonly CACHE = 4;
  /** Chunks compressAll() has at the helper thread at once. */
  private static readonly IN_FLIGHT = 8;
  private readonly deflating = new Set<number>();
  /** False: chunks stay as they are (a fragment's store, repacked right after parsing). */
  compress = true;
  private readonly chunks: Uint8Array[] = [];
  /** Uncompressed length of each chunk's data; a packed chunk is stored deflated. */
  private readonly lengths: number[] = [];
  private readonly packed: boolean[] = [];
  /** True once a chunk takes no more bytes (it is being, or has been, deflated). */
  private readonly sealed: boolean[] = [];
  private readonly bases: number[] = [];
  private readonly inflated = new Map<number, Uint8Array>();
  private readonly pending = new Set<Promise<void>>();
  private deflater: Deflater | null = null;
  private used = 0;
  private size = 0;

  /** Stores bytes[start, end); returns their global offset. */
  append(bytes: Uint8Array, start: number, end: number): number {
    const len = end - start;
    const last = this.chunks.length - 1;
    let chunk = this.chunks[last];
    if (!chunk || this.sealed[last] || this.used + len > chunk.length) {
      this.seal();
      // Chunks grow to CHUNK, so a small trace does not pay for a big one.
      const size = Math.min(ByteStore.CHUNK, ByteStore.FIRST_CHUNK << this.chunks.length);
      chunk = new Uint8Array(Math.max(size, len));
      this.chunks.push(chunk);
      this.lengths.push(0);
      this.packed.push(false);
      this.sealed.push(false);
      this.bases.push(this.size);
      this.used = 0;
    }
    chunk.set(bytes.subarray(start, end), this.used);
    const offset = this.bases[this.bases.length - 1] + this.used;
    this.used += len;
    this.lengths[this.lengths.length - 1] = this.used;
    this.size = offset + len;
    return offset;
  }

  /** The last chunk takes no more bytes and is deflated. Call when no more args will come. */
  seal(): void {
    const i = this.chunks.length - 1;
    if (i < 0 || this.sealed[i]) return;
    this.sealed[i] = true;
    const data = this.chunks[i].subarray(0, this.lengths[i]);
    if (!this.compress) {
      this.chunks[i] = data.slice();
      return;
    }
    this.deflate(i, data);
  }

  /**
   * Deflates every chunk of a store filled with compress = false (once its reads are done, or
   * once parsing no longer needs the cores), a few chunks in flight at a time so the copies
   * sent to the helper thread do not pile up.
   */
  compressAll(): void {
    this.compress = true;
    this.seal();
    const todo: number[] = [];
    for (let i = 0; i < this.chunks.length; i++) if (!this.packed[i] && !this.deflating.has(i)) todo.push(i);
    if (!todo.length) return;
    const pump = (async () => {
      for (const i of todo) {
        while (this.deflating.size >= ByteStore.IN_FLIGHT) await Promise.race(this.pending);
        this.deflate(i, this.chunks[i].subarray(0, this.lengths[i]));
      }
    })();
    const done = pump.finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  private deflate(i: number, data: Uint8Array): void {
    this.deflating.add(i);
    this.deflater ??= startDeflater();
    const job = this.deflater.deflate(data).then(
      (out) => this.pack(i, out),
      () => this.pack(i, deflateRaw(data, 1)),
    );
    const done = job.finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  private pack(i: number, deflated: Uint8Array): void {
    this.deflating.delete(i);
    // Incompressible bytes stay as they are (right-sized).
    if (deflated.length >= this.lengths[i]) this.chunks[i] = this.chunks[i].slice(0, this.lengths[i]);
    else {
      this.chunks[i] = deflated;
      this.packed[i] = true;
    }
  }

  /** Resolves once every sealed chunk is deflated (memory settles); the helper thread stops. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
    this.deflater?.close();
    this.deflater = null;
  }

  read(offset: number, length: number): Uint8Array {
    let lo = 0;
    let hi = this.bases.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.bases[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    const at = offset - this.bases[lo];
    return this.data(lo).subarray(at, at + length);
  }

  private data(i: number): Uint8Array {
    if (!this.packed[i]) return this.chunks[i];
    let raw = this.inflated.get(i);
    if (!raw) {
      raw = inflateRaw(this.chunks[i], this.lengths[i]);
      if (this.inflated.size >= ByteStore.CACHE) this.inflated.delete(this.inflated.keys().next().value!);
      this.inflated.set(i, raw);
    }
    return raw;
  }

  /** Forgets the inflated chunks kept for reads (after a pass that read many args). */
  dropCache(): void {
    this.inflated.clear();
  }

  /** Bytes allocated (for memory accounting), inflated chunks in the read cache included. */
  get byteLength(): number {
    let n = 0;
    for (const c of this.chunks) n += c.length;
    for (const c of this.inflated.values()) n += c.length;
    return n;
  }
}

/**
 * Interns string tokens straight from their UTF-8 bytes: a repeated name costs a hash
 * and a byte compare, not a decode, a new JS string and a Map lookup. Most trace
 * names repeat thousands of times.
 */
export class TokenInterner {
  private slots = new Int32Array(1 << 12).fill(-1);
  private hashes: number[] = [];
  private starts: number[] = [];
  private lengths: number[] = [];
  private ids: number[] = [];
  private pool = new Uint8Array(1 << 16);
  private poolUsed = 0;

  constructor(private readonly strings: StringTable) {}

  /** The string id of the token b[s, e); `decode(b, s, e)` runs only the first time these bytes are seen (no closure per call). */
  intern(b: Uint8Array, s: number, e: number, decode: (b: Uint8Array, s: number, e: number) => string): number {
    const len = e - s;
    // FNV-1a over the first 64 and the last 32 bytes: long kernel names differ at both ends.
    let h = 0x811c9dc5 ^ len;
    const head = Math.min(e, s + 64);
    for (let i = s; i < head; i++) h = Math.imul(h ^ b[i], 0x01000193);
    for (let i = Math.max(head, e - 32); i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot];
      if (entry < 0) return this.insert(slot, h, b, s, e, decode);
      if (this.hashes[entry] === h && this.lengths[entry] === len && this.same(entry, b, s, len)) return this.ids[entry];
    }
  }

  private same(entry: number, b: Uint8Array, s: number, len: number): boolean {
    const pool = this.pool;
    const at = this.starts[entry];
    for (let i = 0; i < len; i++) if (pool[at + i] !== b[s + i]) return false;
    return true;
  }

  private insert(slot: number, h: number, b: Uint8Array, s: number, e: number, decode: (b: Uint8Array, s: number, e: number) => string): number {
    const len = e - s;
    if (this.poolUsed + len > this.pool.length) {
      const next = new Uint8Array(Math.max(this.pool.length * 2, this.poolUsed + len));
      next.set(this.pool.subarray(0, this.poolUsed));
      this.pool = next;
    }
    this.pool.set(b.subarray(s, e), this.poolUsed);
    const entry = this.ids.length;
    this.hashes.push(h);
    this.starts.push(this.poolUsed);
    this.lengths.push(len);
    this.poolUsed += len;
    const id = this.strings.intern(decode(b, s, e));
    this.ids.push(id);
    this.slots[slot] = entry;
    if (this.ids.length * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.ids.length; entry++) {
      let slot = this.hashes[entry] & mask;
      while (slots[slot] >= 0) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
    this.slots = slots;
  }
}
