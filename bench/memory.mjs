// Memory after a forced GC, through the DevTools protocol:
//   workers   each dedicated worker's V8 heap (used) + ArrayBuffer backing stores + embedder heap,
//             via Runtime.getHeapUsage after HeapProfiler.collectGarbage in that worker: what the
//             trace workers hold (columns, string tables, args, …)
//   page      the page's main-thread JS heap, same way
//   renderer  resident set (VmRSS) of all renderer processes, from /proc: subtract the empty app's
import { readFile } from 'node:fs/promises';

/** A CDP session on the page with its workers attached (non-flat sessions, messages tunnelled). */
export async function openMemoryProbe(page, browserSession) {
  const cdp = await page.context().newCDPSession(page);
  const workers = new Map();
  let nextId = 1;
  const pending = new Map();
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') workers.set(e.sessionId, e.targetInfo);
  });
  cdp.on('Target.detachedFromTarget', (e) => workers.delete(e.sessionId));
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const msg = JSON.parse(e.message);
    const done = pending.get(msg.id);
    if (done) {
      pending.delete(msg.id);
      done(msg);
    }
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });

  const inWorker = (sessionId, method, params = {}) =>
    new Promise((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve({ error: 'timeout' });
      }, 30_000);
      pending.set(id, (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(() => resolve({ error: 'gone' }));
    });

  return {
    /** GC everywhere, then sizes in bytes: { workerBytes, workers: [...], pageHeapBytes, rendererRssBytes }. */
    async measure() {
      await new Promise((r) => setTimeout(r, 300)); // let auto-attach report new workers
      await cdp.send('HeapProfiler.collectGarbage');
      const perWorker = [];
      for (const [sessionId, info] of workers) {
        await inWorker(sessionId, 'HeapProfiler.collectGarbage');
        const msg = await inWorker(sessionId, 'Runtime.getHeapUsage');
        if (!msg.result) continue;
        const { usedSize = 0, embedderHeapUsedSize = 0, backingStorageSize = 0 } = msg.result;
        perWorker.push({ url: info.url.replace(/^.*\//, ''), usedSize, embedderHeapUsedSize, backingStorageSize });
      }
      const page = await cdp.send('Runtime.getHeapUsage');
      return {
        workerBytes: perWorker.reduce((n, w) => n + w.usedSize + w.embedderHeapUsedSize + w.backingStorageSize, 0),
        workers: perWorker,
        pageHeapBytes: page.usedSize + (page.embedderHeapUsedSize ?? 0) + (page.backingStorageSize ?? 0),
        rendererRssBytes: await rendererRss(browserSession),
      };
    },
    close: () => cdp.detach().catch(() => undefined),
  };
}

/** Sum of VmRSS over the browser's renderer processes (SystemInfo.getProcessInfo gives their pids). */
export async function rendererRss(browserSession) {
  const { processInfo } = await browserSession.send('SystemInfo.getProcessInfo');
  let total = 0;
  for (const p of processInfo) {
    if (p.type !== 'renderer') continue;
    const status = await readFile(`/proc/${p.id}/status`, 'utf8').catch(() => '');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    if (m) total += Number(m[1]) * 1024;
  }
  return total;
}
