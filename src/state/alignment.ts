// "Align on event": shift every trace so the first occurrence of a named event lines
// up with the first trace's. Offsets are view transforms (store.setTraceOffset).

import { useStore } from './store';
import { findInTrace } from './traceClient';

/** Returns the names of traces without that event (left where they were). */
export async function alignOnEvent(name: string): Promise<string[]> {
  const st = useStore.getState();
  const ready = st.traces.filter((t) => t.result);
  const firsts = await Promise.all(
    ready.map(async (t) => {
      const hits = await findInTrace(t.key, { name, limit: 1_000_000 });
      return hits.length ? Math.min(...hits.map((h) => h.startNs)) : null;
    }),
  );
  const anchorIdx = firsts.findIndex((f) => f !== null);
  if (anchorIdx < 0) return ready.map((t) => t.name);
  const anchor = ready[anchorIdx];
  // Axis time of the anchor's first occurrence, with its current offset.
  const target = firsts[anchorIdx]! + anchor.shiftNs;
  const missing: string[] = [];
  ready.forEach((t, i) => {
    const first = firsts[i];
    if (first === null) return void missing.push(t.name);
    const baseShift = t.shiftNs - t.offsetNs;
    useStore.getState().setTraceOffset(t.key, target - first - baseShift);
  });
  return missing;
}
