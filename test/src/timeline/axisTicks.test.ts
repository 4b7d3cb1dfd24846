import { describe, expect, it } from 'vitest';
import { axisTicks, formatTick, niceStep } from '../../../src/timeline/axisTicks';

describe('axisTicks', () => {
  it('uses 1-2-5 steps', () => {
    expect(niceStep(1e8, 1000, 100)).toBe(1e7);
    expect(niceStep(1.5e8, 1000, 100)).toBe(2e7);
    expect(niceStep(3e8, 1000, 100)).toBe(5e7);
  });
  it('labels in readable units', () => {
    const t = axisTicks(0, 200e6, 1000, 90);
    expect(t.map((x) => x.label).slice(0, 3)).toEqual(['0 ms', '20 ms', '40 ms']);
    expect(t[1].x).toBeCloseTo(100);
  });
  it('uses decimals only when the step needs them', () => {
    expect(formatTick(1.5e6, 5e5)).toBe('1500 µs');
    expect(formatTick(3e8, 1e8)).toBe('300 ms');
    expect(formatTick(50e3, 50e3)).toBe('50 µs');
    expect(formatTick(3e9, 1e9)).toBe('3 s');
    expect(formatTick(20, 5)).toBe('20 ns');
  });
  it('moves to a larger unit when labels would get long', () => {
    expect(formatTick(289_370_000, 10_000, 289_460_000)).toBe('289.37 ms');
    expect(formatTick(5_000_000_123, 1, 5_000_001_000)).toBe('5000000.123 µs');
  });
  it('starts at the first multiple inside the view', () => {
    const t = axisTicks(15e6, 55e6, 400, 90);
    expect(t[0].ns).toBe(20e6);
    expect(t.every((x) => x.x >= 0 && x.x <= 400)).toBe(true);
  });
  it('is empty for degenerate input', () => {
    expect(axisTicks(5, 5, 100)).toEqual([]);
    expect(axisTicks(0, 10, 0)).toEqual([]);
  });
});
