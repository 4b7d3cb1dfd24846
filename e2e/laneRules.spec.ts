// Lane rules: an eBPF-style Chrome-trace export opens with its categories in the right
// lanes; editing a rule in the panel changes what a lane shows as (kind, name) while its
// id stays; the share link carries the rules, so a fresh browser sees the same lanes.
import { expect, test, type Page } from '@playwright/test';
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
  const panel = page.getByTestId('lane-rules-panel');
  await expect(panel).toBeVisible();
  const rows = panel.getByTestId('rule-row');
  const cats = await rows.getByTestId('rule-cat').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
  const schedRow = rows.nth(cats.findIndex((c) => c.startsWith('^sched')));
  // A bad regex is flagged inline and cannot be applied.
  await schedRow.getByTestId('rule-cat').fill('^sched(');
  await expect(panel.getByTestId('rule-error')).toContainText('Not applied');
  await expect(panel.getByTestId('rules-apply')).toBeDisabled();
  await shot(page, 'lane-rules-invalid');
  await schedRow.getByTestId('rule-cat').fill('^sched');
  await expect(panel.getByTestId('rule-error')).toHaveCount(0);
  await schedRow.getByTestId('rule-kind').selectOption('syscall');
  await schedRow.getByTestId('rule-lane').fill('{thread} · scheduler');
  await shot(page, 'lane-rules-edited');
  await panel.getByTestId('rules-apply').click();
  await expect(panel).toHaveCount(0);

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
