// An strace log of the same process as a Kineto trace (same pid, times inside its
// absolute range) is OFFERED to join the Kineto process group; on Join its syscall
// lanes show under that group's header, and a shared link keeps the join.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { corpusPath, openApp, openFilesByPicker, settledLink, shot, tl, waitIdle, waitReady } from './helpers';

const KINETO = 'load_and_infer.json.gz';
const STRACE = 'strace_same_process.txt';

/** The Kineto host pid (cpu_op / python_function events) and its first event in epoch seconds, from the raw JSON. */
function kinetoHost(): { pid: string; startS: number } {
  const json = JSON.parse(gunzipSync(readFileSync(corpusPath(KINETO))).toString('utf8')) as { baseTimeNanoseconds: number; traceEvents: { ph: string; cat?: string; pid: number; ts: number }[] };
  const host = json.traceEvents.filter((e) => e.ph === 'X' && (e.cat === 'cpu_op' || e.cat === 'python_function'));
  const startUs = host.reduce((m, e) => Math.min(m, e.ts), Infinity);
  return { pid: String(host[0].pid), startS: Number(BigInt(json.baseTimeNanoseconds) / 1000n) / 1e6 + startUs / 1e6 };
}

function straceLog(pid: string, startS: number): Buffer {
  const t = (k: number) => (startS + 0.1 + k * 0.01).toFixed(6); // the trace spans ~460 ms
  return Buffer.from(
    [
      `${pid} ${t(0)} openat(AT_FDCWD, "/models/w.safetensors", O_RDONLY|O_CLOEXEC) = 7 <0.000030>`,
      `${pid} ${t(1)} read(7, "\\x00\\x01", 1048576) = 1048576 <0.004000>`,
      `${Number(pid) + 1} ${t(2)} futex(0x7f00, FUTEX_WAIT_PRIVATE, 0, NULL) = 0 <0.002000>`,
      `${pid} ${t(3)} close(7) = 0 <0.000010>`,
      '',
    ].join('\n'),
  );
}

/** The group header that a lane's header sits under (headers ordered by their top). */
async function headerAbove(page: Page, laneId: string): Promise<string | null> {
  return page.evaluate((id) => {
    const rows = [...document.querySelectorAll<HTMLElement>('[data-group-id], [data-lane-id]')].sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
    const i = rows.findIndex((r) => r.dataset.laneId === id);
    for (let k = i - 1; k >= 0; k--) if (rows[k].dataset.groupId && rows[k].classList.contains('group-header') && !rows[k].classList.contains('trace-header')) return rows[k].dataset.groupId!;
    return null;
  }, laneId);
}

test('an strace log of the Kineto process is offered to join its group; Join moves its lanes there and the link keeps it', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const { pid, startS } = kinetoHost();
  const files = [
    { name: KINETO, buffer: readFileSync(corpusPath(KINETO)) },
    { name: STRACE, buffer: straceLog(pid, startS) },
  ];
  await openApp(page);
  await openFilesByPicker(page, files);
  const s = await waitReady(page);
  const sysLanes = s.lanes.filter((l) => l.kind === 'syscall');
  const straceGroup = sysLanes.find((l) => l.id.split('|')[1] === pid)!.group;
  const kinetoGroup = s.lanes.find((l) => l.kind === 'python' && l.id.split('|')[1] === pid)!.group;

  const offer = page.getByTestId('join-offer');
  await expect(offer).toContainText(`${STRACE} (pid ${pid}) looks like the same process as python3 (pid ${pid}) in ${KINETO}`);
  await expect(offer).toContainText(`(pid ${pid}) in ${KINETO}`);
  await shot(page, 'join-offer');
  // Before joining: the strace process has its own group header.
  await expect(page.locator(`.group-header[data-group-id="${straceGroup}"]`)).toHaveCount(1);

  await page.getByTestId('join-accept').click();
  await expect(offer).toHaveCount(0);
  await expect(page.locator(`.group-header[data-group-id="${straceGroup}"]`)).toHaveCount(0);
  const read = (await tl(page, (api) => api.find({ name: 'read', laneKind: 'syscall' })))[0];
  expect(await tl(page, (api, key) => api.select(key), read.key)).toBeTruthy();
  await expect(page.locator(`[data-lane-id="${read.laneId}"]`)).toBeVisible();
  expect(await headerAbove(page, read.laneId)).toBe(kinetoGroup);
  await waitIdle(page);
  await shot(page, 'join-joined');
  // The other strace thread (pid+1) is its own process: never offered, keeps its group.
  expect(sysLanes.some((l) => l.id.split('|')[1] === String(Number(pid) + 1))).toBe(true);

  const link = await settledLink(page);
  const ctx = await browser.newContext({ viewport: page.viewportSize()! });
  const p2 = await ctx.newPage();
  await p2.goto(link);
  await expect(p2.getByTestId('file-request')).toBeVisible();
  await openFilesByPicker(p2, files);
  await waitReady(p2);
  await expect(p2.locator(`.group-header[data-group-id="${straceGroup}"]`)).toHaveCount(0);
  await expect(p2.getByTestId('join-offer')).toHaveCount(0);
  await expect(p2.locator(`[data-lane-id="${read.laneId}"]`)).toBeVisible();
  expect(await headerAbove(p2, read.laneId)).toBe(kinetoGroup);
  await ctx.close();
});
