// Undo for per-trace offsets: every change of offsets (typed, aligned) first records the
// offsets it replaces; Undo puts the last recorded set back. Kept outside the store so
// the view state and links never carry it.

import { useSyncExternalStore } from 'react';
import { useStore } from './store';

const MAX_STEPS = 50;
let stack: Map<string, number>[] = [];
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((fn) => fn());

/** Remember the current offsets as one undo step (skipped when equal to the last step). */
export function recordOffsets(): void {
  const now = new Map(useStore.getState().traces.map((t) => [t.key, t.offsetNs]));
  const last = stack[stack.length - 1];
  if (last && last.size === now.size && [...now].every(([k, v]) => last.get(k) === v)) return;
  stack = [...stack.slice(-(MAX_STEPS - 1)), now];
  notify();
}

/** Put back the offsets of the last step; false when there is nothing to undo. */
export function undoOffsets(): boolean {
  const prev = stack[stack.length - 1];
  if (!prev) return false;
  stack = stack.slice(0, -1);
  const st = useStore.getState();
  for (const t of st.traces) st.setTraceOffset(t.key, prev.get(t.key) ?? 0);
  notify();
  return true;
}

/** Forget the history (new traces opened). */
export function clearOffsetHistory(): void {
  if (!stack.length) return;
  stack = [];
  notify();
}

/** How many undo steps there are, re-rendering when it changes. */
export function useOffsetUndoSteps(): number {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    () => stack.length,
  );
}

// Other traces opened: the recorded offsets belong to traces that are gone.
useStore.subscribe((s, prev) => {
  if (s.traces !== prev.traces && s.traces.map((t) => t.key).join('\n') !== prev.traces.map((t) => t.key).join('\n')) clearOffsetHistory();
});
