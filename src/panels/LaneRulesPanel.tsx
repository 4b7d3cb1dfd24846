// The lane category rules table (workers/lanes/categoryRules.ts), editable: category, name,
// process and thread regexes → lane kind and lane name. Applying saves the table and reloads the open
// traces; lane ids do not depend on the rules, so the view and hidden/pinned lanes stay.

import { useState } from 'react';
import { LANE_KIND_LABEL, type LaneKind } from '../model/types';
import { DEFAULT_RULES, ruleError, RULE_KINDS, sameRules, type CategoryRule } from '../../workers/lanes/categoryRules';
import { saveRules, useLaneRules } from '../state/laneRules';
import { loadSources } from '../state/traceClient';
import { useStore } from '../state/store';

export function LaneRulesPanel({ onClose }: { onClose: () => void }) {
  const { rules, origin } = useLaneRules();
  const [draft, setDraft] = useState<CategoryRule[]>(() => rules.map((r) => ({ ...r })));
  const errors = draft.map((r) => ruleError(r));
  const invalid = errors.some((e) => e);
  const changed = !sameRules(draft, rules);

  const edit = (i: number, patch: Partial<CategoryRule>) => setDraft(draft.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const apply = async () => {
    await saveRules(draft.map((r) => ({ ...r })));
    // New rules take effect on the next load: reload what is open.
    const sources = useStore.getState().traces.map((t) => t.source);
    if (sources.length) loadSources(sources);
    // Closed so the reloaded lanes are in view.
    onClose();
  };

  return (
    <section className="lane-rules-panel" data-testid="lane-rules-panel" aria-label="Lane rules">
      <header>
        <h3>Lane rules</h3>
        <button className="icon-button" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </header>
      <p className="hint">
        Place events of other tools’ Chrome traces: the first rule whose category, name, process and thread regexes
        (case-insensitive; empty matches anything; process: its name or labels; thread: its name, else the tid) all match decides the lane kind and, optionally, the lane name ({'{cat}'}, {'{name}'},{' '}
        {'{thread}'}, {'{pid}'}, {'{tid}'}). Lane ids never change, so links, hidden and pinned lanes keep working.
        {origin === 'link' && ' These rules came with the link you opened.'}
      </p>
      <table>
        <colgroup>
          <col className="rule-cat" />
          <col className="rule-name" />
          <col className="rule-kind" />
          <col />
          <col className="rule-where" />
          <col className="rule-where" />
          <col className="rule-remove" />
        </colgroup>
        <thead>
          <tr>
            <th>category</th>
            <th>name</th>
            <th>kind</th>
            <th>lane name</th>
            <th>process</th>
            <th>thread</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {draft.map((r, i) => (
            <RuleRow key={i} rule={r} error={errors[i]} onChange={(patch) => edit(i, patch)} onRemove={() => setDraft(draft.filter((_, k) => k !== i))} />
          ))}
        </tbody>
      </table>
      {draft.length === 0 && <p className="hint">No rules: every lane shows its built-in kind.</p>}
      <div className="lane-rules-actions">
        <button className="button" data-testid="rules-add" onClick={() => setDraft([...draft, { cat: '', name: '', kind: 'cpu' }])}>
          Add rule
        </button>
        <button className="button" data-testid="rules-reset" onClick={() => setDraft(DEFAULT_RULES.map((r) => ({ ...r })))}>
          Reset to defaults
        </button>
        <span className="spacer" />
        <button className="button primary" data-testid="rules-apply" disabled={invalid || (!changed && origin !== 'link')} title={invalid ? 'Fix the invalid regexes first' : undefined} onClick={() => void apply()}>
          {!changed && origin === 'link' ? 'Keep these rules' : 'Apply'}
        </button>
      </div>
    </section>
  );
}

function RuleRow({ rule, error, onChange, onRemove }: { rule: CategoryRule; error: string | null; onChange: (patch: Partial<CategoryRule>) => void; onRemove: () => void }) {
  return (
    <>
      <tr data-testid="rule-row" className={error ? 'invalid' : undefined}>
        <td>
          <input data-testid="rule-cat" aria-label="Category regex" spellCheck={false} title={rule.cat} value={rule.cat ?? ''} onChange={(e) => onChange({ cat: e.currentTarget.value })} />
        </td>
        <td>
          <input data-testid="rule-name" aria-label="Name regex" spellCheck={false} title={rule.name} value={rule.name ?? ''} onChange={(e) => onChange({ name: e.currentTarget.value })} />
        </td>
        <td>
          <select data-testid="rule-kind" aria-label="Lane kind" value={rule.kind} onChange={(e) => onChange({ kind: e.currentTarget.value as LaneKind })}>
            {RULE_KINDS.map((k) => (
              <option key={k} value={k}>
                {LANE_KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </td>
        <td>
          <input data-testid="rule-lane" aria-label="Lane name template" spellCheck={false} placeholder="(built-in)" value={rule.lane ?? ''} onChange={(e) => onChange({ lane: e.currentTarget.value })} />
        </td>
        <td>
          <input data-testid="rule-process" aria-label="Process regex" spellCheck={false} title={rule.process} value={rule.process ?? ''} onChange={(e) => onChange({ process: e.currentTarget.value })} />
        </td>
        <td>
          <input data-testid="rule-thread" aria-label="Thread regex" spellCheck={false} title={rule.thread} value={rule.thread ?? ''} onChange={(e) => onChange({ thread: e.currentTarget.value })} />
        </td>
        <td>
          <button className="icon-button" aria-label="Remove rule" onClick={onRemove}>
            ✕
          </button>
        </td>
      </tr>
      {error && (
        <tr className="rule-error-row">
          <td colSpan={7} data-testid="rule-error" role="alert">
            Not applied: {error}
          </td>
        </tr>
      )}
    </>
  );
}
