import { describe, expect, it } from 'vitest';
import { compileRules, DEFAULT_RULES, fillTemplate, matchRule, regexError, rulesFromTuples, rulesToTuples, sameRules, type CategoryRule } from '../../../workers/lanes/categoryRules';
import { loadTrace } from '../../../workers/ingest/loadTrace';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import type { LaneInfo } from '../../../src/model/types';
import { openAsBlob } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, loadCorpus } from '../../support/corpus';

interface Ev {
  cat: string;
  name: string;
  pid: number | string;
  tid: number | string;
}

/** A Chrome trace of back-to-back 10 µs slices, one per entry. */
function chromeTrace(events: Ev[], meta: object[] = []): string {
  const traceEvents = events.map((e, i) => ({ ph: 'X', ts: 1000 + i * 20, dur: 10, ...e }));
  return JSON.stringify({ traceEvents: [...meta, ...traceEvents] });
}

async function load(text: string, laneRules?: CategoryRule[]): Promise<TraceIndex> {
  return loadTrace({ kind: 'file', file: new Blob([text]), name: 'export.json' }, { trace: 'export', laneRules });
}

function lanes(index: TraceIndex): LaneInfo[] {
  return [...index.result.lanes].sort((a, b) => a.id.localeCompare(b.id));
}

/** What the test expects each lane to be shown as, by the (only) category in it. */
function laneOfCat(index: TraceIndex, cat: string): LaneInfo {
  const found = index.result.lanes.filter((l) => {
    const lane = index.lanes.get(l.id)!;
    return lane && lane.cat.length > 0 && [...lane.cat].every((c) => index.raw.strings.get(c) === cat);
  });
  expect(found, cat).toHaveLength(1);
  return found[0];
}

describe('rule matching', () => {
  it('matches case-insensitively, first rule wins, any field may be absent', () => {
    const c = compileRules([
      { cat: '^sched$', name: 'switch', kind: 'syscall' },
      { cat: '^SCHED', kind: 'cpu' },
      { name: '^cuda', kind: 'cuda_api' },
    ]);
    expect(matchRule(c, 'sched', 'sched_switch')).toBe(0);
    expect(matchRule(c, 'Sched', 'wakeup')).toBe(1);
    expect(matchRule(c, 'whatever', 'cudaLaunchKernel')).toBe(2);
    expect(matchRule(c, 'whatever', 'open')).toBe(-1);
    expect(c.byName).toBe(true);
  });

  it('skips a rule with a bad regex or a kind rules may not set, keeps the others', () => {
    expect(regexError('(')).toMatch(/./);
    expect(regexError('a|b')).toBeNull();
    const c = compileRules([{ cat: '(', kind: 'cpu' }, { cat: 'x', kind: 'counter' }, { cat: 'x', kind: 'gpu' }]);
    expect(c.rules.map((r) => r.rule.kind)).toEqual(['gpu']);
    expect(c.byName).toBe(false);
  });

  it('fills lane-name templates', () => {
    const f = { cat: 'KVCache', name: 'alloc', pid: '7', tid: '9', thread: 'worker', kind: 'cpu' };
    expect(fillTemplate('{cat}', f)).toBe('KVCache');
    expect(fillTemplate('{thread} · {name} ({pid}/{tid}) {kind} {other}', f)).toBe('worker · alloc (7/9) cpu {other}');
  });

  it('compares tables by content', () => {
    expect(sameRules(DEFAULT_RULES, DEFAULT_RULES.map((r) => ({ ...r })))).toBe(true);
    expect(sameRules(DEFAULT_RULES, [...DEFAULT_RULES.slice(1), DEFAULT_RULES[0]])).toBe(false);
  });
});

