// A .gz parsed in pieces as it inflates (workers/ingest/streamPieces.ts, `?pieces=stream`): in the browser, with
// fragment workers. Generated traces of ~14 MB decoded (several 8 MB pieces): one plain, one whose
// args hold "}, {" inside strings, so cuts fall inside strings and the pieces are refused and the file
// is read again in one piece. Both must open with every event, expected counts from the generator.
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { collectConsoleErrors, openApp, openFilesByPicker, tl, waitReady } from './helpers';

function trace(lookAlikes: boolean): { buffer: Buffer; slices: number; note: (i: number) => string } {
  const events: object[] = [{ ph: 'M', name: 'thread_name', pid: 1, tid: 2, args: { name: 'worker' } }];
  const n = 90_000;
  const note = (i: number) => (lookAlikes ? `step ${i}}, {"y": ${i}} ${'.'.repeat(40)}` : `step ${i} ${'.'.repeat(50)}`);
  for (let i = 0; i < n; i++) events.push({ ph: 'X', cat: 'cpu_op', name: `op${i % 13}`, pid: 1, tid: 1 + (i % 2), ts: i * 10, dur: 6, args: { note: note(i), i } });
  return { buffer: gzipSync(JSON.stringify({ traceEvents: events }, null, 1)), slices: n, note };
}

for (const lookAlikes of [false, true]) {
  test(`a ${lookAlikes ? 'string look-alike' : 'plain'} .gz of several pieces opens with every event`, async ({ page }) => {
    const errors = collectConsoleErrors(page);
    const t = trace(lookAlikes);
    // Asked for: below 4 cores (this VM, CI) a stream is read in one piece by default.
    await openApp(page, '/?pieces=stream');
    await openFilesByPicker(page, [{ name: `pieces-${lookAlikes}.json.gz`, buffer: t.buffer }]);
    const s = await waitReady(page);
    expect(s.events).toBe(t.slices);
    expect(s.lanes.reduce((a, l) => a + l.events, 0)).toBe(t.slices);
    // Read in pieces (the plain one), or again in one piece after the pieces were refused (the look-alike).
    const stages = Object.keys(((s as unknown as { stagesMs: (Record<string, number> | null)[] }).stagesMs[0]) ?? {});
    expect(stages.includes('stream pieces parsed')).toBe(!lookAlikes);
    // Events of every piece keep their own args: op5 is every 13th event, from the first piece to the last.
    const hits = await tl(page, (api) => api.find({ name: 'op5', limit: 100_000 }));
    const expected = Array.from({ length: t.slices }, (_, i) => i).filter((i) => i % 13 === 5);
    expect(hits.length).toBe(expected.length);
    hits.sort((a, b) => a.startNs - b.startNs);
    for (const k of [0, hits.length >> 1, hits.length - 1]) {
      await tl(page, (api, key) => api.select(key), hits[k].key);
      const sel = (await tl(page, (api) => api.selection())) as { args: { note: string; i: number } } | null;
      expect(sel?.args).toEqual({ note: t.note(expected[k]), i: expected[k] });
    }
    expect(errors).toEqual([]);
  });
}
