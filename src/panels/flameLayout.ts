// Where each frame of a flame graph goes: pure, so the view and its tests agree.
// Root at the top, callees below their callers (the same direction as timeline
// stacks). Zoomed into a frame, that frame and its callers span the full width and
// its callees share it by sample count.

import type { FlameNode } from '../model/flameGraph';

export interface FlameRect {
  node: FlameNode;
  /** Frame names from the first frame under the root down to this one. */
  path: string[];
  depth: number;
  /** Horizontal extent as fractions of the width, 0…1. */
  x0: number;
  x1: number;
}

/** The node a path of frame names leads to, and the nodes along the way (root first); stops where a name is missing. */
export function nodesOnPath(root: FlameNode, path: readonly string[]): FlameNode[] {
  const chain = [root];
  for (const name of path) {
    const next = chain[chain.length - 1].children.find((c) => c.name === name);
    if (!next) break;
    chain.push(next);
  }
  return chain;
}

/** Rectangles of the frames to draw; frames narrower than `minFraction` of the width are left out (with their callees). */
export function flameLayout(root: FlameNode, zoomPath: readonly string[], minFraction = 0): FlameRect[] {
  const chain = nodesOnPath(root, zoomPath);
  const rects: FlameRect[] = [];
  // The root row is the synthetic "all" frame; the zoom chain spans the width.
  chain.forEach((node, depth) => rects.push({ node, path: zoomPath.slice(0, depth), depth, x0: 0, x1: 1 }));
  const focus = chain[chain.length - 1];
  const place = (node: FlameNode, path: string[], depth: number, x0: number, scale: number): void => {
    let x = x0;
    for (const c of node.children) {
      const w = c.total * scale;
      if (w >= minFraction && w > 0) {
        const p = [...path, c.name];
        rects.push({ node: c, path: p, depth, x0: x, x1: x + w });
        place(c, p, depth + 1, x, scale);
      }
      x += w;
    }
  };
  place(focus, zoomPath.slice(0, chain.length - 1), chain.length, 0, 1 / focus.total);
  return rects;
}
