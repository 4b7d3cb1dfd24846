// Lane headers (DOM, virtualized) on the left, one sticky canvas on the right,
// sharing a single vertical scroller so they can never drift apart.

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useStore, traceOfLane, isPlaceholder, traceTimes, type AppState } from '../state/store';
import { ViewportData, type TraceQueryInput } from '../state/viewportData';
import { errorText, openTraces, sliceDetails } from '../state/traceClient';
import { axisToAbsolute, formatDuration, formatWallClock } from '../model/time';
import { computeLayout, DEFAULT_METRICS, drawnRows, placeholdersInView, rowsInView, type Layout } from './laneLayout';
import { traceLabel } from '../state/traceLabel';
import { hitTest, type Hit } from './hitTest';
import { formatValue, renderTimeline, type SceneGroup, type SceneLane, type SceneMark, type TimelineScene } from './renderer';
import { currentTheme } from './theme';
import { isTypingTarget, keyAction } from './gestures';
import { fitSpan, panned, zoomed } from './viewportMath';
import { LaneHeaderRow } from './LaneHeaders';
import { shortenName } from './kernelNames';
import { sceneOverlay } from './analysisOverlay';
import { beginHandleDrag, endHandleDrag, handleAt, markFromContext, moveHandleDrag, noteCursorNs, sceneAnnotations, selectStageAt, snappedAt } from './annotationActions';
import { AnnotationMenu, type AnnotationMenuState } from './AnnotationMenu';
import { animateViewportTo, isViewportAnimating, onViewportAnimationEnd, viewportTarget } from './viewportAnimation';
import { rememberScene } from '../export/png';

export const AXIS_HEIGHT = 28;
const HEADER_WIDTH = 280;
/**
 * Ranks opened at a time as their headers scroll into view: a placeholder is one header high, so a screen holds
 * dozens; opened a few at a time, the first ones grow and push the rest out of view before they are opened.
 */
const OPEN_IN_VIEW_AT_ONCE = 2;

type Drag =
  | { mode: 'pan'; x0: number; y0: number; vp0: { startNs: number; endNs: number }; scroll0: number; moved: boolean; pointerId: number }
  | { mode: 'range'; x0: number; anchorNs: number; moved: boolean; pointerId: number; onAxis: boolean }
  | { mode: 'annotation'; pointerId: number };

