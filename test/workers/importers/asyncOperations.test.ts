// Async events (issue 20) through the real ingest, on real files of ../shared/external. The
// expectations come from the file itself (JSON.parse here: begins, steps and ends counted per
// id) or by hand, with the Trace Event Format's rules ("Async Events"):
// - legacy async: S starts an operation, F finishes it; events with the same category, name
//   and id are one operation; T (step into) starts a step that lasts until the next event of the
//   operation; `id` is global (Chrome mangles it with the pid), so an operation may end in
//   another process;
// - nestable async: events with the same category and id (+ scope) in one process form one tree
//   (id2.global: across processes, as the issue asks); an `e` ends the innermost open `b` of its
//   name; `n` is an instant of the tree;
// - a file lists events in any order: an operation's events are taken in time order.

import { openAsBlob } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTERNAL, externalText, loadText } from '../../support/corpus';
import { loadTrace } from '../../../workers/ingest/loadTrace';
import type { TraceIndex } from '../../../workers/index/traceIndex';
import type { LaneIndex } from '../../../workers/index/laneIndex';
import { MAX_ASYNC_LANES } from '../../../workers/lanes/asyncLanes';

interface Ev {
  ph: string;
  cat?: string;
  name?: string;
  id?: string | number;
  pid?: number | string;
  tid?: number | string;
  ts: number;
  args?: Record<string, unknown>;
}

async function open(path: string): Promise<TraceIndex> {
  const file = await openAsBlob(join(EXTERNAL, path));
  return loadTrace({ kind: 'file', file, name: path }, { trace: 't' });
}

function eventsOf(path: string): Ev[] {
  const d = JSON.parse(externalText(path)) as Ev[] | { traceEvents: Ev[] };
  return Array.isArray(d) ? d : d.traceEvents;
}

/** Per legacy operation key (cat, name, id): how many S, T and F the file holds, and the pid of its first S. */
function legacyCounts(events: Ev[]): Map<string, { S: number; T: number; F: number; pid: string; name: string; cat: string }> {
  const out = new Map<string, { S: number; T: number; F: number; pid: string; name: string; cat: string }>();
  for (const e of events) {
    if (e.ph !== 'S' && e.ph !== 'T' && e.ph !== 'F') continue;
    const key = `${e.cat}|${e.name}|${e.id}`;
    const c = out.get(key) ?? { S: 0, T: 0, F: 0, pid: '', name: e.name ?? '', cat: e.cat ?? '' };
    c[e.ph]++;
    if (e.ph === 'S' && !c.pid) c.pid = String(e.pid);
    out.set(key, c);
  }
  return out;
}

function asyncLanes(index: TraceIndex): LaneIndex[] {
  return [...index.lanes.values()].filter((l) => l.info.async);
}

function slicesOf(index: TraceIndex, lane: LaneIndex): { name: string; start: number; dur: number; row: number; instant: boolean }[] {
  return Array.from({ length: lane.start.length }, (_, k) => ({ name: index.nameOf(lane, k), start: lane.start[k], dur: lane.dur[k], row: lane.row[k], instant: lane.instant[k] === 1 }));
}

/** A warning's count: 1, or 1 + the "(and N more like it)" of its message; 0 when absent. */
function warningCount(index: TraceIndex, code: string): number {
  const w = index.result.warnings.find((x) => x.code === code);
  if (!w) return 0;
  const more = /\(and (\d+) more like it\)/.exec(w.message);
  return 1 + (more ? Number(more[1]) : 0);
}

