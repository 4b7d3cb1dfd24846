// Event density over time for the counting pass (issue 23), built before the trace's extent
// is known: bins of a power-of-two width on a grid anchored at 0, the width doubled (bins
// merged in pairs) whenever the occupied bins would span more than MAX_BINS. Pieces of a
// file counted by different threads merge by bringing both to the coarser width.

const MAX_BINS = 4096;

/** Plain data, to cross a worker boundary. */
export interface DensityData {
  width: number;
  /** [bin index on the grid of `width`, events]. */
  bins: [number, number][];
}

export class DensityHistogram {
  private width = 1;
  private counts = new Map<number, number>();
  private lo = Infinity;
  private hi = -Infinity;

  /** Counts one event at `t` (any unit, the same for every call). */
  add(t: number, n = 1): void {
    let i = Math.floor(t / this.width);
    while (Math.max(this.hi, i) - Math.min(this.lo, i) >= MAX_BINS) {
      this.coarsen();
      i = Math.floor(t / this.width);
    }
    this.counts.set(i, (this.counts.get(i) ?? 0) + n);
    if (i < this.lo) this.lo = i;
    if (i > this.hi) this.hi = i;
  }

  private coarsen(): void {
    const next = new Map<number, number>();
    for (const [i, n] of this.counts) next.set(Math.floor(i / 2), (next.get(Math.floor(i / 2)) ?? 0) + n);
    this.counts = next;
    this.width *= 2;
    this.lo = Math.floor(this.lo / 2);
    this.hi = Math.floor(this.hi / 2);
  }

  data(): DensityData {
    return { width: this.width, bins: [...this.counts] };
  }

  /** Adds another histogram's counts (a piece of the same file, times shifted by `dt`). */
  merge(d: DensityData, dt = 0): void {
    for (const [i, n] of d.bins) this.add(i * d.width + d.width / 2 + dt, n);
  }

  /** The counts redistributed into `n` equal bins over [from, to] (each fine bin by its centre). */
  resample(from: number, to: number, n: number): number[] {
    const out = new Array<number>(n).fill(0);
    const w = (to - from) / n;
    for (const [i, c] of this.counts) {
      const centre = (i + 0.5) * this.width;
      const k = w > 0 ? Math.floor((centre - from) / w) : 0;
      out[Math.max(0, Math.min(n - 1, k))] += c;
    }
    return out;
  }
}