export function Timeline() {
  const lanes = useStore((s) => s.lanes);
  const groups = useStore((s) => s.groups);
  const laneState = useStore((s) => s.laneState);
  const scrollRequest = useStore((s) => s.scrollRequest);
  const hiddenCount = laneState.hidden.size;
  const multiTrace = useStore((s) => s.traces.length > 1);
  const traces = useStore((s) => s.traces);
  const traceNames = useMemo(() => new Map(traces.map((t) => [t.key, traceLabel(t)])), [traces]);
  const placeholders = useMemo(() => new Set(traces.filter(isPlaceholder).map((t) => t.key)), [traces]);
  const layout = useMemo(() => computeLayout(groups, lanes, laneState, DEFAULT_METRICS, traceNames, placeholders), [groups, lanes, laneState, traceNames, placeholders]);
  const shownLaneCount = useMemo(() => layout.rows.reduce((n, r) => n + (r.type === 'lane' ? 1 : 0), 0), [layout]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const colRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const axisRef = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [axisHover, setAxisHover] = useState<{ x: number; text: string } | null>(null);
  const [menu, setMenu] = useState<AnnotationMenuState | null>(null);

  const layoutRef = useRef<Layout>(layout);
  layoutRef.current = layout;
  const sizeRef = useRef(size);
  sizeRef.current = size;
  const frame = useRef(0);
  /** The first row in view and its distance below the scroll top, so the view stays put when rows above it grow. */
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  /** The scroll top the app itself set last (a jump, the anchoring): its scroll event keeps the anchor it chose. */
  const setTop = useRef<number | null>(null);
  /** Notes the first row in view as the anchor (after the user scrolled). */
  const noteAnchor = useCallback(() => {
    const scroller = scrollRef.current;
    if (!scroller) return;
    if (setTop.current !== null && Math.abs(scroller.scrollTop - setTop.current) < 1) return;
    setTop.current = null;
    const lay = layoutRef.current;
    const [top] = rowsInView(lay, scroller.scrollTop, scroller.scrollTop + 1);
    anchor.current = lay.rows[top] ? { id: lay.rows[top].id, offset: lay.rows[top].y - scroller.scrollTop } : null;
  }, []);
  /** Scrolls to `top` keeping `row` (a jump's target) where it lands while rows around it change. */
  const scrollKeeping = useCallback((top: number, row: { id: string; y: number }) => {
    const scroller = scrollRef.current;
    if (!scroller) return;
    scroller.scrollTop = top;
    setTop.current = scroller.scrollTop;
    anchor.current = { id: row.id, offset: row.y - scroller.scrollTop };
  }, []);
  const dataRef = useRef<ViewportData | null>(null);
  const drawRef = useRef<() => void>(() => {});

  const scheduleDraw = useCallback(() => {
    document.documentElement.dataset.renderState = 'busy';
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      drawRef.current();
    });
  }, []);

  // A tooltip describes what was under the pointer in one view: any change of view or
  // layout (zoom by keys, setViewport, lanes, offsets) drops it until the pointer moves.
  useEffect(
    () =>
      useStore.subscribe((s, prev) => {
        if (s.viewport === prev.viewport && s.laneState === prev.laneState && s.traces === prev.traces && s.lanes === prev.lanes) return;
        if (s.hovered) s.setHovered(null);
        setAxisHover(null);
      }),
    [],
  );
  useEffect(() => {
    // Made here, not while rendering (nothing reads it before the first draw): React's StrictMode (`npm run dev`)
    // runs this cleanup and then the effect again on the same component, and the data and the frame must be made
    // afresh, or it never drew (a disposed ViewportData asks for nothing, and a cancelled frame's id left in
    // frame.current kept scheduleDraw waiting for it).
    const data = new ViewportData(scheduleDraw, (e) => console.warn('tracelane: query failed', errorText(e)));
    dataRef.current = data;
    return () => {
      data.dispose();
      dataRef.current = null;
      cancelAnimationFrame(frame.current);
      frame.current = 0;
      document.documentElement.dataset.renderState = 'idle';
    };
  }, [scheduleDraw]);

  const virtualizer = useVirtualizer({
    count: layout.rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => layout.rows[i]?.height ?? 24,
    overscan: 12,
  });
  useLayoutEffect(() => {
    virtualizer.measure();
  }, [layout, virtualizer]);
  // A rank above the view that opens (or any row above it that grows or shrinks) moves the rows in view down:
  // scroll by as much, so what the user looks at stays where it was.
  useLayoutEffect(() => {
    const scroller = scrollRef.current;
    const a = anchor.current;
    const idx = a ? layout.indexById.get(a.id) : undefined;
    // At the very top the list stays at the top (what is added above, e.g. a pinned lane, shows), unless a jump chose the anchor.
    if (!scroller || !a || (scroller.scrollTop < 1 && setTop.current === null)) return;
    // The anchor row is gone (filtered, collapsed away): the first row in view is the anchor from now on.
    if (idx === undefined) return void ((setTop.current = null), noteAnchor());
    const want = Math.max(0, layout.rows[idx].y - a.offset);
    if (Math.abs(want - scroller.scrollTop) >= 1) scrollKeeping(want, layout.rows[idx]);
  }, [layout, noteAnchor, scrollKeeping]);

  // Sizes: width from the canvas column, height from the scroller's visible area.
  useLayoutEffect(() => {
    const scroller = scrollRef.current!;
    const col = colRef.current!;
    const update = () => {
      const w = Math.floor(col.clientWidth);
      const h = Math.floor(scroller.clientHeight);
      setSize((s) => (s.w === w && s.h === h ? s : { w, h }));
    };
    update();
    const ro = new ResizeObserver(update);
    ro.observe(scroller);
    ro.observe(col);
    return () => ro.disconnect();
  }, []);

  drawRef.current = () => {
    const canvas = canvasRef.current;
    const axis = axisRef.current;
    const scroller = scrollRef.current;
    const data = dataRef.current!;
    const { w, h } = sizeRef.current;
    if (!canvas || !axis || !scroller || w <= 0 || h <= 0) return;
    const st = useStore.getState();
    const lay = layoutRef.current;
    const dpr = window.devicePixelRatio || 1;
    const theme = currentTheme();
    const scrollTop = scroller.scrollTop;
    const vp = st.viewport;

    // Query the lanes on screen plus half a screen either way.
    const [qTop, qBottom] = [Math.max(0, scrollTop - h / 2), scrollTop + h * 1.5];
    const [qFirst, qLast] = rowsInView(lay, qTop, qBottom);
    const byTrace = new Map<string, TraceQueryInput>();
    for (let i = qFirst; i <= qLast; i++) {
      const r = lay.rows[i];
      if (!r || r.type !== 'lane') continue;
      let inp = byTrace.get(r.lane.trace);
      if (!inp) {
        const t = st.traces.find((x) => x.key === r.lane.trace);
        if (!t) continue;
        byTrace.set(r.lane.trace, (inp = { trace: t.key, shiftNs: t.shiftNs, laneIds: [], rows: {} }));
      }
      inp.laneIds.push(r.id);
      inp.rows[r.id] = drawnRows(r, qTop, qBottom);
    }
    data.setSearches(st.analysisOverlay.searches);
    data.request(vp.startNs, vp.endNs, w, [...byTrace.values()]);
    // Ranks not opened yet whose headers are on screen: open the first few (a few at a time, see OPEN_IN_VIEW_AT_ONCE).
    // Not the half screen either way the lanes are queried for: a rank opens in a frame or two, and each one more
    // open costs the tab memory (bench/README.md: 64 ranks against 4).
    if (!st.traces.some((t) => t.status === 'opening')) {
      const wanted = placeholdersInView(lay, scrollTop, scrollTop + h);
      if (wanted.length) void openTraces(wanted.slice(0, OPEN_IN_VIEW_AT_ONCE));
    }

    const namesByTrace = new Map(st.traces.map((t) => [t.key, t.result?.names ?? []]));
    const [first, last] = rowsInView(lay, scrollTop, scrollTop + h);
    const sceneLanes: SceneLane[] = [];
    const sceneGroups: SceneGroup[] = [];
    const visibleLaneIds: string[] = [];
    for (let i = first; i <= last; i++) {
      const r = lay.rows[i];
      if (!r) continue;
      if (r.type === 'group') {
        const waiting = r.placeholder ? st.traces.find((t) => t.key === r.id) : undefined;
        const times = waiting && traceTimes(waiting);
        const extent = times && waiting ? { startNs: times.minNs + waiting.shiftNs, endNs: times.maxNs + waiting.shiftNs } : undefined;
        sceneGroups.push({ id: r.id, name: r.group.name, y: r.y - scrollTop, height: r.height, collapsed: r.collapsed, extent });
        continue;
      }
      visibleLaneIds.push(r.id);
      sceneLanes.push({
        id: r.id,
        kind: r.lane.kind,
        name: r.lane.name,
        y: r.y - scrollTop,
        height: r.height,
        rows: r.visibleRows,
        rowHeight: r.rowHeight,
        padTop: r.padTop,
        slices: data.slices.get(r.id),
        counter: data.counters.get(r.id),
        counterRange: r.lane.counter,
        names: namesByTrace.get(r.lane.trace) ?? [],
        alt: r.alt,
      });
    }
    const selection: SceneMark | null = st.details
      ? { laneId: st.details.laneId, row: st.details.row, startNs: st.details.startNs, endNs: st.details.startNs + st.details.durNs }
      : null;
    const hover: SceneMark | null = st.hovered && st.hovered.count >= 1 && !st.hovered.counterValues
      ? { laneId: st.hovered.laneId, row: st.hovered.row, startNs: st.hovered.startNs, endNs: st.hovered.endNs }
      : null;

    sizeCanvas(canvas, w, h, dpr);
    const scene: TimelineScene = { width: w, height: h, dpr, viewport: vp, theme, lanes: sceneLanes, groups: sceneGroups, selection, hover, range: st.range, annotations: sceneAnnotations(st) };
    scene.overlay = sceneOverlay(st.analysisOverlay, lay, scrollTop, h, data.marks);
    renderTimeline(canvas.getContext('2d')!, scene);
    rememberScene(scene);
    sizeCanvas(axis, w, AXIS_HEIGHT, dpr);
    renderTimeline(axis.getContext('2d')!, {
      ...scene,
      height: AXIS_HEIGHT,
      lanes: [],
      groups: [],
      selection: null,
      hover: null,
      axisHeight: AXIS_HEIGHT,
      rangeLabel: true,
      grid: false,
    });

    // A gliding zoom is not a settled picture even when its frame's data is in.
    const current = data.isCurrent(vp.startNs, vp.endNs, w, visibleLaneIds) && !isViewportAnimating();
    if (current) {
      st.markFirstFrame();
      document.documentElement.dataset.renderState = 'idle';
    } else document.documentElement.dataset.renderState = 'busy';
  };

  // Redraw on anything the picture depends on.
  useEffect(() => useStore.subscribe((s, prev) => void (s.analysisOverlay !== prev.analysisOverlay && scheduleDraw())), [scheduleDraw]);
  useEffect(() => {
    const unsub = useStore.subscribe((s: AppState, prev: AppState) => {
      if (s.viewport !== prev.viewport || s.details !== prev.details || s.hovered !== prev.hovered || s.range !== prev.range || s.traces !== prev.traces || s.annotations !== prev.annotations || s.annotationFlash !== prev.annotationFlash) scheduleDraw();
    });
    return unsub;
  }, [scheduleDraw]);
  useEffect(() => scheduleDraw(), [layout, size, scheduleDraw]);
  useEffect(() => onViewportAnimationEnd(scheduleDraw), [scheduleDraw]);
  useEffect(() => {
    const q = window.matchMedia?.('(prefers-color-scheme: dark)');
    q?.addEventListener('change', scheduleDraw);
    return () => q?.removeEventListener('change', scheduleDraw);
  }, [scheduleDraw]);

  // Scroll requests (automation select, etc.): reveal the lane first if collapsed or hidden.
  const handledScroll = useRef(0);
  useEffect(() => {
    if (!scrollRequest || handledScroll.current === scrollRequest.nonce) return;
    const st = useStore.getState();
    const idx = layout.indexById.get(scrollRequest.laneId);
    if (idx === undefined) {
      const lane = st.lanes.find((l) => l.id === scrollRequest.laneId);
      if (!lane) return void (handledScroll.current = scrollRequest.nonce);
      // A rank just opened (a jump into a rank not opened yet): the next layout has its lanes.
      if (st.lanes !== lanes) return;
      if (st.laneState.hidden.has(lane.id)) st.toggleHidden(lane.id);
      else if (st.laneState.collapsed.has(lane.group)) st.toggleCollapsed(lane.group);
      else if (st.laneState.collapsed.has(lane.trace)) st.toggleCollapsed(lane.trace);
      else if (st.laneState.filter) st.setLaneFilter(''); // a jump to a lane the filter leaves out shows every lane
      else handledScroll.current = scrollRequest.nonce;
      return;
    }
    const row = layout.rows[idx];
    // A selected slice deeper than the folded rows unfolds its lane.
    if (row.type === 'lane' && st.details?.laneId === row.id && st.details.row >= row.visibleRows) {
      st.toggleExpanded(row.id);
      return;
    }
    handledScroll.current = scrollRequest.nonce;
    const scroller = scrollRef.current!;
    if (row.y < scroller.scrollTop || row.y + row.height > scroller.scrollTop + scroller.clientHeight) {
      scrollKeeping(Math.max(0, row.y - scroller.clientHeight / 3), row);
    }
    scheduleDraw();
  }, [scrollRequest, layout, lanes, scheduleDraw, scrollKeeping]);

  // ---- pointer gestures on the lanes canvas and the axis ----
  const drag = useRef<Drag | null>(null);
  /** The pointer's x over the lanes or the axis (canvas px), for W / S to zoom at; null when outside. */
  const pointerX = useRef<number | null>(null);

  const localX = (clientX: number) => clientX - (canvasRef.current?.getBoundingClientRect().left ?? 0);
  const nsAt = (x: number) => {
    const vp = useStore.getState().viewport;
    return vp.startNs + (x / Math.max(1, sizeRef.current.w)) * (vp.endNs - vp.startNs);
  };
  const hitAt = (clientX: number, clientY: number): Hit | null => {
    const canvas = canvasRef.current;
    const scroller = scrollRef.current;
    if (!canvas || !scroller) return null;
    const rect = canvas.getBoundingClientRect();
    const data = dataRef.current!;
    return hitTest(layoutRef.current, data, useStore.getState().viewport, sizeRef.current.w, clientX - rect.left, clientY - rect.top + scroller.scrollTop);
  };

  const onPointerDown = (e: React.PointerEvent<HTMLCanvasElement>, onAxis: boolean) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const x = localX(e.clientX);
    const st = useStore.getState();
    if (onAxis && beginHandleDrag(x, sizeRef.current.w)) {
      drag.current = { mode: 'annotation', pointerId: e.pointerId };
      return;
    }
    if (onAxis || e.shiftKey) {
      drag.current = { mode: 'range', x0: x, anchorNs: snappedAt(x, sizeRef.current.w, dataRef.current!.slices), moved: false, pointerId: e.pointerId, onAxis };
    } else {
      drag.current = { mode: 'pan', x0: e.clientX, y0: e.clientY, vp0: st.viewport, scroll0: scrollRef.current!.scrollTop, moved: false, pointerId: e.pointerId };
    }
  };

  const onPointerMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    pointerX.current = localX(e.clientX);
    const d = drag.current;
    const st = useStore.getState();
    if (d && d.pointerId === e.pointerId) {
      if (d.mode === 'annotation') {
        moveHandleDrag(localX(e.clientX), sizeRef.current.w, dataRef.current!.slices);
      } else if (d.mode === 'pan') {
        const dx = e.clientX - d.x0;
        const dy = e.clientY - d.y0;
        if (!d.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
        d.moved = true;
        const nsPerPx = (d.vp0.endNs - d.vp0.startNs) / Math.max(1, sizeRef.current.w);
        st.setViewport(panned(st.extent, d.vp0, -dx * nsPerPx));
        scrollRef.current!.scrollTop = d.scroll0 - dy;
        st.setHovered(null);
      } else {
        const x = localX(e.clientX);
        if (!d.moved && Math.abs(x - d.x0) < 3) return;
        d.moved = true;
        const t = snappedAt(x, sizeRef.current.w, dataRef.current!.slices);
        st.setRange({ startNs: Math.min(d.anchorNs, t), endNs: Math.max(d.anchorNs, t) });
      }
      return;
    }
    updateHover(e.clientX, e.clientY);
  };

  const updateHover = (clientX: number, clientY: number) => {
    const st = useStore.getState();
    noteCursorNs(nsAt(localX(clientX)));
    const hit = hitAt(clientX, clientY);
    if (!hit) return st.setHovered(null);
    if (hit.kind === 'counter') {
      const lane = st.lanes.find((l) => l.id === hit.laneId);
      return st.setHovered({ laneId: hit.laneId, row: 0, startNs: hit.tNs, endNs: hit.tNs, name: lane?.name ?? '', count: 1, clientX, clientY, counterValues: hit.values });
    }
    const trace = traceOfLane(hit.laneId);
    const name = trace?.result?.names[hit.nameId] ?? '';
    st.setHovered({ laneId: hit.laneId, row: hit.row, startNs: hit.startNs, endNs: hit.endNs, name, count: hit.count, busy: hit.busy, clientX, clientY });
  };

  const onPointerUp = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.pointerId !== e.pointerId) return;
    if (d.mode === 'annotation') return void endHandleDrag();
    if (d.moved) return;
    if (d.mode === 'range' && d.onAxis) {
      // A click on a stage's band selects its range; elsewhere on the axis it clears the range.
      if (!selectStageAt(localX(e.clientX), sizeRef.current.w)) useStore.getState().setRange(null);
      return;
    }
    void selectAt(e.clientX, e.clientY);
  };

  const selectAt = async (clientX: number, clientY: number) => {
    const st = useStore.getState();
    const hit = hitAt(clientX, clientY);
    if (!hit || hit.kind !== 'slice') return clearSelection();
    if (hit.eventIdx < 0) {
      // A merged bucket: zoom in on it instead, so its events become clickable.
      st.setViewport(fitSpan(st.extent, hit.startNs, hit.endNs));
      return;
    }
    const trace = traceOfLane(hit.laneId);
    if (!trace) return;
    await selectSlice(trace.key, hit.laneId, hit.eventIdx);
  };

  const onDoubleClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const hit = hitAt(e.clientX, e.clientY);
    if (!hit || hit.kind !== 'slice') return;
    const st = useStore.getState();
    st.setViewport(fitSpan(st.extent, hit.startNs, hit.endNs));
  };

  const onContextMenu = (e: React.MouseEvent<HTMLCanvasElement>, onAxis: boolean) => {
    e.preventDefault();
    const x = localX(e.clientX);
    const hit = onAxis ? null : hitAt(e.clientX, e.clientY);
    const slice = hit?.kind === 'slice' && hit.eventIdx >= 0 ? { startNs: hit.startNs, endNs: hit.endNs } : undefined;
    setMenu({ clientX: e.clientX, clientY: e.clientY, ns: nsAt(x), slice, handle: onAxis ? handleAt(x, sizeRef.current.w) : null });
  };

  const onAxisMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const x = e.clientX - e.currentTarget.getBoundingClientRect().left;
    e.currentTarget.style.cursor = handleAt(x, sizeRef.current.w) ? 'ew-resize' : '';
    const t = nsAt(x);
    const st = useStore.getState();
    setAxisHover({ x, text: `${formatDuration(t)} · ${formatWallClock(axisToAbsolute(st.axisOriginNs, t))}` });
    onPointerMove(e);
  };

  // Wheel: native vertical scroll, Ctrl/⌘ (and pinch) zoom at the cursor, Shift pans.
  useEffect(() => {
    const scroller = scrollRef.current!;
    const onWheel = (e: WheelEvent) => {
      const st = useStore.getState();
      const canvas = canvasRef.current;
      if (!canvas) return;
      const rect = canvas.getBoundingClientRect();
      const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? rect.height : 1;
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        const x = e.clientX >= rect.left ? e.clientX - rect.left : rect.width / 2;
        const factor = Math.exp(Math.max(-1, Math.min(1, e.deltaY * unit * 0.0025)));
        st.setViewport(zoomed(st.extent, st.viewport, nsAt(x), factor));
      } else if (e.shiftKey) {
        e.preventDefault();
        const delta = (e.deltaY || e.deltaX) * unit;
        const nsPerPx = (st.viewport.endNs - st.viewport.startNs) / Math.max(1, sizeRef.current.w);
        st.setViewport(panned(st.extent, st.viewport, delta * nsPerPx));
      } else if (Math.abs(e.deltaX) > Math.abs(e.deltaY) && e.deltaX) {
        // Trackpad horizontal swipes pan in time.
        e.preventDefault();
        const nsPerPx = (st.viewport.endNs - st.viewport.startNs) / Math.max(1, sizeRef.current.w);
        st.setViewport(panned(st.extent, st.viewport, e.deltaX * unit * nsPerPx));
      }
    };
    scroller.addEventListener('wheel', onWheel, { passive: false });
    const axis = axisRef.current!;
    axis.addEventListener('wheel', onWheel, { passive: false });
    const onScroll = () => {
      noteAnchor();
      useStore.getState().setHovered(null);
      scheduleDraw();
    };
    scroller.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      scroller.removeEventListener('wheel', onWheel);
      axis.removeEventListener('wheel', onWheel);
      scroller.removeEventListener('scroll', onScroll);
    };
  }, [scheduleDraw, noteAnchor]);

  // Keyboard navigation.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target)) return;
      const action = keyAction(e);
      if (!action) return;
      const st = useStore.getState();
      const vp = st.viewport;
      const span = vp.endNs - vp.startNs;
      switch (action) {
        case 'zoomIn':
        case 'zoomOut': {
          // At the pointer (the time under it stays put), else the centre; repeated presses
          // step from where the running glide is heading, so they add up.
          const to = viewportTarget();
          const w = Math.max(1, sizeRef.current.w);
          const x = pointerX.current;
          const frac = x !== null && x >= 0 && x <= w ? x / w : 0.5;
          const anchor = to.startNs + frac * (to.endNs - to.startNs);
          animateViewportTo(zoomed(st.extent, to, anchor, action === 'zoomIn' ? 0.7 : 1 / 0.7));
          break;
        }
        case 'panLeft':
          st.setViewport(panned(st.extent, vp, -span * 0.2));
          break;
        case 'panRight':
          st.setViewport(panned(st.extent, vp, span * 0.2));
          break;
        case 'fit':
          if (st.range && st.range.endNs > st.range.startNs) st.setViewport(fitSpan(st.extent, st.range.startNs, st.range.endNs));
          else if (st.details) st.setViewport(fitSpan(st.extent, st.details.startNs, st.details.startNs + st.details.durNs));
          else st.setViewport({ ...st.extent });
          break;
        case 'clear':
          if (st.helpOpen) st.setHelpOpen(false);
          else {
            clearSelection();
            st.setRange(null);
          }
          break;
        case 'help':
          st.setHelpOpen(!st.helpOpen);
          break;
        case 'mark':
          markFromContext(false);
          break;
        case 'markRange':
          markFromContext(true);
          break;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const items = virtualizer.getVirtualItems();
  const contentHeight = Math.max(layout.totalHeight, size.h);

  return (
    <div className="timeline">
      <div className="axis-row">
        <div className="axis-corner" style={{ width: HEADER_WIDTH }}>
          <input
            className="lane-filter"
            data-testid="lane-filter"
            type="search"
            placeholder={`Filter ${lanes.length} lanes by name`}
            aria-label="Filter lanes by name"
            title="Show only lanes whose name, process or trace contains this (kept in the link)"
            value={laneState.filter}
            onChange={(e) => useStore.getState().setLaneFilter(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                useStore.getState().setLaneFilter('');
                e.currentTarget.blur();
              }
            }}
          />
          <span className="lane-count" data-testid="lane-count" data-shown={shownLaneCount}>
            {laneState.filter ? `${shownLaneCount} / ${lanes.length}` : `${lanes.length} lanes`}
          </span>
          {hiddenCount > 0 && (
            <button className="link-button" onClick={() => useStore.getState().showAllLanes()}>
              Show {hiddenCount} hidden
            </button>
          )}
        </div>
        <div className="axis-wrap">
          <canvas
            ref={axisRef}
            className="axis-canvas"
            onPointerDown={(e) => onPointerDown(e, true)}
            onPointerMove={onAxisMove}
            onPointerUp={onPointerUp}
            onPointerLeave={() => {
              pointerX.current = null;
              setAxisHover(null);
            }}
            onContextMenu={(e) => onContextMenu(e, true)}
          />
          {axisHover && (
            <div className="axis-tooltip" style={{ left: Math.min(axisHover.x, Math.max(0, size.w - 320)) }}>
              {axisHover.text}
            </div>
          )}
        </div>
      </div>
      <div className="lanes-scroll" ref={scrollRef}>
        <div className="lanes-content" style={{ height: contentHeight, gridTemplateColumns: `${HEADER_WIDTH}px 1fr` }}>
          <div className="lane-headers" style={{ height: contentHeight }}>
            {items.map((it) => {
              const row = layout.rows[it.index];
              if (!row) return null;
              return <LaneHeaderRow key={row.id} row={row} layout={layout} multiTrace={multiTrace} />;
            })}
          </div>
          <div className="canvas-col" ref={colRef}>
            <canvas
              ref={canvasRef}
              data-testid="timeline-canvas"
              className="timeline-canvas"
              onPointerDown={(e) => onPointerDown(e, false)}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={() => (drag.current = null)}
              onPointerLeave={() => {
                pointerX.current = null;
                if (!drag.current) useStore.getState().setHovered(null);
              }}
              onDoubleClick={onDoubleClick}
              onContextMenu={(e) => onContextMenu(e, false)}
            />
          </div>
        </div>
      </div>
      {lanes.length === 0 && (
        // Nothing to draw: say so, rather than an empty axis that looks like a failure.
        <div className="timeline-empty" data-testid="no-events" role="status">
          {traces.map((t) => t.name).join(', ')}: no events (no slices, instants or counters to show).
        </div>
      )}
      <HoverTooltip />
      {menu && <AnnotationMenu menu={menu} onClose={() => setMenu(null)} />}
    </div>
  );
}

