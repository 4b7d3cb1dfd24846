// In-page instrumentation, installed with context.addInitScript before the app runs.
// Everything lands on window.__bench, in performance.now() ms (relative to navigation start):
//   change      the file input's change event (and the File it carried: the app clears the input)
//   states      data-trace-state changes [{ state, t }]
//   phases      the load progress label changes [{ label, t }] (Reading / Decompressing / Parsing / Indexing / Ready)
//   raf         the app's requestAnimationFrame callbacks [{ start, end, items, fromTiles }] (the timeline draws in
//               one; items = what window.tracelane.drawn() says the last frame drew)
//   inputs      keydown / wheel events [{ type, t, timeStamp, handlerMs }] with the app's handler time
//   ticks       frame timestamps of a rAF loop that only runs while frames are being recorded
//   longTasks   [{ start, duration }] from the Long Tasks API
// Serialised by Playwright: the function must be self-contained.
export function installPageProbe() {
  const b = (window.__bench = { change: null, file: null, states: [], phases: [], raf: [], inputs: [], ticks: [], longTasks: [], recording: false });
  const now = () => performance.now();

  document.addEventListener(
    'change',
    (e) => {
      const el = e.target;
      if (el instanceof HTMLInputElement && el.type === 'file' && el.files && el.files.length) {
        b.change = now();
        b.file = el.files[0];
      }
    },
    true,
  );

  // Time the app's rAF callbacks (the draw) without counting our own ticker.
  const origRaf = window.requestAnimationFrame.bind(window);
  b.origRaf = origRaf;
  window.requestAnimationFrame = (cb) =>
    origRaf((ts) => {
      const start = now();
      try {
        cb(ts);
      } finally {
        if (b.recording) {
          const end = now();
          // Items the frame drew (outside the timed span): the ~20 k rect budget of issue 4.
          const drawn = window.tracelane?.drawn?.();
          b.raf.push({ start, end, items: drawn?.items ?? null, fromTiles: drawn ? drawn.lanes.reduce((n, l) => n + l.fromTiles, 0) : null });
        }
      }
    });

  // Time the app's keydown / wheel handlers: input → handler CPU, then the next draw.
  const wrapped = new WeakMap();
  const timed = new Set(['keydown', 'wheel']);
  const origAdd = EventTarget.prototype.addEventListener;
  const origRemove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, listener, opts) {
    if (!timed.has(type) || typeof listener !== 'function') return origAdd.call(this, type, listener, opts);
    let w = wrapped.get(listener);
    if (!w) {
      w = function (ev) {
        const start = now();
        try {
          return listener.call(this, ev);
        } finally {
          const rec = ev.__benchInput;
          if (rec) rec.handlerMs += now() - start;
        }
      };
      wrapped.set(listener, w);
    }
    return origAdd.call(this, type, w, opts);
  };
  EventTarget.prototype.removeEventListener = function (type, listener, opts) {
    return origRemove.call(this, type, (listener && wrapped.get(listener)) || listener, opts);
  };
  for (const type of timed) {
    origAdd.call(
      window,
      type,
      (ev) => {
        if (!b.recording) return;
        const rec = { type, t: now(), timeStamp: ev.timeStamp, handlerMs: 0 };
        ev.__benchInput = rec;
        b.inputs.push(rec);
      },
      { capture: true, passive: true },
    );
  }

  try {
    new PerformanceObserver((list) => {
      if (b.recording) for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask' });
  } catch {
    /* no Long Tasks API */
  }

  b.startRecording = () => {
    b.raf = [];
    b.inputs = [];
    b.ticks = [];
    b.longTasks = [];
    b.recording = true;
    const tick = (ts) => {
      if (!b.recording) return;
      b.ticks.push(ts);
      origRaf(tick);
    };
    origRaf(tick);
  };
  b.stopRecording = () => {
    b.recording = false;
    return { raf: b.raf, inputs: b.inputs, ticks: b.ticks, longTasks: b.longTasks };
  };

  const watch = () => {
    const root = document.documentElement;
    new MutationObserver(() => {
      const st = root.dataset.traceState;
      const last = b.states[b.states.length - 1];
      if (st && (!last || last.state !== st)) b.states.push({ state: st, t: now() });
    }).observe(root, { attributes: true, attributeFilter: ['data-trace-state'] });
    // The progress label is React text; watch the body until the trace is ready.
    const phaseObs = new MutationObserver(() => {
      const el = document.querySelector('[data-testid="load-progress"] .progress-phase');
      const label = el ? el.textContent : null;
      const last = b.phases[b.phases.length - 1];
      if (label && (!last || last.label !== label)) b.phases.push({ label, t: now() });
    });
    phaseObs.observe(document.body, { subtree: true, childList: true, characterData: true });
  };
  if (document.body) watch();
  else document.addEventListener('DOMContentLoaded', watch, { once: true });
}
