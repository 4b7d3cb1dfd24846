// Select a slice by its stable key (automation, links, saved work): resolve the key
// in its trace's worker, select it, scroll its lane into view and bring it on screen.

import { traceOfLane, useStore } from './store';
import { openTraces, resolveKey } from './traceClient';
import { selectSlice } from '../timeline/Timeline';
import { clampTo } from '../timeline/viewportMath';

export async function selectByKey(key: string, options: { reveal?: boolean } = {}): Promise<boolean> {
  const laneId = key.split('@')[0];
  // A job's rank not opened yet is opened first (a link's selection, a jump).
  const owner = traceOfLane(laneId);
  if (owner) await openTraces([owner.key]);
  const trace = traceOfLane(laneId);
  if (!trace?.result) return false;
  const resolved = await resolveKey(trace.key, key);
  if (!resolved) return false;
  const ok = await selectSlice(trace.key, resolved.laneId, resolved.eventIdx, key);
  if (!ok) return false;
  const s = useStore.getState();
  s.requestScroll(resolved.laneId);
  // Bring the slice on screen too if it is outside the current viewport.
  const d = s.details;
  if (options.reveal !== false && d && (d.startNs + d.durNs < s.viewport.startNs || d.startNs > s.viewport.endNs)) {
    const span = s.viewport.endNs - s.viewport.startNs;
    const mid = d.startNs + d.durNs / 2;
    s.setViewport(clampTo(s.extent, { startNs: mid - span / 2, endNs: mid + span / 2 }));
  }
  return true;
}
