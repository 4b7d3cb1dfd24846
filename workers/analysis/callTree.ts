// Call tree of a range over the Python + cpu_op stacks of each host thread, like a
// profiler's: top-down (roots = outermost frames) or bottom-up (roots = frames where
// self time was spent, children = their callers). Nesting and self time are
// nesting.ts's, shared with Statistics; durations are clipped to the range.

import type { CallTree, CallTreeNode, CallTreeQuery } from '../../src/model/analysisTypes';
import type { TraceIndex } from '../index/traceIndex';
import { isThreadStackLane, nestingGroups, walkNesting } from '../index/nesting';

/** Nodes below this share of the range are left out (a whole trace can have 100k paths). */
const PRUNE_SHARE = 2e-4;

interface Building {
  name: string;
  kind: CallTreeNode['kind'];
  totalNs: number;
  selfNs: number;
  count: number;
  children: Map<string, Building>;
}

function node(name: string, kind: CallTreeNode['kind']): Building {
  return { name, kind, totalNs: 0, selfNs: 0, count: 0, children: new Map() };
}

function child(parent: Building, name: string, kind: CallTreeNode['kind']): Building {
  const key = `${kind}|${name}`;
  let c = parent.children.get(key);
  if (!c) parent.children.set(key, (c = node(name, kind)));
  return c;
}

export function callTree(index: TraceIndex, q: CallTreeQuery): CallTree {
  const a = q.startNs;
  const b = q.endNs;
  const wanted = q.laneIds ? new Set(q.laneIds) : null;
  const roots: Building[] = [];
  for (const group of nestingGroups(index.lanes.values())) {
    if (!isThreadStackLane(group[0]) || (wanted && !group.some((l) => wanted.has(l.info.id)))) continue;
    // The thread's root once it has a slice in the range.
    let root: Building | null = null;
    let treeRoot: Building | null = null;
    // Each open slice's top-down node (none outside the range); parents open before their children.
    walkNesting<Building | null>(group, a, b, {
      open(l, cols, j, _k, clipped, open) {
        if (!root) {
          roots.push((root = node(group[0].info.name.replace(/ · [^·]+$/, ''), 'thread')));
          treeRoot = q.inverted ? node('', 'thread') : root;
        }
        if (clipped <= 0) return null;
        const n = child(open.depth ? open.value(open.depth - 1)! : treeRoot!, index.nameOf(cols, j), group[l].info.kind);
        n.totalNs += clipped;
        n.count++;
        return n;
      },
      close(n, self, open) {
        if (!n) return;
        n.selfNs += self;
        if (!q.inverted || self <= 0) return;
        // Bottom-up: the frame where time was spent, then its callers (the slices still open) outwards.
        let up = child(root!, n.name, n.kind);
        up.totalNs += self;
        up.selfNs += self;
        up.count++;
        for (let d = open.depth - 1; d >= 0; d--) {
          const caller = open.value(d)!;
          up = child(up, caller.name, caller.kind);
          up.totalNs += self;
          up.count++;
        }
      },
    });
    const r = root as Building | null;
    if (!r) continue;
    if (!q.inverted) for (const c of r.children.values()) r.totalNs += c.totalNs;
    else for (const c of r.children.values()) r.totalNs += c.selfNs;
  }

  const nodes: CallTreeNode[] = [];
  let pruned = 0;
  const minNs = (b - a) * PRUNE_SHARE;
  const emit = (n: Building, parent: number, depth: number) => {
    const id = nodes.length;
    nodes.push({ id, parent, depth, name: n.name, kind: n.kind, totalNs: n.totalNs, selfNs: n.selfNs, count: n.count });
    for (const c of [...n.children.values()].sort((x, y) => y.totalNs - x.totalNs || x.name.localeCompare(y.name))) {
      if (c.totalNs < minNs) pruned++;
      else emit(c, id, depth + 1);
    }
  };
  for (const r of roots.sort((x, y) => y.totalNs - x.totalNs)) emit(r, -1, 0);
  return { startNs: a, endNs: b, inverted: !!q.inverted, nodes, pruned };
}
