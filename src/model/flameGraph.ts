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

/** Children looked up by a scan up to this many; a map per node past it. */
const SCAN_CHILDREN = 8;

/** Builds the tree incrementally: add each stack (outermost frame first) with its count. */
export class FlameGraphBuilder {
  private readonly root = newNode('all');
  /** Only for nodes with many children: deep stacks make hundreds of thousands of nodes with one or two, where a map each cost more time (and GC) than the rest of the import. */
  private readonly childMaps = new Map<FlameNode, Map<string, FlameNode>>();

  get total(): number {
    return this.root.total;
  }

  /**
   * Adds one folded stack (`outer;…;leaf`, frames split at every `;`) with its count. Frames
   * are compared in place and only sliced out for new nodes: lines sharing a long stack
   * would otherwise make garbage of every frame of every line.
   */
  addFolded(stack: string, count: number): void {
    let node = this.root;
    node.total += count;
    for (let at = 0; ; ) {
      let end = stack.indexOf(';', at);
      if (end < 0) end = stack.length;
      node = this.child(node, stack, at, end);
      node.total += count;
      if (end === stack.length) break;
      at = end + 1;
    }
    node.self += count;
  }

  /** The child of `node` named `stack[from, to)`, made if missing. */
  private child(node: FlameNode, stack: string, from: number, to: number): FlameNode {
    const kids = node.children;
    if (kids.length <= SCAN_CHILDREN) {
      for (const c of kids) if (c.name.length === to - from && stack.startsWith(c.name, from)) return c;
      const made = newNode(stack.slice(from, to));
      if (kids === LEAF) node.children = [made];
      else kids.push(made);
      if (kids.length > SCAN_CHILDREN) this.childMaps.set(node, new Map(kids.map((c) => [c.name, c])));
      return made;
    }
    const frame = stack.slice(from, to);
    const byName = this.childMaps.get(node)!;
    let c = byName.get(frame);
    if (!c) {
      byName.set(frame, (c = newNode(frame)));
      kids.push(c);
    }
    return c;
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

/** The children of every leaf, shared: most nodes of a wide tree are leaves, and an empty array each is memory and GC for nothing. Never written to (the builder replaces it; readers only read). */
const LEAF: FlameNode[] = [];

function newNode(name: string): FlameNode {
  return { name, total: 0, self: 0, children: LEAF };
}
