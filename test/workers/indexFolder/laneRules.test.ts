// Issue 24: an index's lanes are mapped by the rules it was written with; opening it under other
// lane rules says so (a warning), under the same ones it does not.

import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, openAsBlob, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS } from '../../support/corpus';
import { loadTrace } from '../../../workers/ingest/loadTrace';
import { writeIndexFolder } from '../../../workers/indexFolder/writeIndex';
import { openIndexFolder } from '../../../workers/indexFolder/openIndex';
import { dirFiles, dirSink } from '../../../bin/src/dirFolder';
import { DEFAULT_RULES } from '../../../workers/lanes/categoryRules';

const out = mkdtempSync(join(tmpdir(), 'tracelane-rules-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('warns when the lane rules in force are not those the index was written with', async () => {
  const name = 'two_rank_stall_rank1.json.gz';
  const direct = await loadTrace({ kind: 'file', file: await openAsBlob(join(CORPUS, name)), name }, { trace: 'r1' });
  await writeIndexFolder(direct, dirSink(out), { input: { name, bytes: 0, mtimeMs: null } });
  const same = await openIndexFolder(dirFiles(out), { trace: 'r1', laneRules: DEFAULT_RULES });
  expect(same.result.warnings).toEqual(direct.result.warnings);
  const mine = [{ cat: 'gpu_user_annotation', kind: 'cpu' as const }, ...DEFAULT_RULES];
  const other = await openIndexFolder(dirFiles(out), { trace: 'r1', laneRules: mine });
  expect(other.result.warnings.map((w) => w.code)).toEqual([...direct.result.warnings.map((w) => w.code), 'index-lane-rules']);
  // The lanes stay as indexed.
  expect(other.result.lanes).toEqual(direct.result.lanes);
});
