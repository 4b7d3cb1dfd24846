// Calls in flight to one trace worker, so a worker that stops answering once its trace is
// open is noticed (traceClient.ts) instead of leaving the timeline waiting without a word.

export interface PendingCall {
  method: string;
  since: number;
}

export class CallTracker {
  private readonly pending = new Map<number, PendingCall>();
  private seq = 0;

  /** `api` with every method call (except `skip`) counted while it is in flight. */
  wrap<T extends object>(api: T, skip: readonly string[]): T {
    return new Proxy(api, {
      get: (target, prop) => {
        const value = (target as Record<string | symbol, unknown>)[prop];
        if (typeof prop !== 'string' || prop === 'then' || skip.includes(prop) || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const id = ++this.seq;
          this.pending.set(id, { method: prop, since: performance.now() });
          return Promise.resolve((value as (...a: unknown[]) => unknown)(...args)).finally(() => this.pending.delete(id));
        };
      },
    });
  }

  /** The call waiting longest, or null. */
  oldest(): PendingCall | null {
    // Insertion order is call order: the first entry is the oldest.
    for (const call of this.pending.values()) return call;
    return null;
  }
}
