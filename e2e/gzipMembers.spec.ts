// Gzip files of several members (`cat a.gz b.gz`, BGZF) open completely in Chromium,
// whose DecompressionStream alone stops after the first member (issue 16). Each file is
// built from a real corpus trace and compared with the same bytes gzipped as one member.
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { bgzf, bgzfBlock, multiMemberGzip } from '../test/support/gzipMembers';
import { cancelWhileParsing, collectConsoleErrors, corpusPath, openApp, openFilesByPicker, placedEvents, shot, tl, waitReady, withoutWasmEval, type TraceSummary } from './helpers';

interface Warning {
  code: string;
  message: string;
}

async function open(page: Page, name: string, buffer: Buffer): Promise<TraceSummary> {
  await openApp(page);
  // The picker takes a buffer of at most 50 MB: bigger files are written out and picked by path.
  if (buffer.length > 50e6) {
    const path = test.info().outputPath(name);
    writeFileSync(path, buffer);
    await openFilesByPicker(page, [path]);
  } else await openFilesByPicker(page, [{ name, buffer }]);
  return waitReady(page);
}

const shape = (s: TraceSummary) => ({ events: s.events, lanes: s.lanes.map((l) => `${l.id}:${l.events}:${l.rows}`).sort() });

for (const file of ['llm_decode_large.json.gz', 'llm_decode_small.json.gz']) {
  test(`${file} as 3 members, as BGZF, and with its last member cut, opened by picker`, async ({ page }) => {
    test.setTimeout(180_000);
    const errors = collectConsoleErrors(page);
    const text = gunzipSync(readFileSync(corpusPath(file)));
    const single = await open(page, file, gzipSync(text));
    expect(single.events).toBeGreaterThan(1000);
    expect(single.warnings).toEqual([]);

    const three = await open(page, file, multiMemberGzip(text, 3));
    expect(three.warnings).toEqual([]);
    expect(shape(three)).toEqual(shape(single));

    const blocked = await open(page, file, bgzf(text));
    expect(blocked.warnings).toEqual([]);
    expect(shape(blocked)).toEqual(shape(single));

    const whole = multiMemberGzip(text, 3);
    const lastSize = gzipSync(text.subarray(Math.floor((2 * text.length) / 3) + 17)).length;
    const cut = await open(page, file, whole.subarray(0, whole.length - Math.floor(lastSize / 2)));
    // The decoded JSON ends mid-event too ('truncated').
    expect((cut.warnings as Warning[]).map((w) => w.code)).toContain('gzip-truncated');
    // The first two members (two thirds of the bytes) and part of the third.
    expect(cut.events).toBeGreaterThan(single.events * 0.6);
    expect(cut.events).toBeLessThan(single.events);
    await expect(page.getByTestId('load-warning')).toContainText('gzip stream is cut or corrupt');
    expect(errors).toEqual([]);
  });
}

/** Stages of the first trace's load (stageClock.ts): which path it took. */
const stagesOf = (s: TraceSummary): string[] => Object.keys((s as unknown as { stagesMs: (Record<string, number> | null)[] }).stagesMs[0] ?? {});
const whole = (s: TraceSummary) => ({ events: s.events, originNs: s.originNs, startNs: s.startNs, endNs: s.endNs, warnings: s.warnings, lanes: s.lanes });

