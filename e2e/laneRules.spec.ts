// Lane rules: an eBPF-style Chrome-trace export opens with its categories in the right
// lanes; editing a rule in the panel changes what a lane shows as (kind, name) while its
// id stays; the share link carries the rules, so a fresh browser sees the same lanes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
// @ts-expect-error plain ESM script without types
import { serveStatic } from '../scripts/serve.mjs';
import { openApp, settledLink, shot, summary, waitIdle, waitReady, type LaneSummary } from './helpers';

const FILE = 'ebpf_export.json';

/** What an eBPF exporter writes: one process, syscall / sched / python / cuda categories. */
function ebpfTrace(): Buffer {
  const meta = [
    { ph: 'M', name: 'process_name', pid: 300, args: { name: 'trainer' } },
    { ph: 'M', name: 'thread_name', pid: 300, tid: 301, args: { name: 'main' } },
    { ph: 'M', name: 'thread_name', pid: 300, tid: 302, args: { name: 'loader' } },
  ];
  const events: object[] = [];
  for (let i = 0; i < 20; i++) {
    const ts = 1_000 + i * 100;
    events.push({ ph: 'X', cat: 'sched', name: i % 2 ? 'sched_switch' : 'sched_wakeup', pid: 300, tid: 301, ts, dur: 20 });
    events.push({ ph: 'X', cat: 'syscall', name: i % 3 ? 'read' : 'futex', pid: 300, tid: 301, ts: ts + 30, dur: 15 });
    events.push({ ph: 'X', cat: 'python', name: 'train.py(42): step', pid: 300, tid: 302, ts, dur: 60 });
    events.push({ ph: 'X', cat: 'cuda', name: 'cudaLaunchKernel', pid: 300, tid: 302, ts: ts + 70, dur: 8 });
  }
  return Buffer.from(JSON.stringify({ traceEvents: [...meta, ...events] }));
}

async function openExport(page: Page): Promise<void> {
  await page.getByTestId('file-input').setInputFiles({ name: FILE, mimeType: 'application/json', buffer: ebpfTrace() });
}

function lane(lanes: LaneSummary[], tid: string, namePart: string): LaneSummary {
  const found = lanes.filter((l) => l.id.split('|')[2] === tid && l.name.includes(namePart));
  expect(found, `${tid} ${namePart} in ${lanes.map((l) => l.name).join(', ')}`).toHaveLength(1);
  return found[0];
}

/** The open Lane rules panel and its sched rule's row. */
async function schedRule(page: Page) {
  const panel = page.getByTestId('lane-rules-panel');
  await expect(panel).toBeVisible();
  const rows = panel.getByTestId('rule-row');
  const cats = await rows.getByTestId('rule-cat').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
  return { panel, row: rows.nth(cats.findIndex((c) => c.startsWith('^sched'))) };
}

/** In the open Lane rules panel: the sched rule makes syscall lanes named "… · scheduler", applied (and saved). */
async function schedAsSyscalls(page: Page): Promise<void> {
  const { panel, row } = await schedRule(page);
  await row.getByTestId('rule-kind').selectOption('syscall');
  await row.getByTestId('rule-lane').fill('{thread} · scheduler');
  await shot(page, 'lane-rules-edited');
  await panel.getByTestId('rules-apply').click();
  await expect(panel).toHaveCount(0);
}