describe('legacy async S/T/F (catapult async_begin_end)', () => {
  const path = 'chrome-trace/catapult__async_begin_end.json.gz';

  it('matches every operation by category + name + id in time order, across processes, with its T steps as sub-slices', async () => {
    const events = eventsOf(path);
    const index = await open(path);
    const counts = legacyCounts(events);
    // One operation per S (a key's S and F alternate in time in this file); an F beyond the S count ends nothing.
    let finished = 0;
    let unfinished = 0;
    let strayEnds = 0;
    let steps = 0;
    for (const c of counts.values()) {
      finished += Math.min(c.S, c.F);
      unfinished += Math.max(0, c.S - c.F);
      strayEnds += Math.max(0, c.F - c.S);
      if (c.S > 0) steps += c.T;
    }
    expect(strayEnds).toBe(1); // "D" id bf1: an F without S
    expect(warningCount(index, 'unmatched-end')).toBe(strayEnds);
    // Unfinished operations: the S without F, and the one nestable b (id ub) without e; every B has its E.
    const openB = events.filter((e) => e.ph === 'b').length - events.filter((e) => e.ph === 'e').length;
    expect(index.result.warnings.find((w) => w.code === 'unclosed-begin')!.message).toMatch(new RegExp(`^${unfinished + openB} begin`));
    expect(index.result.warnings.some((w) => w.code === 'unknown-phase' || w.code === 'unmatched-step')).toBe(false);

    // Lanes: process of the S + category + name (plus the nestable "b", its own root).
    const lanes = asyncLanes(index);
    const expectedLanes = new Set([...counts.values()].filter((c) => c.S > 0).map((c) => `${c.pid}|${c.cat}|${c.name}`));
    expectedLanes.add('1|r|b');
    expect(new Set(lanes.map((l) => `${l.info.pid}|${l.info.tid.replace(/^async /, '').replace(' ', '|')}`))).toEqual(expectedLanes);

    const all = lanes.flatMap((l) => slicesOf(index, l));
    const ops = all.filter((s) => !s.name.includes(':'));
    const stepSlices = all.filter((s) => s.name.includes(':'));
    expect(ops.length).toBe(finished + unfinished + 1); // + the b
    expect(stepSlices.length).toBe(steps);
    // By hand from the file: B id 2 runs 200 → 400 µs with step X at 240 (so B:X is 240 → 400);
    // E id 1 starts on pid 2 at 500 and finishes on pid 3 at 700; A id 2a steps X at 450, Y at 475, ends at 750.
    const t0 = Math.min(...events.map((e) => e.ts)) * 1000;
    const at = (name: string, startUs: number) => all.find((s) => s.name === name && s.start + t0 === startUs * 1000);
    expect(at('B', 200)?.dur).toBe(200_000);
    expect(at('B:X', 240)?.dur).toBe(160_000);
    expect(at('E', 500)?.dur).toBe(200_000);
    expect(at('A:X', 450)?.dur).toBe(25_000);
    expect(at('A:Y', 475)?.dur).toBe(275_000);
    // pid 4 lists F before its T at the same ts: in time order they are three operations 0–100, 100–200, 200–300 µs, one step each.
    const f = lanes.find((l) => l.info.pid === '4')!;
    expect(slicesOf(index, f).filter((s) => s.name === 'F').map((s) => [(s.start + t0) / 1000, s.dur / 1000])).toEqual([
      [0, 100],
      [100, 100],
      [200, 100],
    ]);
    expect(slicesOf(index, f).filter((s) => s.name.startsWith('F:')).map((s) => s.name)).toEqual(['F:G', 'F:H', 'F:I']);
    // Steps sit below their operation (rows from the lane's one row assignment).
    for (const l of lanes) {
      for (const s of slicesOf(index, l).filter((x) => x.name.includes(':'))) {
        const op = slicesOf(index, l).find((o) => !o.name.includes(':') && o.start <= s.start && o.start + o.dur >= s.start + s.dur);
        expect(op, s.name).toBeDefined();
        expect(s.row).toBeGreaterThan(op!.row);
      }
    }
  });

  it('reads the 902 T steps of a Chrome input-latency trace as sub-slices (catapult multiple_input_latency)', async () => {
    const p = 'chrome-trace/catapult__multiple_input_latency.json.gz';
    const counts = legacyCounts(eventsOf(p));
    const index = await open(p);
    let steps = 0;
    let ops = 0;
    let strayEnds = 0;
    for (const c of counts.values()) {
      if (c.S > 0) steps += c.T;
      ops += c.S;
      strayEnds += Math.max(0, c.F - c.S);
    }
    expect(steps).toBe(902);
    const all = asyncLanes(index).flatMap((l) => slicesOf(index, l));
    const opNames = new Set([...counts.values()].map((c) => c.name));
    expect(all.filter((s) => !opNames.has(s.name)).length).toBe(steps);
    expect(all.length).toBe(ops + steps);
    expect(warningCount(index, 'unmatched-end')).toBe(strayEnds);
    expect(index.result.warnings.some((w) => w.code === 'unknown-phase' || w.code === 'unmatched-step')).toBe(false);
    // One lane per category + name of the S events.
    expect(asyncLanes(index).map((l) => l.info.name).sort()).toEqual([...new Set([...counts.values()].map((c) => c.name))].sort());
  });
});

