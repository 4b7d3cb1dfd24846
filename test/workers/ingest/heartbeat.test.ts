// The heartbeat's promise to the UI (workers/heartbeat.ts): a load reports progress at
// least every second, through the synchronous stages too (lane mapping, index, tiles),
// so the UI's 10 s "stopped responding" check never meets a healthy load.

import { openAsBlob } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CORPUS } from '../../support/corpus';
import { loadTrace } from '../../../workers/ingest/loadTrace';
import type { LoadProgress } from '../../../src/model/types';

it('reports progress at least every second from start to done, on the biggest corpus trace', async () => {
  const file = await openAsBlob(join(CORPUS, 'llm_decode_large.json.gz'));
  const times: number[] = [];
  const phases: LoadProgress['phase'][] = [];
  const t0 = performance.now();
  await loadTrace({ kind: 'file', file, name: 'llm_decode_large.json.gz' }, {
    trace: 'llm_decode_large',
    onProgress: (p) => {
      times.push(performance.now());
      phases.push(p.phase);
    },
  });
  const end = performance.now();
  const gaps = [times[0] - t0, ...times.slice(1).map((t, i) => t - times[i]), end - times[times.length - 1]];
  expect(phases[phases.length - 1]).toBe('done');
  // Indexing is one synchronous call; only beats from inside it report while it runs.
  expect(phases.filter((p) => p === 'index').length).toBeGreaterThan(1);
  expect(Math.max(...gaps)).toBeLessThanOrEqual(1000);
}, 120_000);
