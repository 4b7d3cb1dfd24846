// What the renderer needs for one viewport: the slices of each requested lane,
// with everything narrower than a pixel merged per row into buckets so that the
// output stays about one item per pixel and a 1 µs kernel still lights its pixel.

import { rowColumn } from '../../src/model/tiles';
import type { CounterSamples, LaneSlices } from '../../src/model/types';
import type { CounterPlan } from '../lanes/laneMapping';
import { BLOCK, firstEndingAfter, toLaneEvents, type LaneIndex } from './laneIndex';
import { firstAtOrAfter } from './sortedSearch';

/** Items narrower than this (px) are merged with their neighbours. */
const MERGE_PX = 1;

export class SliceWriter {
  start: number[] = [];
  end: number[] = [];
  row: number[] = [];
  nameId: number[] = [];
  eventIdx: number[] = [];
  count: number[] = [];
  instant: number[] = [];
  private maxRow = 0;

  emit(s: number, e: number, row: number, nameId: number, eventIdx: number, count: number, instant: number): void {
    this.start.push(s);
    this.end.push(e);
    this.row.push(row);
    if (row > this.maxRow) this.maxRow = row;
    this.nameId.push(nameId);
    this.eventIdx.push(eventIdx);
    this.count.push(count);
    this.instant.push(instant);
  }

  finish(laneId: string): LaneSlices {
    const row = rowColumn(this.row.length, this.maxRow);
    row.set(this.row);
    return {
      laneId,
      start: Float64Array.from(this.start),
      end: Float64Array.from(this.end),
      row,
      nameId: Uint32Array.from(this.nameId),
      eventIdx: Int32Array.from(this.eventIdx),
      count: Uint32Array.from(this.count),
      instant: Uint8Array.from(this.instant),
    };
  }
}

/**
 * The largest level-of-detail block of a row that starts at list position p, lies
 * entirely in the list and passes `fits(size, longest)`: [its event count, its longest
 * event], or null. A block fits only if the smaller ones inside it do.
 */
function largestBlock(list: Int32Array, blocks: Int32Array[], p: number, fits: (size: number, longest: number) => boolean): [number, number] | null {
  let found: [number, number] | null = null;
  let size = BLOCK;
  for (let l = 0; l < blocks.length; l++, size *= BLOCK) {
    if (p % size !== 0 || p + size > list.length) break;
    const longest = blocks[l][p / size];
    if (!fits(size, longest)) break;
    found = [size, longest];
  }
  return found;
}

/** First and one-past-last row of a lane in [first, last] (the rows drawn), or all of them. */
export function rowSpan(lane: Pick<LaneIndex, 'rows' | 'summary'>, rows?: readonly [number, number]): [number, number] {
  const n = lane.summary ? lane.summary.rowCount : lane.rows.length;
  if (!rows) return [0, n];
  return [Math.max(0, rows[0]), Math.min(n, rows[1] + 1)];
}

/** @param rows the first and last row drawn (absent: all): a lane 70 000 rows deep costs only the rows on screen. */
export function queryLaneSlices(lane: LaneIndex, startNs: number, endNs: number, widthPx: number, rows?: readonly [number, number]): LaneSlices {
  // From the window of the events the view needs, where the lane offers one (an index folder's lane).
  const w = lane.window?.(startNs, endNs);
  if (w) {
    const slices = queryLaneSlices(w.lane, startNs, endNs, widthPx, rows);
    toLaneEvents(slices.eventIdx, w);
    return slices;
  }
  const out = new SliceWriter();
  const nsPerPx = (endNs - startNs) / Math.max(1, widthPx);
  const mergeNs = nsPerPx * MERGE_PX;
  const [r0, r1] = rowSpan(lane, rows);
  for (let r = r0; r < r1; r++) {
    const list = lane.rows[r];
    // A pending bucket of narrow items: [bs, be), dominant = longest member.
    let bs = 0;
    let be = -Infinity;
    let bCount = 0;
    let bDom = -1;
    let bDomDur = -1;
    let bInstant = 1;
    const flush = (): void => {
      if (bCount === 0) return;
      out.emit(bs, be, r, lane.name[bDom], bCount === 1 ? bDom : -1, bCount, bInstant);
      bCount = 0;
    };
    const blocks = lane.rowBlocks[r];
    for (let p = firstEndingAfter(lane, list, startNs); p < list.length; p++) {
      const k = list[p];
      const s = lane.start[k];
      if (s > endNs) break;
      // Zoomed out: a whole aligned block narrower than the merge width joins the bucket at once.
      const block = largestBlock(list, blocks, p, (size) => {
        const last = list[p + size - 1];
        return lane.start[last] + lane.dur[last] - lane.start[list[p]] < mergeNs;
      });
      if (block) {
        const [size, dom] = block;
        const be2 = lane.start[list[p + size - 1]] + lane.dur[list[p + size - 1]];
        if (bCount > 0 && s <= be + mergeNs) {
          if (be2 > be) be = be2;
          bCount += size;
          if (lane.dur[dom] > bDomDur) {
            bDom = dom;
            bDomDur = lane.dur[dom];
          }
          bInstant = 0;
        } else {
          flush();
          bs = s;
          be = be2;
          bCount = size;
          bDom = dom;
          bDomDur = lane.dur[dom];
          bInstant = 0;
        }
        p += size - 1;
        continue;
      }
      const d = lane.dur[k];
      const e = s + d;
      if (d >= mergeNs && !lane.instant[k]) {
        flush();
        out.emit(s, e, r, lane.name[k], k, 1, 0);
        continue;
      }
      if (bCount > 0 && s <= be + mergeNs) {
        if (e > be) be = e;
        bCount++;
        if (d > bDomDur) {
          bDom = k;
          bDomDur = d;
        }
        if (!lane.instant[k]) bInstant = 0;
      } else {
        flush();
        bs = s;
        be = e;
        bCount = 1;
        bDom = k;
        bDomDur = d;
        bInstant = lane.instant[k];
      }
    }
    flush();
  }
  return out.finish(lane.info.id);
}

