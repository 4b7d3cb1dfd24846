// For formats that can only be parsed whole (one JSON document with shared tables,
// an SQLite database): buffer the chunks, with a size limit stated up front.

import { TraceFormatError } from './importer';

export class WholeFileBuffer {
  private chunks: Uint8Array[] = [];
  private size = 0;

  /** `what` names the format in the error, e.g. "This Nsight Systems SQLite export". */
  constructor(
    private readonly maxBytes: number,
    private readonly what: string,
    private readonly why: string,
  ) {}

  push(chunk: Uint8Array): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      this.chunks = [];
      throw new TraceFormatError(`${this.what} is larger than ${formatLimit(this.maxBytes)} (${this.why}).`);
    }
    // The reader may reuse its buffers: keep a copy.
    this.chunks.push(chunk.slice());
  }

  /** All bytes in one array; the buffer is emptied. */
  take(): Uint8Array {
    const all = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    this.chunks = [];
    return all;
  }
}

function formatLimit(bytes: number): string {
  return bytes >= 1 << 30 ? `${bytes / (1 << 30)} GB` : `${bytes >> 20} MB`;
}
