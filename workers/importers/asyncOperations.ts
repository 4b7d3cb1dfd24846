// Async operations from the async events of a Chrome JSON trace, once every event is known.
//
// Trace Event Format ("Async Events"), with the rules the catapult trace viewer applies:
// - events of one operation share a match key (ingest/asyncEvents.ts asyncMatchKey: category,
//   scope, id, the pid where the id is process-local; legacy events also the name) and are taken in time order (equal times: file order), whatever
//   order the file lists them in;
// - nestable async: `b` opens a slice, `e` closes the innermost open slice OF ITS NAME (the open
//   slices above it end with it, unclosed), `n` is an instant; slices open when another `b` of the
//   key begins are its children ("nested by time");
// - legacy async: `S` starts the operation, `F` finishes it, each `T` (step into) starts a step
//   that runs to the next event of the operation, each `p` (step past) ends a step that began
//   at the previous one; steps are sub-slices named "<name>:<args.step>".
// An operation and everything nested in it go to the async lane of its root (the outermost
// begin): process, category and name of the root (workers/lanes/asyncLanes.ts), so a request's
// phases stay under the request.

import { RawFlag, RawKind, type RawTrace } from '../ingest/rawTrace';
import { timeOrderedGroups } from '../ingest/timeOrderedGroups';

const B = 'b'.charCodeAt(0);
const E = 'e'.charCodeAt(0);
const N = 'n'.charCodeAt(0);
const S = 'S'.charCodeAt(0);
const T = 'T'.charCodeAt(0);
const P = 'p'.charCodeAt(0);
const F = 'F'.charCodeAt(0);

/** What matching left unmatched (each also reported as a warning, except `unclosed`, which the importer reports). */
export interface AsyncMatchCounts {
  operations: number;
  unclosed: number;
  unmatchedEnds: number;
  unmatchedSteps: number;
}

/**
 * Turns raw.asyncEvents into slices and instants appended to the raw columns (flag Async), each
 * with its root's name in raw.asyncTrack. `traceEnd`: where operations never ended stop.
 */
