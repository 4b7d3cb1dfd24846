// Which slices of a serving trace carry request ids, and what part of a request's life each
// one is: one row per recorder. requests.ts reads this table and nothing else about recorders.
//
// A slice belongs to a request when one of REQUEST_ID_ARGS holds the request's id, or a list
// of ids (a batch), where a list item may be an id or an object with one of those keys. The
// role of a slice comes from its name, or its thread name: msServiceProfiler writes the
// domain (ReqEnQueue, BatchSchedule, modelExec, …) as the tid and names some slices after it.

/** Args naming the request(s) a slice belongs to. */
export const REQUEST_ID_ARGS = ['rid', 'request_id', 'rids', 'request_ids'] as const;

export interface RequestRecorder {
  recorder: string;
  /** The request joins the waiting queue (queue wait starts at this slice's end). */
  enqueue: RegExp;
  /** The scheduler takes the request off the queue (queue wait ends at this slice's start). */
  dequeue: RegExp;
  /**
   * Batches, closest to the device first: a request's batches are those of the first pattern
   * that has any for it (modelExec runs the batch; BatchSchedule only decided it, so its
   * slices count only when the trace has no modelExec for the request, and never twice).
   */
  batches: RegExp[];
  /** Arg holding a batch's phase, and the values meaning prefill (first token) and decode. */
  batchType: string;
  prefill: RegExp;
  decode: RegExp;
}

export const REQUEST_RECORDERS: readonly RequestRecorder[] = [
  // msServiceProfiler (MindIE, vllm-ascend): ReqEnQueue / ReqDeQueue per request; BatchSchedule and
  // modelExec per batch, with `batchType` Prefill / Decode, `batchSize` and the batch's rid list.
  {
    recorder: 'msServiceProfiler',
    enqueue: /^ReqEnQueue$/,
    dequeue: /^ReqDeQueue$/,
    batches: [/^modelExec$/, /^BatchSchedule$/],
    batchType: 'batchType',
    prefill: /^prefill$/i,
    decode: /^decode$/i,
  },
];

export type RequestRole = { role: 'enqueue' | 'dequeue' } | { role: 'batch'; rank: number; recorder: RequestRecorder };

/** The role of a slice by its name or thread name, or null (any other slice of the request). */
export function requestRoleOf(name: string, thread: string): RequestRole | null {
  const is = (re: RegExp) => re.test(name) || re.test(thread);
  for (const r of REQUEST_RECORDERS) {
    if (is(r.enqueue)) return { role: 'enqueue' };
    if (is(r.dequeue)) return { role: 'dequeue' };
    const rank = r.batches.findIndex(is);
    if (rank >= 0) return { role: 'batch', rank, recorder: r };
  }
  return null;
}
