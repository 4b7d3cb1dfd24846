// Idle GPU gaps against the raw JSON: the union of kernel/memcpy/memset intervals on
// each device, the holes between its first and last operation above the threshold.

import { describe, expect, it } from 'vitest';
import { idleGaps } from '../../../workers/analysis/idleGaps';
import { loadCorpus } from '../../support/corpus';
import { EPS_US, GPU_WORK, refEvents, relNs } from './reference';

function referenceGaps(file: string, thresholdNs: number) {
  const events = refEvents(file);
  const byDevice = new Map<string, [number, number][]>();
  for (const e of events) {
    if (e.ph !== 'X' || !GPU_WORK.has(e.cat!)) continue;
    const list = byDevice.get(String(e.pid)) ?? [];
    list.push([relNs(events, e.ts), relNs(events, e.ts + e.dur!)]);
    byDevice.set(String(e.pid), list);
  }
  const gaps: { device: string; start: number; dur: number }[] = [];
  for (const [device, list] of byDevice) {
    list.sort((a, b) => a[0] - b[0]);
    let end = list[0][1];
    for (const [s, e] of list.slice(1)) {
      if (s - end > thresholdNs) gaps.push({ device, start: end, dur: s - end });
      end = Math.max(end, e);
    }
  }
  return gaps.sort((a, b) => a.start - b.start);
}

describe('idle gaps', () => {
  for (const [file, threshold] of [
    ['llm_decode_small.json.gz', 1e6],
    ['two_rank_stall_rank1.json.gz', 1e6],
    ['train_step.json.gz', 0.2e6],
  ] as const) {
    it(`finds the gaps of ${file} above ${threshold / 1e6} ms`, async () => {
      const index = await loadCorpus(file);
      const ref = referenceGaps(file, threshold);
      const gaps = idleGaps(index, threshold);
      expect(ref.length).toBeGreaterThan(0);
      expect(gaps.map((g) => g.device)).toEqual(ref.map((g) => g.device));
      gaps.forEach((g, i) => {
        expect(Math.abs(g.startNs - ref[i].start)).toBeLessThan(2);
        expect(Math.abs(g.durNs - ref[i].dur)).toBeLessThan(2);
      });
    });
  }

  it('says what the host Python was doing in a gap', async () => {
    const file = 'two_rank_stall_rank1.json.gz';
    const events = refEvents(file);
    const gaps = idleGaps(await loadCorpus(file));
    // The 3 s sleep of step 6 is the longest gap, and sleep is the frame that explains it.
    const longest = [...gaps].sort((a, b) => b.durNs - a.durNs)[0];
    expect(longest.durNs).toBeGreaterThan(2.9e9);
    const sleep = events.find((e) => e.cat === 'python_function' && e.name === '<built-in function sleep>' && e.dur! > 2.9e6)!;
    const top = longest.host[0];
    expect(top.name).toBe(sleep.name);
    const a = longest.startNs;
    const b = a + longest.durNs;
    const overlap = Math.min(b, relNs(events, sleep.ts + sleep.dur!)) - Math.max(a, relNs(events, sleep.ts));
    expect(Math.abs(top.overlapNs - overlap)).toBeLessThan(EPS_US * 4000);
    for (let i = 1; i < longest.host.length; i++) expect(longest.host[i].overlapNs).toBeLessThanOrEqual(longest.host[i - 1].overlapNs);
  });
});