describe('default rules on other tools’ Chrome-trace exports', () => {
  it('eBPF-style categories land in syscall, cpu, python and CUDA API lanes', async () => {
    const expected: Record<string, string> = {
      syscall: 'syscall',
      syscalls: 'syscall',
      raw_syscalls: 'syscall',
      sched: 'cpu',
      sched_switch: 'cpu',
      python: 'python',
      cuda: 'cuda_api',
      cupti: 'cuda_api',
    };
    // One thread per category, so each lane holds one category.
    const events = Object.keys(expected).flatMap((cat, t) => [
      { cat, name: `${cat} a`, pid: 42, tid: 100 + t },
      { cat, name: `${cat} b`, pid: 42, tid: 100 + t },
    ]);
    const index = await load(chromeTrace(events));
    for (const [cat, kind] of Object.entries(expected)) {
      const lane = laneOfCat(index, cat);
      expect(lane.kind, cat).toBe(kind);
      expect(lane.events).toBe(2);
    }
    expect(laneOfCat(index, 'sched').name).toBe('thread 103 · sched');
  });

  it('msServiceProfiler: category Execute everywhere, the domain is the tid; lanes named after it', async () => {
    const domains = ['ReqState', 'BatchSchedule', 'modelExec', 'deviceKvCache'];
    const meta = [{ ph: 'M', name: 'process_name', pid: 1, args: { name: 'MindIE Server' } }];
    const events = domains.flatMap((tid) => [
      { cat: 'Execute', name: `${tid}.begin`, pid: 1, tid },
      { cat: 'Execute', name: `${tid}.step`, pid: 1, tid },
      { cat: 'Execute', name: `${tid}.end`, pid: 1, tid },
    ]);
    const index = await load(chromeTrace(events, meta));
    for (const d of domains) {
      const lane = index.result.lanes.find((l) => l.tid === d)!;
      expect(lane.kind).toBe('cpu');
      expect(lane.name).toBe(d);
      expect(lane.events).toBe(3);
    }
    expect(index.result.groups.map((g) => g.name)).toEqual(['MindIE Server (pid 1)']);
  });

  it('leaves a Kineto trace exactly as without rules', async () => {
    const withDefaults = await loadCorpus('train_step.json.gz');
    const file = await openAsBlob(join(CORPUS, 'train_step.json.gz'));
    const bare = await loadTrace({ kind: 'file', file, name: 'train_step.json.gz' }, { trace: 'train_step', laneRules: [] });
    const strip = (ls: LaneInfo[]) => ls.map((l) => [l.id, l.kind, l.name, l.group, l.events, l.sortIndex]);
    expect(strip(lanes(withDefaults))).toEqual(strip(lanes(bare)));
    expect(withDefaults.result.groups).toEqual(bare.result.groups);
  });
});

describe('lane identity does not depend on the rules', () => {
  const events: Ev[] = [
    { cat: 'sched', name: 'sched_switch', pid: 5, tid: 1 },
    { cat: 'sched', name: 'sched_wakeup', pid: 5, tid: 1 },
    { cat: 'syscall', name: 'read', pid: 5, tid: 1 },
    { cat: 'mystery', name: 'compute', pid: 5, tid: 2 },
    { cat: 'mystery', name: 'compute', pid: 5, tid: 2 },
    { cat: 'mystery', name: 'other', pid: 5, tid: 2 },
    { cat: 'mystery', name: 'compute', pid: 5, tid: 3 },
    { cat: 'mystery', name: 'other', pid: 5, tid: 3 },
    { cat: 'mystery', name: 'another', pid: 5, tid: 3 },
  ];
  const edited: CategoryRule[] = [
    { cat: '^sched', kind: 'syscall', lane: 'scheduler of {thread}', group: 'host {pid}' },
    { name: '^compute$', kind: 'gpu' },
  ];

  it('keeps ids, members and groups; changes kinds, names and group labels', async () => {
    const a = await load(chromeTrace(events));
    const b = await load(chromeTrace(events), edited);
    expect(lanes(b).map((l) => l.id)).toEqual(lanes(a).map((l) => l.id));
    expect(lanes(b).map((l) => l.events)).toEqual(lanes(a).map((l) => l.events));
    expect(b.result.groups.map((g) => g.id)).toEqual(a.result.groups.map((g) => g.id));
    expect(b.result.groups[0].name).toBe('host 5');

    // Thread 1: base kinds cpu (sched) and syscall (read): two lanes either way.
    const sched = laneOfCat(b, 'sched');
    expect(sched.id).toBe(laneOfCat(a, 'sched').id);
    expect([laneOfCat(a, 'sched').kind, sched.kind]).toEqual(['cpu', 'syscall']);
    expect(sched.name).toBe('scheduler of thread 1');
    // Threads 2 and 3: one cpu lane each; the lane shows the kind most of its events get.
    const kindsOf = (ix: TraceIndex) => ['2', '3'].map((tid) => ix.result.lanes.filter((l) => l.tid === tid).map((l) => [l.id, l.kind]));
    expect(kindsOf(a)).toEqual([[['export|5|2|cpu', 'cpu']], [['export|5|3|cpu', 'cpu']]]);
    expect(kindsOf(b)).toEqual([[['export|5|2|cpu', 'gpu']], [['export|5|3|cpu', 'cpu']]]);
    // Lookups by stable key still work after the edit.
    const hit = b.find({ name: 'read', limit: 1 });
    expect(hit).toHaveLength(1);
    expect(b.resolveKey(hit[0].key)).toEqual({ laneId: hit[0].laneId, eventIdx: hit[0].eventIdx });
    expect(a.resolveKey(hit[0].key)).toEqual({ laneId: hit[0].laneId, eventIdx: hit[0].eventIdx });
  });
});

