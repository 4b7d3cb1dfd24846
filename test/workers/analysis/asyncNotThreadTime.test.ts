// Async operations are not thread time: Statistics and the Call tree count the thread's own
// slices (X, B/E) of a Chrome trace with async events, not its async operations, which
// may run to the end of the trace when they never end. Expectations from the raw JSON.

import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rangeStats } from '../../../workers/analysis/rangeStats';
import { callTree } from '../../../workers/analysis/callTree';
import { EXTERNAL, loadExternal } from '../../support/corpus';

const FILE = 'chrome-trace/catapult__async_begin_end.json.gz';

/** Per name, the summed duration (µs) of the thread slices: X events and B/E pairs matched per thread by time. */
function threadTotals(): Map<string, number> {
  const events = JSON.parse(gunzipSync(readFileSync(join(EXTERNAL, FILE))).toString('utf8')) as { ph: string; name: string; pid: number; tid: number; ts: number; dur?: number }[];
  const totals = new Map<string, number>();
  const add = (name: string, us: number) => totals.set(name, (totals.get(name) ?? 0) + us);
  const stacks = new Map<string, { name: string; ts: number }[]>();
  for (const e of [...events].sort((x, y) => x.ts - y.ts)) {
    const key = `${e.pid}|${e.tid}`;
    if (e.ph === 'X') add(e.name, e.dur ?? 0);
    if (e.ph === 'B') stacks.set(key, [...(stacks.get(key) ?? []), { name: e.name, ts: e.ts }]);
    if (e.ph === 'E') {
      const open = stacks.get(key)?.pop();
      if (open) add(open.name, e.ts - open.ts);
    }
  }
  return totals;
}

describe('async operations are not thread time', () => {
  it('Statistics count only the thread slices of catapult__async_begin_end', async () => {
    const index = await loadExternal(FILE);
    expect(index.result.lanes.some((l) => l.async)).toBe(true);
    const stats = rangeStats(index, { startNs: index.result.minNs, endNs: index.result.maxNs });
    const want = threadTotals();
    expect(want.size).toBeGreaterThan(0);
    expect(new Map(stats.rows.map((r) => [r.name, r.totalNs / 1000]))).toEqual(want);
  });

  it('the Call tree has one root per thread with slices, none for async lanes', async () => {
    const index = await loadExternal(FILE);
    // The whole trace (a wider range would prune every node as too small a share of it).
    const tree = callTree(index, { startNs: index.result.minNs, endNs: index.result.maxNs });
    const names = new Set(tree.nodes.filter((n) => n.depth > 0).map((n) => n.name));
    expect(names).toEqual(new Set(threadTotals().keys()));
  });
});
