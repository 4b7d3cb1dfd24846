// formatDuration keeps the integer digits of a whole value: a 400 ms stall read "4 ms" when the
// trailing-zero trim also ate the zeros before the (absent) decimal point.

import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../../src/model/time';

describe('formatDuration', () => {
  it('trims zeros after the decimal point only', () => {
    expect(formatDuration(400_292_000, 3)).toBe('400 ms');
    expect(formatDuration(100e6, 3)).toBe('100 ms');
    expect(formatDuration(3e9, 3)).toBe('3 s');
    expect(formatDuration(20e6, 3)).toBe('20 ms');
    expect(formatDuration(1.5e6)).toBe('1.5 ms');
    expect(formatDuration(12_300)).toBe('12.3 µs');
  });
});
