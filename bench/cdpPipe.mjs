// A Chromium of the bench's own, driven over --remote-debugging-pipe (flat sessions), for loads no
// Playwright client may watch: cpuProfile.mjs (workers profiled before they run) and linkLoads.mjs
// (`?url=` loads without DevTools' network instrumentation).
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Chromium on a CDP pipe (fd 3 in, fd 4 out, NUL-separated JSON); flat sessions. */
export async function launchPiped(executable, args) {
  const profileDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tracelane-bench-profile-'));
  const proc = spawn(executable, [...args, '--headless', `--user-data-dir=${profileDir}`, '--remote-debugging-pipe', 'about:blank'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
  const [, , , input, output] = proc.stdio;
  const pending = new Map();
  const listeners = [];
  let nextId = 1;
  let buffer = '';
  output.on('data', (chunk) => {
    const parts = (buffer + chunk.toString('utf8')).split('\0');
    buffer = parts.pop();
    for (const part of parts) {
      const msg = JSON.parse(part);
      const p = msg.id != null && pending.get(msg.id);
      if (p) {
        pending.delete(msg.id);
        if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
        else p.resolve(msg.result);
      } else if (msg.method) for (const l of listeners) l(msg);
    }
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  exited.then(() => {
    for (const p of pending.values()) p.reject(new Error('chromium exited'));
  });
  return {
    send(method, params = {}, sessionId) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, method });
        input.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
      });
    },
    on: (fn) => listeners.push(fn),
    async close() {
      await this.send('Browser.close').catch(() => undefined);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      await fsp.rm(profileDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/**
 * A new tab (in a browser context of its own when `isolated`) with the viewport and `initScript` run before
 * each document's scripts. `until(expression, ms)` polls the page every `everyMs` until the expression is truthy.
 */
export async function openPage(cdp, { viewport, initScript, isolated = false, everyMs = 50 }) {
  const { browserContextId } = isolated ? await cdp.send('Target.createBrowserContext') : {};
  const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank', ...(browserContextId ? { browserContextId } : {}) });
  const { sessionId: session } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
  const inPage = (method, params) => cdp.send(method, params, session);
  const evaluate = async (expression) => (await inPage('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })).result.value;
  await inPage('Emulation.setDeviceMetricsOverride', { width: viewport.width, height: viewport.height, deviceScaleFactor: 1, mobile: false });
  await inPage('Page.enable');
  if (initScript) await inPage('Page.addScriptToEvaluateOnNewDocument', { source: initScript });
  const until = async (expression, ms) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const v = await evaluate(expression).catch(() => undefined);
      if (v) return v;
      await new Promise((r) => setTimeout(r, everyMs));
    }
    throw new Error(`not ready within ${Math.round(ms / 1000)} s`);
  };
  const close = async () => {
    if (browserContextId) await cdp.send('Target.disposeBrowserContext', { browserContextId }).catch(() => undefined);
    else await cdp.send('Target.closeTarget', { targetId }).catch(() => undefined);
  };
  return { session, inPage, evaluate, until, close };
}

/** Gives the app's file input `file` (a path), as a user's pick does. */
export async function pickFile(inPage, file) {
  const { root } = await inPage('DOM.getDocument', { depth: 0 });
  const { nodeId } = await inPage('DOM.querySelector', { nodeId: root.nodeId, selector: '[data-testid=file-input]' });
  await inPage('DOM.setFileInputFiles', { nodeId, files: [file] });
}
