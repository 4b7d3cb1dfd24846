// Rows of a lane's slices in O(n log n). Two segment trees replace the linear scans a
// pile of mutually overlapping slices made quadratic (70 000 overlapping kernels: every
// new slice scanned every open one and every row): one over the open-slice stack (max
// end: the innermost open slice that contains the new one) and one over the rows (min
// end: the first row at or below the parent that is free again).
// Resumable (RowAssigner): a lane's slices may come part by part (an index writer merging a
// lane's sorted runs holds one part at a time); its state is the open stack and each row's
// last end, never the slices before.

/** Leaves for n values: the next power of two, at least 1. */
function leavesFor(n: number): number {
  let size = 1;
  while (size < n) size <<= 1;
  return size;
}

/** Sets leaf i and refreshes its ancestors with `pick` (Math.max or Math.min). */
function setLeaf(tree: Float64Array, size: number, i: number, v: number, pick: (a: number, b: number) => number): void {
  let p = i + size;
  tree[p] = v;
  for (p >>= 1; p >= 1; p >>= 1) tree[p] = pick(tree[2 * p], tree[2 * p + 1]);
}

/** Highest index ≤ hi whose value is ≥ v in a max-tree, or −1. */
function lastAtLeast(tree: Float64Array, size: number, hi: number, v: number): number {
  if (hi < 0) return -1;
  let p = hi + size;
  if (tree[p] < v) {
    for (;;) {
      // Climb while p is a left child: nothing lies to its left inside its parent.
      while (p > 1 && (p & 1) === 0) p >>= 1;
      if (p === 1) return -1;
      p--;
      if (tree[p] >= v) break;
    }
    while (p < size) p = tree[2 * p + 1] >= v ? 2 * p + 1 : 2 * p;
  }
  return p - size;
}

/** Lowest index ≥ lo whose value is ≤ v in a min-tree, or −1. */
function firstAtMost(tree: Float64Array, size: number, lo: number, v: number): number {
  let p = lo + size;
  if (tree[p] > v) {
    for (;;) {
      while (p > 1 && (p & 1) === 1) p >>= 1;
      if (p === 1) return -1;
      p++;
      if (tree[p] <= v) break;
    }
    while (p < size) p = tree[2 * p] <= v ? 2 * p : 2 * p + 1;
  }
  return p - size;
}

/**
 * Rows for slices sorted by start (longer first on ties). A slice nests under the
 * innermost open slice that contains it and takes the first free row below its parent;
 * a slice that overlaps without nesting moves down to the next row where it fits.
 * Instants (dur 0) never become parents and never close one.
 */
export function assignRows(start: Float64Array, dur: Float64Array): Uint32Array {
  const n = start.length;
  const row = new Uint32Array(n);
  new RowAssigner(n).assign(start, dur, 0, n, row, 0);
  return row;
}

/**
 * assignRows over a lane given part by part, in its order: `assign` the parts one after another and
 * each slice gets the row assignRows gives it over the whole lane. It holds the open stack (the
 * slices under the last one that may still contain a later one) and each row's last end.
 *
 * While every slice nests under the top of the open stack (or starts a new stack) and finds its
 * parent's next row free, rows come from the stack alone (most CPU and Python lanes); from the first
 * slice that does not, the trees decide, built from that state (the trees would have reached the same
 * one: on such slices they find the top as parent and its next row).
 */
export class RowAssigner {
  /** Ends and rows of the open stack, bottom first; `depth` of them are open. */
  private openEnd: Float64Array;
  private openRow: Uint32Array;
  private depth = 0;
  /** Each row's last end (−∞: not used yet), while the stack decides; `rows` are used. */
  private rowEnd: Float64Array;
  private rows = 0;
  /** The trees once a slice needed them: max over the stack's ends, min over the rows' ends; `size` leaves each. */
  private trees: { size: number; openEnd: Float64Array; rowEnd: Float64Array } | null = null;
  /** Leaves the trees get when first built (a whole lane's count: built once, as assignRows did). */
  private readonly leaves: number;

  /** `slices`: how many the lane has, when known (the trees are then built once, never grown). */
  constructor(slices = 0) {
    const room = Math.min(slices, 1 << 12) + 1;
    this.openEnd = new Float64Array(room);
    this.openRow = new Uint32Array(room);
    this.rowEnd = new Float64Array(room).fill(-Infinity);
    this.leaves = leavesFor(slices + 1);
  }

  /** Rows of slices [from, to) of `start` / `dur` (the lane's next ones) into `row` from `at`. */
  assign(start: Float64Array, dur: Float64Array, from: number, to: number, row: Uint32Array, at: number): void {
    const k = this.trees ? from : this.nested(start, dur, from, to, row, at - from);
    if (k < to) this.byTrees(start, dur, k, to, row, at - from);
  }

