// A turn of the event loop from inside a long run of awaits. A stream whose bytes are already
// queued answers each read in a microtask, so a loop that reads and parses it never lets a task
// run: network answers, other workers' messages and timers wait until it ends.

import type { RangeSource } from './byteSource';

/** Resolves in a task of its own (a message to ourselves: no timer clamping), after the tasks queued before it. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/**
 * Reading a URL, a parse lets other tasks run after parsing this many bytes: the trace worker's
 * helpers' finished pieces, the answers to the cut windows' GETs, a helper's next job (whose bytes
 * it asks for on arrival) and progress wait for that (a fetch body with bytes queued answers every
 * read in a microtask: a helper waited 52–166 ms per piece for its next one, and a helper saw its
 * next job 100–150 ms late, so its bytes were asked for late). Not for a File: there it cost the
 * picker's 100 MB parse 50–80 ms (4 loads each, load 3–4), and a File's helpers no longer wait for
 * the trace worker (each is sent its next piece while it parses one: fragment.worker.ts).
 */
const URL_YIELD_BYTES = 1 << 20;

/** Called with each chunk's length: a turn of the event loop to await once `every` bytes have passed since the last, else null. */
function yieldEvery(every: number): (bytes: number) => Promise<void> | null {
  let since = 0;
  return (bytes) => {
    if ((since += bytes) < every) return null;
    since = 0;
    return nextTask();
  };
}

/** For a parse reading the bytes of `job` (a RangeSource's): a turn every URL_YIELD_BYTES of a URL's, none for others. */
export function readingYields(job: RangeSource['job']): (bytes: number) => Promise<void> | null {
  return yieldEvery('url' in job ? URL_YIELD_BYTES : Infinity);
}
