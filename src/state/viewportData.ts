// Query results for the visible lanes, kept on the global axis. At most one
// query per trace is in flight; newer requests replace the pending one, so a
// fast pan never queues stale work. Old results stay drawable meanwhile.

import type { CounterSamples, LaneSlices } from '../model/types';
import { queryTrace } from './traceClient';

export interface TraceQueryInput {
  trace: string;
  shiftNs: number;
  laneIds: string[];
}

interface Pending {
  reqKey: string;
  startNs: number;
  endNs: number;
  widthPx: number;
  shiftNs: number;
  laneIds: string[];
}

export class ViewportData {
  readonly slices = new Map<string, LaneSlices>();
  readonly counters = new Map<string, CounterSamples>();
  /** Lane id → request key its data was computed for. */
  private readonly laneKey = new Map<string, string>();
  private readonly inFlight = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private disposed = false;

  constructor(private readonly onUpdate: () => void, private readonly onError: (e: unknown) => void) {}

  static requestKey(startNs: number, endNs: number, widthPx: number): string {
    return `${startNs}:${endNs}:${widthPx}`;
  }

  /** Ask for whatever lanes are not yet current for this viewport. */
  request(startNs: number, endNs: number, widthPx: number, inputs: TraceQueryInput[]): void {
    const reqKey = ViewportData.requestKey(startNs, endNs, widthPx);
    for (const inp of inputs) {
      const laneIds = inp.laneIds.filter((id) => this.laneKey.get(id) !== reqKey);
      if (!laneIds.length) {
        this.pending.delete(inp.trace);
        continue;
      }
      const req: Pending = { reqKey, startNs, endNs, widthPx, shiftNs: inp.shiftNs, laneIds };
      if (this.inFlight.has(inp.trace)) this.pending.set(inp.trace, req);
      else this.send(inp.trace, req);
    }
  }

  /** True when every listed lane shows data for this exact viewport and nothing is outstanding. */
  isCurrent(startNs: number, endNs: number, widthPx: number, laneIds: string[]): boolean {
    if (this.inFlight.size || this.pending.size) return false;
    const reqKey = ViewportData.requestKey(startNs, endNs, widthPx);
    return laneIds.every((id) => this.laneKey.get(id) === reqKey);
  }

  get busy(): boolean {
    return this.inFlight.size > 0 || this.pending.size > 0;
  }

  dispose(): void {
    this.disposed = true;
  }

  private send(trace: string, req: Pending): void {
    this.inFlight.add(trace);
    const shift = req.shiftNs;
    queryTrace(trace, {
      // Workers think in their own trace's time.
      startNs: req.startNs - shift,
      endNs: req.endNs - shift,
      widthPx: Math.max(1, Math.round(req.widthPx)),
      laneIds: req.laneIds,
    })
      .then((res) => {
        if (this.disposed || !res) return;
        for (const id of req.laneIds) {
          this.slices.delete(id);
          this.counters.delete(id);
          this.laneKey.set(id, req.reqKey);
        }
        for (const l of res.lanes) {
          if (shift) for (let i = 0; i < l.start.length; i++) {
            l.start[i] += shift;
            l.end[i] += shift;
          }
          this.slices.set(l.laneId, l);
        }
        for (const c of res.counters) {
          if (shift) for (let i = 0; i < c.t.length; i++) c.t[i] += shift;
          this.counters.set(c.laneId, c);
        }
      })
      .catch((e) => {
        if (!this.disposed) this.onError(e);
      })
      .finally(() => {
        this.inFlight.delete(trace);
        if (this.disposed) return;
        const next = this.pending.get(trace);
        this.pending.delete(trace);
        if (next) this.send(trace, next);
        this.onUpdate();
      });
  }
}
