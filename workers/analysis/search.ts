// Search over slice names (and optionally their args): substring or regex, with lane
// filters by kind and by lane name. Names are matched once per distinct name via the
// name table; args are only read when asked for.

import type { SearchHit, SearchQuery, SearchResult } from '../../src/model/analysisTypes';
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

export function search(index: TraceIndex, q: SearchQuery): SearchResult {
  if (!q.text) return { total: 0, hits: [] };
  const test = matcher(q);
  const names = index.names;
  const nameHit = new Uint8Array(names.length);
  for (let i = 0; i < names.length; i++) nameHit[i] = test(names[i]) ? 1 : 0;
  const kinds = q.laneKinds?.length ? new Set(q.laneKinds) : null;
  const laneName = q.laneName?.toLowerCase() ?? '';
  const limit = q.limit ?? DEFAULT_LIMIT;
  let total = 0;
  const hits: SearchHit[] = [];
  for (const lane of index.lanes.values()) {
    if (kinds && !kinds.has(lane.info.kind)) continue;
    if (laneName && !lane.info.name.toLowerCase().includes(laneName)) continue;
    for (let k = 0; k < lane.start.length; k++) {
      let hit = nameHit[lane.name[k]] === 1;
      if (!hit && q.inArgs && lane.argsLen[k] > 0) hit = test(index.argsOf(lane, k) ?? '');
      if (!hit) continue;
      total++;
      hits.push({ laneId: lane.info.id, eventIdx: k, row: lane.row[k], startNs: lane.start[k], durNs: lane.dur[k] });
    }
  }
  hits.sort((a, b) => a.startNs - b.startNs || a.laneId.localeCompare(b.laneId));
  return { total, hits: hits.length > limit ? hits.slice(0, limit) : hits };
}