describe('rules on process and thread names', () => {
  it('a rule with a thread or process regex applies to the lanes of matching threads only', async () => {
    const meta = [
      { ph: 'M', name: 'process_name', pid: 8, args: { name: 'serving' } },
      { ph: 'M', name: 'process_labels', pid: 9, args: { labels: 'batch' } },
      { ph: 'M', name: 'thread_name', pid: 8, tid: 1, args: { name: 'scheduler' } },
      { ph: 'M', name: 'thread_name', pid: 8, tid: 2, args: { name: 'worker' } },
    ];
    const events: Ev[] = [
      { cat: 'mystery', name: 'tick', pid: 8, tid: 1 },
      { cat: 'mystery', name: 'tick', pid: 8, tid: 2 },
      { cat: 'mystery', name: 'tick', pid: 9, tid: 3 },
    ];
    const rules: CategoryRule[] = [
      { thread: '^sched', kind: 'syscall', lane: '{thread} rule' },
      { process: '^batch$', kind: 'python', lane: 'batch {tid}' },
    ];
    const index = await load(chromeTrace(events, meta), rules);
    const shown = lanes(index).map((l) => [l.id, l.kind, l.name]);
    expect(shown).toEqual([
      ['export|8|1|cpu', 'syscall', 'scheduler rule'],
      ['export|8|2|cpu', 'cpu', 'worker · CPU'],
      ['export|9|3|cpu', 'python', 'batch 3'],
    ]);
  });

  it('tuples gain process and thread at the end: old tuples still read, new ones round-trip', () => {
    expect(rulesFromTuples([['^a$', '', 'cpu'], ['^b$', 'x', 'gpu', '{cat}'], ['', '', 'cpu', '', 'g {pid}']])).toEqual([
      { cat: '^a$', kind: 'cpu' },
      { cat: '^b$', name: 'x', kind: 'gpu', lane: '{cat}' },
      { kind: 'cpu', group: 'g {pid}' },
    ]);
    // Rules without the new fields write the same tuples as before them.
    expect(rulesToTuples([{ cat: '^a$', kind: 'cpu' }, { cat: '^b$', kind: 'gpu', lane: '{cat}' }])).toEqual([
      ['^a$', '', 'cpu'],
      ['^b$', '', 'gpu', '{cat}'],
    ]);
    const withWhere: CategoryRule[] = [{ kind: 'cpu', thread: '^ReqState$' }, { cat: 'Execute', kind: 'cpu', lane: '{thread}', process: 'MindIE' }];
    expect(rulesToTuples(withWhere)).toEqual([
      ['', '', 'cpu', '', '', '', '^ReqState$'],
      ['Execute', '', 'cpu', '{thread}', '', 'MindIE'],
    ]);
    expect(rulesFromTuples(rulesToTuples(withWhere))).toEqual(withWhere);
  });
});
