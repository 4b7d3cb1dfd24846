// Async lanes: the operations of a process (importers/asyncOperations.ts) grouped by the
// category and name of their root, one lane each, so "every URL request" or "every input
// latency" reads as one lane whose rows pack the overlapping operations. A process with more
// names than MAX_ASYNC_LANES keeps a lane for its busiest ones and one shared "other async"
// lane for the rest, named with their count, so a trace with thousands of names stays usable.

import type { RawTrace } from '../ingest/rawTrace';

export const MAX_ASYNC_LANES = 64;

/** One async lane of a process. */
export interface AsyncTrack {
  /** The lane key's tid part: "async <cat> <name>" ([|@] replaced: they separate key parts). */
  tid: string;
  /** Display name: the root's name (the lane header's badge says async). */
  name: string;
  /** Name id deciding the lane kind (the root's name; the shared lane: its first one). */
  kindName: number;
}

export interface AsyncLanes {
  tracks: AsyncTrack[];
  /** Per async raw event (index − raw.asyncFirst): its track. */
  trackOf: Int32Array;
}

/** The async lanes of a trace and the lane of every async slice, by pid, category and root name. */
export function asyncLanes(raw: RawTrace): AsyncLanes {
  // In the columns (a bounded writer's parse spilled the events before them: RawTrace.spilled).
  const first = raw.asyncFirst - raw.spilled;
  const m = raw.asyncTrack.length;
  const trackOf = new Int32Array(m);
  const tracks: AsyncTrack[] = [];
  if (m === 0) return { tracks, trackOf };
  const pids = raw.pid.data;
  const cats = raw.cat.data;
  const roots = raw.asyncTrack.data;
  const strings = raw.strings;
  // pid → cat → root name → index in groups.
  const byPid = new Map<number, Map<number, Map<number, number>>>();
  const group = new Int32Array(m);
  const groups: { pid: number; cat: number; name: number; events: number; first: number; track: number }[] = [];
  for (let j = 0; j < m; j++) {
    const i = first + j;
    let byCat = byPid.get(pids[i]);
    if (!byCat) byPid.set(pids[i], (byCat = new Map()));
    let byName = byCat.get(cats[i]);
    if (!byName) byCat.set(cats[i], (byName = new Map()));
    let g = byName.get(roots[j]);
    if (g === undefined) {
      g = groups.length;
      byName.set(roots[j], g);
      groups.push({ pid: pids[i], cat: cats[i], name: roots[j], events: 0, first: j, track: -1 });
    }
    groups[g].events++;
    group[j] = g;
  }
  const perPid = new Map<number, typeof groups>();
  for (const g of groups) {
    const list = perPid.get(g.pid);
    if (list) list.push(g);
    else perPid.set(g.pid, [g]);
  }
  for (const list of perPid.values()) {
    // The busiest names keep their own lanes (ties: the earlier in the file).
    const ranked = list.length > MAX_ASYNC_LANES ? [...list].sort((a, b) => b.events - a.events || a.first - b.first) : list;
    ranked.forEach((g, rank) => {
      if (rank < MAX_ASYNC_LANES) {
        const cat = strings.get(g.cat);
        const name = strings.get(g.name);
        g.track = tracks.length;
        tracks.push({ tid: keyPart(`async ${cat} ${name}`), name, kindName: g.name });
      }
    });
    if (ranked.length > MAX_ASYNC_LANES) {
      const rest = ranked.slice(MAX_ASYNC_LANES);
      const other = tracks.length;
      tracks.push({ tid: 'async ~other', name: `other async (${rest.length.toLocaleString('en-US')} names)`, kindName: rest[0].name });
      for (const g of rest) g.track = other;
    }
  }
  for (let j = 0; j < m; j++) trackOf[j] = groups[group[j]].track;
  return { tracks, trackOf };
}

function keyPart(s: string): string {
  return s.replace(/[|@]/g, '_');
}