function sizeCanvas(c: HTMLCanvasElement, w: number, h: number, dpr: number) {
  const pw = Math.round(w * dpr);
  const ph = Math.round(h * dpr);
  if (c.width !== pw) c.width = pw;
  if (c.height !== ph) c.height = ph;
  const sw = `${w}px`;
  const sh = `${h}px`;
  if (c.style.width !== sw) c.style.width = sw;
  if (c.style.height !== sh) c.style.height = sh;
}

let selectSeq = 0;
let pendingSelect: Promise<boolean> | null = null;

/** The in-flight selection (details still loading), so automation can wait for it. */
export function pendingSelection(): Promise<boolean> | null {
  return pendingSelect;
}

/** Clear the selection; also cancels a selection whose details are still loading. */
export function clearSelection(): void {
  selectSeq++;
  pendingSelect = null;
  useStore.getState().setSelection(null);
}

/** Select a slice by lane/event: load its details from the worker, then store both (latest call wins). */
export function selectSlice(trace: string, laneId: string, eventIdx: number, key?: string): Promise<boolean> {
  const my = ++selectSeq;
  const run = (async () => {
    const t = useStore.getState().traces.find((x) => x.key === trace);
    if (!t) return false;
    const details = await sliceDetails(trace, laneId, eventIdx);
    if (my !== selectSeq) return false;
    if (!details) return false;
    const global = { ...details, startNs: details.startNs + t.shiftNs };
    useStore.getState().setSelection({ trace, laneId, eventIdx, key: key ?? details.key }, global);
    return true;
  })();
  const p = run.finally(() => {
    if (pendingSelect === p) pendingSelect = null;
  });
  pendingSelect = p;
  return p;
}

