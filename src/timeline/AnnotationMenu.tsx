// The right-click menu of the lanes and the axis: add a line at a slice's start or
// end, at the clicked instant, a stage from the range; edit or delete a line whose
// handle was clicked.

import { useEffect } from 'react';
import { useStore } from '../state/store';
import { addAnnotation, addStageFromRange, addStageFromSlice, jumpToAnnotation, selectStageRange } from './annotationActions';
import type { HandleHit } from './annotationDrawing';

export interface AnnotationMenuState {
  clientX: number;
  clientY: number;
  /** Axis time under the click. */
  ns: number;
  slice?: { startNs: number; endNs: number };
  handle?: HandleHit | null;
}

export function AnnotationMenu({ menu, onClose }: { menu: AnnotationMenuState; onClose: () => void }) {
  const range = useStore((s) => s.range);
  const target = useStore((s) => (menu.handle ? s.annotations.find((a) => a.id === menu.handle!.id) : undefined));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    const onDown = (e: PointerEvent) => !(e.target as HTMLElement).closest?.('.annotation-menu') && onClose();
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', onDown, true);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', onDown, true);
    };
  }, [onClose]);

  const run = (fn: () => void) => () => {
    fn();
    onClose();
  };
  const items: { label: string; action: () => void; testId: string }[] = [];
  if (target) {
    items.push({
      label: `Edit “${target.label}”`,
      testId: 'menu-edit-annotation',
      action: () => {
        useStore.getState().setEditingAnnotation(target.id);
        jumpToAnnotation(target.id);
      },
    });
    items.push({ label: `Delete “${target.label}”`, testId: 'menu-delete-annotation', action: () => useStore.getState().removeAnnotation(target.id) });
  }
  if (menu.slice) {
    const { startNs, endNs } = menu.slice;
    items.push({ label: 'Add line at slice start', testId: 'menu-line-slice-start', action: () => void addAnnotation({ startNs }) });
    if (endNs > startNs) items.push({ label: 'Add line at slice end', testId: 'menu-line-slice-end', action: () => void addAnnotation({ startNs: endNs }) });
    if (endNs > startNs) items.push({ label: 'Stage from this slice', testId: 'menu-stage-from-slice', action: () => void addStageFromSlice({ startNs, endNs }) });
  }
  items.push({ label: 'Add line here', testId: 'menu-line-here', action: () => void addAnnotation({ startNs: menu.ns }) });
  if (range && range.endNs > range.startNs) items.push({ label: 'Make the selected range a stage', testId: 'menu-stage-from-range', action: () => void addStageFromRange() });
  if (target && target.endNs !== undefined) items.push({ label: `Select “${target.label}” as the range`, testId: 'menu-select-stage', action: () => selectStageRange(target) });

  const style = { left: Math.min(menu.clientX, window.innerWidth - 260), top: Math.min(menu.clientY, window.innerHeight - 40 * items.length - 12) };
  return (
    <div className="annotation-menu" role="menu" style={style} data-testid="annotation-menu" onContextMenu={(e) => e.preventDefault()}>
      {items.map((it) => (
        <button key={it.testId} role="menuitem" className="annotation-menu-item" data-testid={it.testId} onClick={run(it.action)}>
          {it.label}
        </button>
      ))}
    </div>
  );
}
