// Issue 24, the index CLI's bounded writer (indexFolder/boundedIndex.ts): the folder it writes from a
// trace parsed in spilled blocks must be byte for byte the folder the in-memory writer writes from the
// loaded trace (writeIndex.ts writeIndexFolder), every file compared (the manifest but its parseMs).
// Blocks of 1 000 and 4 096 events, the file pushed 8 KB at a time so blocks cut through B/E pairs,
// unclosed Bs (their ends patched when a block is read back), async operations, flows and counters;
// lanes in chunks of 1 000 events, merged in parts of 333 events.

import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, openAsBlob, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CORPUS, EXTERNAL } from '../../support/corpus';
import { loadTrace } from '../../../workers/ingest/loadTrace';
import { writeIndexFolder } from '../../../workers/indexFolder/writeIndex';
import { writeBoundedIndex } from '../../../workers/indexFolder/boundedIndex';
import { dirSink } from '../../../bin/src/dirFolder';
import { withRunFiles } from '../../../bin/src/runFiles';

const BLOCKS = [1000, 4096];
const CHUNK_EVENTS = 1000;
const PART_EVENTS = 333;
const PUSH_BYTES = 8192;

const out = mkdtempSync(join(tmpdir(), 'tracelane-bounded-'));
/** What the parses spilled over every case: blocks, and B ends patched into a block read back. */
const spilled = { blocks: 0, lateEnds: 0, unclosedLate: 0 };
afterAll(() => {
  try {
    expect(spilled.blocks).toBeGreaterThan(100);
    expect(spilled.lateEnds).toBeGreaterThan(100);
    expect(spilled.unclosedLate).toBeGreaterThan(0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

const external = [
  'catapult__flow.json.gz',
  'catapult__main_thread_has_unclosed_slices.json.gz',
  'catapult__lthi_cats.json.gz',
  'catapult__x_event_trace.json.gz',
  'catapult__multiple_input_latency.json.gz',
  'catapult__async_begin_end.json.gz',
  'catapult__nestable_async.json.gz',
  'catapult__instance_counters.json.gz',
  'firefox-profiler__chrome-trace-issue-5429.json.gz',
].map((f) => join(EXTERNAL, 'chrome-trace', f));
const corpus = readdirSync(CORPUS)
  .filter((f) => /\.(json|txt)(\.gz)?$/.test(f))
  .sort()
  .map((f) => join(CORPUS, f));

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

/** The manifest's text with its parse time set aside (the one thing two runs may differ in). */
function manifestText(dir: string): string {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  expect(m.complete).toBe(true);
  m.result.parseMs = 0;
  return JSON.stringify(m);
}

describe('the bounded index writer (issue 24)', () => {
  it.each([...corpus, ...external])('%s: the same folder as the in-memory writer', async (path) => {
    const name = path.split('/').pop()!;
    const trace = name.replace(/\.(json|txt)(\.gz)?$/, '');
    const input = { name, bytes: statSync(path).size, mtimeMs: null };
    const stem = join(out, name);
    const whole = `${stem}-whole`;
    const wholeFile = (await openAsBlob(path)) as File;
    await writeIndexFolder(() => loadTrace({ kind: 'file', file: wholeFile, name }, { trace }), dirSink(whole), { input, chunkEvents: CHUNK_EVENTS });
    const expected = files(whole);
    expect(expected).toContain('summaries.json');
    for (const blockEvents of BLOCKS) {
      const dir = `${stem}-bounded-${blockEvents}`;
      const file = (await openAsBlob(path)) as File;
      await withRunFiles((store) =>
        writeBoundedIndex({ kind: 'file', file, name }, store, dirSink(dir), {
          input,
          chunkEvents: CHUNK_EVENTS,
          trace,
          blockEvents,
          pushBytes: PUSH_BYTES,
          partEvents: PART_EVENTS,
          onParsed: (raw, blocks) => {
            spilled.blocks += blocks;
            spilled.lateEnds += raw.lateEnds.event.length;
            for (let j = 0; j < raw.lateEnds.flags.length; j++) if (raw.lateEnds.flags.data[j]) spilled.unclosedLate++;
          },
        }),
      );
      expect(files(dir), `${name}, blocks of ${blockEvents}`).toEqual(expected);
      expect(manifestText(dir), `${name}, blocks of ${blockEvents}: manifest`).toBe(manifestText(whole));
      for (const f of expected) {
        if (f === 'manifest.json') continue;
        expect(Buffer.compare(readFileSync(join(dir, f)), readFileSync(join(whole, f))), `${name}, blocks of ${blockEvents}: ${f}`).toBe(0);
      }
      rmSync(dir, { recursive: true, force: true });
    }
    rmSync(whole, { recursive: true, force: true });
  });
});
