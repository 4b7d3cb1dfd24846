// Where a parsed trace's args are read back from, synchronously and on demand: the File
// itself (FileReaderSync) or, for a URL whose server answers ranges, ranged requests (a
// synchronous XMLHttpRequest, which workers may make). Args are most of a trace's bytes:
// keeping only their offsets, instead of a deflated copy, is what lets a big trace fit.

import { parseContentRange, type RangeSource } from './byteSource';
import { bgzfArgsSource } from './bgzf';

export interface ArgsSource {
  /** Bytes [at, at + len) of the trace's file; throws when they cannot be read. */
  read(at: number, len: number): Uint8Array;
  /** The size of the blocks reads are cached in (default 4 MB; an index folder's args blocks are smaller). */
  blockBytes?: number;
}

/**
 * Synchronous readers of Blobs this platform cannot read synchronously: Node has no
 * FileReaderSync, so the index writer (bin/) registers the files it opens by path here.
 */
const syncFileReaders = new WeakMap<Blob, ArgsSource['read']>();

/** Lets `file`'s args be read back by offset with `read` (bytes [at, at + len) of the file). */
export function registerSyncReader(file: Blob, read: ArgsSource['read']): void {
  syncFileReaders.set(file, read);
}

/** Whether `file`'s bytes can be read back synchronously here (its args, by offset). */
export function canReadSync(file: Blob): boolean {
  return syncFileReaders.has(file) || 'FileReaderSync' in globalThis;
}

/** A Blob's bytes, read synchronously (FileReaderSync: workers only). */
export function readBlobSync(blob: Blob): Uint8Array {
  const reader = new (globalThis as unknown as { FileReaderSync: new () => { readAsArrayBuffer(b: Blob): ArrayBuffer } }).FileReaderSync();
  return new Uint8Array(reader.readAsArrayBuffer(blob));
}

/** The args source for a plain (not gzipped) source opened by ranges, or null where none can be read synchronously here. */
export function argsSourceFor(job: RangeSource['job']): ArgsSource | null {
  // A BGZF file's: its members holding them, read the way its compressed bytes are, inflated here.
  if ('bgzf' in job) {
    const compressed = argsSourceFor(job.bgzf.of);
    return compressed && bgzfArgsSource(job.bgzf.members, compressed);
  }
  if ('file' in job) {
    const registered = syncFileReaders.get(job.file);
    if (registered) return { read: registered };
    if (!('FileReaderSync' in globalThis)) return null;
    const file = job.file;
    return { read: (at, len) => readBlobSync(file.slice(at, at + len)) };
  }
  // Only workers may make synchronous requests with a binary answer.
  if (typeof XMLHttpRequest === 'undefined' || !('WorkerGlobalScope' in globalThis)) return null;
  const url = job.url;
  return {
    read(at, len) {
      const xhr = new XMLHttpRequest();
      xhr.open('GET', url, false);
      xhr.responseType = 'arraybuffer';
      xhr.setRequestHeader('Range', `bytes=${at}-${at + len - 1}`);
      try {
        xhr.send();
      } catch (err) {
        throw new Error(`Could not read bytes ${at}-${at + len - 1} of ${url} (the args of this slice): ${(err as Error).message}`);
      }
      const range = xhr.status === 206 ? parseContentRange(xhr.getResponseHeader('content-range')) : null;
      if (!range || range.start !== at) throw new Error(`Could not read bytes ${at}-${at + len - 1} of ${url} (the args of this slice): the server answered HTTP ${xhr.status}${range ? ' with other bytes' : ''}.`);
      return new Uint8Array(xhr.response as ArrayBuffer);
    },
  };
}
