// Steps and Idle gaps list what overlaps the selected range, whole. A range the list set
// itself (a row click makes the row the range) does not narrow that same list, so the
// user can still step through it.

import { useRef } from 'react';
import type { Span } from '../../state/store';
import { formatDuration } from '../../model/time';
import { useTraceShift } from '../../state/navigation';
import { useStore } from '../../state/store';

export interface ListScope {
  /** The range on the axis the list is limited to, or null for the whole trace. */
  range: Span | null;
  /** ns to add to the trace's times for axis time. */
  shift: number;
  /** Whether a [start, start + dur] of the trace's own time overlaps the scope. */
  overlaps(startNs: number, durNs: number): boolean;
  /** Note a range the list sets itself, so it does not narrow the list. */
  claim(range: Span): void;
}

const same = (a: Span | null, b: Span | null) => a === b || (!!a && !!b && a.startNs === b.startNs && a.endNs === b.endNs);

export function useListScope(trace: string): ListScope {
  const range = useStore((s) => s.range);
  const shift = useTraceShift(trace);
  const own = useRef<Span | null>(null);
  const scope = useRef<Span | null>(null);
  if (!same(range, own.current)) scope.current = range && range.endNs !== range.startNs ? { startNs: Math.min(range.startNs, range.endNs), endNs: Math.max(range.startNs, range.endNs) } : null;
  const r = scope.current;
  return {
    range: r,
    shift,
    overlaps: (startNs, durNs) => !r || (startNs + shift < r.endNs && startNs + durNs + shift > r.startNs) || (durNs === 0 && startNs + shift === r.startNs),
    claim: (span) => {
      own.current = span;
    },
  };
}

/** "in the range 1.2 s – 1.5 s" or "in the whole trace", for a list's header. */
export function ScopeLabel({ scope, count, what, testId }: { scope: ListScope; count: number; what: string; testId: string }) {
  const r = scope.range;
  return (
    <span className="muted" data-testid={testId}>
      {count} {what} {r ? `overlapping the range ${formatDuration(r.startNs)} – ${formatDuration(r.endNs)}` : 'in the whole trace'}
    </span>
  );
}
