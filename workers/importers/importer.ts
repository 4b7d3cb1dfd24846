// The importer interface: every format is a chunked importer that consumes byte
// chunks and appends raw events to a RawTrace. Formats are detected by content.

import type { RawTrace } from '../ingest/rawTrace';

export interface TraceImporter {
  /** Consumes the next decoded bytes of the file. Chunks may split anything, even UTF-8 sequences. */
  push(chunk: Uint8Array): void;
  /** Called once at end of input: closes open state, records truncation warnings. Whole-file formats parse here (async: sql.js loads its wasm). */
  finish(): void | Promise<void>;
}

export interface ImporterFormat {
  /** Short format name shown in the load summary. */
  name: string;
  /** True when the first bytes of the decoded file look like this format. */
  detect(head: Uint8Array): boolean;
  /** `fileName` helps formats whose files carry facts in their names (strace -ff: `trace.<pid>`). */
  create(raw: RawTrace, fileName?: string): TraceImporter;
}

/** A fatal input problem, located in the decoded byte stream. */
export class TraceFormatError extends Error {
  constructor(
    message: string,
    readonly byteOffset?: number,
    readonly eventIndex?: number,
  ) {
    super(message);
    this.name = 'TraceFormatError';
  }
}

/** Index of the first byte that is not whitespace or a UTF-8 BOM. */
export function firstContentByte(head: Uint8Array): number {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  return i;
}
