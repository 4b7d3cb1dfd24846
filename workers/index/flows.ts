// Flow events (s/t/f, v2 bind_id) are kept apart from slices; their pairing is flowHops.ts.

import type { FlowStats } from '../../src/model/types';
import type { RawTrace } from '../ingest/rawTrace';
import { flowHops } from './flowHops';

export function flowStats(raw: RawTrace): FlowStats {
  const { key, phase, ts } = raw.flows;
  const { paired, unpairedStarts, unpairedEnds } = flowHops(key.data, phase.data, ts.data, key.length);
  return { paired, unpairedStarts, unpairedEnds };
}
