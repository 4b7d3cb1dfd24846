// What crosses between the index writer's threads (nodeWorkers.ts, fragmentThread.ts): a
// message as the browser's Workers take it, with each trace file (a FileRange over a descriptor,
// which structured clone cannot carry) swapped for its descriptor and range, and back.

import { traceFileOf, traceFileRef, type TraceFileRef } from './nodeFile';

/** `message` with every trace file in it replaced by its TraceFileRef (typed arrays and buffers are left as they are). */
export function withFileRefs(message: unknown): unknown {
  const ref = traceFileRef(message);
  if (ref) return ref;
  if (!isPlain(message)) return message;
  if (Array.isArray(message)) return message.map(withFileRefs);
  return Object.fromEntries(Object.entries(message).map(([k, v]) => [k, withFileRefs(v)]));
}

/** The message withFileRefs made, with each TraceFileRef opened as the file again (in this thread). */
export function withFiles(message: unknown): unknown {
  if (!isPlain(message)) return message;
  if (Array.isArray(message)) return message.map(withFiles);
  if (typeof (message as TraceFileRef).traceFileFd === 'number') return traceFileOf(message as TraceFileRef);
  return Object.fromEntries(Object.entries(message).map(([k, v]) => [k, withFiles(v)]));
}

/** Plain objects and arrays: what may hold a file deeper down (a job's source, a BGZF source's `of`). */
function isPlain(v: unknown): v is object {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return false;
  const proto = Object.getPrototypeOf(v);
  return Array.isArray(v) || proto === Object.prototype || proto === null;
}
