// Call tree of a range over the Python + cpu_op stacks of each host thread, like a
// profiler's: top-down (roots = outermost frames) or bottom-up (roots = frames where
// self time was spent, children = their callers). Nesting and self time are
// nesting.ts's, shared with Statistics; durations are clipped to the range.

import type { CallTree, CallTreeNode, CallTreeQuery } from '../../src/model/analysisTypes';
import type { TraceIndex } from '../index/traceIndex';
import { isThreadStackLane, nestingGroups, nestSlices } from '../index/nesting';

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
    const nest = nestSlices(group, a, b);
    if (!nest.event.length) continue;
    const root = node(group[0].info.name.replace(/ · [^·]+$/, ''), 'thread');
    roots.push(root);
    const treeRoot = q.inverted ? node('', 'thread') : root;
    // Each slice's top-down node; parents come before their children.
    const at: Building[] = new Array(nest.event.length);
    for (let i = 0; i < nest.event.length; i++) {
      if (nest.clipped[i] <= 0) continue;
      const lane = group[nest.lane[i]];
      const name = index.nameOf(lane, nest.event[i]);
      const p = nest.parent[i];
      const n = (at[i] = child(p >= 0 ? at[p] : treeRoot, name, lane.info.kind));
      n.totalNs += nest.clipped[i];
      n.selfNs += nest.self[i];
      n.count++;
      if (!q.inverted || nest.self[i] <= 0) continue;
      // Bottom-up: the frame where time was spent, then its callers outwards.
      let up = child(root, name, lane.info.kind);
      up.totalNs += nest.self[i];
      up.selfNs += nest.self[i];
      up.count++;
      for (let c = p; c >= 0; c = nest.parent[c]) {
        up = child(up, at[c].name, at[c].kind);
        up.totalNs += nest.self[i];
        up.count++;
      }
    }
    if (!q.inverted) for (const c of root.children.values()) root.totalNs += c.totalNs;
    else for (const c of root.children.values()) root.totalNs += c.selfNs;
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
