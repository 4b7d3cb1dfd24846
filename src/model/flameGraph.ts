// An aggregate profile: a call tree of frames with sample counts and no times
// (collapsed stacks, `py-spy record --format raw`). Built in the worker by the
// importer and sent whole with the load result; the flame-graph panel draws it.

export interface FlameNode {
  name: string;
  /** Samples in this frame and everything it called. */
  total: number;
  /** Samples whose leaf is this frame. */
  self: number;
  /** Callees, in name order (so the picture does not depend on line order). */
  children: FlameNode[];
}

export interface FlameGraph {
  /** The synthetic root: its total is every sample of the file. */
  root: FlameNode;
}

/** Builds the tree incrementally: add each stack (outermost frame first) with its count. */
export class FlameGraphBuilder {
  private readonly root = newNode('all');
  private readonly childMaps = new Map<FlameNode, Map<string, FlameNode>>();

  get total(): number {
    return this.root.total;
  }

  add(frames: readonly string[], count: number): void {
    let node = this.root;
    node.total += count;
    for (const frame of frames) {
      let byName = this.childMaps.get(node);
      if (!byName) this.childMaps.set(node, (byName = new Map()));
      let child = byName.get(frame);
      if (!child) {
        byName.set(frame, (child = newNode(frame)));
        node.children.push(child);
      }
      child.total += count;
      node = child;
    }
    node.self += count;
  }

  /** The finished graph, children sorted by name at every level. */
  build(): FlameGraph {
    // A work list, not recursion: collapsed stacks can be deeper than the call stack.
    const todo = [this.root];
    for (let n = todo.pop(); n; n = todo.pop()) {
      n.children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const c of n.children) todo.push(c);
    }
    return { root: this.root };
  }
}

function newNode(name: string): FlameNode {
  return { name, total: 0, self: 0, children: [] };
}
