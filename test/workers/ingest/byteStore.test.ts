// The args byte store: what goes in comes back byte for byte, across chunk boundaries
// and after the store switches to deflated chunks, and compression actually saves memory.

import { describe, expect, it } from 'vitest';
import { ByteStore } from '../../../workers/ingest/growable';
import { corpusText } from '../../support/corpus';

describe('ByteStore', () => {
  it('returns every stored args text intact before and after compression kicks in', () => {
    // Real args texts, repeated past the compression threshold (32 MB).
    const text = corpusText('train_step.json.gz');
    const args = [...text.matchAll(/"args": (\{[^{}]*\})/g)].map((m) => new TextEncoder().encode(m[1]));
    expect(args.length).toBeGreaterThan(1000);
    const store = new ByteStore();
    const refs: [number, number, number][] = [];
    let total = 0;
    for (let i = 0; total < 48 << 20; i++) {
      const a = args[i % args.length];
      refs.push([store.append(a, 0, a.length), a.length, i % args.length]);
      total += a.length;
    }
    const dec = new TextDecoder();
    // Random order, so chunks are inflated and evicted from the cache many times.
    for (let k = 0; k < 3_000; k++) {
      const [off, len, which] = refs[(k * 7919) % refs.length];
      expect(dec.decode(store.read(off, len))).toBe(dec.decode(args[which]));
    }
    // Past the first 32 MB (kept as is: small traces stay fast), JSON args compress well.
    const beyond = total - (32 << 20);
    expect(store.byteLength - (32 << 20)).toBeLessThan(beyond / 3 + (8 << 20));
  });
});
