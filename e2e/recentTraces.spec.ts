// Recent traces: a dropped file too big for a stored copy (> 64 MB) reopens from the
// File System Access handle the drop came with. The handle here is a real one, from
// the origin-private file system; the drop hands it out as Chromium does for files
// dropped from the OS (getAsFileSystemHandle).

import { expect, test } from '@playwright/test';
import { openApp, summary, waitReady } from './helpers';

test('a big dropped file reopens from its stored handle, without asking for it', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page);
  const before = await page.evaluate(async () => {
    // 98 MB of plain JSON into OPFS: bigger than the stored-copy cap.
    const res = await fetch('/corpus/llm_decode_large.json.gz');
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle('llm_decode_large.json', { create: true });
    const writable = await handle.createWritable();
    await res.body!.pipeThrough(new DecompressionStream('gzip')).pipeTo(writable);
    (window as unknown as { __handle: FileSystemFileHandle }).__handle = handle;
    (DataTransferItem.prototype as unknown as { getAsFileSystemHandle: () => Promise<FileSystemHandle> }).getAsFileSystemHandle = () => Promise.resolve(handle);
    const file = await handle.getFile();
    const dt = new DataTransfer();
    dt.items.add(file);
    document.documentElement.removeAttribute('data-trace-state');
    for (const t of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(t, { bubbles: true, cancelable: true, dataTransfer: dt }));
    return file.size;
  });
  expect(before).toBeGreaterThan(64 << 20);
  await page.waitForFunction(() => document.documentElement.dataset.traceState === 'ready', null, { timeout: 120_000 });
  const first = await summary(page);
  await page.waitForFunction(() => document.documentElement.dataset.viewRestore === 'done', null, { timeout: 30_000 });

  await page.goto('/');
  const recent = page.getByTestId('recent-trace').first();
  await expect(recent).toContainText('llm_decode_large.json');
  await expect(recent).not.toContainText('needs the file');
  await page.evaluate(() => document.documentElement.removeAttribute('data-trace-state'));
  await recent.click();
  await expect(page.getByTestId('file-request')).toHaveCount(0);
  const again = await waitReady(page);
  expect(again.events).toBe(first.events);
  expect(again.lanes.map((l) => l.id)).toEqual(first.lanes.map((l) => l.id));
});
