// The scripted pan/zoom sequence and its frame statistics (bench/pageProbe.mjs records).
// Keys W/S/A/D zoom and pan at the view centre; Ctrl+wheel zooms at the cursor; Shift+wheel pans.

const pause = (page, ms) => page.waitForTimeout(ms);

/** Drive the timeline like a user for a few seconds; returns the probe's raw recording. */
export async function panZoomScript(page) {
  // The largest canvas is the lanes canvas; put the cursor in its middle and focus the page.
  const box = await page.evaluate(() => {
    const canvases = [...document.querySelectorAll('canvas')].map((c) => c.getBoundingClientRect());
    canvases.sort((a, b) => b.width * b.height - a.width * a.height);
    const r = canvases[0];
    return r ? { x: r.x + r.width / 2, y: r.y + Math.min(r.height / 2, 200) } : null;
  });
  if (!box) throw new Error('no timeline canvas');
  await page.mouse.move(box.x, box.y);
  await page.evaluate(() => window.__bench.startRecording());
  const keys = async (key, n) => {
    for (let i = 0; i < n; i++) {
      await page.keyboard.press(key);
      await pause(page, 40);
    }
  };
  const wheel = async (modifier, dy, n) => {
    await page.keyboard.down(modifier);
    for (let i = 0; i < n; i++) {
      await page.mouse.wheel(0, dy);
      await pause(page, 30);
    }
    await page.keyboard.up(modifier);
  };
  await keys('KeyW', 10);
  await keys('KeyD', 8);
  await keys('KeyA', 8);
  await wheel('Control', -150, 12);
  await wheel('Shift', 200, 10);
  await wheel('Shift', -200, 10);
  await wheel('Control', 150, 12);
  await keys('KeyS', 10);
  await keys('KeyW', 6);
  await keys('KeyD', 6);
  await page.waitForFunction(() => document.documentElement.dataset.renderState === 'idle', null, { timeout: 30_000, polling: 50 }).catch(() => undefined);
  await pause(page, 200);
  return page.evaluate(() => window.__bench.stopRecording());
}

export function percentile(values, p) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const median = (values) => percentile(values, 50);

const stats = (values) => ({ p50: percentile(values, 50), p95: percentile(values, 95), max: values.length ? Math.max(...values) : null, n: values.length });

/**
 * From the recording:
 *   drawMs        each app rAF callback (the timeline's draw)
 *   inputCpuMs    per input: its handler time + the draw that followed it (CPU from input to end of draw)
 *   inputLatencyMs per input: event timestamp → end of that draw (includes waiting for the frame)
 *   dropped       frames missed by the probe's rAF loop: an interval of k vsyncs drops k − 1
 */
export function frameStats({ raf, inputs, ticks, longTasks }) {
  const drawMs = raf.map((r) => r.end - r.start);
  const inputCpuMs = [];
  const inputLatencyMs = [];
  for (const inp of inputs) {
    const draw = raf.find((r) => r.start >= inp.t);
    if (!draw) continue;
    inputCpuMs.push(inp.handlerMs + (draw.end - draw.start));
    inputLatencyMs.push(draw.end - inp.timeStamp);
  }
  const intervals = ticks.slice(1).map((t, i) => t - ticks[i]);
  const vsync = percentile(intervals, 50) ?? 16.7;
  let dropped = 0;
  for (const dt of intervals) dropped += Math.max(0, Math.round(dt / vsync) - 1);
  const items = raf.map((r) => r.items).filter((n) => typeof n === 'number');
  const fromTiles = raf.map((r) => r.fromTiles).filter((n) => typeof n === 'number');
  return {
    inputs: inputs.length,
    itemsMax: items.length ? Math.max(...items) : null,
    itemsP50: percentile(items, 50),
    fromTilesMax: fromTiles.length ? Math.max(...fromTiles) : null,
    frames: ticks.length,
    vsyncMs: vsync,
    dropped,
    draw: stats(drawMs),
    inputCpu: stats(inputCpuMs),
    inputLatency: stats(inputLatencyMs),
    longTasks: longTasks.length,
    longestTaskMs: longTasks.length ? Math.max(...longTasks.map((t) => t.duration)) : 0,
  };
}
