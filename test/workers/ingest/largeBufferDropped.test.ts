// The index writer collects garbage each time a column lets go of a big buffer (bin/: the halves a
// big trace's columns grew from, the raw columns once the lanes hold copies): the hook fires for
// buffers of 64 MB and more, grown past or released, and never for smaller ones.

import { afterEach, describe, expect, it } from 'vitest';
import { Column, onLargeBufferDropped } from '../../../workers/ingest/growable';

afterEach(() => onLargeBufferDropped(null));

describe('onLargeBufferDropped', () => {
  it('fires when a column grows past or releases a buffer of 64 MB or more, and keeps its values', () => {
    const dropped: number[] = [];
    const col = new Column(Uint8Array);
    onLargeBufferDropped(() => dropped.push(col.data.length));
    // Growing through small buffers: nothing worth collecting.
    col.extend(64 << 20).fill(7);
    expect(col.data.length).toBe(64 << 20);
    expect(dropped).toEqual([]);
    // Past 64 MB: the 64 MB buffer is let go (the hook sees the new, doubled one in place).
    col.push(9);
    expect(dropped).toEqual([128 << 20]);
    expect(col.data[0]).toBe(7);
    expect(col.data[(64 << 20) - 1]).toBe(7);
    expect(col.data[64 << 20]).toBe(9);
    col.release();
    expect(dropped).toEqual([128 << 20, 0]);
  });

  it('stays quiet for small columns and when no hook is set', () => {
    let calls = 0;
    onLargeBufferDropped(() => calls++);
    const small = new Column(Float64Array);
    for (let i = 0; i < 100_000; i++) small.push(i);
    small.compact();
    small.release();
    expect(calls).toBe(0);
    onLargeBufferDropped(null);
    const big = new Column(Uint8Array, 64 << 20);
    expect(() => big.release()).not.toThrow();
  });
});
