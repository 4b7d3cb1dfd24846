// How much memory the open traces may take (issue 9). The worker refuses before
// indexing beyond it (workers/ingest/memoryBudget.ts). Default from the machine,
// overridden by the saved setting, overridden by `?budgetMB=` (so tests can force it).

// With its extension: vite.config.ts loads this module too (build/earlyTraceWorker.ts reads BUDGET_SETTING_KEY).
import { estimateMBOfMessage } from '../../workers/ingest/memoryBudget.ts';
import type { TraceSource } from '../model/types';

/** Where the budget setting is saved (localStorage): index.html's first script reads it too (build/earlyTraceWorker.ts). */
export const BUDGET_SETTING_KEY = 'tracelane:budgetMB';
/** Without navigator.deviceMemory: what a browser tab on a laptop can usually hold. */
const FALLBACK_MB = 2048;
/** A tab rarely gets more than this, however much the machine has. */
const MAX_DEFAULT_MB = 4096;

export type BudgetOrigin = 'url' | 'setting' | 'device';

/** Half the device memory (navigator.deviceMemory is in GB, capped at 8 by browsers), at most 4 GB. */
export function defaultBudgetMB(deviceMemoryGB = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory): number {
  if (!deviceMemoryGB || !Number.isFinite(deviceMemoryGB)) return FALLBACK_MB;
  return Math.min(MAX_DEFAULT_MB, Math.round((deviceMemoryGB * 1024) / 2));
}

function positive(text: string | null | undefined): number | null {
  const n = Number(text);
  return text && Number.isFinite(n) && n > 0 ? n : null;
}

/** The saved budget setting as stored (null: none, or storage disabled). */
function savedSetting(): string | null {
  try {
    return globalThis.localStorage?.getItem(BUDGET_SETTING_KEY) ?? null;
  } catch {
    return null;
  }
}

/**
 * The budget for the page `search` belongs to. `saved` and `deviceMemoryGB` are read from this page unless given
 * (the trace worker is given what index.html's first script read: workers/earlyLoad.ts).
 */
export function memoryBudgetMB(search = globalThis.location?.search ?? '', saved = savedSetting(), deviceMemoryGB?: number): { mb: number; from: BudgetOrigin } {
  const fromUrl = positive(new URLSearchParams(search).get('budgetMB'));
  if (fromUrl) return { mb: fromUrl, from: 'url' };
  const fromSetting = positive(saved);
  if (fromSetting) return { mb: fromSetting, from: 'setting' };
  return { mb: defaultBudgetMB(deviceMemoryGB), from: 'device' };
}

/** Each trace's share of the budget when `traces` open together (the budget covers every open trace). */
export function traceBudgetBytes(budgetMB: number, traces: number): number {
  return (budgetMB * 1024 * 1024) / Math.max(1, traces);
}

/** Saves the budget setting (null = back to the machine default). */
export function setBudgetSettingMB(mb: number | null): void {
  try {
    if (mb === null) localStorage.removeItem(BUDGET_SETTING_KEY);
    else localStorage.setItem(BUDGET_SETTING_KEY, String(Math.ceil(mb)));
  } catch {
    /* storage disabled: the setting lasts for this page only via the URL */
  }
}

/** The last load refused for its size: what to reopen and the budget it would need. */
export interface BudgetRefusal {
  sources: TraceSource[];
  neededMB: number;
  budgetMB: number;
}

let refusal: BudgetRefusal | null = null;

export function budgetRefusal(): BudgetRefusal | null {
  return refusal;
}

/**
 * Records a BudgetExceededError of one of `sources` (each trace had budget / sources.length).
 * Returns false when the error is something else.
 */
export function noteBudgetError(error: { name?: string; message?: string }, sources: TraceSource[], budgetMB: number): boolean {
  if (error.name !== 'BudgetExceededError') return false;
  const perTrace = estimateMBOfMessage(error.message ?? '') ?? budgetMB;
  // The estimate covers what was read when the budget ran out (a .gz is read ahead of
  // its decoding, so it cannot always be projected): offer at least double.
  refusal = { sources, neededMB: Math.ceil(Math.max(perTrace * sources.length * 1.5, budgetMB * 2)), budgetMB };
  return true;
}

export function clearBudgetRefusal(): void {
  refusal = null;
}
