// Collapsed stacks (py-spy --format raw) carry sample counts but no times: they open
// as a flame graph, not as a timeline lane. Hover reads a frame's samples and share,
// a click zooms into the frame, Reset shows everything again.
import { expect, test } from '@playwright/test';
import { collectConsoleErrors, openApp, openFilesByPicker, shot, waitReady } from './helpers';

// Frames at depth 1 in name order: idle (5), main (95). Under main: forward (50), load (45).
const LINES = ['main;load;read 30', 'main;load 5', 'main;forward;matmul 50', 'main;load;read 10', 'idle 5'];
const ROW = 18;

/** Samples per path prefix, counted from the lines. */
function samples(path: string): number {
  return LINES.filter((l) => `${l.split(' ')[0]};`.startsWith(`${path};`)).reduce((s, l) => s + Number(l.split(' ')[1]), 0);
}
const TOTAL = LINES.reduce((s, l) => s + Number(l.split(' ')[1]), 0);

for (const scheme of ['light', 'dark'] as const) {
  test(`a collapsed-stacks file opens as a flame graph with hover counts and click-to-zoom (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const errors = collectConsoleErrors(page);
    await openApp(page);
    await openFilesByPicker(page, [{ name: 'pyspy.folded', buffer: Buffer.from(LINES.join('\n') + '\n') }]);
    const s = await waitReady(page);
    expect(s.lanes).toEqual([]);
    const graph = page.getByTestId('flame-graph');
    await expect(graph).toBeVisible();
    await expect(graph).toContainText(`${TOTAL} samples`);
    await expect(page.locator('.timeline-canvas')).toHaveCount(0);

    const canvas = graph.locator('canvas');
    const box = (await canvas.boundingBox())!;
    // "main" spans from idle's share to the right edge on row 1.
    const mainX0 = samples('idle') / TOTAL;
    await page.mouse.move(box.x + box.width * (mainX0 + 0.5 * (1 - mainX0)), box.y + 1.5 * ROW);
    const tip = page.getByTestId('flame-tooltip');
    await expect(tip).toContainText('main');
    await expect(tip).toContainText(`${samples('main')} samples · ${((100 * samples('main')) / TOTAL).toFixed(2)}% of total`);
    await shot(page, `flame-graph-hover-${scheme}`);

    // Zoom into main;load (row 2, right of forward within main).
    const forwardW = ((1 - mainX0) * samples('main;forward')) / samples('main');
    await page.mouse.click(box.x + box.width * (mainX0 + forwardW + 0.01), box.y + 2.5 * ROW);
    await expect(page.getByTestId('flame-zoom')).toContainText('load');
    // Zoomed: load spans the width, so read (40 of load's 45) starts at the left on row 3.
    await page.mouse.move(box.x + box.width * 0.3, box.y + 3.5 * ROW);
    await expect(tip).toContainText('read');
    await expect(tip).toContainText(`${samples('main;load;read')} samples · ${((100 * samples('main;load;read')) / TOTAL).toFixed(2)}% of total`);
    await shot(page, `flame-graph-zoomed-${scheme}`);
    await page.getByTestId('flame-reset').click();
    await expect(page.getByTestId('flame-zoom')).toHaveCount(0);
    expect(errors).toEqual([]);
  });
}
