// A generic sortable, virtualised table for lists of any length (the Slices tab; later
// per-request rows): rows are indices, cells come from the owner, so the owner keeps its
// data in columns and decides the order. The header sorts, scrolls with the body
// horizontally, and stays on top vertically. Cells are text only.

import { useEffect, useRef, type HTMLAttributes } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { csvCell, downloadText } from './useTraceQuery';

export interface TableColumn {
  id: string;
  label: string;
  numeric?: boolean;
  /** A CSS grid track: '110px', 'minmax(220px, 3fr)'. */
  width: string;
  help?: string;
}

export interface TableSort {
  col: string;
  desc: boolean;
}

const ROW_H = 22;
const HEAD_H = 26;

type DataAttrs = HTMLAttributes<HTMLDivElement> & Record<`data-${string}`, string | number | undefined>;

export function VirtualTable({
  columns,
  count,
  cell,
  sort,
  onSort,
  onRowClick,
  rowAttrs,
  rowClass,
  onVisible,
  testId,
  rowTestId,
}: {
  columns: TableColumn[];
  count: number;
  /** Text of a cell. */
  cell: (row: number, col: string) => string;
  sort: TableSort | null;
  onSort: (col: string) => void;
  onRowClick?: (row: number) => void;
  rowAttrs?: (row: number) => DataAttrs;
  rowClass?: (row: number) => string;
  /** The rows on screen changed (first, last inclusive), e.g. to fetch their lazy cells. */
  onVisible?: (first: number, last: number) => void;
  testId: string;
  rowTestId: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 20, scrollMargin: HEAD_H });
  // Header and rows share one width: the view's, or the columns' minimum when that is wider (then it scrolls sideways).
  const minWidth = columns.reduce((s, c) => s + Number(/(\d+)px/.exec(c.width)?.[1] ?? 80), 0);
  const grid = { gridTemplateColumns: columns.map((c) => c.width).join(' '), minWidth, width: '100%' };
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (last >= first) onVisible?.(first, last);
  }, [first, last, onVisible]);

  return (
    <div className="stats-table vtable" role="table" data-testid={testId} data-total-rows={count}>
      <div className="stats-scroll" ref={scrollRef}>
        <div className="stats-head vtable-head" role="row" style={{ ...grid, height: HEAD_H }}>
          {columns.map((c) => (
            <button
              key={c.id}
              role="columnheader"
              className={`stats-cell ${c.numeric ? 'num' : 'name'}`}
              onClick={() => onSort(c.id)}
              title={c.help ?? c.label}
              data-col={c.id}
              aria-sort={sort?.col === c.id ? (sort.desc ? 'descending' : 'ascending') : 'none'}
            >
              {c.label}
              {sort?.col === c.id ? (sort.desc ? ' ▾' : ' ▴') : ''}
            </button>
          ))}
        </div>
        <div style={{ height: virtualizer.getTotalSize() - HEAD_H, position: 'relative', minWidth }}>
          {items.map((v) => (
            <div
              key={v.index}
              role="row"
              className={`stats-row ${rowClass?.(v.index) ?? ''}`}
              style={{ ...grid, position: 'absolute', top: v.start - HEAD_H, left: 0, height: ROW_H }}
              data-testid={rowTestId}
              onClick={onRowClick && (() => onRowClick(v.index))}
              {...rowAttrs?.(v.index)}
            >
              {columns.map((c) => {
                const text = cell(v.index, c.id);
                return (
                  <span key={c.id} className={`stats-cell ${c.numeric ? 'num' : 'name'}`} title={text} data-col={c.id}>
                    {text}
                  </span>
                );
              })}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

/** The rows as CSV, with the column labels as the header line; values are the cells' raw values. */
export function downloadTableCsv(file: string, columns: TableColumn[], count: number, value: (row: number, col: string) => string | number | null): void {
  const lines = [columns.map((c) => csvCell(c.label)).join(',')];
  for (let r = 0; r < count; r++) lines.push(columns.map((c) => csvCell(value(r, c.id) ?? '')).join(','));
  downloadText(file, lines.join('\n') + '\n');
}
