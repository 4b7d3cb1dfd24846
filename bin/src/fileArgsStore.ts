// A trace's args kept in a file instead of memory (growable.ts ArgsStore), for the index CLI's bounded
// writer: a .gz's args cannot be read back from the trace by offset, and held in memory (ByteStore,
// deflated, or raw while a .gz is parsed on two cores) they grow with the trace. Same offsets as a
// ByteStore gives (the bytes appended before), so the index folder is the same, byte for byte.

import { closeSync, openSync, writeSync } from 'node:fs';
import type { ArgsStore } from '../../workers/ingest/growable';
import { readAt } from './nodeFile';

/** Bytes appended are written this many at a time. */
const WRITE_BYTES = 1 << 20;
/**
 * Bytes read at a time: a pass over args (ingest/argsReadOrder.ts) reads them in order of their offsets,
 * a bucket of 256 KB at a time; one read serves the args of a bucket.
 */
const READ_BYTES = 1 << 20;

export class FileArgsStore implements ArgsStore {
  /** ArgsStore's switch for deferred deflation (loadTrace may set it): this store never compresses, its bytes are on disk. */
  compress = true;
  private fd = -1;
  /** Bytes appended and not written yet, from offset `written`. */
  private pending = new Uint8Array(WRITE_BYTES);
  private pendingBytes = 0;
  private written = 0;
  /** The window last read: bytes [windowAt, windowAt + window.length) of the file. */
  private window: Uint8Array | null = null;
  private windowAt = 0;

  /** `path`: the file, made on the first bytes appended (a plain trace's args stay in the trace: none come). */
  constructor(readonly path: string) {}

  /** Bytes appended so far. */
  get size(): number {
    return this.written + this.pendingBytes;
  }

  append(bytes: Uint8Array, start: number, end: number): number {
    const offset = this.size;
    const len = end - start;
    if (this.pendingBytes + len > this.pending.length) this.flush();
    if (len > this.pending.length) this.writeOut(bytes.subarray(start, end));
    else {
      this.pending.set(bytes.subarray(start, end), this.pendingBytes);
      this.pendingBytes += len;
    }
    return offset;
  }

  seal(): void {
    this.flush();
  }

  compressAll(): void {
    this.flush();
  }

  async settled(): Promise<void> {}

  read(offset: number, length: number): Uint8Array {
    // An importer may read what it appended last (none here but strace's and speedscope's, which are not spilled).
    if (offset + length > this.written) this.flush();
    const w = this.window;
    if (w && offset >= this.windowAt && offset + length <= this.windowAt + w.length) return w.subarray(offset - this.windowAt, offset - this.windowAt + length);
    if (length > READ_BYTES) return readAt(this.fd, offset, length);
    this.window = readAt(this.fd, offset, READ_BYTES);
    this.windowAt = offset;
    return this.window.subarray(0, length);
  }

  dropCache(): void {
    this.window = null;
  }

  get byteLength(): number {
    return this.pending.length + (this.window?.length ?? 0);
  }

  /** Closes the file (its folder is removed with it: RunFiles.remove). */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    this.writeOut(this.pending.subarray(0, this.pendingBytes));
    this.pendingBytes = 0;
  }

  private writeOut(bytes: Uint8Array): void {
    if (this.fd < 0) this.fd = openSync(this.path, 'w+');
    for (let at = 0; at < bytes.length; ) at += writeSync(this.fd, bytes, at, bytes.length - at, this.written + at);
    this.written += bytes.length;
  }
}
