// The category-rules table: how Chrome-trace exports of other tools (msServiceProfiler,
// eBPF exporters, …) are placed. A rule matches an event's category and/or name, and/or
// its process / thread names (regex sources, case-insensitive, first match wins) and says which lane KIND it
// shows as, plus optional display names for its lane and group.
//
// Rules never change identity: the lane key keeps the built-in kind (laneKind.ts,
// the lane's "base kind"), so hidden/pinned lanes, links and saved work survive any
// rule edit. Rules only change what a lane is shown as (kind, colours, analyses, name).
// Pure: runs in the worker and in the UI (validation) alike.

import type { LaneKind } from '../../src/model/types';

export interface CategoryRule {
  /** Regex source matched against the event category (absent or empty: any category). */
  cat?: string;
  /** Regex source matched against the event name (absent or empty: any name). */
  name?: string;
  kind: LaneKind;
  /** Group display label template, e.g. "{pid} · serving"; applied when all rule-named lanes of a group agree. */
  group?: string;
  /** Lane display name template, e.g. "{cat}" or "{thread} · {cat}". */
  lane?: string;
  /** Regex source matched against the process name or its labels (absent or empty: any process). */
  process?: string;
  /** Regex source matched against the thread name, else the tid (absent or empty: any thread). */
  thread?: string;
}

/** Kinds a rule may set (counters come from counter events, never from rules). */
export const RULE_KINDS: readonly LaneKind[] = ['python', 'cpu', 'syscall', 'cuda_api', 'gpu'];

/**
 * Defaults. Kineto categories (python_function, cpu_op, cuda_runtime, kernel, …) match
 * nothing here (anchored patterns), so torch traces look exactly as without rules.
 * - eBPF-style exports: syscall/sched/python/cuda families of categories.
 * - msServiceProfiler chrome_tracing.json (MindIE / vllm-ascend serving): every slice has category
 *   `Execute` and the DOMAIN is the tid, a string (httpReq, ReqState, BatchSchedule, modelExec,
 *   deviceKvCache, …; its request states WAITING, RUNNING, … are slice names on the ReqState
 *   thread); each domain's lane is named after its thread, and keeps the file's thread_sort_index.
 */
export const DEFAULT_RULES: readonly CategoryRule[] = [
  { cat: '^(syscalls?|raw_syscalls|sys_(enter|exit)\\w*|os_runtime)$', kind: 'syscall' },
  { cat: '^sched(uler|_\\w+)?$', kind: 'cpu', lane: '{thread} · sched' },
  { cat: '^(python|pyperf|uprobe_python)$', kind: 'python' },
  { cat: '^(cuda|cuda_api|cupti|libcuda)$', kind: 'cuda_api' },
  { cat: '^Execute$', kind: 'cpu', lane: '{thread}' },
];

export interface CompiledRule {
  rule: CategoryRule;
  cat: RegExp | null;
  name: RegExp | null;
  process: RegExp | null;
  thread: RegExp | null;
}

export interface CompiledRules {
  rules: CompiledRule[];
  /** True when some rule looks at names (else one decision per category suffices). */
  byName: boolean;
  /** True when some rule looks at process or thread names (then decisions are per lane). */
  byThread: boolean;
}

/** The regex sources of a rule, for validation. */
export function ruleError(r: CategoryRule): string | null {
  return regexError(r.cat) ?? regexError(r.name) ?? regexError(r.process) ?? regexError(r.thread);
}

/** The error of a regex source, or null when it compiles. */
export function regexError(source: string | undefined): string | null {
  if (!source) return null;
  try {
    new RegExp(source, 'i');
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Valid rules only: a rule with a bad regex or an unknown kind is skipped, never half-applied. */
export function compileRules(rules: readonly CategoryRule[]): CompiledRules {
  const out: CompiledRule[] = [];
  const re = (source: string | undefined) => (source ? new RegExp(source, 'i') : null);
  for (const rule of rules) {
    if (!RULE_KINDS.includes(rule.kind) || ruleError(rule)) continue;
    out.push({ rule, cat: re(rule.cat), name: re(rule.name), process: re(rule.process), thread: re(rule.thread) });
  }
  return { rules: out, byName: out.some((r) => r.name), byThread: out.some((r) => r.process || r.thread) };
}

/** Where an event sits: its process's name and labels, its thread's name (else tid). */
export interface RuleWhere {
  process: readonly string[];
  thread: string;
}

const ANYWHERE: RuleWhere = { process: [], thread: '' };

/** Index of the first rule matching (cat, name) in `where`, or −1. */
export function matchRule(compiled: CompiledRules, cat: string, name: string, where: RuleWhere = ANYWHERE): number {
  const rules = compiled.rules;
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k];
    if (r.cat && !r.cat.test(cat)) continue;
    if (r.name && !r.name.test(name)) continue;
    if (r.process && !where.process.some((p) => r.process!.test(p))) continue;
    if (r.thread && !r.thread.test(where.thread)) continue;
    return k;
  }
  return -1;
}

export interface TemplateFields {
  cat: string;
  name: string;
  pid: string;
  tid: string;
  thread: string;
  kind: string;
}

/** Fill "{cat}", "{name}", "{pid}", "{tid}", "{thread}", "{kind}"; unknown fields stay as written. */
export function fillTemplate(template: string, f: TemplateFields): string {
  return template.replace(/\{(cat|name|pid|tid|thread|kind)\}/g, (_, k: keyof TemplateFields) => f[k]).trim();
}

/** Two rule lists are the same table (links record "defaults" instead of the list). */
export function sameRules(a: readonly CategoryRule[], b: readonly CategoryRule[]): boolean {
  return a.length === b.length && a.every((r, i) => ruleText(r) === ruleText(b[i]));
}

function ruleText(r: CategoryRule): string {
  return JSON.stringify([r.cat ?? '', r.name ?? '', r.kind, r.group ?? '', r.lane ?? '', r.process ?? '', r.thread ?? '']);
}

/**
 * Compact form for links and IndexedDB: [cat, name, kind, lane?, group?, process?, thread?] per rule.
 * Fields added later go at the end, so tuples written before them still read.
 */
export type RuleTuple = [string, string, LaneKind, string?, string?, string?, string?];

export function rulesToTuples(rules: readonly CategoryRule[]): RuleTuple[] {
  return rules.map((r) => {
    const t: RuleTuple = [r.cat ?? '', r.name ?? '', r.kind, r.lane ?? '', r.group ?? '', r.process ?? '', r.thread ?? ''];
    // Trailing empty fields are left out.
    while (t.length > 3 && !t[t.length - 1]) t.pop();
    return t;
  });
}

/** Rules from untrusted tuples (a link, an old save), or null when they are not a rule table. */
export function rulesFromTuples(x: unknown): CategoryRule[] | null {
  if (!Array.isArray(x) || x.length > 200) return null;
  const out: CategoryRule[] = [];
  for (const t of x) {
    if (!Array.isArray(t) || t.length < 3 || !t.every((f) => typeof f === 'string' && f.length <= 500)) return null;
    const [cat, name, kind, lane, group, process, thread] = t as string[];
    if (!RULE_KINDS.includes(kind as LaneKind)) return null;
    const rule: CategoryRule = { kind: kind as LaneKind };
    if (cat) rule.cat = cat;
    if (name) rule.name = name;
    if (lane) rule.lane = lane;
    if (group) rule.group = group;
    if (process) rule.process = process;
    if (thread) rule.thread = thread;
    out.push(rule);
  }
  return out;
}
