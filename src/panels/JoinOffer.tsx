// A non-blocking offer to show a syscall/sampler process inside the Kineto process it
// looks like (same pid, overlapping time; src/state/joinCandidates.ts). Nothing is
// joined unless the user says so; "Keep separate" hides the offer for this session.

import { useMemo, useState } from 'react';
import { useStore } from '../state/store';
import { joinCandidates } from '../state/joinCandidates';

/** "python3 (pid 596) · CPU" → "python3": the pid is shown separately. */
const bareName = (name: string) => name.replace(/\s*\((pid )?\d+\).*$/, '');

export function JoinOffer() {
  const traces = useStore((s) => s.traces);
  const joined = useStore((s) => s.laneState.joined);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const candidates = useMemo(() => joinCandidates(traces.flatMap((t) => (t.result ? [t.result] : []))), [traces]);
  const offer = candidates.find((c) => !joined.has(c.group.id) && !dismissed.has(c.group.id));
  if (!offer) return null;
  const { group, target } = offer;
  return (
    <div className="banner" data-testid="join-offer" role="status">
      <span>
        {offer.fileName} (pid {group.pid}) looks like the same process as {bareName(target.name)} (pid {target.pid}) in {offer.targetFileName} — show its
        lanes in that group?
      </span>{' '}
      <button className="button small primary" data-testid="join-accept" onClick={() => useStore.getState().joinGroup(group.id, target.id)}>
        Join
      </button>{' '}
      <button className="button small" data-testid="join-dismiss" onClick={() => setDismissed(new Set(dismissed).add(group.id))}>
        Keep separate
      </button>
    </div>
  );
}
