// The Slices tab: every slice overlapping the selected range (or the search's hits) of
// every open trace, as a sortable virtualised table with arg columns the user picks;
// grouped by name / lane / thread with count, Σ duration, Σ bytes and effective
// bandwidth; CSV. Args are read for the rows on screen, and for all rows (chunked, with
// progress and Cancel) when a sort, the group-by or the CSV needs them. A slice row
// selects and reveals its slice; a group row lists the group's slices.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SliceTable } from '../../model/analysisTypes';
import { formatDuration } from '../../model/time';
import { LANE_KIND_LABEL, type LaneKind } from '../../model/types';
import {
  BYTES_ARG,
  compareValues,
  groupKey,
  groupSlices,
  mergeSliceTables,
  partOf,
  rowsOfKinds,
  type ArgValue,
  type GroupBy,
  type SliceGroup,
  type SliceRows,
} from '../../model/sliceRows';
import { goToSlice } from '../../state/navigation';
import { useStore } from '../../state/store';
import { errorText, traceWorker } from '../../state/traceClient';
import { formatValue } from '../../timeline/renderer';
import { traceSpan } from './useTraceQuery';
import { downloadTableCsv, VirtualTable, type TableColumn, type TableSort } from './VirtualTable';

const KINDS: LaneKind[] = ['python', 'cpu', 'cuda_api', 'gpu', 'syscall'];
/** Rows per sliceArgs call: small enough for a smooth progress bar and a prompt Cancel. */
const ARG_CHUNK = 10_000;

const SLICE_COLUMNS: TableColumn[] = [
  { id: 'name', label: 'Name', width: 'minmax(220px, 3fr)' },
  { id: 'lane', label: 'Lane', width: 'minmax(140px, 1.4fr)' },
  { id: 'thread', label: 'Thread', width: 'minmax(120px, 1fr)' },
  { id: 'start', label: 'Start', numeric: true, width: '100px', help: 'Axis time (each trace’s offset applied)' },
  { id: 'dur', label: 'Duration', numeric: true, width: '90px' },
];
const GROUP_COLUMNS: TableColumn[] = [
  { id: 'label', label: 'Group', width: 'minmax(260px, 3fr)' },
  { id: 'count', label: 'Count', numeric: true, width: '80px' },
  { id: 'durNs', label: 'Σ duration', numeric: true, width: '110px' },
  { id: 'bytes', label: 'Σ bytes', numeric: true, width: '110px', help: `Sum of the "${BYTES_ARG}" arg (CUDA API calls: of the copy they launched)` },
  { id: 'gbPerS', label: 'Bandwidth', numeric: true, width: '110px', help: 'Σ bytes ÷ Σ duration of the slices that carry bytes' },
];
const argColumn = (key: string): TableColumn => ({ id: `arg:${key}`, label: key, numeric: true, width: '130px', help: `arg “${key}”` });