test('a BGZF llm_decode_large is inflated and parsed in parallel fragments and opens as its plain twin; a broken chain reads on, a corrupt member is named', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = collectConsoleErrors(page);
  const text = gunzipSync(readFileSync(corpusPath('llm_decode_large.json.gz')));
  // Past the parallel parse's threshold (48 MB), in members of BGZF's usual 65,280 input bytes.
  expect(text.length).toBeGreaterThan(48 << 20);
  const BLOCK = 65_280;
  const blocks: Buffer[] = [];
  for (let at = 0; at < text.length; at += BLOCK) blocks.push(bgzfBlock(text.subarray(at, at + BLOCK)));
  blocks.push(bgzfBlock(new Uint8Array(0)));
  const file = Buffer.concat(blocks);

  const plain = await open(page, 'llm_decode_large.json', text);
  const blocked = await open(page, 'llm_decode_large.json.gz', file);
  expect(blocked.events).toBe(placedEvents(text.toString('utf8')));
  expect(whole(blocked)).toEqual(whole(plain));
  // The members were walked, then inflated and parsed by this worker and a fragment worker, and merged.
  expect(stagesOf(blocked)).toEqual(expect.arrayContaining(['bgzf members walked', 'fragment 1 parsed', 'fragments merged']));
  // Args are read back by offset, the members holding them inflated then: the same at the start, middle and end of the file.
  const hits = await tl(page, (api) => api.find({ name: 'cudaLaunchKernel', limit: 100_000 }));
  expect(hits.length).toBe(10_501);
  hits.sort((a, b) => a.startNs - b.startNs);
  const picks = [0, hits.length >> 1, hits.length - 1].map((k) => hits[k].key);
  const argsOf = async () => {
    const out: unknown[] = [];
    for (const key of picks) {
      await tl(page, (api, k) => api.select(k), key);
      out.push(((await tl(page, (api) => api.selection())) as { args: unknown } | null)?.args);
    }
    return out;
  };
  const blockedArgs = await argsOf();
  await shot(page, 'bgzf-parallel');
  await open(page, 'llm_decode_large.json', text);
  expect(await argsOf()).toEqual(blockedArgs);
  expect(blockedArgs.every((a) => a && typeof a === 'object' && Object.keys(a).length > 0)).toBe(true);

  // Member 700 replaced by a plain gzip member: the chain breaks there, and the file is read as a stream, whole.
  const k = 700;
  const mixed = Buffer.concat([...blocks.slice(0, k), gzipSync(text.subarray(k * BLOCK, (k + 1) * BLOCK)), ...blocks.slice(k + 1)]);
  const streamed = await open(page, 'llm_decode_large.json.gz', mixed);
  expect(whole(streamed)).toEqual(whole(plain));
  expect(stagesOf(streamed)).not.toContain('bgzf members walked');

  // Member 700's deflate bytes damaged: the load stops and names where.
  const corrupt = Buffer.from(file);
  const at = blocks.slice(0, k).reduce((a, b) => a + b.length, 0);
  for (let i = 0; i < 64; i++) corrupt[at + 40 + i] ^= 0x5a;
  await open(page, 'llm_decode_large.json.gz', corrupt).catch(() => undefined);
  await expect(page.getByTestId('load-error')).toContainText(`The BGZF member at compressed byte ${at.toLocaleString('en-US')} is corrupt`);
  await shot(page, 'bgzf-corrupt-member');
  expect(errors).toEqual([]);
});

test('without wasm-unsafe-eval a BGZF llm_decode_large is inflated by DecompressionStreams and opens as with WebAssembly, its args too', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = collectConsoleErrors(page);
  const text = gunzipSync(readFileSync(corpusPath('llm_decode_large.json.gz')));
  const file = bgzf(text);
  const withWasm = await open(page, 'llm_decode_large.json.gz', file);
  const page2 = await page.context().newPage();
  const errors2 = collectConsoleErrors(page2);
  await withoutWasmEval(page2);
  const withoutWasm = await open(page2, 'llm_decode_large.json.gz', file);
  // No WebAssembly on that page: the JS scanner read it (the inflater falls back the same way).
  const scanners = await page2.evaluate(() => (window as unknown as { tracelane: { summary(): { scanners: (string | null)[] } } }).tracelane.summary().scanners);
  expect(scanners).toEqual(['js']);
  expect(stagesOf(withoutWasm)).toEqual(expect.arrayContaining(['bgzf members walked', 'fragment 1 parsed']));
  expect(whole(withoutWasm)).toEqual(whole(withWasm));
  // Args read back from the members (fflate there): the same at the start, middle and end.
  const argsOf = async (p: Page) => {
    const hits = await tl(p, (api) => api.find({ name: 'cudaLaunchKernel', limit: 100_000 }));
    hits.sort((a, b) => a.startNs - b.startNs);
    const out: unknown[] = [];
    for (const key of [0, hits.length >> 1, hits.length - 1].map((k) => hits[k].key)) {
      await tl(p, (api, k) => api.select(k), key);
      out.push(((await tl(p, (api) => api.selection())) as { args: unknown } | null)?.args);
    }
    return out;
  };
  const args = await argsOf(page2);
  expect(args.every((a) => a && typeof a === 'object' && Object.keys(a).length > 0)).toBe(true);
  expect(args).toEqual(await argsOf(page));
  expect(errors).toEqual([]);
  expect(errors2).toEqual([]);
});

test('Cancel while a BGZF file is parsed in parallel stops the trace worker and its fragment workers', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectConsoleErrors(page);
  const path = test.info().outputPath('llm_decode_large.json.gz');
  writeFileSync(path, bgzf(gunzipSync(readFileSync(corpusPath('llm_decode_large.json.gz')))));
  await openApp(page);
  // Parsing (a .gz read as a stream would say Decompressing): the members are being inflated and parsed by this worker and its fragment workers.
  await cancelWhileParsing(page, path);
  await openFilesByPicker(page, [{ name: 'llm_decode_small.json.gz', buffer: bgzf(gunzipSync(readFileSync(corpusPath('llm_decode_small.json.gz')))) }]);
  expect((await waitReady(page)).events).toBeGreaterThan(1000);
  expect(errors).toEqual([]);
});
