// Between the store and the shareable ViewState: capture what the user is looking
// at, and put a ViewState back (links, saved work). Times in a ViewState are
// relative to its own origin; applying shifts them onto the current axis.

import { makeAnnotation, type Annotation } from '../model/annotations';
import { clampTo } from '../timeline/viewportMath';
import { selectByKey } from './selectByKey';
import { isPlaceholder, useStore, type AppState } from './store';
import { openTraces } from './traceClient';
import { laneListsOf, type FileRef, type ViewState } from './urlState';
import { rulesInForce } from './laneRules';
import { sourceLink } from './sources';

/** The traces opened in part, by key (absent when none). */
function partsOf(st: AppState): ViewState['parts'] {
  const parts = st.traces.filter((t) => t.result?.choice).map((t) => [t.key, t.result!.choice!] as const);
  return parts.length ? Object.fromEntries(parts) : undefined;
}

export function captureViewState(st: AppState, files: FileRef[]): ViewState {
  return {
    originNs: st.axisOriginNs,
    // Once each: a job's ranks share their job's link.
    sources: [...new Set(st.traces.flatMap((t) => sourceLink(t.source) ?? []))],
    files,
    viewport: { ...st.viewport },
    selection: st.selection?.key ?? null,
    range: st.range ? { startNs: Math.min(st.range.startNs, st.range.endNs), endNs: Math.max(st.range.startNs, st.range.endNs) } : null,
    hidden: [...st.laneState.hidden],
    pinned: [...st.laneState.pinned],
    collapsed: [...st.laneState.collapsed],
    offsets: Object.fromEntries(st.traces.filter((t) => t.offsetNs).map((t) => [t.key, t.offsetNs])),
    annotations: st.annotations.map(({ startNs, endNs, label, color, note }) => ({ startNs, endNs, label, color, note })),
    laneRules: rulesInForce(),
    joined: Object.fromEntries(st.laneState.joined),
    laneFilter: st.laneState.filter || undefined,
    parts: partsOf(st),
  };
}

/** Apply a ViewState to the loaded traces; returns what could not be restored. */
export async function applyViewState(s: ViewState): Promise<string[]> {
  const problems: string[] = [];
  // A job's ranks not opened yet whose lanes or groups the view names (hidden, pinned, collapsed, joined) open first,
  // so none of it is dropped as "not in these traces" (lanes named by a pattern only: not looked for).
  const named = JSON.stringify([s.hidden, s.pinned, s.collapsed, s.joined ?? {}]);
  const waiting = useStore.getState().traces.filter((t) => isPlaceholder(t) && named.includes(`"${t.key}|`));
  if (waiting.length) await openTraces(waiting.map((t) => t.key));
  const st = useStore.getState();
  const shift = Number(BigInt(s.originNs) - BigInt(st.axisOriginNs));
  const laneIds = new Set(st.lanes.map((l) => l.id));
  const groupIds = new Set(st.groups.map((g) => g.id));
  const keep = (ids: string[], known: Set<string>, what: string) => {
    const ok = ids.filter((id) => known.has(id));
    if (ok.length < ids.length) problems.push(`${ids.length - ok.length} ${what} not in these traces`);
    return ok;
  };
  const lanes = laneListsOf(s, st.lanes.map((l) => l.id));
  useStore.setState({
    laneState: {
      ...st.laneState,
      hidden: new Set(keep(lanes.hidden, laneIds, 'hidden lanes')),
      pinned: keep(lanes.pinned, laneIds, 'pinned lanes'),
      collapsed: new Set(keep(s.collapsed, groupIds, 'collapsed groups')),
      joined: new Map(Object.entries(s.joined ?? {}).filter(([g, t]) => groupIds.has(g) && groupIds.has(t))),
      filter: s.laneFilter ?? '',
    },
  });
  // Offsets first: they move the traces, so the selection and extent depend on them.
  const unknownOffsets = Object.keys(s.offsets).filter((key) => !st.traces.some((t) => t.key === key));
  if (unknownOffsets.length) problems.push(`offsets of ${unknownOffsets.length} traces not open here`);
  for (const t of st.traces) if ((s.offsets[t.key] ?? 0) !== t.offsetNs) st.setTraceOffset(t.key, s.offsets[t.key] ?? 0);

  const list: Annotation[] = [];
  for (const a of s.annotations) {
    list.push(makeAnnotation(list, { startNs: a.startNs + shift, endNs: a.endNs === undefined ? undefined : a.endNs + shift, label: a.label, color: a.color, note: a.note }));
  }
  st.setAnnotations(list);
  st.setRange(s.range ? { startNs: s.range.startNs + shift, endNs: s.range.endNs + shift } : null);
  if (s.viewport) st.setViewport(clampTo(useStore.getState().extent, { startNs: s.viewport.startNs + shift, endNs: s.viewport.endNs + shift }));
  if (s.selection && !(await selectByKey(s.selection, { reveal: false }))) problems.push('the selected slice (not found in these traces)');
  return problems;
}