/**
 * Counter samples for the viewport: the sample before the range (the value in force
 * at its left edge), then per pixel column the sample with the largest first-series
 * value and the column's last sample, so peaks never vanish.
 */
export function queryCounter(counter: CounterPlan, startNs: number, endNs: number, widthPx: number): CounterSamples {
  const { t, values } = counter;
  const lo = firstAtOrAfter(t, startNs);
  const picks: number[] = [];
  if (lo > 0) picks.push(lo - 1);
  const nsPerPx = (endNs - startNs) / Math.max(1, widthPx);
  const first = values[0];
  let col = -1;
  let peak = -1;
  let last = -1;
  const flush = (): void => {
    if (peak < 0) return;
    if (peak !== last) picks.push(Math.min(peak, last), Math.max(peak, last));
    else picks.push(peak);
  };
  let k = lo;
  for (; k < t.length && t[k] <= endNs; k++) {
    const c = Math.floor((t[k] - startNs) / nsPerPx);
    if (c !== col) {
      flush();
      col = c;
      peak = k;
    } else if (first && first[k] > first[peak]) peak = k;
    last = k;
  }
  flush();
  if (k < t.length) picks.push(k);
  return {
    laneId: counter.info.id,
    series: counter.info.counter?.series ?? [],
    t: Float64Array.from(picks, (p) => t[p]),
    values: values.map((v) => Float64Array.from(picks, (p) => v[p])),
  };
}

/**
 * The slices of a lane at least `minDurNs` long that overlap [startNs, endNs]: drawn with
 * their labels over a tiled lane. Blocks whose longest event is shorter are skipped whole,
 * so this costs about the number of wide slices, not of visible ones.
 */
export function wideSlices(lane: LaneIndex, startNs: number, endNs: number, minDurNs: number, rows?: readonly [number, number]): LaneSlices {
  const [r0, r1] = rowSpan(lane, rows);
  const stored = lane.summary?.wideSlices(startNs, endNs, minDurNs, r0, r1);
  if (stored) return stored;
  const w = lane.window?.(startNs, endNs);
  if (w) {
    const slices = wideSlices(w.lane, startNs, endNs, minDurNs, rows);
    toLaneEvents(slices.eventIdx, w);
    return slices;
  }
  const out = new SliceWriter();
  for (let r = r0; r < r1; r++) wideInRow(out, lane, r, startNs, endNs, minDurNs);
  return out.finish(lane.info.id);
}

/** wideSlices of one row (a function of its own: see RowCells in sliceTiles.ts on V8 and nested loops). */
function wideInRow(out: SliceWriter, lane: LaneIndex, r: number, startNs: number, endNs: number, minDurNs: number): void {
  const list = lane.rows[r];
  const blocks = lane.rowBlocks[r];
  const narrowOnly = (_: number, longest: number) => lane.dur[longest] < minDurNs;
  for (let p = firstEndingAfter(lane, list, startNs); p < list.length; ) {
    const k = list[p];
    if (lane.start[k] > endNs) break;
    const narrow = largestBlock(list, blocks, p, narrowOnly);
    if (narrow) {
      p += narrow[0];
      continue;
    }
    if (lane.dur[k] >= minDurNs && !lane.instant[k]) out.emit(lane.start[k], lane.start[k] + lane.dur[k], r, lane.name[k], k, 1, 0);
    p++;
  }
}

/** Events of the lane overlapping [startNs, endNs], summed over its rows (those drawn). */
export function visibleEventCount(whole: LaneIndex, startNs: number, endNs: number, rows?: readonly [number, number]): number {
  const stored = whole.summary?.visibleEventCount(startNs, endNs, ...rowSpan(whole, rows));
  if (stored != null) return stored;
  // Counted in the events that may overlap, where the lane offers them apart (an index folder's lane).
  const lane = whole.window?.(startNs, endNs)?.lane ?? whole;
  const [r0, r1] = rowSpan(lane, rows);
  let n = 0;
  for (let r = r0; r < r1; r++) {
    const list = lane.rows[r];
    const from = firstEndingAfter(lane, list, startNs);
    let lo = from;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lane.start[list[mid]] <= endNs) lo = mid + 1;
      else hi = mid;
    }
    n += lo - from;
  }
  return n;
}
