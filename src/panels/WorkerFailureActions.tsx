// Shown under "the trace worker stopped / stopped responding": Retry, and what else can
// work: opening the other traces without the one that failed, fewer ranks, or a smaller
// memory budget (the load then stops with a clear refusal before it fills the tab's memory).

import { lastWorkerFailure } from '../state/traceClient';
import { reopenAfterFailure } from '../state/viewPersistence';
import type { TraceSource } from '../model/types';

export function WorkerFailureActions({ error, onChooseRanks }: { error: string | null; onChooseRanks: (sources: TraceSource[]) => void }) {
  const failure = lastWorkerFailure(error);
  if (!failure) return null;
  const { sources, failed, budgetMB } = failure;
  const others = sources.filter((s) => !failed.includes(s));
  const smaller = Math.max(64, Math.round(budgetMB / 2));
  return (
    <div className="budget-actions" data-testid="worker-failure-actions">
      <p>The view and annotations you had come back when the trace opens again.</p>
      <button className="button" data-testid="retry-load" onClick={() => reopenAfterFailure(sources, { budgetMB })}>
        Retry
      </button>
      {others.length > 0 && (
        <button className="button" data-testid="open-without-failed" onClick={() => reopenAfterFailure(others, { budgetMB })}>
          Open the other {others.length === 1 ? 'trace' : `${others.length} traces`} without {failed.map((s) => s.name).join(', ')}
        </button>
      )}
      {sources.length > 2 && (
        <button className="button" onClick={() => onChooseRanks(sources)}>
          Choose fewer ranks…
        </button>
      )}
      <button className="button" data-testid="retry-smaller-budget" title="A load that would not fit stops with a clear message instead of exhausting the tab's memory" onClick={() => reopenAfterFailure(sources, { budgetMB: smaller })}>
        Retry with a {smaller.toLocaleString('en-US')} MB memory budget
      </button>
    </div>
  );
}
