// The part of a Web Worker's global scope fragment.worker.ts uses (self.onmessage,
// self.postMessage), over this worker thread's port to the index writer.
import { parentPort } from 'node:worker_threads';
import { withFiles } from './threadMessages';

const port = parentPort;
if (!port) throw new Error('threadScope: not in a worker thread');
const scope = {
  onmessage: null as ((e: { data: unknown }) => unknown) | null,
  postMessage: (message: unknown, transfer: Transferable[] = []) => port.postMessage(message, transfer as ArrayBuffer[]),
};
Object.assign(globalThis, { self: scope, postMessage: scope.postMessage });
port.on('message', (data: unknown) => void scope.onmessage?.({ data: withFiles(data) }));