function HoverTooltip() {
  const hovered = useStore((s) => s.hovered);
  const lanes = useStore((s) => s.lanes);
  if (!hovered) return null;
  const lane = lanes.find((l) => l.id === hovered.laneId);
  const style = {
    left: Math.min(hovered.clientX + 14, window.innerWidth - 420),
    top: Math.min(hovered.clientY + 16, window.innerHeight - 120),
  };
  if (hovered.counterValues) {
    return (
      <div className="tooltip" style={style}>
        <div className="tooltip-name">{lane?.name}</div>
        {hovered.counterValues.map((v) => (
          <div key={v.series} className="tooltip-meta">
            {v.series}: {formatValue(v.value, lane?.counter?.unit ?? '')}
          </div>
        ))}
      </div>
    );
  }
  const short = lane?.kind === 'gpu' ? shortenName(hovered.name) : hovered.name;
  return (
    <div className="tooltip" style={style}>
      {short !== hovered.name && <div className="tooltip-name">{short}</div>}
      <div className={short !== hovered.name ? 'tooltip-full' : 'tooltip-name'}>{hovered.name}</div>
      <div className="tooltip-meta">
        {hovered.busy !== undefined
          ? `${hovered.count} event${hovered.count > 1 ? 's' : ''} · ${Math.round(hovered.busy * 100)}% busy over ${formatDuration(hovered.endNs - hovered.startNs)}`
          : `${hovered.count > 1 ? `${hovered.count} events merged · ` : ''}${formatDuration(hovered.endNs - hovered.startNs)}`}
        {lane ? ` · ${lane.name}` : ''}
      </div>
    </div>
  );
}
