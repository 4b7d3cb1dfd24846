// Events grouped by a dense key (a thread, an async id, a flow id), each group in time order:
// the Trace Event Format orders an operation's events by ts while files list them in any order.
// A counting sort by key (stable: file order) then a sort per group only where it is out of order.

export interface TimeOrderedGroups {
  /** Group g holds order[at[g] … at[g + 1]). */
  at: Int32Array;
  order: Int32Array;
}

/** Indices 0…n−1 grouped by key[i] (0…groups−1), each group by ts (equal times: index order). */
export function timeOrderedGroups(key: ArrayLike<number>, ts: Float64Array, n: number, groups: number): TimeOrderedGroups {
  const at = new Int32Array(groups + 1);
  for (let i = 0; i < n; i++) at[key[i] + 1]++;
  for (let g = 0; g < groups; g++) at[g + 1] += at[g];
  const order = new Int32Array(n);
  const fill = at.slice(0, groups);
  for (let i = 0; i < n; i++) order[fill[key[i]]++] = i;
  for (let g = 0; g < groups; g++) {
    const first = at[g];
    const end = at[g + 1];
    let inOrder = true;
    for (let j = first + 1; j < end && inOrder; j++) inOrder = ts[order[j - 1]] <= ts[order[j]];
    if (!inOrder) order.subarray(first, end).sort((a, b) => ts[a] - ts[b] || a - b);
  }
  return { at, order };
}
