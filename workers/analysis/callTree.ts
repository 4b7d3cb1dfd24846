// Call tree of a range over the Python + cpu_op stacks of each host thread, like a
// profiler's: top-down (roots = outermost frames) or bottom-up (roots = frames where
// self time was spent, children = their callers). Slices of a thread's Python and CPU
// lanes are nested together by time; durations are clipped to the range.

import type { CallTree, CallTreeNode, CallTreeQuery } from '../../src/model/analysisTypes';
import type { LaneKind } from '../../src/model/types';
import type { TraceIndex } from '../index/traceIndex';
import { laneTimesIn } from './rangeStats';

const TREE_KINDS: Partial<Record<LaneKind, number>> = { python: 0, cpu: 1 };
/** Nodes below this share of the range are left out (a whole trace can have 100k paths). */
const PRUNE_SHARE = 2e-4;

interface Occurrence {
  name: string;
  kind: LaneKind;
  s: number;
  e: number;
  order: number;
}

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
  const threads = new Map<string, { label: string; occ: Occurrence[] }>();
  for (const lane of index.lanes.values()) {
    const order = TREE_KINDS[lane.info.kind];
    if (order === undefined || (wanted && !wanted.has(lane.info.id))) continue;
    const key = `${lane.info.pid}|${lane.info.tid}`;
    let t = threads.get(key);
    if (!t) threads.set(key, (t = { label: lane.info.name.replace(/ · [^·]+$/, ''), occ: [] }));
    const occ = t.occ;
    laneTimesIn(lane, a, b, (k, clipped) => {
      if (clipped <= 0) return;
      const s = Math.max(a, lane.start[k]);
      occ.push({ name: index.nameOf(lane, k), kind: lane.info.kind, s, e: s + clipped, order });
    });
  }

  const roots: Building[] = [];
  for (const { label, occ } of threads.values()) {
    if (!occ.length) continue;
    occ.sort((x, y) => x.s - y.s || y.e - x.e || x.order - y.order);
    const root = node(label, 'thread');
    roots.push(root);
    // Stack of open occurrences with their top-down node and the time their children cover.
    const stack: { o: Occurrence; n: Building; covered: number }[] = [];
    const close = (entry: { o: Occurrence; n: Building; covered: number }) => {
      const self = entry.o.e - entry.o.s - entry.covered;
      entry.n.selfNs += self;
      if (q.inverted && self > 0) {
        // Bottom-up: the frame where time was spent, then its callers outwards.
        let at = child(root, entry.o.name, entry.o.kind);
        at.totalNs += self;
        at.selfNs += self;
        at.count++;
        for (let i = stack.length - 1; i >= 0; i--) {
          at = child(at, stack[i].o.name, stack[i].o.kind);
          at.totalNs += self;
          at.count++;
        }
      }
    };
    const treeRoot = q.inverted ? node('', 'thread') : root;
    for (const o of occ) {
      while (stack.length && stack[stack.length - 1].o.e <= o.s) close(stack.pop()!);
      // Partial overlap without nesting: treat the later slice as a sibling of the open one.
      while (stack.length && stack[stack.length - 1].o.e < o.e) close(stack.pop()!);
      const parent = stack.length ? stack[stack.length - 1] : null;
      if (parent) parent.covered += o.e - o.s;
      const n = child(parent ? parent.n : treeRoot, o.name, o.kind);
      n.totalNs += o.e - o.s;
      n.count++;
      stack.push({ o, n, covered: 0 });
    }
    while (stack.length) close(stack.pop()!);
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