export function matchAsyncOperations(raw: RawTrace, traceEnd: number): AsyncMatchCounts {
  const ev = raw.asyncEvents;
  const n = ev.length;
  const counts: AsyncMatchCounts = { operations: 0, unclosed: 0, unmatchedEnds: 0, unmatchedSteps: 0 };
  raw.asyncFirst = raw.spilled + raw.count;
  if (n === 0) return counts;
  const [key, phase, ts, pid, tid, cat, name, argsOff, argsLen] = [ev.key.data, ev.phase.data, ev.ts.data, ev.pid.data, ev.tid.data, ev.cat.data, ev.name.data, ev.argsOff.data, ev.argsLen.data];
  const emptyName = raw.strings.intern('');

  const keys = ev.keys.values.length;
  const { at, order } = timeOrderedGroups(key, ts, n, keys);

  const emit = (kind: RawKind, flags: number, start: number, end: number, root: number, i: number, nameId: number, args: number): void => {
    raw.addEventIds(kind, RawFlag.Async | flags, start, Math.max(0, end - start), pid[root], tid[i], cat[i], nameId, argsOff[args], argsLen[args]);
    raw.asyncTrack.push(name[root]);
  };
  // A slice shows its begin's args, else its end's (Chrome often puts the results on the end).
  const argsOf = (begin: number, end: number): number => (argsLen[begin] === 0 && end >= 0 && argsLen[end] > 0 ? end : begin);
  const warnEnd = (i: number, what: string) => {
    counts.unmatchedEnds++;
    raw.warn({ code: 'unmatched-end', message: `${what} #${ev.index.data[i]} at byte ${ev.abs.data[i]} has no matching begin; ignored.`, byteOffset: ev.abs.data[i], eventIndex: ev.index.data[i] });
  };

  // Nestable: the open slices of the key, outermost first; roots[j] = the root of stack[j]; how
  // many of each name are open (an end whose name is not open fails at once instead of walking
  // the stack: n ends of no open name would cost n × depth).
  const stack: number[] = [];
  const roots: number[] = [];
  const openNames = new Map<number, number>();
  const pop = (to: number) => {
    for (let j = to; j < stack.length; j++) openNames.set(name[stack[j]], openNames.get(name[stack[j]])! - 1);
    stack.length = roots.length = to;
  };
  const nestable = (events: Int32Array) => {
    for (const i of events) {
      const ph = phase[i];
      if (ph === B) {
        roots.push(stack.length ? roots[0] : i);
        stack.push(i);
        openNames.set(name[i], (openNames.get(name[i]) ?? 0) + 1);
      } else if (ph === N) {
        emit(RawKind.Instant, 0, ts[i], ts[i], stack.length ? roots[0] : i, i, name[i], i);
      } else if (ph === E) {
        let k = stack.length - 1;
        if (name[i] !== emptyName) {
          if (!openNames.get(name[i])) k = -1;
          // Amortised: the slices walked past are closed with it.
          else while (name[stack[k]] !== name[i]) k--;
        }
        if (k < 0) {
          warnEnd(i, 'Async end event');
          continue;
        }
        for (let j = stack.length - 1; j > k; j--) {
          counts.unclosed++;
          emit(RawKind.Slice, RawFlag.Unclosed, ts[stack[j]], ts[i], roots[j], stack[j], name[stack[j]], stack[j]);
        }
        counts.operations++;
        emit(RawKind.Slice, 0, ts[stack[k]], ts[i], roots[k], stack[k], name[stack[k]], argsOf(stack[k], i));
        pop(k);
      }
    }
    for (let j = stack.length - 1; j >= 0; j--) {
      counts.unclosed++;
      emit(RawKind.Slice, RawFlag.Unclosed, ts[stack[j]], traceEnd, roots[j], stack[j], name[stack[j]], stack[j]);
    }
    pop(0);
  };

  // Legacy: one operation of the key at a time, its steps in time order.
  const steps: number[] = [];
  const finishLegacy = (begin: number, end: number, endTs: number) => {
    const flags = end < 0 ? RawFlag.Unclosed : 0;
    if (end < 0) counts.unclosed++;
    else counts.operations++;
    emit(RawKind.Slice, flags, ts[begin], endTs, begin, begin, name[begin], argsOf(begin, end));
    for (let j = 0; j < steps.length; j++) {
      const i = steps[j];
      const stepName = raw.strings.intern(stepLabel(raw, name[begin], argsOff[i], argsLen[i]));
      if (phase[i] === T) emit(RawKind.Slice, flags, ts[i], j + 1 < steps.length ? ts[steps[j + 1]] : endTs, begin, i, stepName, i);
      else emit(RawKind.Slice, 0, j > 0 ? ts[steps[j - 1]] : ts[begin], ts[i], begin, i, stepName, i);
    }
    steps.length = 0;
  };
  const legacy = (events: Int32Array) => {
    let begin = -1;
    for (const i of events) {
      const ph = phase[i];
      if (ph === S) {
        // A second S while the id is open: the first one stays (catapult does the same).
        if (begin >= 0) warnEnd(i, 'Async start event (its id is already open)');
        else begin = i;
      } else if (ph === T || ph === P) {
        if (begin >= 0) steps.push(i);
        else {
          counts.unmatchedSteps++;
          raw.warn({ code: 'unmatched-step', message: `Async step event #${ev.index.data[i]} at byte ${ev.abs.data[i]} belongs to no open operation; ignored.`, byteOffset: ev.abs.data[i], eventIndex: ev.index.data[i] });
        }
      } else if (ph === F) {
        if (begin < 0) warnEnd(i, 'Async finish event');
        else {
          finishLegacy(begin, i, ts[i]);
          begin = -1;
        }
      }
    }
    if (begin >= 0) finishLegacy(begin, -1, traceEnd);
  };

  for (let k = 0; k < keys; k++) {
    const events = order.subarray(at[k], at[k + 1]);
    const ph = phase[events[0]];
    if (ph === S || ph === T || ph === P || ph === F) legacy(events);
    else nestable(events);
  }
  ev.release();
  return counts;
}

/** "<name>:<step>" from a step event's args.step (Chrome's step names), else the operation's name. */
function stepLabel(raw: RawTrace, name: number, argsOff: number, argsLen: number): string {
  const op = raw.strings.get(name);
  const text = raw.argsText(argsOff, argsLen);
  if (!text) return op;
  try {
    const step = (JSON.parse(text) as { step?: unknown }).step;
    return typeof step === 'string' || typeof step === 'number' ? `${op}:${step}` : op;
  } catch {
    return op;
  }
}
