// IndexedDB that cannot save (a private window without storage, a full disk, a blocked
// database that never answers; before, that last one left every load waiting): the user
// is told at once, offered the annotations as JSON, and the link in the address bar
// still carries them. IndexedDB is broken from outside the app, by an init script.

import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { breakIndexedDb, markAndName, openByUrl, settledLink, shot, waitIdle, waitReady } from './helpers';

const FILE = 'two_rank_stall_rank0.json.gz';

/** The annotations a #tl= link carries, decoded here with Node's zlib (not the app's codec). */
function linkLabels(link: string): string[] {
  const payload = /#tl=([A-Za-z0-9_-]+)/.exec(link)?.[1];
  expect(payload, link).toBeTruthy();
  const wire = JSON.parse(inflateRawSync(Buffer.from(payload!, 'base64url')).toString('utf8')) as { a?: [number, string][] };
  return (wire.a ?? []).map((t) => t[1]);
}

const SAYS = { unavailable: 'unavailable', quota: 'storage is full', silent: 'did not answer' } as const;

for (const mode of ['unavailable', 'quota', 'silent'] as const) {
  test(`IndexedDB ${mode}: the user is told on opening, offered the JSON export, and the link keeps the annotation`, async ({ page }) => {
    await breakIndexedDb(page, mode);
    await openByUrl(page, FILE);
    await waitReady(page);
    await page.waitForFunction(() => document.documentElement.dataset.viewRestore === 'done');
    await waitIdle(page);

    // Told on opening, before anything could be lost.
    const notice = page.getByTestId('storage-notice');
    // A database that never answers is given up after 5 s (the saved work looked up first, then the save).
    await expect(notice).toBeVisible({ timeout: mode === 'silent' ? 12_000 : 3_000 });
    await expect(notice).toContainText('did not save your annotations');
    await expect(notice).toContainText(SAYS[mode]);

    await markAndName(page, 'slow step');
    await expect(notice).toBeVisible();
    if (mode === 'quota') await shot(page, 'storage-quota-notice');

    const [download] = await Promise.all([page.waitForEvent('download'), notice.getByTestId('storage-export-json').click()]);
    const file = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { format: string; annotations: { label: string }[] };
    expect(file.format).toBe('tracelane-annotations');
    expect(file.annotations.map((a) => a.label)).toEqual(['slow step']);

    const link = await settledLink(page);
    expect(linkLabels(link)).toEqual(['slow step']);
    expect(linkLabels(page.url())).toEqual(['slow step']);

    // Dismissed, it stays away while storage keeps failing.
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 30);
    await page.mouse.wheel(0, -200);
    await page.waitForTimeout(800);
    await expect(notice).toHaveCount(0);
  });
}
