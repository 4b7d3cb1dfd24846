// A turn of the event loop from inside a long run of awaits. A stream whose bytes are already
// queued answers each read in a microtask, so a loop that reads and parses it never lets a task
// run: network answers, other workers' messages and timers wait until it ends.

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
