// LineReader: chunks may split lines and UTF-8 sequences anywhere; the lines handed out
// must be those of the whole text, whatever the chunking.

import { describe, expect, it } from 'vitest';
import { LineReader } from '../../../workers/importers/lineReader';

function read(chunks: Uint8Array[]): string[] {
  const out: string[] = [];
  const reader = new LineReader((line, n) => out.push(`${n}:${line}`));
  for (const c of chunks) reader.push(c);
  reader.finish();
  return out;
}

/** Cuts at the given byte positions; the chunk buffer is reused, as a stream reader may. */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(bytes.slice(at, c));
    at = c;
  }
  return out;
}

describe('LineReader', () => {
  const text = 'first;a 1\r\nsecond ✓ ünïcode 2\n\nlong ' + 'x'.repeat(5000) + ' 3\nlast line, no newline';
  const expected = text.split('\n').map((l, i) => `${i + 1}:${l.replace(/\r$/, '')}`);
  const bytes = new TextEncoder().encode(text);

  it('gives the same lines for any chunking', () => {
    expect(read([bytes])).toEqual(expected);
    expect(read(chunked(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)))).toEqual(expected);
    let seed = 7;
    for (let trial = 0; trial < 50; trial++) {
      const cuts = new Set<number>();
      for (let k = 0; k < 20; k++) cuts.add(1 + ((seed = (seed * 48271) % 2147483647) % (bytes.length - 1)));
      expect(read(chunked(bytes, [...cuts].sort((a, b) => a - b)))).toEqual(expected);
    }
  });

  it('keeps its own copy of a carried line while the caller reuses the chunk buffer', () => {
    const buf = new Uint8Array(4);
    const out: string[] = [];
    const reader = new LineReader((line) => out.push(line));
    for (const part of ['ab', 'cd', 'e\nf']) {
      buf.fill(0x3f);
      const b = new TextEncoder().encode(part);
      buf.set(b);
      reader.push(buf.subarray(0, b.length));
    }
    reader.finish();
    expect(out).toEqual(['abcde', 'f']);
  });
});
