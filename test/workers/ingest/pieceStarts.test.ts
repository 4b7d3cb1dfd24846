// Pieces of a parallel parse shrink toward where this thread and its helpers are expected to meet
// (workers/ingest/pieceStarts.ts), so whoever finishes first waits for a small piece, not a big one.

import { describe, expect, it } from 'vitest';
import { pieceStarts } from '../../../workers/ingest/pieceStarts';

const MB = 1 << 20;
const lengths = (starts: number[]) => starts.slice(1).map((s, k) => s - starts[k]);

describe('pieceStarts', () => {
  it('covers the file in increasing starts, every piece at least the minimum', () => {
    for (const [size, threads, rounds] of [[99_462_566, 2, 6], [98_611_765, 2, 4], [999_163_156, 2, 6], [999_163_156, 4, 6], [1_999_163_156, 3, 4]]) {
      const starts = pieceStarts(size, threads, rounds, 2 * MB);
      expect(starts[0]).toBe(0);
      expect(starts.at(-1)).toBe(size);
      expect(starts.length - 1).toBe(rounds * threads);
      for (const len of lengths(starts)) expect(len).toBeGreaterThanOrEqual(2 * MB);
    }
  });

  it('shrinks toward this thread’s share of the file from both ends, each helper round of equal pieces', () => {
    const size = 999_163_156;
    const threads = 4;
    const rounds = 6;
    const len = lengths(pieceStarts(size, threads, rounds, 2 * MB));
    const front = len.slice(0, rounds);
    const back = len.slice(rounds);
    // This thread's pieces add up to its share.
    expect(Math.abs(front.reduce((a, b) => a + b, 0) - size / threads)).toBeLessThanOrEqual(rounds);
    for (let j = 1; j < rounds; j++) expect(front[j]).toBeLessThan(front[j - 1]);
    // From the meeting point to the end: rounds of threads − 1 equal pieces, growing.
    for (let r = 0; r < rounds; r++) {
      const round = back.slice(r * (threads - 1), (r + 1) * (threads - 1));
      for (const l of round) expect(Math.abs(l - round[0])).toBeLessThanOrEqual(1);
      if (r > 0) expect(round[0]).toBeGreaterThan(back[(r - 1) * (threads - 1)]);
    }
    // The smallest pieces lie on either side of the meeting point.
    const smallest = Math.min(...len);
    expect(Math.min(front.at(-1)!, back[0])).toBeLessThanOrEqual(smallest + 1);
    expect(Math.max(...len)).toBeGreaterThan(4 * smallest);
  });

  it('cuts equal pieces where shrinking would make one too small, or the file has few pieces', () => {
    for (const [size, threads, rounds] of [[50 * MB, 2, 6], [20 * MB, 2, 6], [200 * MB, 1, 6]]) {
      const len = lengths(pieceStarts(size, threads, rounds, 2 * MB));
      for (const l of len) expect(Math.abs(l - size / len.length)).toBeLessThanOrEqual(1);
    }
  });
});
