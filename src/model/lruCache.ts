// A byte-bounded least-recently-used cache: tiles are cached on both sides of the
// worker boundary, and neither side may grow without bound while a user pans a 2 GB trace.

export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; bytes: number }>();
  private used = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly sizeOf: (v: V) => number,
  ) {}

  get(key: K): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    // Map keeps insertion order: re-inserting makes this the most recent entry.
    this.map.delete(key);
    this.map.set(key, hit);
    return hit.value;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    const old = this.map.get(key);
    if (old) {
      this.used -= old.bytes;
      this.map.delete(key);
    }
    const bytes = this.sizeOf(value);
    this.map.set(key, { value, bytes });
    this.used += bytes;
    for (const [k, e] of this.map) {
      if (this.used <= this.maxBytes || this.map.size <= 1) break;
      this.map.delete(k);
      this.used -= e.bytes;
    }
  }

  /** Drop every entry whose key matches (e.g. the tiles of a trace that was closed). */
  deleteWhere(test: (key: K) => boolean): void {
    for (const [k, e] of this.map) {
      if (!test(k)) continue;
      this.map.delete(k);
      this.used -= e.bytes;
    }
  }

  clear(): void {
    this.map.clear();
    this.used = 0;
  }

  get size(): number {
    return this.map.size;
  }

  get bytes(): number {
    return this.used;
  }
}