/** Per arg key, its value per row and which rows are read. */
class ArgCache {
  readonly values = new Map<string, ArgValue[]>();
  readonly read = new Map<string, Uint8Array>();
  constructor(readonly rows: SliceRows) {}
  has(key: string, r: number): boolean {
    return this.read.get(key)?.[r] === 1;
  }
  missing(key: string, which: ArrayLike<number>): number[] {
    const out: number[] = [];
    for (let i = 0; i < which.length; i++) if (!this.has(key, which[i])) out.push(which[i]);
    return out;
  }
  /** Whether every one of the rows has `key` read. */
  complete(key: string, which: ArrayLike<number>): boolean {
    const read = this.read.get(key);
    if (!read) return which.length === 0;
    for (let i = 0; i < which.length; i++) if (read[which[i]] !== 1) return false;
    return true;
  }
  /** Read `keys` of the rows from their traces' workers; progress(done, total) per chunk; stops when `stop()`. */
  async fetch(keys: string[], which: ArrayLike<number>, progress?: (done: number, total: number) => void, stop?: () => boolean): Promise<boolean> {
    const rows = [...new Set(keys.flatMap((k) => this.missing(k, which)))].sort((a, b) => a - b);
    const byPart = new Map<number, number[]>();
    for (const r of rows) {
      const { part } = partOf(this.rows, r);
      const list = byPart.get(part) ?? [];
      list.push(r);
      byPart.set(part, list);
    }
    const jobs: { p: number; chunk: number[] }[] = [];
    for (const [p, list] of byPart) for (let c = 0; c < list.length; c += ARG_CHUNK) jobs.push({ p, chunk: list.slice(c, c + ARG_CHUNK) });
    let done = 0;
    let next = 0;
    // Two calls in flight: the worker reads the next chunk while this thread stores and draws the last.
    const run = async (): Promise<boolean> => {
      while (next < jobs.length) {
        if (stop?.()) return false;
        const { p, chunk } = jobs[next++];
        const { trace, table } = this.rows.parts[p];
        const worker = traceWorker(trace);
        if (!worker) continue;
        const base = this.rows.offsets[p];
        const values = await worker.sliceArgs({
          laneIds: table.lanes.map((l) => l.id),
          lane: Uint32Array.from(chunk, (r) => table.lane[r - base]),
          event: Uint32Array.from(chunk, (r) => table.event[r - base]),
          keys,
        });
        this.store(keys, chunk, values);
        done += chunk.length;
        progress?.(done, rows.length);
      }
      return true;
    };
    const ok = await Promise.all([run(), run()]);
    return ok.every(Boolean) && !stop?.();
  }

  private store(keys: string[], chunk: number[], values: ArgValue[][]): void {
    keys.forEach((k, j) => {
      let vals = this.values.get(k);
      let read = this.read.get(k);
      if (!vals || !read) {
        this.values.set(k, (vals = new Array<ArgValue>(this.rows.n).fill(null)));
        this.read.set(k, (read = new Uint8Array(this.rows.n)));
      }
      chunk.forEach((r, i) => {
        vals![r] = values[j][i];
        read![r] = 1;
      });
    });
  }
}

interface Drill {
  by: GroupBy;
  key: string;
  label: string;
}

