// Issue 9: every file of the bad-input corpus (test/fixtures/bad, written by
// scripts/make-bad-fixtures.mjs) has the outcome its EXPECTED.md row promises, and
// the index of whatever loads is sound. References are computed here from the
// files themselves (JSON.parse of the lines before a cut), never copied from the app.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadText } from '../support/corpus';
import { indexProblems } from '../support/indexInvariants';
import type { TraceIndex } from '../../workers/index/traceIndex';
import { TraceFormatError } from '../../workers/importers/importer';

const BAD = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/bad');

interface Row {
  file: string;
  outcome: 'error' | 'partial' | 'ok';
  expected: string;
}

/** The file table of EXPECTED.md: | `file` | what | outcome | expected |. */
function expectedRows(): Row[] {
  const md = readFileSync(join(BAD, 'EXPECTED.md'), 'utf8');
  const rows: Row[] = [];
  for (const line of md.split('\n')) {
    const m = /^\| `([^`]+)` \| .* \| (error|partial|ok) \| (.*) \|$/.exec(line);
    if (m) rows.push({ file: m[1], outcome: m[2] as Row['outcome'], expected: m[3] });
  }
  return rows;
}

const rows = expectedRows();
const bytesOf = (file: string) => new Uint8Array(readFileSync(join(BAD, file)));
/** The decoded text; a gzip's deflate body is inflated leniently (no trailer or CRC check), so cut files read too. */
const textOf = (file: string) => {
  const b = Buffer.from(bytesOf(file));
  return (file.endsWith('.gz') ? inflateRawSync(b.subarray(10), { finishFlush: constants.Z_SYNC_FLUSH }) : b).toString('utf8');
};
const load = (file: string) => loadText(bytesOf(file), file);
const loaded = new Map<string, Promise<TraceIndex>>();
const loadOnce = (file: string) => {
  if (!loaded.has(file)) loaded.set(file, load(file));
  return loaded.get(file)!;
};

describe('bad-input corpus: EXPECTED.md covers every file', () => {
  it('lists each fixture exactly once', () => {
    const files = readdirSync(BAD).filter((f) => f !== 'EXPECTED.md').sort();
    expect(rows.map((r) => r.file).sort()).toEqual(files);
    expect(files.length).toBeGreaterThan(30);
  });
});

describe.each(rows)('$file → $outcome', ({ file, outcome, expected }) => {
  if (outcome === 'error') {
    it(`rejects with ${expected}`, async () => {
      const pattern = /`\/(.*)\/`/.exec(expected)![1];
      const err = await load(file).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, 'should not load').toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(new RegExp(pattern));
      // Located problems carry their place for the UI and the automation API.
      if (err instanceof TraceFormatError) expect(err.byteOffset).toBeTypeOf('number');
    });
    return;
  }

  it(`loads: ${expected}`, async () => {
    const index = await loadOnce(file);
    expect(indexProblems(index)).toEqual([]);
    const warnings = index.result.warnings;
    if (outcome === 'ok') expect(warnings).toEqual([]);
    for (const w of warnings) {
      expect(w.message.length).toBeGreaterThan(10);
      if (w.byteOffset !== undefined) expect(Number.isInteger(w.byteOffset) && w.byteOffset >= 0).toBe(true);
    }
    // Each `code`, optionally "(byteOffset, eventIndex N)": that warning is there and located.
    for (const m of expected.matchAll(/`([a-z-]+)`( \(byteOffset(, eventIndex( \d+)?)?)?/g)) {
      const w = warnings.find((x) => x.code === m[1]);
      expect(w, `warning ${m[1]}`).toBeDefined();
      if (m[2]) expect(w!.byteOffset).toBeTypeOf('number');
      if (m[3]) expect(w!.eventIndex).toBeTypeOf('number');
      if (m[4]) expect(w!.eventIndex).toBe(Number(m[4]));
    }
    const count = /; (\d+) events/.exec(expected);
    if (count) expect(index.result.events).toBe(Number(count[1]));
  });
});

/** Events the importer draws (slices, instants, counters) among parsed JSON events; M and flows are not. */
const DRAWN = new Set(['X', 'i', 'I', 'n', 'C', 'R']);

/** Complete event lines before a cut: the base trace writes one event per line. */
function eventsBeforeCut(text: string): unknown[] {
  const list = text.slice(text.indexOf('"traceEvents": [') + 16).split('\n').slice(1);
  const out: unknown[] = [];
  for (const line of list) {
    try {
      out.push(JSON.parse(line.trim().replace(/,$/, '')));
    } catch {
      break;
    }
  }
  return out.filter((e) => e !== null && typeof e === 'object');
}

describe('cut traces keep everything before the cut', () => {
  const cutFiles = rows.filter((r) => r.file.startsWith('cut-') && r.outcome === 'partial').map((r) => r.file);
  it.each(cutFiles)('%s', async (file) => {
    const text = textOf(file);
    const before = eventsBeforeCut(text) as { ph: string; name?: string }[];
    const index = await loadOnce(file);
    const truncated = index.result.warnings.find((w) => w.code === 'truncated')!;
    expect(truncated.eventIndex).toBe(before.length);
    expect(truncated.byteOffset).toBeLessThanOrEqual(Buffer.byteLength(text));
    expect(truncated.message).toMatch(/byte [\d,]+.*loaded [\d,]+ events/);
    expect(index.result.events).toBe(before.filter((e) => DRAWN.has(e.ph)).length);
    // The last complete event before the cut is there.
    const last = before.filter((e) => e.ph === 'X').at(-1);
    if (last) expect(index.find({ name: last.name })).not.toHaveLength(0);
  });
});

describe('specific outcomes', () => {
  it('a gzip without its trailer shows every event; one with a bad CRC all but the last decompressed chunk', async () => {
    const full = JSON.parse(textOf('gzip-bad-crc.json.gz')) as { traceEvents: { ph: string }[] };
    const drawn = full.traceEvents.filter((e) => DRAWN.has(e.ph)).length;
    const noTrailer = await loadOnce('gzip-no-trailer.json.gz');
    expect(noTrailer.result.events).toBe(drawn);
    expect(noTrailer.result.warnings.map((w) => w.code)).toEqual(['gzip-truncated']);
    const badCrc = await loadOnce('gzip-bad-crc.json.gz');
    expect(badCrc.result.events).toBeGreaterThan(drawn / 2);
    expect(badCrc.result.warnings[0].message).toMatch(/cut or corrupt after [\d,]+ decompressed bytes \(its checksum does not match the data: it is damaged\)/);
  });

  it('rejects 1e300, NaN, string and missing times with a located warning, keeps negative and quoted ones', async () => {
    const index = await loadOnce('bad-ts.json');
    const names = index.find({ regex: '.' }).map((h) => index.slice(h.laneId, h.eventIdx)!.name).sort();
    expect(names).toEqual(['good', 'negative-ts', 'quoted-ts']);
    const w = index.result.warnings.find((x) => x.code === 'bad-ts')!;
    expect(w.message).toMatch(/Event #1 \("no-ts", ph X\) at byte \d+ has no valid ts; skipped. \(and 5 more like it\)/);
    expect(w.byteOffset).toBe(textOf('bad-ts.json').indexOf('{"ph":"X","name":"no-ts"'));
  });

  it('shows events with a bad dur as zero-length and says which', async () => {
    const index = await loadOnce('bad-dur.json');
    const hits = index.find({ regex: 'dur$' });
    expect(hits.map((h) => h.durNs)).toEqual([0, 0, 0, 0, 0]);
    const w = index.result.warnings.find((x) => x.code === 'bad-dur')!;
    expect(w.message).toMatch(/Event #1 \("no-dur"\) at byte \d+ has no dur.*\(and 4 more like it\)/);
  });

  it('keeps args nested 10 000 deep as text without overflowing the stack', async () => {
    const index = await loadOnce('deep-args.json');
    const hit = index.find({ name: 'deep' })[0];
    const args = index.slice(hit.laneId, hit.eventIdx)!.args!;
    expect(args.length).toBe('{"a":'.length * 10000 + 1 + 10000);
    expect(index.find({ name: 'after' })).toHaveLength(1);
  });

  it('keeps hostile names, categories, args and thread names verbatim (they are only ever text)', async () => {
    const index = await loadOnce('hostile-names.json');
    const raw = JSON.parse(textOf('hostile-names.json')) as { traceEvents: { name: string; ph: string; args?: Record<string, string> }[] };
    for (const e of raw.traceEvents.filter((x) => x.ph !== 'M')) expect(index.find({ name: e.name })).toHaveLength(1);
    const thread = raw.traceEvents[1].args!.name;
    expect(index.result.lanes.some((l) => l.name.startsWith(thread))).toBe(true);
    const hit = index.find({ name: raw.traceEvents[2].name })[0];
    expect(JSON.parse(index.slice(hit.laneId, hit.eventIdx)!.args!)).toEqual(raw.traceEvents[2].args);
  });

  it('round-trips RTL, emoji, combining marks, lone surrogates and NUL in names', async () => {
    const index = await loadOnce('unicode-names.json');
    const raw = JSON.parse(textOf('unicode-names.json')) as { traceEvents: { name: string }[] };
    for (const e of raw.traceEvents) expect(index.find({ name: e.name }), e.name).toHaveLength(1);
  });

  it('shows invalid UTF-8 as U+FFFD and invalid escapes as written', async () => {
    const index = await loadOnce('invalid-utf8.json');
    const names = index.find({ regex: '.' }).map((h) => index.slice(h.laneId, h.eventIdx)!.name);
    expect(names).toContain('bad \ufffd\ufffd bytes');
    expect(names).toContain('bad escape \\uZZZZ \\q');
    expect(names.filter((n) => n.includes('\ufffd'))).toHaveLength(3);
  });

  it('gives identical events distinct keys that resolve back to themselves', async () => {
    const index = await loadOnce('duplicate-ids.json');
    const hits = index.find({ regex: '.' });
    expect(new Set(hits.map((h) => h.key)).size).toBe(hits.length);
    for (const h of hits) expect(index.resolveKey(h.key)).toEqual({ laneId: h.laneId, eventIdx: h.eventIdx });
  });

  it('reports flows without a partner as unpaired, not as errors', async () => {
    const index = await loadOnce('flows-without-partner.json');
    expect(index.result.flows).toMatchObject({ paired: 0, unpairedStarts: 1, unpairedEnds: 2 });
  });
});
