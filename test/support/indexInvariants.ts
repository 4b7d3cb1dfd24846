// Structural checks every TraceIndex must pass, whatever the input: used by the
// bad-input suite and the fuzzer. Returns a list of problems (empty = sound).

import type { TraceIndex } from '../../workers/index/traceIndex';

export function indexProblems(index: TraceIndex, max = 20): string[] {
  const problems: string[] = [];
  const add = (p: string) => {
    if (problems.length < max) problems.push(p);
  };
  let total = 0;
  for (const lane of index.lanes.values()) {
    const { start, dur, row, rows } = lane;
    const id = lane.info.id;
    total += start.length;
    for (let k = 0; k < start.length; k++) {
      if (!Number.isFinite(start[k]) || !Number.isFinite(dur[k]) || dur[k] < 0) add(`${id}: event ${k} has start ${start[k]} dur ${dur[k]}`);
      if (k > 0 && start[k] < start[k - 1]) add(`${id}: not sorted by start at ${k}`);
    }
    let members = 0;
    rows.forEach((list, r) => {
      members += list.length;
      for (let p = 0; p < list.length; p++) {
        const k = list[p];
        if (row[k] !== r) add(`${id}: event ${k} listed in row ${r} but has row ${row[k]}`);
        if (p === 0) continue;
        const prev = list[p - 1];
        if (start[k] < start[prev]) add(`${id}: row ${r} not sorted at ${p}`);
        if (start[k] < start[prev] + dur[prev]) add(`${id}: row ${r} overlaps at event ${k}`);
      }
    });
    if (members !== start.length) add(`${id}: rows hold ${members} of ${start.length} events`);
  }
  let counterSamples = 0;
  for (const c of index.counters.values()) {
    counterSamples += c.t.length;
    for (let i = 1; i < c.t.length; i++) if (!(c.t[i] >= c.t[i - 1])) add(`${c.info.id}: counter samples not sorted at ${i}`);
  }
  if (total + counterSamples !== index.result.events) add(`result.events ${index.result.events} ≠ ${total} slices + ${counterSamples} counter samples`);
  if (!Number.isFinite(index.result.minNs) || !Number.isFinite(index.result.maxNs)) add(`extent ${index.result.minNs}..${index.result.maxNs}`);
  return problems;
}