export function SlicesPanel() {
  const traces = useStore((s) => s.traces);
  const range = useStore((s) => s.range);
  const searches = useStore((s) => s.analysisOverlay.searches);
  const [rows, setRows] = useState<SliceRows | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [kinds, setKinds] = useState<Set<LaneKind>>(new Set());
  const [groupBy, setGroupBy] = useState<GroupBy | null>(null);
  const [drill, setDrill] = useState<Drill | null>(null);
  const [argKeys, setArgKeys] = useState<string[]>([]);
  const [sort, setSort] = useState<TableSort>({ col: 'start', desc: false });
  const [groupSort, setGroupSort] = useState<TableSort>({ col: 'durNs', desc: true });
  const [, setArgVersion] = useState(0);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const cache = useRef<ArgCache | null>(null);
  const cancelled = useRef(false);

  const ready = useMemo(() => traces.filter((t) => t.result), [traces]);
  const searchIds = searches && Object.keys(searches).length ? searches : null;

  // The rows: one sliceTable per trace, merged on the axis.
  useEffect(() => {
    let live = true;
    setError(null);
    Promise.all(
      // With a search, the traces it found nothing in list nothing.
      ready
        .filter((t) => !searchIds || searchIds[t.key] !== undefined)
        .map(async (t) => {
          const table: SliceTable = await traceWorker(t.key)!.sliceTable({ ...traceSpan(t, range), searchId: searchIds?.[t.key] });
          return { trace: t.key, shiftNs: t.shiftNs, names: t.result!.names, table };
        }),
    ).then(
      (parts) => {
        if (!live) return;
        const merged = mergeSliceTables(parts);
        cache.current = new ArgCache(merged);
        setRows(merged);
        setDrill(null);
      },
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [ready, range, searchIds]);

  const visibleRows = useMemo(() => {
    if (!rows) return new Uint32Array(0);
    const base = rowsOfKinds(rows, kinds);
    if (!drill) return base;
    return base.filter((r) => groupKey(rows, r, drill.by).key === drill.key);
  }, [rows, kinds, drill]);

  // Arg keys every row must have read before the view can show: the sorted arg, or bytes for the groups.
  const sortArg = !groupBy && sort.col.startsWith('arg:') ? sort.col.slice(4) : null;
  const needAll = useMemo(() => [...(sortArg ? [sortArg] : []), ...(groupBy ? [BYTES_ARG] : [])], [sortArg, groupBy]);
  const allRead = needAll.every((k) => cache.current?.complete(k, visibleRows));

  const readAll = useCallback(
    async (keys: string[], which: ArrayLike<number>): Promise<boolean> => {
      const c = cache.current;
      if (!c || !keys.length) return true;
      cancelled.current = false;
      setProgress({ done: 0, total: which.length });
      try {
        const ok = await c.fetch(keys, which, (done, total) => setProgress({ done, total }), () => cancelled.current || cache.current !== c);
        return ok && cache.current === c;
      } catch (e) {
        setError(errorText(e));
        return false;
      } finally {
        setProgress(null);
        setArgVersion((v) => v + 1);
      }
    },
    [],
  );

  useEffect(() => {
    if (allRead || !needAll.length) return;
    void readAll(needAll, visibleRows).then((ok) => {
      if (ok) return;
      // Cancelled: back to a view that needs no args.
      if (sortArg) setSort({ col: 'start', desc: false });
      if (groupBy) setGroupBy(null);
    });
  }, [allRead, needAll, visibleRows, readAll, sortArg, groupBy]);

  const order = useMemo(() => {
    if (!rows || groupBy) return visibleRows;
    const dir = sort.desc ? -1 : 1;
    const vals = sortArg && allRead ? cache.current!.values.get(sortArg) : null;
    const cmp: (a: number, b: number) => number =
      sort.col === 'start' ? (a, b) => dir * (rows.start[a] - rows.start[b])
      : sort.col === 'dur' ? (a, b) => dir * (rows.dur[a] - rows.dur[b])
      : sort.col === 'name' ? (a, b) => dir * rows.name[a].localeCompare(rows.name[b])
      : sort.col === 'lane' || sort.col === 'thread' ? (a, b) => dir * groupKey(rows, a, sort.col as GroupBy).label.localeCompare(groupKey(rows, b, sort.col as GroupBy).label)
      : vals ? (a, b) => compareValues(vals[a], vals[b], sort.desc)
      : () => 0;
    return Uint32Array.from(visibleRows).sort((a, b) => cmp(a, b) || rows.start[a] - rows.start[b]);
  }, [rows, visibleRows, groupBy, sort, sortArg, allRead]);

  const groups = useMemo(() => {
    if (!rows || !groupBy || !allRead) return [];
    const list = groupSlices(rows, visibleRows, groupBy, cache.current!.values.get(BYTES_ARG) ?? null);
    const col = groupSort.col as keyof SliceGroup;
    return list.sort((a, b) => compareValues(a[col] as ArgValue, b[col] as ArgValue, groupSort.desc) || b.durNs - a.durNs);
  }, [rows, visibleRows, groupBy, groupSort, allRead]);

  const sliceColumns = useMemo(() => [...SLICE_COLUMNS, ...argKeys.map(argColumn)], [argKeys]);

  // Lazy args: the rows on screen.
  const onVisible = useCallback(
    (first: number, last: number) => {
      const c = cache.current;
      if (!c || !argKeys.length) return;
      const which = Array.from(order.subarray(first, last + 1));
      if (argKeys.every((k) => c.complete(k, which))) return;
      void c.fetch(argKeys, which).then(
        () => setArgVersion((v) => v + 1),
        (e) => setError(errorText(e)),
      );
    },
    [order, argKeys],
  );

  if (!rows) return <p className="drawer-empty">{error ? `Could not list the slices: ${error}` : 'Listing slices…'}</p>;

  const c = cache.current!;
  const shownKinds = KINDS.filter((k) => rows.lanes.some((l) => l.kind === k));
  const sliceValue = (i: number, col: string): string | number | null => {
    const r = order[i];
    const lane = rows.lanes[rows.lane[r]];
    switch (col) {
      case 'name':
        return rows.name[r];
      case 'lane':
        return lane.name;
      case 'thread':
        return lane.thread;
      case 'start':
        return rows.start[r];
      case 'dur':
        return rows.dur[r];
    }
    return c.values.get(col.slice(4))?.[r] ?? null;
  };
  const sliceCell = (i: number, col: string): string => {
    const v = sliceValue(i, col);
    if (col === 'start' || col === 'dur') return formatDuration(v as number);
    if (col.startsWith('arg:') && !c.has(col.slice(4), order[i])) return '…';
    return v === null ? '' : String(v);
  };
  const groupValue = (i: number, col: string): string | number | null => groups[i][col as keyof SliceGroup] as string | number | null;
  const groupCell = (i: number, col: string): string => {
    const g = groups[i];
    switch (col) {
      case 'durNs':
        return formatDuration(g.durNs);
      case 'bytes':
        return g.bytes === null ? '' : formatValue(g.bytes, 'bytes');
      case 'gbPerS':
        return g.gbPerS === null ? '' : `${g.gbPerS >= 1 ? g.gbPerS.toFixed(2) : g.gbPerS.toPrecision(3)} GB/s`;
    }
    return String(groupValue(i, col) ?? '');
  };

  const openRow = (i: number) => {
    const r = order[i];
    const { part, local } = partOf(rows, r);
    const { trace, table } = rows.parts[part];
    void goToSlice(trace, { laneId: table.lanes[table.lane[local]].id, eventIdx: table.event[local], startNs: table.start[local], durNs: table.dur[local] });
  };
  const exportCsv = async () => {
    if (groupBy) return downloadTableCsv('tracelane-slice-groups.csv', GROUP_COLUMNS, groups.length, groupValue);
    if (argKeys.length && !(await readAll(argKeys, order))) return;
    downloadTableCsv('tracelane-slices.csv', sliceColumns, order.length, sliceValue);
  };
  const removeArg = (k: string) => {
    setArgKeys((list) => list.filter((x) => x !== k));
    if (sort.col === `arg:${k}`) setSort({ col: 'start', desc: false });
  };
  const toggleKind = (k: LaneKind) =>
    setKinds((s) => {
      const next = new Set(s);
      if (!next.delete(k)) next.add(k);
      return next;
    });
  const sortBy = (col: string) => setSort((s) => (s.col === col ? { col, desc: !s.desc } : { col, desc: col !== 'name' && col !== 'lane' && col !== 'thread' && col !== 'start' }));
  const sortGroupsBy = (col: string) => setGroupSort((s) => (s.col === col ? { col, desc: !s.desc } : { col, desc: col !== 'label' }));
  // One table: the groups, or the slices (a group row lists its slices; a slice row selects it).
  const table: Parameters<typeof VirtualTable>[0] = groupBy
    ? {
        columns: GROUP_COLUMNS,
        count: groups.length,
        cell: groupCell,
        sort: groupSort,
        onSort: sortGroupsBy,
        onRowClick: (i) => {
          setDrill({ by: groupBy, key: groups[i].key, label: groups[i].label });
          setGroupBy(null);
        },
        rowAttrs: (i) => ({ 'data-group': groups[i].label, 'data-count': groups[i].count, 'data-dur-ns': Math.round(groups[i].durNs), 'data-bytes': groups[i].bytes ?? '', title: 'List the slices of this group' }),
        testId: 'slices-groups',
        rowTestId: 'slices-group-row',
      }
    : {
        columns: sliceColumns,
        count: order.length,
        cell: sliceCell,
        sort,
        onSort: sortBy,
        onRowClick: openRow,
        onVisible,
        rowAttrs: (i) => ({ 'data-name': rows.name[order[i]], 'data-start-ns': Math.round(rows.start[order[i]]), 'data-dur-ns': Math.round(rows.dur[order[i]]) }),
        testId: 'slices-table',
        rowTestId: 'slices-row',
      };
  const r = range && range.endNs > range.startNs ? range : null;
  const what = searchIds ? 'search hits' : 'slices';
  const where = r ? `overlapping ${formatDuration(r.startNs)} – ${formatDuration(r.endNs)}` : 'in the whole trace';

  return (
    <div className="slices-panel">
      <div className="drawer-toolbar">
        <span className="slices-kinds" role="group" aria-label="Lane kinds">
          {shownKinds.map((k) => (
            <button key={k} className={kinds.has(k) ? 'toggle active' : 'toggle'} aria-pressed={kinds.has(k)} data-testid={`slices-kind-${k}`} onClick={() => toggleKind(k)}>
              {LANE_KIND_LABEL[k]}
            </button>
          ))}
        </span>
        <label>
          Group by{' '}
          <select value={groupBy ?? ''} onChange={(e) => setGroupBy((e.currentTarget.value || null) as GroupBy | null)} data-testid="slices-group">
            <option value="">none</option>
            <option value="name">name</option>
            <option value="lane">lane</option>
            <option value="thread">thread</option>
          </select>
        </label>
        {!groupBy && (
          <label>
            Arg column{' '}
            <select
              value=""
              onChange={(e) => {
                const k = e.currentTarget.value;
                if (k) setArgKeys((list) => (list.includes(k) ? list : [...list, k]));
              }}
              data-testid="slices-add-arg"
            >
              <option value="">add…</option>
              {rows.argKeys
                .filter((k) => !argKeys.includes(k))
                .map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
            </select>
          </label>
        )}
        {!groupBy &&
          argKeys.map((k) => (
            <button key={k} className="toggle active" title="Remove this column" data-testid="slices-arg-chip" onClick={() => removeArg(k)}>
              {k} ×
            </button>
          ))}
        {drill && (
          <button className="toggle active" title="Show every slice again" data-testid="slices-drill" onClick={() => setDrill(null)}>
            {drill.by}: {drill.label} ×
          </button>
        )}
        <span className="muted" data-testid="slices-scope">
          {groupBy ? `${groups.length} groups of ` : ''}
          {visibleRows.length.toLocaleString()} {what} {where}
          {ready.length > 1 ? ` · ${ready.length} traces` : ''}
        </span>
        <span className="spacer" />
        {progress && (
          <span className="slices-progress" data-testid="slices-progress">
            Reading args {Math.floor((100 * progress.done) / Math.max(1, progress.total))} %
            <progress max={progress.total} value={progress.done} />
            <button className="button small" onClick={() => (cancelled.current = true)} data-testid="slices-cancel">
              Cancel
            </button>
          </span>
        )}
        <button className="button small" onClick={() => void exportCsv()} disabled={!visibleRows.length || !!progress} data-testid="slices-csv">
          Export CSV
        </button>
      </div>
      {error && <p className="drawer-empty error-text">Could not read: {error}</p>}
      {!visibleRows.length ? (
        <p className="drawer-empty">{searchIds ? 'No search hits in this range.' : 'No slices in this range.'}</p>
      ) : (
        (!groupBy || allRead) && <VirtualTable key={table.testId} {...table} />
      )}
    </div>
  );
}
