// One header row (group or lane) of the virtualized header column.

import { memo } from 'react';
import { LANE_KIND_LABEL } from '../model/types';
import { traceTimes, useStore } from '../state/store';
import { openTraces } from '../state/traceClient';
import { formatDuration } from '../model/time';
import { canMoveLane, MAX_FOLDED_ROWS, moveLane, PINNED_ROW_ID, type Layout, type LayoutRow } from './laneLayout';

export const LaneHeaderRow = memo(function LaneHeaderRow({ row, layout, multiTrace }: { row: LayoutRow; layout: Layout; multiTrace: boolean }) {
  const style = { transform: `translateY(${row.y}px)`, height: row.height };
  if (row.type === 'group' && row.id === PINNED_ROW_ID) {
    return (
      <div className="group-header pinned-header" style={style} data-testid="pinned-header">
        <span className="group-name">⚲ {row.group.name}</span>
        <span className="group-count">{row.laneCount}</span>
      </div>
    );
  }
  if (row.type === 'group' && row.placeholder) return <PlaceholderHeader row={row} style={style} />;
  if (row.type === 'group') {
    const toggle = () => useStore.getState().toggleCollapsed(row.id);
    return (
      <div className={`group-header${row.level === 0 ? ' trace-header' : multiTrace ? ' nested' : ''}`} style={style} data-group-id={row.id} data-testid={row.level === 0 ? 'trace-header' : undefined}>
        <button className="icon-button collapse" aria-expanded={!row.collapsed} aria-label={row.collapsed ? 'Expand group' : 'Collapse group'} onClick={toggle}>
          {row.collapsed ? '▸' : '▾'}
        </button>
        <span className="group-name" title={`${row.group.name} — ${row.group.trace}`} onClick={toggle}>
          {row.group.name}
        </span>
        <span className="group-count">
          {row.laneCount}
          {row.hiddenCount ? ` +${row.hiddenCount} hidden` : ''}
        </span>
      </div>
    );
  }
  const { lane } = row;
  const st = useStore.getState;
  const move = (delta: -1 | 1) => {
    const order = moveLane(layout, lane.id, delta);
    if (order) st().setOrder(order);
  };
  return (
    <div
      className={`lane-header${row.pinned ? ' pinned' : ''}${row.alt ? ' alt' : ''}`}
      style={style}
      data-testid="lane-header"
      data-lane-id={lane.id}
      data-lane-kind={lane.kind}
      draggable={!row.pinned}
      onDragStart={(e) => {
        e.dataTransfer.setData('application/x-tracelane-lane', lane.id);
        e.dataTransfer.effectAllowed = 'move';
      }}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('application/x-tracelane-lane')) {
          e.preventDefault();
          e.stopPropagation();
        }
      }}
      onDrop={(e) => {
        const from = e.dataTransfer.getData('application/x-tracelane-lane');
        if (!from) return;
        e.preventDefault();
        e.stopPropagation();
        const order = reorder(layout, from, lane.id);
        if (order) st().setOrder(order);
      }}
    >
      <div className="lane-title">
        {row.origin && (
          <span className="lane-origin" data-testid="lane-origin" title={row.origin}>
            {row.origin}
          </span>
        )}
        <span className="lane-name" title={lane.name}>
          {lane.name}
        </span>
        {lane.async ? (
          <span className={`kind-badge kind-${lane.kind}`} title={`Async operations (${LANE_KIND_LABEL[lane.kind]})`}>
            async
          </span>
        ) : (
          <span className={`kind-badge kind-${lane.kind}`}>{LANE_KIND_LABEL[lane.kind]}</span>
        )}
      </div>

      {lane.rows > MAX_FOLDED_ROWS && (
        <button
          className="rows-toggle"
          data-testid="lane-rows-toggle"
          aria-expanded={row.visibleRows === lane.rows}
          title={row.visibleRows === lane.rows ? 'Fold to the top rows' : 'Show every row of this lane'}
          onClick={() => st().toggleExpanded(lane.id)}
        >
          {row.visibleRows === lane.rows ? `▴ fold to ${MAX_FOLDED_ROWS} rows` : `▾ ${lane.rows - row.visibleRows} more rows`}
        </button>
      )}
      <div className="lane-actions">
        <button className="icon-button" title="Move up" aria-label="Move lane up" disabled={!canMoveLane(layout, lane.id, -1)} onClick={() => move(-1)}>
          ↑
        </button>
        <button className="icon-button" title="Move down" aria-label="Move lane down" disabled={!canMoveLane(layout, lane.id, 1)} onClick={() => move(1)}>
          ↓
        </button>
        <button
          className={`icon-button${row.pinned ? ' active' : ''}`}
          title={row.pinned ? 'Unpin' : 'Pin to top'}
          aria-label={row.pinned ? 'Unpin lane' : 'Pin lane'}
          aria-pressed={row.pinned}
          onClick={() => st().togglePinned(lane.id)}
        >
          ⚲
        </button>
        <button className="icon-button" title="Hide lane" aria-label="Hide lane" onClick={() => st().toggleHidden(lane.id)}>
          ✕
        </button>
      </div>
    </div>
  );
});

/** Drag-reorder: move `from` to the position of `to`, only within one group. */
function reorder(layout: Layout, from: string, to: string): string[] | null {
  if (from === to) return null;
  const order = layout.rows.filter((r) => r.type === 'lane' && !r.pinned).map((r) => r.id);
  const a = layout.rows[layout.indexById.get(from) ?? -1];
  const b = layout.rows[layout.indexById.get(to) ?? -1];
  if (!a || !b || a.type !== 'lane' || b.type !== 'lane' || a.lane.group !== b.lane.group) return null;
  const i = order.indexOf(from);
  const j = order.indexOf(to);
  if (i < 0 || j < 0) return null;
  order.splice(i, 1);
  order.splice(j, 0, from);
  return order;
}

/** A job's rank not opened yet: its name and length from job.json; it opens when it scrolls into view, or on a click. */
function PlaceholderHeader({ row, style }: { row: LayoutRow & { type: 'group' }; style: React.CSSProperties }) {
  const trace = useStore((s) => s.traces.find((t) => t.key === row.id));
  const times = trace && traceTimes(trace);
  const opening = trace?.status === 'opening';
  const open = () => void openTraces([row.id]);
  return (
    <div className="group-header trace-header placeholder" style={style} data-group-id={row.id} data-testid="trace-header" data-placeholder={opening ? 'opening' : 'deferred'}>
      <button className="icon-button collapse" aria-expanded={false} aria-label="Open this rank" onClick={open} disabled={opening}>
        ▸
      </button>
      <span className="group-name" title={`${row.group.name}: not opened yet, opens when it scrolls into view (or click)`} onClick={open}>
        {row.group.name}
      </span>
      <span className="group-count">{opening ? 'opening…' : times && times.events > 0 ? formatDuration(times.maxNs - times.minNs, 3) : 'not open'}</span>
    </div>
  );
}
