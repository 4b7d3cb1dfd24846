// Range statistics: per lane kind and name, count / total / self / avg / min / max and
// share of the range, over the lanes in view. Sortable, virtualized, CSV export.

import { useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { RangeStats, StatsRow } from '../../model/analysisTypes';
import { LANE_KIND_LABEL, type LaneKind } from '../../model/types';
import { formatDuration } from '../../model/time';
import { CsvButton, csvCell, downloadText, ShareCell, StatusLine, useTraceQuery } from './useTraceQuery';
import { classRow } from '../../../workers/analysis/kernelClass';
import './kernelClasses.css';

type Col = 'name' | 'count' | 'totalNs' | 'selfNs' | 'avgNs' | 'minNs' | 'maxNs' | 'share';
const COLUMNS: { id: Col; label: string; numeric: boolean; help?: string }[] = [
  { id: 'name', label: 'Name', numeric: false },
  { id: 'count', label: 'Count', numeric: true },
  { id: 'totalNs', label: 'Total (thread time)', numeric: true, help: 'Summed over lanes and threads, clipped to the range; a frame inside a frame of the same name counts once' },
  { id: 'selfNs', label: 'Self', numeric: true, help: "Duration minus the union of the slices nested directly inside, on the same thread (Python and CPU ops together)" },
  { id: 'avgNs', label: 'Average', numeric: true },
  { id: 'minNs', label: 'Min', numeric: true },
  { id: 'maxNs', label: 'Max', numeric: true },
  { id: 'share', label: 'Share of range (wall)', numeric: true, help: "Union of the name's slices over all lanes ÷ the range: time when at least one ran, never over 100 %" },
];
const KIND_ORDER: LaneKind[] = ['python', 'cpu', 'cuda_api', 'gpu', 'syscall', 'counter'];
const ROW_H = 22;

const avg = (r: StatsRow) => r.totalNs / Math.max(1, r.count);
function value(r: StatsRow, c: Col): number | string {
  return c === 'avgNs' ? avg(r) : r[c];
}

interface GroupItem {
  type: 'group';
  kind: LaneKind;
  names: number;
}
type Item = GroupItem | { type: 'row'; row: StatsRow };

export function StatsPanel({ trace, span, laneIds }: { trace: string; span: { startNs: number; endNs: number }; laneIds: string[] }) {
  const state = useTraceQuery<RangeStats>(trace, (w) => w.rangeStats({ ...span, laneIds }), [span.startNs, span.endNs, laneIds.join(',')]);
  const [sort, setSort] = useState<{ col: Col; desc: boolean }>({ col: 'totalNs', desc: true });
  const [kind, setKind] = useState<LaneKind | 'all'>('all');
  const scrollRef = useRef<HTMLDivElement>(null);

  const rows = useMemo(() => {
    const list = (state.data?.rows ?? []).filter((r) => kind === 'all' || r.kind === kind);
    const dir = sort.desc ? -1 : 1;
    return [...list].sort((a, b) => {
      const va = value(a, sort.col);
      const vb = value(b, sort.col);
      const c = typeof va === 'string' ? va.localeCompare(vb as string) : va - (vb as number);
      return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || dir * c || a.name.localeCompare(b.name);
    });
  }, [state.data, sort, kind]);

  const items = useMemo(() => {
    const out: Item[] = [];
    let group: GroupItem | null = null;
    for (const r of rows) {
      if (!group || group.kind !== r.kind) out.push((group = { type: 'group', kind: r.kind, names: 0 }));
      group.names++;
      out.push({ type: 'row', row: r });
    }
    return out;
  }, [rows]);

  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 20 });
  const kinds = KIND_ORDER.filter((k) => state.data?.rows.some((r) => r.kind === k));

  const exportCsv = () => {
    const head = ['kind', 'kernel_class', 'name', 'count', 'total_ns', 'self_ns', 'avg_ns', 'min_ns', 'max_ns', 'share'];
    const lines = rows.map((r) => [r.kind, r.kernelClass ?? '', r.name, r.count, r.totalNs, r.selfNs, Math.round(avg(r)), r.minNs, r.maxNs, r.share.toFixed(6)].map(csvCell).join(','));
    downloadText('tracelane-range-stats.csv', [head.join(','), ...lines].join('\n') + '\n');
  };

  const sortBy = (col: Col) => setSort((s) => (s.col === col ? { col, desc: !s.desc } : { col, desc: col !== 'name' }));

  return (
    <div className="stats-panel">
      <div className="drawer-toolbar">
        <label>
          Lanes{' '}
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as LaneKind | 'all')} data-testid="stats-kind">
            <option value="all">all kinds</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {LANE_KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          {rows.length} names · lanes in view · durations clipped to the range
        </span>
        <span className="spacer" />
        <CsvButton onClick={exportCsv} disabled={!rows.length} testId="stats-csv" />
      </div>
      <StatusLine state={state} empty={state.data && !rows.length ? 'No slices in this range.' : false} />
      <div className="stats-table" role="table" data-testid="stats-table" data-total-rows={rows.length}>
        <div className="stats-head" role="row">
          {COLUMNS.map((c) => (
            <button key={c.id} role="columnheader" className={`stats-cell ${c.numeric ? 'num' : 'name'}`} onClick={() => sortBy(c.id)} title={c.help} aria-sort={sort.col === c.id ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
              {c.label}
              {sort.col === c.id ? (sort.desc ? ' ▾' : ' ▴') : ''}
            </button>
          ))}
        </div>
        <div className="stats-scroll" ref={scrollRef}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((v) => {
              const it = items[v.index];
              const style = { position: 'absolute' as const, top: v.start, left: 0, right: 0, height: ROW_H };
              if (it.type === 'group') {
                return (
                  <div key={`g-${it.kind}`} className="stats-group" style={style}>
                    {LANE_KIND_LABEL[it.kind]} · {it.names} names
                  </div>
                );
              }
              const r = it.row;
              return (
                <div key={`${r.kind}|${r.name}`} role="row" className="stats-row" style={style} data-testid="stats-row" data-name={r.name} data-kind={r.kind} data-total-ns={Math.round(r.totalNs)}>
                  <span className="stats-cell name" title={r.name}>
                    {r.kernelClass && (
                      <span className={`class-tag cls-${r.kernelClass}`} data-testid="stats-class" data-class={r.kernelClass}>
                        {classRow(r.kernelClass).label}
                      </span>
                    )}
                    {r.name}
                  </span>
                  <span className="stats-cell num">{r.count}</span>
                  <span className="stats-cell num">{formatDuration(r.totalNs)}</span>
                  <span className="stats-cell num">{formatDuration(r.selfNs)}</span>
                  <span className="stats-cell num">{formatDuration(avg(r))}</span>
                  <span className="stats-cell num">{formatDuration(r.minNs)}</span>
                  <span className="stats-cell num">{formatDuration(r.maxNs)}</span>
                  <ShareCell share={r.share} />
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
