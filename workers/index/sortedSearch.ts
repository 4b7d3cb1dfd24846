// Binary search over ascending numbers (event starts, counter sample times).

/** First index whose value is ≥ x (or > x when `after`). */
export function firstAtOrAfter(sorted: ArrayLike<number>, x: number, after = false): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x || (after && sorted[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
