// The stall finder: match communication operations across ranks and flag the groups
// whose participants arrived far apart. The last to arrive is the stalled rank; the
// others waited for it.

import type { CommOp, RankComms } from './commOps';

export interface StallParticipant {
  trace: string;
  rank: number | null;
  op: CommOp;
  /** Start on the shared axis (ns from the earliest origin among the ranks). */
  startNs: number;
}

export interface StallFinding {
  /** "gloo p2p #7", "nccl all_reduce #3". */
  id: string;
  backend: string;
  channel: string;
  /** Occurrence (1-based) of this operation on its channel. */
  occurrence: number;
  late: StallParticipant;
  /** The ranks that waited, earliest first. */
  waiting: StallParticipant[];
  /** Latest start minus earliest start. */
  waitNs: number;
  /** Step of the late rank's operation, e.g. "execute_model #7". */
  step: string | null;
  /**
   * True when the earliest participant started before the late rank's capture began:
   * the late rank may have been there all along, unseen ("outside the peer's capture").
   */
  outsideCapture: boolean;
}

export interface UnmatchedOp {
  participant: StallParticipant;
  /** "outside the peer's capture" when the op falls outside some peer's window, else "no peer". */
  reason: 'outside-capture' | 'no-peer';
}

export interface StallReport {
  /** Worst first. */
  findings: StallFinding[];
  unmatched: UnmatchedOp[];
  /** Absolute ns of the shared axis origin used for startNs (decimal string). */
  axisOriginNs: string;
}

export const DEFAULT_STALL_THRESHOLD_NS = 100e6;

/**
 * Groups the k-th operation of each (backend, channel) across ranks. Without sequence
 * numbers this is order of occurrence per process group and operation, which is how
 * collectives and paired send/recv progress.
 */
export function findStalls(ranks: readonly RankComms[], thresholdNs = DEFAULT_STALL_THRESHOLD_NS): StallReport {
  const origin = ranks.reduce<bigint | null>((min, r) => {
    const o = BigInt(r.originNs);
    return min === null || o < min ? o : min;
  }, null) ?? 0n;
  const shift = new Map(ranks.map((r) => [r.trace, Number(BigInt(r.originNs) - origin)]));
  const windowOf = new Map(ranks.map((r) => [r.trace, [r.captureStartNs + shift.get(r.trace)!, r.captureEndNs + shift.get(r.trace)!] as const]));

  // channel key → per trace, its ops on that channel in time order
  const channels = new Map<string, Map<string, StallParticipant[]>>();
  for (const r of ranks) {
    for (const op of r.ops) {
      const key = `${op.backend} ${op.channel}`;
      let perTrace = channels.get(key);
      if (!perTrace) channels.set(key, (perTrace = new Map()));
      let list = perTrace.get(r.trace);
      if (!list) perTrace.set(r.trace, (list = []));
      list.push({ trace: r.trace, rank: r.rank, op, startNs: op.startNs + shift.get(r.trace)! });
    }
  }

  const findings: StallFinding[] = [];
  const unmatched: UnmatchedOp[] = [];
  for (const [key, perTrace] of channels) {
    for (const [k, group] of matchedGroups([...perTrace.values()])) {
      if (group.length < 2 || ranks.length < 2) {
        for (const p of group) unmatched.push({ participant: p, reason: outsideSomePeer(p, ranks, windowOf) ? 'outside-capture' : 'no-peer' });
        continue;
      }
      group.sort((a, b) => a.startNs - b.startNs);
      const late = group[group.length - 1];
      const waitNs = late.startNs - group[0].startNs;
      if (waitNs <= thresholdNs) continue;
      const lateWindow = windowOf.get(late.trace)!;
      findings.push({
        id: `${key} #${k + 1}`,
        backend: late.op.backend,
        channel: late.op.channel,
        occurrence: k + 1,
        late,
        waiting: group.slice(0, -1),
        waitNs,
        step: late.op.step,
        outsideCapture: group[0].startNs < lateWindow[0],
      });
    }
  }
  findings.sort((a, b) => Number(a.outsideCapture) - Number(b.outsideCapture) || b.waitNs - a.waitNs);
  return { findings, unmatched, axisOriginNs: origin.toString() };
}

/**
 * The k-th group of a channel: by sequence number when every op carries one, else by
 * order of occurrence on each rank.
 */
function matchedGroups(lists: StallParticipant[][]): [number, StallParticipant[]][] {
  const all = lists.flat();
  if (all.length > 0 && all.every((p) => p.op.seq !== null)) {
    const bySeq = new Map<number, StallParticipant[]>();
    for (const p of all) {
      const g = bySeq.get(p.op.seq!) ?? [];
      g.push(p);
      bySeq.set(p.op.seq!, g);
    }
    return [...bySeq.entries()].sort((a, b) => a[0] - b[0]).map(([seq, g]) => [seq - 1, g]);
  }
  const depth = Math.max(0, ...lists.map((l) => l.length));
  const out: [number, StallParticipant[]][] = [];
  for (let k = 0; k < depth; k++) out.push([k, lists.map((l) => l[k]).filter((p): p is StallParticipant => p !== undefined)]);
  return out;
}

function outsideSomePeer(p: StallParticipant, ranks: readonly RankComms[], windowOf: Map<string, readonly [number, number]>): boolean {
  return ranks.some((r) => {
    if (r.trace === p.trace) return false;
    const [s, e] = windowOf.get(r.trace)!;
    return p.startNs < s || p.startNs > e;
  });
}
