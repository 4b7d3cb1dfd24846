// The args byte store: what goes in comes back byte for byte, across chunk boundaries,
// before and after its chunks are deflated, and compression actually saves memory.

import { describe, expect, it } from 'vitest';
import { ByteStore } from '../../../workers/ingest/growable';
import { corpusText } from '../../support/corpus';

describe('ByteStore', () => {
  it('returns every stored args text intact before and after its chunks are deflated', async () => {
    // Real args texts, repeated into many chunks.
    const text = corpusText('train_step.json.gz');
    const args = [...text.matchAll(/"args": (\{[^{}]*\})/g)].map((m) => new TextEncoder().encode(m[1]));
    expect(args.length).toBeGreaterThan(1000);
    const store = new ByteStore();
    const refs: [number, number, number][] = [];
    let total = 0;
    for (let i = 0; total < 24 << 20; i++) {
      const a = args[i % args.length];
      refs.push([store.append(a, 0, a.length), a.length, i % args.length]);
      total += a.length;
    }
    const dec = new TextDecoder();
    // Random order, so chunks are inflated and evicted from the cache many times.
    const check = () => {
      for (let k = 0; k < 3_000; k++) {
        const [off, len, which] = refs[(k * 7919) % refs.length];
        expect(dec.decode(store.read(off, len))).toBe(dec.decode(args[which]));
      }
    };
    check(); // some chunks may still be deflating
    store.seal();
    await store.settled();
    check();
    // JSON args compress well, from the first byte.
    store.dropCache();
    expect(store.byteLength).toBeLessThan(total / 5);
  });

  it('deflates a store filled raw (compress = false) once asked, every chunk, reads intact throughout', async () => {
    const text = corpusText('train_step.json.gz');
    const args = [...text.matchAll(/"args": (\{[^{}]*\})/g)].map((m) => new TextEncoder().encode(m[1]));
    const store = new ByteStore();
    store.compress = false;
    const refs: [number, number][] = [];
    let total = 0;
    for (let i = 0; total < 12 << 20; i++) {
      const a = args[i % args.length];
      refs.push([store.append(a, 0, a.length), i % args.length]);
      total += a.length;
    }
    store.seal();
    // Raw: about what went in.
    expect(store.byteLength).toBeGreaterThanOrEqual(total);
    store.compressAll();
    const dec = new TextDecoder();
    for (let k = 0; k < 2_000; k++) {
      const [off, which] = refs[(k * 7919) % refs.length];
      expect(dec.decode(store.read(off, args[which].length))).toBe(dec.decode(args[which]));
    }
    await store.settled();
    store.dropCache();
    expect(store.byteLength).toBeLessThan(total / 5);
    for (let k = 0; k < 2_000; k++) {
      const [off, which] = refs[(k * 104729) % refs.length];
      expect(dec.decode(store.read(off, args[which].length))).toBe(dec.decode(args[which]));
    }
  });

  it('keeps a small store readable, and its last chunk deflated once sealed', async () => {
    const store = new ByteStore();
    const bytes = new TextEncoder().encode('{"a": 1, "b": [1, 2, 3], "c": "text text text text text text"}');
    const offs = Array.from({ length: 100 }, () => store.append(bytes, 0, bytes.length));
    store.seal();
    await store.settled();
    expect(store.byteLength).toBeLessThan(bytes.length * 10);
    for (const off of offs) expect(store.read(off, bytes.length)).toEqual(bytes);
    // More bytes after sealing go to a new chunk.
    const more = store.append(bytes, 2, 10);
    expect(store.read(more, 8)).toEqual(bytes.subarray(2, 10));
  });
});

describe('ByteStore without its helper thread', () => {
  it('deflates in this thread when the deflate worker fails, and settles', async () => {
    const saved = (globalThis as { Worker?: unknown }).Worker;
    let started = 0;
    // A worker that fails once its script "loads": every chunk sent to it must still be packed.
    (globalThis as { Worker?: unknown }).Worker = class {
      onerror: ((e: { message: string }) => void) | null = null;
      constructor() {
        started++;
        setTimeout(() => this.onerror?.({ message: 'blocked' }), 0);
      }
      postMessage(): void {}
      terminate(): void {}
    };
    try {
      const store = new ByteStore();
      const bytes = new TextEncoder().encode('{"External id": 12345, "Input Dims": [[32, 4096], [4096]], "Ev Idx": 7}');
      const offs: number[] = [];
      for (let i = 0; i < 20_000; i++) offs.push(store.append(bytes, 0, bytes.length));
      store.seal();
      await store.settled();
      expect(started).toBe(1);
      expect(store.byteLength).toBeLessThan((bytes.length * offs.length) / 5);
      for (const off of offs.filter((_, i) => i % 97 === 0)) expect(store.read(off, bytes.length)).toEqual(bytes);
    } finally {
      (globalThis as { Worker?: unknown }).Worker = saved;
    }
  });
});
