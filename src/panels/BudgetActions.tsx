// Shown under a "needs more memory than the budget" error: raise the budget (saved
// as a setting) and open again, open part of the trace (a time window, some threads:
// PartChooser), or pick fewer ranks.

import { budgetRefusal, memoryBudgetMB, setBudgetSettingMB } from '../state/memoryBudget';
import { loadSources } from '../state/traceClient';
import type { TraceSource } from '../model/types';

export function BudgetActions({ onChooseRanks, onOpenPart }: { onChooseRanks: (sources: TraceSource[]) => void; onOpenPart: (source: TraceSource) => void }) {
  const refusal = budgetRefusal();
  if (!refusal) return null;
  const { mb, from } = memoryBudgetMB();
  const origin = from === 'url' ? 'set by ?budgetMB= in the address' : from === 'setting' ? 'your setting' : 'from this device’s memory';
  const raise = () => {
    setBudgetSettingMB(refusal.neededMB);
    if (from === 'url') {
      // The address would override the new setting.
      const url = new URL(window.location.href);
      url.searchParams.delete('budgetMB');
      window.history.replaceState(window.history.state, '', url);
    }
    loadSources(refusal.sources);
  };
  return (
    <div className="budget-actions" data-testid="budget-actions">
      <p>
        Memory budget: {mb.toLocaleString('en-US')} MB ({origin}). A browser tab that runs out of memory crashes without warning, so
        tracelane stops before it does.
      </p>
      <button className="button" data-testid="raise-budget" onClick={raise}>
        Raise the budget to {refusal.neededMB.toLocaleString('en-US')} MB and open again
      </button>
      {refusal.sources.length === 1 && (
        <button className="button" data-testid="open-part-refused" onClick={() => onOpenPart(refusal.sources[0])}>
          Open part of it…
        </button>
      )}
      {refusal.sources.length > 1 && (
        <button className="button" onClick={() => onChooseRanks(refusal.sources)}>
          Choose fewer ranks…
        </button>
      )}
    </div>
  );
}
