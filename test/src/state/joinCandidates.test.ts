// The join offer's matching rule on the real Kineto trace plus strace logs built here:
// the Kineto host pid and absolute range are read independently from the raw JSON.

import { describe, expect, it } from 'vitest';
import { corpusText, loadCorpus } from '../../support/corpus';
import { loadTrace } from '../../../workers/ingest/loadTrace';
import { joinCandidates } from '../../../src/state/joinCandidates';
import type { TraceLoadResult } from '../../../src/model/types';

const KINETO = 'load_and_infer.json.gz';

interface RawEvent { ph: string; cat?: string; pid: number | string; ts: number; dur?: number }

/** The pid with cpu_op / python_function events and the absolute ns range of all its complete events. */
function kinetoFacts() {
  const json = JSON.parse(corpusText(KINETO)) as { baseTimeNanoseconds: number; traceEvents: RawEvent[] };
  const host = json.traceEvents.filter((e) => e.ph === 'X' && (e.cat === 'cpu_op' || e.cat === 'python_function'));
  const pids = new Set(host.map((e) => e.pid));
  expect(pids.size).toBe(1);
  const xs = json.traceEvents.filter((e) => e.ph === 'X');
  const base = BigInt(json.baseTimeNanoseconds);
  const startUs = xs.reduce((m, e) => Math.min(m, e.ts), Infinity);
  const endUs = xs.reduce((m, e) => Math.max(m, e.ts + (e.dur ?? 0)), -Infinity);
  // Seconds since the epoch (double precision is ample at the ms scale used below).
  const abs = (us: number) => Number(base / 1000n) / 1e6 + us / 1e6;
  return { pid: [...pids][0], startS: abs(startUs), endS: abs(endUs) };
}

async function straceLog(trace: string, pid: number | string, startS: number): Promise<TraceLoadResult> {
  const t = (k: number) => (startS + k * 0.001).toFixed(6);
  const text = [
    `${pid} ${t(0)} openat(AT_FDCWD, "/models/w.bin", O_RDONLY) = 3 <0.000020>`,
    `${pid} ${t(1)} read(3, "\\x00\\x01", 4096) = 4096 <0.000100>`,
    `${pid} ${t(2)} close(3) = 0 <0.000005>`,
    '',
  ].join('\n');
  const index = await loadTrace({ kind: 'file', file: new Blob([text]), name: `${trace}.txt` }, { trace });
  return index.result;
}

describe('join candidates', () => {
  it('offers an strace log with the Kineto host pid inside its time range, and nothing else', async () => {
    const facts = kinetoFacts();
    const kineto = (await loadCorpus(KINETO)).result;
    const inside = await straceLog('inside', facts.pid, facts.startS + (facts.endS - facts.startS) / 2);
    const otherPid = await straceLog('otherpid', Number(facts.pid) + 1, facts.startS + 1);
    const before = await straceLog('before', facts.pid, facts.startS - 3600);
    const found = joinCandidates([kineto, inside, otherPid, before]);
    expect(found.map((c) => [c.group.id, c.target.id])).toEqual([[`inside|${facts.pid}`, `${kineto.trace}|${facts.pid}`]]);
    expect(found[0].targetFileName).toBe(KINETO);
    // Kineto alone, or the strace alone: nothing to join.
    expect(joinCandidates([kineto])).toEqual([]);
    expect(joinCandidates([inside])).toEqual([]);
  }, 60_000);
});
