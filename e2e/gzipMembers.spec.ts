// Gzip files of several members (`cat a.gz b.gz`, BGZF) open completely in Chromium,
// whose DecompressionStream alone stops after the first member (issue 16). Each file is
// built from a real corpus trace and compared with the same bytes gzipped as one member.
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { bgzf, multiMemberGzip } from '../test/support/gzipMembers';
import { collectConsoleErrors, corpusPath, openApp, openFilesByPicker, waitReady, type TraceSummary } from './helpers';

interface Warning {
  code: string;
  message: string;
}

async function open(page: Page, name: string, buffer: Buffer): Promise<TraceSummary> {
  await openApp(page);
  await openFilesByPicker(page, [{ name, buffer }]);
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
