// The call tree of the range over Python + cpu_op stacks, per thread: top-down, or
// bottom-up (where self time went, then its callers). Virtualized; dominant paths
// (one child holding ≥ 90% of its parent) open by themselves.

import { useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { CallTree, CallTreeNode } from '../../model/analysisTypes';
import { formatDuration } from '../../model/time';
import { formatShare, ShareCell, StatusLine, useTraceQuery } from './useTraceQuery';

const ROW_H = 22;
const KIND_SHORT: Record<string, string> = { python: 'py', cpu: 'op', thread: 'thr' };

/** Nodes open at first: threads, their top frames, and dominant children all the way down. */
function initialOpen(nodes: CallTreeNode[]): Set<number> {
  const open = new Set<number>();
  const firstChild = new Map<number, CallTreeNode>();
  for (const n of nodes) if (n.parent >= 0 && !firstChild.has(n.parent)) firstChild.set(n.parent, n);
  for (const n of nodes) {
    const c = firstChild.get(n.id);
    if (n.depth < 1 || (c && c.totalNs >= 0.9 * n.totalNs && (n.parent < 0 || open.has(n.parent)))) open.add(n.id);
  }
  return open;
}

export function CallTreePanel({ trace, span, laneIds }: { trace: string; span: { startNs: number; endNs: number }; laneIds: string[] }) {
  const [inverted, setInverted] = useState(false);
  const state = useTraceQuery<CallTree>(trace, (w) => w.callTree({ ...span, laneIds, inverted }), [span.startNs, span.endNs, laneIds.join(','), inverted]);
  const [toggled, setToggled] = useState<{ tree: CallTree | null; open: Set<number> }>({ tree: null, open: new Set() });
  const scrollRef = useRef<HTMLDivElement>(null);
  const tree = state.data;
  const open = toggled.tree === tree ? toggled.open : tree ? initialOpen(tree.nodes) : new Set<number>();

  const { rows, hasChildren } = useMemo(() => {
    const nodes = tree?.nodes ?? [];
    const hasChildren = new Set(nodes.filter((n) => n.parent >= 0).map((n) => n.parent));
    const visible = new Set<number>();
    const rows: CallTreeNode[] = [];
    for (const n of nodes) {
      if (n.parent >= 0 && !(visible.has(n.parent) && open.has(n.parent))) continue;
      visible.add(n.id);
      rows.push(n);
    }
    return { rows, hasChildren };
  }, [tree, open]);

  const toggle = (id: number) => {
    const next = new Set(open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setToggled({ tree: tree ?? null, open: next });
  };

  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 20 });
  const rangeNs = Math.max(1, span.endNs - span.startNs);
  return (
    <div className="calltree-panel">
      <div className="drawer-toolbar">
        <div className="segmented" role="group" aria-label="Call tree direction">
          <button className={!inverted ? 'active' : ''} aria-pressed={!inverted} onClick={() => setInverted(false)} data-testid="calltree-topdown">
            Top-down
          </button>
          <button className={inverted ? 'active' : ''} aria-pressed={inverted} onClick={() => setInverted(true)} data-testid="calltree-bottomup">
            Bottom-up
          </button>
        </div>
        <span className="muted">
          Python + cpu_op stacks per thread, lanes in view{tree && tree.pruned > 0 ? ` · ${tree.pruned} paths under ${formatShare(2e-4)} of the range left out` : ''}
        </span>
      </div>
      <StatusLine state={state} empty={tree && !tree.nodes.length ? 'No Python or CPU slices in this range.' : false} />
      <div className="stats-table" data-testid="calltree" data-total-rows={tree?.nodes.length ?? 0}>
        <div className="calltree-head stats-head">
          <span className="stats-cell name">{inverted ? 'Frame ← callers' : 'Frame'}</span>
          <span className="stats-cell num">Total</span>
          <span className="stats-cell num">Self</span>
          <span className="stats-cell num">Count</span>
          <span className="stats-cell num">Of range</span>
        </div>
        <div className="stats-scroll" ref={scrollRef}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((v) => {
              const n = rows[v.index];
              const expandable = hasChildren.has(n.id);
              return (
                <div
                  key={n.id}
                  className="calltree-row stats-row"
                  style={{ position: 'absolute', top: v.start, left: 0, right: 0, height: ROW_H }}
                  data-testid="calltree-row"
                  data-name={n.name}
                  data-total-ns={Math.round(n.totalNs)}
                  data-depth={n.depth}
                  onClick={() => expandable && toggle(n.id)}
                >
                  <span className="stats-cell name" style={{ paddingLeft: 8 + Math.min(n.depth, 40) * 12 }} title={n.name}>
                    <span className="tree-twisty">{expandable ? (open.has(n.id) ? '▾' : '▸') : ''}</span>
                    <span className={`stack-kind kind-${n.kind}`}>{KIND_SHORT[n.kind] ?? n.kind}</span> {n.name}
                  </span>
                  <span className="stats-cell num">{formatDuration(n.totalNs)}</span>
                  <span className="stats-cell num">{formatDuration(n.selfNs)}</span>
                  <span className="stats-cell num">{n.count}</span>
                  <ShareCell share={n.totalNs / rangeNs} />
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