test('lane rules: defaults place eBPF categories; an edit changes the kind, not the id; the link carries it', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await openExport(page);
  const before = (await waitReady(page)).lanes;
  const sched = lane(before, '301', 'sched');
  expect(sched.kind).toBe('cpu');
  expect(sched.name).toBe('main · sched');
  expect(lane(before, '301', 'Syscalls').kind).toBe('syscall');
  expect(lane(before, '302', 'Python').kind).toBe('python');
  expect(lane(before, '302', 'CUDA API').kind).toBe('cuda_api');
  const header = page.locator(`[data-testid="lane-header"][data-lane-id="${sched.id}"]`);
  await expect(header).toHaveAttribute('data-lane-kind', 'cpu');

  await page.getByTestId('lane-rules-button').click();
  const { panel, row: schedRow } = await schedRule(page);
  // A bad regex is flagged inline and cannot be applied.
  await schedRow.getByTestId('rule-cat').fill('^sched(');
  await expect(panel.getByTestId('rule-error')).toContainText('Not applied');
  await expect(panel.getByTestId('rules-apply')).toBeDisabled();
  await shot(page, 'lane-rules-invalid');
  await schedRow.getByTestId('rule-cat').fill('^sched');
  await expect(panel.getByTestId('rule-error')).toHaveCount(0);
  await schedAsSyscalls(page);

  // The traces reload with the new rules: same ids, the sched lane now shows as syscalls.
  await expect.poll(async () => (await summary(page).catch(() => null))?.lanes.find((l) => l.id === sched.id)?.kind, { timeout: 30_000 }).toBe('syscall');
  await waitIdle(page);
  const after = (await summary(page)).lanes;
  expect(after.map((l) => l.id).sort()).toEqual(before.map((l) => l.id).sort());
  expect(after.find((l) => l.id === sched.id)!.name).toBe('main · scheduler');
  await expect(header).toHaveAttribute('data-lane-kind', 'syscall');
  await expect(header).toContainText('main · scheduler');
  await shot(page, 'lane-rules-applied');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'lane-rules-applied-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // A colleague (fresh browser: no saved rules) opens the link and the same file.
  const link = await settledLink(page);
  const ctx = await browser.newContext({ viewport: page.viewportSize()! });
  const p2 = await ctx.newPage();
  await p2.goto(link);
  await expect(p2.getByTestId('file-request')).toContainText(FILE);
  await openExport(p2);
  const theirs = (await waitReady(p2)).lanes;
  expect(theirs.map((l) => [l.id, l.kind, l.name]).sort()).toEqual(after.map((l) => [l.id, l.kind, l.name]).sort());
  await p2.getByTestId('lane-rules-button').click();
  await expect(p2.getByTestId('lane-rules-panel')).toContainText('came with the link');
  await shot(p2, 'lane-rules-from-link');
  await ctx.close();
});

test('a link opens its trace without waiting for the saved lane rules, and the saved rules still place its lanes', async ({ page }) => {
  test.setTimeout(120_000);
  // The user's saved table: the sched rule edited (saved in this origin's IndexedDB).
  await openApp(page);
  await openExport(page);
  await waitReady(page);
  await page.getByTestId('lane-rules-button').click();
  await schedAsSyscalls(page);
  await expect.poll(async () => (await summary(page).catch(() => null))?.lanes.find((l) => l.id.split('|')[2] === '301' && l.name.includes('scheduler'))?.kind, { timeout: 30_000 }).toBe('syscall');

  // The same trace behind a link, on a server of its own that logs when each request arrives.
  const dir = mkdtempSync(path.join(tmpdir(), 'tl-rules-link-'));
  writeFileSync(path.join(dir, FILE), ebpfTrace());
  const arrivals: number[] = [];
  const server = await serveStatic({ mounts: { '/t/': dir }, port: 0, cors: ['/t/'], log: (m: string) => m.includes(FILE) && arrivals.push(Date.now()) });
  try {
    // A new tab whose IndexedDB answers the saved rules 1.5 s late (as a slow disk or a busy browser may).
    const tab = await page.context().newPage();
    await tab.addInitScript(() => {
      const get = IDBObjectStore.prototype.get;
      IDBObjectStore.prototype.get = function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
        const request = get.call(this, key);
        if (key !== 'tracelane:lane-rules') return request;
        const own = Object.getOwnPropertyDescriptor(IDBRequest.prototype, 'onsuccess')!;
        Object.defineProperty(request, 'onsuccess', {
          set(handler: ((this: IDBRequest, ev: Event) => void) | null) {
            own.set!.call(request, handler && ((ev: Event) => setTimeout(() => {
              (window as unknown as { __rulesReadAt: number }).__rulesReadAt = Date.now();
              handler.call(request, ev);
            }, 1500)));
          },
          get: () => own.get!.call(request),
        });
        return request;
      };
    });
    await openApp(tab, `/?url=${encodeURIComponent(`${server.url}t/${FILE}`)}`);
    const lanes = (await waitReady(tab)).lanes;
    const rulesReadAt = await tab.evaluate(() => (window as unknown as { __rulesReadAt?: number }).__rulesReadAt);
    expect(rulesReadAt, 'the saved rules were read').toBeDefined();
    expect(arrivals.length, 'the trace was asked for').toBeGreaterThan(0);
    // The trace was asked for while the rules were still being read…
    expect(arrivals[0]).toBeLessThan(rulesReadAt!);
    // …and its lanes follow the saved rules all the same.
    const sched = lane(lanes, '301', 'scheduler');
    expect([sched.kind, sched.name]).toEqual(['syscall', 'main · scheduler']);
    await tab.close();
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