describe('nestable async b/e/n (catapult nestable_async)', () => {
  const path = 'chrome-trace/catapult__nestable_async.json.gz';

  it('nests by time under the root of each id, matches e to the open b of its name, and keeps each tree on its root’s lane', async () => {
    const events = eventsOf(path);
    const index = await open(path);
    // Per id and name: b and e counts from the file.
    const per = new Map<string, { b: number; e: number }>();
    for (const e of events) {
      if (e.ph !== 'b' && e.ph !== 'e') continue;
      const k = `${e.id}|${e.name}`;
      const c = per.get(k) ?? { b: 0, e: 0 };
      c[e.ph]++;
      per.set(k, c);
    }
    const unmatchedBegins = [...per.values()].reduce((n, c) => n + Math.max(0, c.b - c.e), 0);
    const unmatchedEnds = [...per.values()].reduce((n, c) => n + Math.max(0, c.e - c.b), 0);
    expect([unmatchedBegins, unmatchedEnds]).toEqual([1, 1]); // the file's *_UNMATCHED_BEGIN / *_UNMATCHED_END
    expect(warningCount(index, 'unmatched-end')).toBe(unmatchedEnds);
    expect(warningCount(index, 'unclosed-begin')).toBe(1);

    // Roots: the b of each id with nothing open around it (REQUEST_BAR, REQUEST_FOO): one lane each.
    const lanes = asyncLanes(index);
    expect(lanes.map((l) => l.info.name).sort()).toEqual(['REQUEST_BAR', 'REQUEST_FOO']);
    const bar = lanes.find((l) => l.info.name === 'REQUEST_BAR')!;
    const foo = lanes.find((l) => l.info.name === 'REQUEST_FOO')!;
    const count = (id: string, ph: string) => events.filter((e) => e.id === id && e.ph === ph).length;
    // Every b becomes a slice, every n an instant.
    expect(bar.start.length).toBe(count('0x313', 'b') + count('0x313', 'n'));
    expect(foo.start.length).toBe(count('0x314', 'b') + count('0x314', 'n'));
    const t0 = Math.min(...events.map((e) => e.ts)) * 1000;
    const barSlices = slicesOf(index, bar);
    const byName = (n: string) => barSlices.find((s) => s.name === n)!;
    // By hand: REQUEST_BAR 10 → 100 µs; START_JOB 40 → 70 holds INNER 50 → 60 holds the instant at 55.
    expect([byName('REQUEST_BAR').start + t0, byName('REQUEST_BAR').dur]).toEqual([10_000, 90_000]);
    expect(byName('URL_REQUEST_START_JOB').row).toBeGreaterThan(byName('REQUEST_BAR').row);
    expect(byName('URL_REQUEST_INNER').row).toBeGreaterThan(byName('URL_REQUEST_START_JOB').row);
    expect(byName('URL_REQUEST_INSTANT').instant).toBe(true);
    expect(byName('URL_REQUEST_INSTANT').row).toBeGreaterThan(byName('URL_REQUEST_INNER').row);
    // The unmatched begin ends with its parent (the e of REQUEST_BAR at 100 µs closes it too).
    const dangling = byName('URL_REQUEST_DELEGATE_UNMATCHED_BEGIN');
    expect(dangling.start + t0 + dangling.dur).toBe(100_000);
    // REQUEST_FOO is not closed by the e of another name at 130 µs: it ends at its own e, 200 µs.
    const reqFoo = slicesOf(index, foo).find((s) => s.name === 'REQUEST_FOO')!;
    expect([reqFoo.start + t0, reqFoo.dur]).toEqual([110_000, 90_000]);
  });

  it('matches id2.local per process and puts a request’s phases on its lane (Chrome 116 DevTools export)', async () => {
    const p = 'chrome-trace/speedscope__Chrome116__Trace-20230603T221323.json.gz';
    const events = eventsOf(p) as (Ev & { id2?: { local?: string; global?: string } })[];
    const index = await open(p);
    const nestable = events.filter((e) => e.ph === 'b' || e.ph === 'e');
    // Per process, category, id2 and name: every b has its e in this file.
    const per = new Map<string, number>();
    for (const e of nestable) {
      const k = `${e.pid}|${e.cat}|${JSON.stringify(e.id2 ?? e.id)}|${e.name}`;
      per.set(k, (per.get(k) ?? 0) + (e.ph === 'b' ? 1 : -1));
    }
    expect([...per.values()].every((v) => v === 0)).toBe(true);
    expect(index.result.warnings.filter((w) => w.code === 'unmatched-end' || w.code === 'unclosed-begin')).toEqual([]);
    const all = asyncLanes(index).flatMap((l) => slicesOf(index, l));
    expect(all.length).toBe(nestable.filter((e) => e.ph === 'b').length);
  });
});

