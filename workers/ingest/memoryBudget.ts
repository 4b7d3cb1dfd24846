// The memory budget of one trace (issue 9): out-of-memory inside a worker cannot
// be caught, so the ingest refuses BEFORE indexing beyond the budget. The estimate
// is projected from what has been read so far to the whole file.

/** Index cost of one event: raw columns, growth slack, lane columns, rows and sort order. */
export const BYTES_PER_EVENT = 120;
/** Share of the decoded text kept as bytes (args, names, metadata). Kineto keeps about half. */
export const KEPT_TEXT_SHARE = 0.5;

export interface BudgetProgress {
  /** Source bytes read (compressed for .gz), and the source size when known (else 0). */
  bytesRead: number;
  bytesTotal: number;
  /** Decoded bytes scanned so far, and events imported so far. */
  decodedBytes: number;
  events: number;
}

/** Estimated bytes the finished index will take, projected to the whole source. */
export function estimateIndexBytes(p: BudgetProgress): number {
  const soFar = p.events * BYTES_PER_EVENT + p.decodedBytes * KEPT_TEXT_SHARE;
  const scale = p.bytesTotal > p.bytesRead && p.bytesRead > 0 ? p.bytesTotal / p.bytesRead : 1;
  return soFar * scale;
}

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes < 10 * MB ? Math.ceil(bytes / MB * 10) / 10 : Math.ceil(bytes / MB)).toLocaleString('en-US')} MB`;

export class BudgetExceededError extends Error {
  constructor(
    readonly budgetBytes: number,
    readonly estimateBytes: number,
    p: BudgetProgress,
    fileName: string,
  ) {
    const where = p.bytesTotal ? `${mb(p.bytesRead)} of ${mb(p.bytesTotal)}` : mb(p.bytesRead);
    super(
      `${fileName} needs about ${mb(estimateBytes)} of memory to open (estimated from ${p.events.toLocaleString('en-US')} events in the first ${where}), ` +
        `more than the memory budget of ${mb(budgetBytes)}. Open fewer ranks or a smaller time window of the trace, or raise the budget.`,
    );
    this.name = 'BudgetExceededError';
  }
}

/** Throws BudgetExceededError when the projected index would not fit in `budgetBytes`. */
export function checkBudget(budgetBytes: number | undefined, p: BudgetProgress, fileName: string): void {
  if (!budgetBytes) return;
  const estimate = estimateIndexBytes(p);
  if (estimate > budgetBytes) throw new BudgetExceededError(budgetBytes, estimate, p, fileName);
}

/** The estimate in MB from a BudgetExceededError message (only name and message cross the worker boundary). */
export function estimateMBOfMessage(message: string): number | null {
  const m = /needs about ([\d,.]+) MB of memory/.exec(message);
  return m ? Number(m[1].replace(/,/g, '')) : null;
}
