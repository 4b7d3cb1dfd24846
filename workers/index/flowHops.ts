// Which flow point each flow point is linked from: the arrows of every flow, from the flow
// columns alone (no lanes needed), so the load summary and the flow index agree.
//
// Trace Event Format, flow events: the points of one flow share a key (v1: category + id; v2:
// bind_id) and run s → t… → f in time order. Ids are reused once a flow has ended (Chrome's
// posted-task flows reuse an id as soon as the task ran), so per key, in time order (equal
// times: file order):
// - `s` starts a flow; `t` continues, `f` ends the OLDEST open flow of the key (tasks posted with
//   one id run first in, first out);
// - an `f` with no flow open joins the flow that ended last (fan-out: Kineto writes one f per
//   kernel of a cudaGraphLaunch, all with the launch's id);
// - a `t` with no flow open continues the key's last point (Chrome's LatencyInfo flows go on
//   after an f), or starts a flow when the key has none yet (not counted as a start).

import { timeOrderedGroups } from '../ingest/timeOrderedGroups';

const S = 's'.charCodeAt(0);
const T = 't'.charCodeAt(0);
const F = 'f'.charCodeAt(0);

const enum Began {
  Start,
  /** A t with nothing before it. */
  Step,
  /** A t after the key's flow ended: the same flow, going on (already counted). */
  Reopened,
}

export interface FlowHops {
  /** Per point: the point it is linked from, −1 for none (a start, or an end that no flow reached). */
  from: Int32Array;
  /** Flows with an end, flows started by an s without one, ends without a flow. */
  paired: number;
  unpairedStarts: number;
  unpairedEnds: number;
}

export function flowHops(key: Uint32Array, phase: Uint8Array, ts: Float64Array, n = key.length): FlowHops {
  const from = new Int32Array(n).fill(-1);
  let keyCount = 0;
  for (let i = 0; i < n; i++) if (key[i] + 1 > keyCount) keyCount = key[i] + 1;
  const { at, order } = timeOrderedGroups(key, ts, n, keyCount);

  let paired = 0;
  let unpairedStarts = 0;
  let unpairedEnds = 0;
  // The open flows of the key, oldest first, as their last point so far, and how they began.
  const open: number[] = [];
  const began: Began[] = [];
  for (let k = 0; k < keyCount; k++) {
    let head = 0;
    let lastEnded = -1;
    let lastPoint = -1;
    open.length = began.length = 0;
    // Index loops, not for…of over a subarray: this runs once per load, cold, where an iterator costs.
    for (let p = at[k], pEnd = at[k + 1]; p < pEnd; p++) {
      const i = order[p];
      const ph = phase[i];
      if (ph === S || (ph === T && head === open.length)) {
        if (ph === T && lastPoint >= 0) from[i] = lastPoint;
        open.push(i);
        began.push(ph === S ? Began.Start : lastPoint >= 0 ? Began.Reopened : Began.Step);
      } else if (ph === T) {
        from[i] = open[head];
        open[head] = i;
      } else if (ph === F) {
        if (head < open.length) {
          if (began[head] !== Began.Reopened) paired++;
          lastEnded = open[head++];
        }
        if (lastEnded >= 0) from[i] = lastEnded;
        else unpairedEnds++;
      }
      if (from[i] >= 0 || ph !== F) lastPoint = i;
    }
    for (let j = head; j < open.length; j++) if (began[j] === Began.Start) unpairedStarts++;
  }
  return { from, paired, unpairedStarts, unpairedEnds };
}
