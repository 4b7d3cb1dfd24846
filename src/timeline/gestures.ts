// One table for every input binding: the handlers and the `?` overlay read it,
// so the help can never drift from the behaviour.

export interface GestureRow {
  input: string;
  action: string;
}

export const GESTURES: GestureRow[] = [
  { input: 'Wheel', action: 'Scroll lanes' },
  { input: 'Ctrl/⌘ + wheel, pinch', action: 'Zoom at the cursor' },
  { input: 'Shift + wheel', action: 'Pan in time' },
  { input: 'Drag in the lanes', action: 'Pan (horizontal) and scroll (vertical)' },
  { input: 'Shift + drag, or drag on the time axis', action: 'Select a time range (ruler)' },
  { input: 'Click', action: 'Select a slice' },
  { input: 'Double-click', action: 'Zoom to the slice' },
  { input: 'W / S', action: 'Zoom in / out at the pointer (else the centre)' },
  { input: 'A / D', action: 'Pan left / right' },
  { input: 'F', action: 'Fit the selection (range or slice), else the whole trace' },
  { input: 'M', action: 'Stage of the range, else of the selected slice, else a line at the hovered slice or cursor' },
  { input: 'Shift + M', action: 'The same, and name it' },
  { input: 'Click a stage', action: 'Select its range (in the list, or its band on the axis)' },
  { input: 'Drag a line’s handle or a range', action: 'Snaps to slice edges and annotations' },
  { input: 'Right-click a slice or the axis', action: 'Line at the slice’s start / end, stage from this slice or the range, edit / delete' },
  { input: 'Ctrl/⌘ + F, then Enter / Shift + Enter', action: 'Search slice names; next / previous hit' },
  { input: '[ / ]', action: 'Previous / next step (Steps tab open)' },
  { input: ', / .', action: 'Previous / next idle gap (Idle gaps tab open)' },
  { input: 'Esc', action: 'Clear selection and range' },
  { input: '?', action: 'Show / hide this help' },
];

export type KeyAction = 'zoomIn' | 'zoomOut' | 'panLeft' | 'panRight' | 'fit' | 'clear' | 'help' | 'mark' | 'markRange';

/** Letter keys by physical position (KeyboardEvent.code) so any layout works; '?' by its character. */
export function keyAction(e: Pick<KeyboardEvent, 'code' | 'key' | 'ctrlKey' | 'metaKey' | 'altKey'> & { shiftKey?: boolean }): KeyAction | null {
  if (e.key === '?') return 'help';
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.code) {
    case 'KeyW':
      return 'zoomIn';
    case 'KeyS':
      return 'zoomOut';
    case 'KeyA':
      return 'panLeft';
    case 'KeyD':
      return 'panRight';
    case 'KeyF':
      return 'fit';
    case 'KeyM':
      return e.shiftKey ? 'markRange' : 'mark';
    case 'Escape':
      return 'clear';
  }
  return e.key === 'Escape' ? 'clear' : null;
}

export function isTypingTarget(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable === true;
}

export interface Span {
  startNs: number;
  endNs: number;
}

/** Zoom around anchorNs by factor (<1 zooms in), clamped to [minSpan, maxSpan]. */
export function zoomAt(vp: Span, anchorNs: number, factor: number, minSpan: number, maxSpan: number): Span {
  const span = vp.endNs - vp.startNs;
  const next = Math.min(maxSpan, Math.max(minSpan, span * factor));
  const k = span > 0 ? (anchorNs - vp.startNs) / span : 0.5;
  return { startNs: anchorNs - k * next, endNs: anchorNs - k * next + next };
}

/** Keep at least part of the extent on screen and the span within limits. */
export function clampViewport(vp: Span, extent: Span, minSpan: number): Span {
  const extSpan = Math.max(1, extent.endNs - extent.startNs);
  let span = Math.max(minSpan, Math.min(2 * extSpan, vp.endNs - vp.startNs));
  if (!Number.isFinite(span)) span = extSpan;
  let start = vp.startNs;
  if (!Number.isFinite(start)) start = extent.startNs;
  const center = start + span / 2;
  const margin = span / 2;
  const minC = extent.startNs - margin * 0.9;
  const maxC = extent.endNs + margin * 0.9;
  const c = Math.min(maxC, Math.max(minC, center));
  return { startNs: c - span / 2, endNs: c + span / 2 };
}
