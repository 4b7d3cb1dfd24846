// Lane columns are stored in the narrowest array that holds their values exactly:
// args offsets and lengths, category ids and rows read back the same either way.

import { describe, expect, it } from 'vitest';
import { buildLaneIndexes } from '../../../workers/index/laneIndex';
import { RawKind, RawTrace } from '../../../workers/ingest/rawTrace';
import type { LaneInfo } from '../../../src/model/types';

const info = (): LaneInfo => ({ id: 't|1|1|cpu', kind: 'cpu', name: 'lane', group: 't|1', trace: 't', pid: '1', tid: '1', events: 0, rows: 0, sortIndex: 0 });

/** Every raw event in one lane. */
const oneLane = (raw: RawTrace, n: number) => buildLaneIndexes(raw, [{ info: info(), events: n }], new Int32Array(n))[0];

function lane(events: { start: number; dur: number; cat: string; argsOff: number; argsLen: number }[]) {
  const raw = new RawTrace();
  for (const e of events) raw.addEvent(RawKind.Slice, 0, e.start, e.dur, '1', '1', e.cat, 'op', e.argsOff, e.argsLen);
  return oneLane(raw, events.length);
}

describe('lane columns', () => {
  it('narrows args offsets and lengths, categories and rows when they fit', () => {
    const l = lane([
      { start: 0, dur: 10, cat: 'cpu_op', argsOff: -(2 ** 31), argsLen: 65535 },
      { start: 1, dur: 2, cat: 'cpu_op', argsOff: 2 ** 31 - 1, argsLen: 0 },
    ]);
    expect(l.argsOff).toBeInstanceOf(Int32Array);
    expect(l.argsLen).toBeInstanceOf(Uint16Array);
    expect(l.cat).toBeInstanceOf(Uint8Array);
    expect(l.row).toBeInstanceOf(Uint8Array);
    expect(Array.from(l.argsOff)).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    expect(Array.from(l.argsLen)).toEqual([65535, 0]);
    expect(Array.from(l.row)).toEqual([0, 1]);
  });

  it('keeps wide columns exact when a value does not fit', () => {
    // A file beyond 2 GiB (negative offsets are file offsets), an arg of 70 kB.
    const l = lane([
      { start: 0, dur: 1, cat: 'cpu_op', argsOff: -(3e9 + 1), argsLen: 70_000 },
      { start: 2, dur: 1, cat: 'cpu_op', argsOff: 5, argsLen: 3 },
    ]);
    expect(l.argsOff).toBeInstanceOf(Float64Array);
    expect(l.argsLen).toBeInstanceOf(Uint32Array);
    expect(Array.from(l.argsOff)).toEqual([-(3e9 + 1), 5]);
    expect(Array.from(l.argsLen)).toEqual([70_000, 3]);
  });

  it('widens category ids and rows past 256', () => {
    const raw = new RawTrace();
    for (let i = 0; i < 300; i++) raw.strings.intern(`filler ${i}`);
    // 300 nested slices: 300 rows, and a category id past 255.
    const events = Array.from({ length: 300 }, (_, i) => ({ start: i, dur: 1000 - 2 * i, cat: 'deep', argsOff: 0, argsLen: 0 }));
    for (const e of events) raw.addEvent(RawKind.Slice, 0, e.start, e.dur, '1', '1', e.cat, 'op', e.argsOff, e.argsLen);
    const l = oneLane(raw, events.length);
    expect(l.cat).toBeInstanceOf(Uint16Array);
    expect(raw.strings.get(l.cat[0])).toBe('deep');
    expect(l.row).toBeInstanceOf(Uint16Array);
    expect(l.row[299]).toBe(299);
  });
});
