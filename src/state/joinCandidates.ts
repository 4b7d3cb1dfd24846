// Which loaded groups look like the same process as a Kineto host process, so the UI
// can OFFER to show their lanes inside that process's group (joining is only ever a
// view change the user confirms; lane ids never change).
//
// The rule: a group of a syscall or sampler trace (strace, Nsight Systems, speedscope)
// whose pid equals the pid of a Kineto host process (the process with cpu_op /
// python_function events) in another trace, and whose trace's absolute time range
// overlaps the Kineto trace's. Traces here are from one host each (neither strace nor
// Kineto records a host name), so the host part of the match is the overlap in time.

import type { LaneGroup, TraceLoadResult } from '../model/types';

/** Formats whose processes may be joined into a Kineto process group. */
const JOINABLE_FORMATS = new Set(['strace', 'Nsight Systems SQLite', 'speedscope JSON']);
const KINETO_HOST_CATS = ['cpu_op', 'python_function'];

export interface JoinCandidate {
  /** The group that would be shown inside `target`. */
  group: LaneGroup;
  target: LaneGroup;
  fileName: string;
  targetFileName: string;
}

/** Absolute [start, end] ns of a trace's events. */
function absoluteRange(r: TraceLoadResult): [bigint, bigint] {
  const origin = BigInt(r.originNs);
  return [origin + BigInt(Math.floor(r.minNs)), origin + BigInt(Math.ceil(r.maxNs))];
}

/** Kineto host process groups of a trace: groups with Python or CPU-op lanes in a trace that has those categories. */
function kinetoHostGroups(r: TraceLoadResult): LaneGroup[] {
  if (!KINETO_HOST_CATS.some((c) => (r.categories[c] ?? 0) > 0)) return [];
  const host = new Set(r.lanes.filter((l) => l.kind === 'python' || l.kind === 'cpu').map((l) => l.group));
  return r.groups.filter((g) => host.has(g.id) && !g.profiler);
}

export function joinCandidates(results: readonly TraceLoadResult[]): JoinCandidate[] {
  const hosts = results.flatMap((r) => kinetoHostGroups(r).map((g) => ({ g, r, range: absoluteRange(r) })));
  const out: JoinCandidate[] = [];
  for (const r of results) {
    if (!JOINABLE_FORMATS.has(r.format)) continue;
    const [start, end] = absoluteRange(r);
    for (const group of r.groups) {
      const host = hosts.find((h) => h.r !== r && h.g.pid === group.pid && start <= h.range[1] && h.range[0] <= end);
      if (host) out.push({ group, target: host.g, fileName: r.fileName, targetFileName: host.r.fileName });
    }
  }
  return out;
}
