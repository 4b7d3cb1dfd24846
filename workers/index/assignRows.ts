// Rows of a lane's slices in O(n log n). Two segment trees replace the linear scans a
// pile of mutually overlapping slices made quadratic (70 000 overlapping kernels: every
// new slice scanned every open one and every row): one over the open-slice stack (max
// end: the innermost open slice that contains the new one) and one over the rows (min
// end: the first row at or below the parent that is free again).

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
  return nestedRows(start, dur) ?? rowsByTrees(start, dur);
}

/**
 * The rows of a lane where every slice nests under the top of the open stack (or starts a
 * new stack) and finds its parent's next row free: what the trees would find, without them.
 * Most CPU and Python lanes are like that; the first slice that is not gives up (null).
 */
function nestedRows(start: Float64Array, dur: Float64Array): Uint32Array | null {
  const n = start.length;
  const row = new Uint32Array(n);
  const rowEnd = new Float64Array(n + 1).fill(-Infinity);
  const open = new Int32Array(n);
  let depth = 0;
  for (let k = 0; k < n; k++) {
    const s = start[k];
    const d = dur[k];
    const e = s + d;
    if (d > 0) while (depth > 0 && start[open[depth - 1]] + dur[open[depth - 1]] <= s) depth--;
    let r = 0;
    if (depth > 0) {
      const top = open[depth - 1];
      // A parent further down the stack, or none at all: the trees decide.
      if (start[top] + dur[top] < e) return null;
      r = row[top] + 1;
    }
    if (rowEnd[r] > s) return null;
    row[k] = r;
    rowEnd[r] = e;
    if (d > 0) open[depth++] = k;
  }
  return row;
}

function rowsByTrees(start: Float64Array, dur: Float64Array): Uint32Array {
  const n = start.length;
  const row = new Uint32Array(n);
  // One spare leaf: n slices need at most n rows, and the first unused row must be findable.
  const size = leavesFor(n + 1);
  // Rows not used yet end at −∞, so "first free row" finds a new row once the used ones are full.
  const rowEnd = new Float64Array(2 * size).fill(-Infinity);
  // Open stack ends; popped positions go back to −∞ so they never count as containing.
  const openEnd = new Float64Array(2 * size).fill(-Infinity);
  const open = new Int32Array(n);
  let depth = 0;
  for (let k = 0; k < n; k++) {
    const s = start[k];
    const d = dur[k];
    const e = s + d;
    if (d > 0) {
      // Only the top is popped: a finished slice under a still-open one stays (it can no longer contain anything new).
      while (depth > 0 && start[open[depth - 1]] + dur[open[depth - 1]] <= s) setLeaf(openEnd, size, --depth, -Infinity, Math.max);
    }
    const parent = lastAtLeast(openEnd, size, depth - 1, e);
    const minRow = parent < 0 ? 0 : row[open[parent]] + 1;
    const r = firstAtMost(rowEnd, size, minRow, s);
    row[k] = r;
    setLeaf(rowEnd, size, r, e, Math.min);
    if (d > 0) {
      open[depth] = k;
      setLeaf(openEnd, size, depth++, e, Math.max);
    }
  }
  return row;
}
