// Search over slice names (and optionally their args): substring or regex, with lane
// filters by kind and by lane name. Names are matched once per distinct name via the
// name table; args are only read when asked for.

import type { SearchHit, SearchQuery, SearchResult } from '../../src/model/analysisTypes';
import type { LaneIndex } from '../index/laneIndex';
import type { TraceIndex } from '../index/traceIndex';

const DEFAULT_LIMIT = 20_000;

/** The matcher of a query; throws a readable error for a bad regex. */
export function matcher(q: SearchQuery): (s: string) => boolean {
  if (q.regex) {
    let re: RegExp;
    try {
      re = new RegExp(q.text, q.caseSensitive ? '' : 'i');
    } catch (e) {
      throw new Error(`Invalid regular expression: ${(e as Error).message}`);
    }
    return (s) => re.test(s);
  }
  if (q.caseSensitive) return (s) => s.includes(q.text);
  const needle = q.text.toLowerCase();
  return (s) => s.toLowerCase().includes(needle);
}

/** The result, plus every match per lane (event indices in ascending order) for the hit layer. */
export function search(index: TraceIndex, q: SearchQuery): SearchResult & { matches: Map<string, number[]> } {
  const matches = new Map<string, number[]>();
  if (!q.text) return { total: 0, hits: [], matches };
  const test = matcher(q);
  const names = index.names;
  const nameHit = new Uint8Array(names.length);
  for (let i = 0; i < names.length; i++) nameHit[i] = test(names[i]) ? 1 : 0;
  const kinds = q.laneKinds?.length ? new Set(q.laneKinds) : null;
  const laneName = q.laneName?.toLowerCase() ?? '';
  const limit = q.limit ?? DEFAULT_LIMIT;
  let total = 0;
  const matchedLanes: LaneIndex[] = [];
  for (const lane of index.lanes.values()) {
    if (kinds && !kinds.has(lane.info.kind)) continue;
    if (laneName && !lane.info.name.toLowerCase().includes(laneName)) continue;
    const laneMatches: number[] = [];
    for (let k = 0; k < lane.start.length; k++) {
      let hit = nameHit[lane.name[k]] === 1;
      if (!hit && q.inArgs && lane.argsLen[k] > 0) hit = test(index.argsOf(lane, k) ?? '');
      if (!hit) continue;
      total++;
      laneMatches.push(k);
    }
    if (!laneMatches.length) continue;
    matches.set(lane.info.id, laneMatches);
    matchedLanes.push(lane);
  }
  return { total, hits: firstInTime(matchedLanes, matches, limit), matches };
}

/** The first `limit` matches over all lanes in time order (ties: by lane id). */
function firstInTime(lanes: LaneIndex[], matches: Map<string, number[]>, limit: number): SearchHit[] {
  lanes.sort((a, b) => a.info.id.localeCompare(b.info.id));
  const laneOf: number[] = [];
  const eventOf: number[] = [];
  lanes.forEach((lane, j) => {
    for (const k of matches.get(lane.info.id)!) {
      laneOf.push(j);
      eventOf.push(k);
    }
  });
  const order = Array.from(laneOf.keys()).sort((x, y) => lanes[laneOf[x]].start[eventOf[x]] - lanes[laneOf[y]].start[eventOf[y]] || laneOf[x] - laneOf[y]);
  return order.slice(0, limit).map((i) => {
    const lane = lanes[laneOf[i]];
    const k = eventOf[i];
    return { laneId: lane.info.id, eventIdx: k, row: lane.row[k], startNs: lane.start[k], durNs: lane.dur[k] };
  });
}
