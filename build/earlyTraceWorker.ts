// Starts the trace worker from a tiny classic script in index.html's <head>, before the app's
// own bundle is fetched, compiled and run (~50–100 ms on a quiet 2-core machine, several times
// that when it is busy), and tells it about the page: a link's trace (`?url=`) is read and parsed
// from then on, not once the app runs (workers/earlyLoad.ts; the app's load call joins it).
// src/state/traceClient.ts (prepareTraceWorker) adopts the worker. Build only: the dev server
// has no hashed worker file to name, and there the app starts the worker itself as before.

import type { Plugin } from 'vite';
import { EARLY_TRACE_WORKER } from '../src/model/earlyTraceWorker.ts';
import { BUDGET_SETTING_KEY } from '../src/state/memoryBudget.ts';

/**
 * The script: the worker file is named relative to the script itself (base './': any sub-path).
 * Its name is unique as workers/heartbeat.ts uniqueWorkerName makes them (a lifeline is per name).
 * `page`: what a worker cannot see itself (workers/earlyLoad.ts PageFacts): the address, the base
 * links are relative to, the saved memory budget and the device memory the budget defaults from.
 */
function earlyScript(workerFile: string): string {
  return `// Starts the trace worker while the app loads (build/earlyTraceWorker.ts).
(function () {
  try {
    var id = self.crypto && crypto.randomUUID ? crypto.randomUUID().slice(0, 8) : Math.random().toString(36).slice(2, 10);
    var name = 'trace #' + id;
    var worker = new Worker(new URL(${JSON.stringify(workerFile)}, document.currentScript.src), { type: 'module', name: name });
    var budgetSetting = null;
    try {
      budgetSetting = localStorage.getItem(${JSON.stringify(BUDGET_SETTING_KEY)});
    } catch (e) {
      /* storage disabled: the app reads none either */
    }
    worker.postMessage({ warmHelpers: true, page: { href: location.href, base: document.baseURI, budgetSetting: budgetSetting, deviceMemory: navigator.deviceMemory } });
    window.${EARLY_TRACE_WORKER} = { worker: worker, name: name };
  } catch (e) {
    /* the app starts it */
  }
})();
`;}

export function earlyTraceWorker(): Plugin {
  return {
    name: 'tracelane-early-trace-worker',
    apply: 'build',
    generateBundle: {
      // After vite:build-html has written index.html into the bundle.
      order: 'post',
      handler(_options, bundle) {
        const html = bundle['index.html'];
        const worker = Object.keys(bundle).find((f) => /(^|\/)trace\.worker-[\w-]+\.js$/.test(f));
        if (!html || html.type !== 'asset' || !worker) throw new Error('earlyTraceWorker: index.html or the trace worker is missing from the build.');
        const ref = this.emitFile({ type: 'asset', name: 'start-trace-worker.js', source: earlyScript(`./${worker.split('/').pop()}`) });
        const script = this.getFileName(ref);
        if (script.split('/').slice(0, -1).join('/') !== worker.split('/').slice(0, -1).join('/')) throw new Error('earlyTraceWorker: the script and the worker must share a folder.');
        const tag = `<script src="./${script}"></script>`;
        const source = String(html.source);
        if (!source.includes('<title>')) throw new Error('earlyTraceWorker: no <title> in index.html to place the script after.');
        html.source = source.replace('</title>', `</title>\n    ${tag}`);
      },
    },
  };
}