describe('async ids and processes (by hand)', () => {
  it('matches a nestable id within its process, id2.global across processes, a legacy id across processes', async () => {
    const traceEvents = [
      // Nestable "id": 1 in two processes: two operations, one per process.
      { ph: 'b', cat: 'req', name: 'r', id: 1, pid: 1, tid: 1, ts: 0 },
      { ph: 'b', cat: 'req', name: 'r', id: 1, pid: 2, tid: 1, ts: 1 },
      { ph: 'e', cat: 'req', name: 'r', id: 1, pid: 2, tid: 1, ts: 3 },
      { ph: 'e', cat: 'req', name: 'r', id: 1, pid: 1, tid: 1, ts: 7 },
      // id2.global: begins in process 1, ends in process 2: one operation on process 1.
      { ph: 'b', cat: 'ipc', name: 'g', id2: { global: '0x9' }, pid: 1, tid: 1, ts: 10 },
      { ph: 'e', cat: 'ipc', name: 'g', id2: { global: '0x9' }, pid: 2, tid: 1, ts: 15 },
      // Legacy S in process 1, F in process 3.
      { ph: 'S', cat: 'nav', name: 'n', id: 5, pid: 1, tid: 1, ts: 20 },
      { ph: 'F', cat: 'nav', name: 'n', id: 5, pid: 3, tid: 1, ts: 29 },
    ];
    const index = await loadText(JSON.stringify({ traceEvents }));
    expect(index.result.warnings).toEqual([]);
    const ops = index.result.lanes.filter((l) => l.async).map((l) => `${l.pid} ${l.name} ${l.events}`).sort();
    expect(ops).toEqual(['1 g 1', '1 n 1', '1 r 1', '2 r 1']);
    const dur = (name: string) => index.find({ name }).map((h) => h.durNs).sort((a, b) => a - b);
    expect(dur('r')).toEqual([2000, 7000]);
    expect(dur('g')).toEqual([5000]);
    expect(dur('n')).toEqual([9000]);
  });
});

describe('legacy steps (by hand)', () => {
  it('turns T (step into: from it to the next event) and p (step past: from the previous event to it) into sub-slices', async () => {
    const ev = (ph: string, ts: number, step?: string) => ({ ph, cat: 'c', name: 'op', id: 1, pid: 1, tid: 1, ts, ...(step ? { args: { step } } : {}) });
    const index = await loadText(JSON.stringify({ traceEvents: [ev('S', 0), ev('p', 10, 'a'), ev('p', 30, 'b'), ev('F', 50), { ...ev('S', 100), id: 2 }, { ...ev('T', 120, 'x'), id: 2 }, { ...ev('F', 150), id: 2 }] }));
    const spans = (name: string) => index.find({ name }).map((h) => [h.startNs / 1000, h.durNs / 1000]);
    expect(spans('op')).toEqual([
      [0, 50],
      [100, 50],
    ]);
    expect(spans('op:a')).toEqual([[0, 10]]);
    expect(spans('op:b')).toEqual([[10, 20]]);
    expect(spans('op:x')).toEqual([[120, 30]]);
    expect(index.result.warnings).toEqual([]);
  });
});

describe('async lanes per process', () => {
  it(`gives the busiest ${MAX_ASYNC_LANES} names of a process their own lanes and the rest one shared lane with their count`, async () => {
    // By hand: 70 names in one process, name k with k + 1 operations; the 6 quietest (k = 0…5) share a lane.
    const traceEvents: object[] = [];
    for (let k = 0; k < 70; k++) {
      for (let j = 0; j <= k; j++) {
        traceEvents.push({ ph: 'b', cat: 'req', name: `op${k}`, id: `${k}.${j}`, pid: 1, tid: 1, ts: j * 10 });
        traceEvents.push({ ph: 'e', cat: 'req', name: `op${k}`, id: `${k}.${j}`, pid: 1, tid: 1, ts: j * 10 + 5 });
      }
    }
    const index = await loadText(JSON.stringify({ traceEvents }));
    const lanes = index.result.lanes.filter((l) => l.async);
    expect(lanes).toHaveLength(MAX_ASYNC_LANES + 1);
    const other = lanes.find((l) => l.name.startsWith('other async'))!;
    expect(other.name).toBe('other async (6 names)');
    expect(other.events).toBe(1 + 2 + 3 + 4 + 5 + 6);
    expect(lanes.find((l) => l.name === 'op69')?.events).toBe(70);
    expect(lanes.some((l) => l.name === 'op5')).toBe(false);
  });
});
