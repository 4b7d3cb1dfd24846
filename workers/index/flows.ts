// Flow events (s/t/f) are kept apart from slices; pairing is by (cat, id).

import type { FlowStats } from '../../src/model/types';
import type { RawTrace } from '../ingest/rawTrace';

const S = 's'.charCodeAt(0);
const F = 'f'.charCodeAt(0);

export function flowStats(raw: RawTrace): FlowStats {
  const seen = new Map<number, number>(); // key → bit 1 = has start, bit 2 = has end
  const { key, phase } = raw.flows;
  for (let i = 0; i < key.length; i++) {
    const bit = phase.data[i] === S ? 1 : phase.data[i] === F ? 2 : 0;
    seen.set(key.data[i], (seen.get(key.data[i]) ?? 0) | bit);
  }
  const stats: FlowStats = { paired: 0, unpairedStarts: 0, unpairedEnds: 0 };
  for (const bits of seen.values()) {
    if (bits === 3) stats.paired++;
    else if (bits === 1) stats.unpairedStarts++;
    else if (bits === 2) stats.unpairedEnds++;
  }
  return stats;
}