  /** Slices from `from` on while each nests under the stack's top; returns the first that does not (or `to`). */
  private nested(start: Float64Array, dur: Float64Array, from: number, to: number, row: Uint32Array, shift: number): number {
    let { openEnd, openRow, rowEnd, depth, rows } = this;
    let k = from;
    for (; k < to; k++) {
      const s = start[k];
      const d = dur[k];
      const e = s + d;
      if (d > 0) while (depth > 0 && openEnd[depth - 1] <= s) depth--;
      let r = 0;
      if (depth > 0) {
        // A parent further down the stack, or none at all: the trees decide.
        if (openEnd[depth - 1] < e) break;
        r = openRow[depth - 1] + 1;
      }
      if (rowEnd[r] > s) break;
      row[shift + k] = r;
      rowEnd[r] = e;
      if (r === rows && ++rows === rowEnd.length) rowEnd = this.rowEnd = grown(rowEnd, 2 * rows, -Infinity);
      if (d > 0) {
        if (depth === openEnd.length) ({ openEnd, openRow } = this.growStack());
        openEnd[depth] = e;
        openRow[depth++] = r;
      }
    }
    this.depth = depth;
    this.rows = rows;
    return k;
  }

  private growStack(): { openEnd: Float64Array; openRow: Uint32Array } {
    const n = 2 * this.openEnd.length;
    this.openEnd = grown(this.openEnd, n, 0);
    const openRow = new Uint32Array(n);
    openRow.set(this.openRow);
    this.openRow = openRow;
    return { openEnd: this.openEnd, openRow };
  }

  /**
   * The trees with `size` leaves over the current stack and rows: from the stack's state when the
   * trees are first needed, else from the trees before (the rows' ends are kept only there).
   */
  private buildTrees(size: number): { size: number; openEnd: Float64Array; rowEnd: Float64Array } {
    // Popped stack positions and unused rows are −∞: never containing, free.
    const openEnd = new Float64Array(2 * size).fill(-Infinity);
    const rowEnd = new Float64Array(2 * size).fill(-Infinity);
    const was = this.trees;
    openEnd.set(was ? was.openEnd.subarray(was.size, was.size + this.depth) : this.openEnd.subarray(0, this.depth), size);
    rowEnd.set(was ? was.rowEnd.subarray(was.size, was.size + this.rows) : this.rowEnd.subarray(0, this.rows), size);
    for (let p = size - 1; p >= 1; p--) {
      openEnd[p] = Math.max(openEnd[2 * p], openEnd[2 * p + 1]);
      rowEnd[p] = Math.min(rowEnd[2 * p], rowEnd[2 * p + 1]);
    }
    return { size, openEnd, rowEnd };
  }

  /** Slices [from, to) by the trees; slice k's row goes to `row[shift + k]`. */
  private byTrees(start: Float64Array, dur: Float64Array, from: number, to: number, row: Uint32Array, shift: number): void {
    this.trees ??= this.buildTrees(Math.max(this.leaves, leavesFor(Math.max(this.depth, this.rows) + 2)));
    let { size, openEnd, rowEnd } = this.trees;
    let ends = this.openEnd;
    let openRow = this.openRow;
    let depth = this.depth;
    let rows = this.rows;
    for (let k = from; k < to; k++) {
      const s = start[k];
      const d = dur[k];
      const e = s + d;
      if (d > 0) {
        // Only the top is popped: a finished slice under a still-open one stays (it can no longer contain anything new).
        while (depth > 0 && ends[depth - 1] <= s) setLeaf(openEnd, size, --depth, -Infinity, Math.max);
      }
      const parent = lastAtLeast(openEnd, size, depth - 1, e);
      const minRow = parent < 0 ? 0 : openRow[parent] + 1;
      const r = firstAtMost(rowEnd, size, minRow, s);
      row[shift + k] = r;
      setLeaf(rowEnd, size, r, e, Math.min);
      if (r === rows) rows++;
      if (d > 0) {
        if (depth === ends.length) ({ openEnd: ends, openRow } = this.growStack());
        ends[depth] = e;
        openRow[depth] = r;
        setLeaf(openEnd, size, depth++, e, Math.max);
      }
      // A leaf for the first unused row (it must be findable) and for the next push.
      if (rows >= size || depth >= size) {
        this.depth = depth;
        this.rows = rows;
        ({ size, openEnd, rowEnd } = this.trees = this.buildTrees(2 * size));
      }
    }
    this.depth = depth;
    this.rows = rows;
  }
}

/** `a` in an array of `n` values, the new ones `fill`. */
function grown(a: Float64Array, n: number, fill: number): Float64Array {
  const out = new Float64Array(n);
  out.set(a);
  if (fill !== 0) out.fill(fill, a.length);
  return out;
}
