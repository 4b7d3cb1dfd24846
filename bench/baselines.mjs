// Reference passes over the same bytes, in a Web Worker of the same page and run as the
// load they are compared with:
//   read    the Blob's stream drained without touching the bytes (the floor; a .gz is read as is)
//   scan    one bare loop touching every (decompressed) byte, read from the Blob's stream
//   gunzip  DecompressionStream alone, draining the output (.gz only)
//   parse   the text through JSON.parse (only below PARSE_LIMIT: V8 strings stop near 512 MB)
// The worker is built from a Blob URL, so nothing here depends on the app's bundle.

export const PARSE_LIMIT = 400e6;

const WORKER_SOURCE = `
onmessage = async ({ data: { blob, op, gz } }) => {
  try {
    const t0 = performance.now();
    let stream = blob.stream();
    if (gz && op !== 'read') stream = stream.pipeThrough(new DecompressionStream('gzip'));
    if (op === 'parse') {
      const text = await new Response(stream).text();
      const t1 = performance.now();
      const obj = JSON.parse(text);
      const t2 = performance.now();
      const events = Array.isArray(obj) ? obj.length : (obj.traceEvents || []).length;
      postMessage({ ok: true, readMs: t1 - t0, parseMs: t2 - t1, bytes: text.length, events });
      return;
    }
    const reader = stream.getReader();
    let bytes = 0;
    let acc = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      if (op === 'scan') for (let i = 0; i < value.length; i++) acc = (acc + value[i]) | 0;
    }
    postMessage({ ok: true, ms: performance.now() - t0, bytes, acc });
  } catch (err) {
    postMessage({ ok: false, error: String(err && err.message || err) });
  }
};`;

/**
 * Run one baseline in the page on the File the app was given (window.__bench.file), or on
 * `url` fetched as a Blob. Resolves to the worker's answer ({ ok, ... }).
 */
export async function runBaseline(page, { op, gz, url, timeoutMs }) {
  return page.evaluate(
    async ({ src, op, gz, url, timeoutMs }) => {
      const blob = window.__bench.file || (await (await fetch(url)).blob());
      const worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
      try {
        return await new Promise((resolve) => {
          const timer = setTimeout(() => resolve({ ok: false, error: `timeout after ${timeoutMs} ms` }), timeoutMs);
          worker.onmessage = (e) => {
            clearTimeout(timer);
            resolve(e.data);
          };
          worker.onerror = (e) => {
            clearTimeout(timer);
            resolve({ ok: false, error: e.message || 'worker error' });
          };
          worker.postMessage({ blob, op, gz });
        });
      } finally {
        worker.terminate();
      }
    },
    { src: WORKER_SOURCE, op, gz, url, timeoutMs },
  );
}
