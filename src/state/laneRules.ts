// The lane category rules in force (workers/lanes/categoryRules.ts): the user's table,
// saved in IndexedDB under one key, or a link's table for this session. Every trace
// load sends them to its worker; changing them reloads the open traces (lane ids do
// not depend on the rules, so the view, hidden/pinned lanes and saved work survive).

import { useSyncExternalStore } from 'react';
import { get, set } from 'idb-keyval';
import { answered } from './savedWork';
import { DEFAULT_RULES, rulesFromTuples, rulesToTuples, type CategoryRule } from '../../workers/lanes/categoryRules';

const RULES_KEY = 'tracelane:lane-rules';
/** Every load waits for the saved rules: a database that does not answer may delay it this long, not forever. */
const RULES_READ_TIMEOUT_MS = 2000;

export type RulesOrigin = 'defaults' | 'saved' | 'link';

let rules: CategoryRule[] = [...DEFAULT_RULES];
let origin: RulesOrigin = 'defaults';
const listeners = new Set<() => void>();
let snapshot: { rules: CategoryRule[]; origin: RulesOrigin } = { rules, origin };

let isRestored = false;
/**
 * Read the saved table once (IndexedDB may be missing, or never answer: defaults then). A load
 * started before it answers asks for the rules after its parse (rulesForLoad).
 */
const restored: Promise<void> = (async () => {
  try {
    const saved = rulesFromTuples(((await answered(get(RULES_KEY), RULES_READ_TIMEOUT_MS)) as { rules?: unknown } | undefined)?.rules);
    if (saved && origin === 'defaults') publish(saved, 'saved');
  } catch {
    /* no IndexedDB: defaults */
  }
  isRestored = true;
})();

/**
 * The rules a load takes: those in force once the saved table is read, else who to ask after
 * the parse (a link's trace opens with the page: its load need not wait for IndexedDB).
 */
export function rulesForLoad(): CategoryRule[] | (() => Promise<CategoryRule[]>) {
  return isRestored ? rules : () => restored.then(() => rules);
}

export function rulesInForce(): CategoryRule[] {
  return rules;
}

/** A link's rules: in force for this session, not saved over the user's own table. */
export function applyLinkRules(linkRules: CategoryRule[]): void {
  publish(linkRules, 'link');
}

/** The user's edit: saved and in force. */
export async function saveRules(next: CategoryRule[]): Promise<void> {
  publish(next, 'saved');
  try {
    await set(RULES_KEY, { rules: rulesToTuples(next), savedAt: Date.now() });
  } catch {
    /* no IndexedDB here: in force for this session only */
  }
}

export function useLaneRules(): { rules: CategoryRule[]; origin: RulesOrigin } {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => snapshot,
  );
}

function publish(next: CategoryRule[], from: RulesOrigin): void {
  rules = next;
  origin = from;
  snapshot = { rules, origin };
  for (const l of listeners) l();
}
