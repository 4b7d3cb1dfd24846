// Growable typed-array columns: the importers append millions of values without
// creating a JS object per event.

type TypedArray = Float64Array | Uint32Array | Int32Array | Uint8Array | Uint16Array;
type TypedCtor<T extends TypedArray> = { new (n: number): T };

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
  private grow(n: number): void {
    const next = new this.ctor(n);
    next.set(this.data);
    this.data = next;
  }
  /** A right-sized copy (so the large backing buffer can be freed). */
  trimmed(): T {
    return this.data.slice(0, this.length) as T;
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
 * Append-only byte store for event args: events keep (offset, length) into it and
 * args are decoded lazily, on selection. Chunked so it never needs one huge buffer.
 */
export class ByteStore {
  private static readonly CHUNK = 8 << 20;
  private readonly chunks: Uint8Array[] = [];
  private readonly bases: number[] = [];
  private used = 0;
  private size = 0;

  /** Stores bytes[start, end); returns their global offset. */
  append(bytes: Uint8Array, start: number, end: number): number {
    const len = end - start;
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || this.used + len > chunk.length) {
      chunk = new Uint8Array(Math.max(ByteStore.CHUNK, len));
      this.chunks.push(chunk);
      this.bases.push(this.size);
      this.used = 0;
    }
    chunk.set(bytes.subarray(start, end), this.used);
    const offset = this.bases[this.bases.length - 1] + this.used;
    this.used += len;
    this.size = offset + len;
    return offset;
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
    return this.chunks[lo].subarray(at, at + length);
  }

  /** Bytes allocated (for memory accounting). */
  get byteLength(): number {
    let n = 0;
    for (const c of this.chunks) n += c.length;
    return n;
  }
}
