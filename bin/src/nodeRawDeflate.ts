// workers/ingest/rawDeflate.ts for the index writer's Node bundle (swapped in by vite.cli.config.ts):
// node:zlib instead of fflate. Writing a 1 GB trace's index spent half its time in fflate.

import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** A Buffer of its own (small zlib results may sit in Node's shared pool, which callers must not see through `.buffer`). */
function own(b: Buffer): Uint8Array {
  return b.byteOffset === 0 && b.buffer.byteLength === b.length ? new Uint8Array(b.buffer, 0, b.length) : new Uint8Array(b);
}

export function deflateRaw(data: Uint8Array, level: 1 | 6): Uint8Array {
  return own(deflateRawSync(data, { level }));
}

export function inflateRaw(data: Uint8Array, size?: number): Uint8Array {
  return own(inflateRawSync(data, size === undefined ? {} : { maxOutputLength: Math.max(size, 1) }));
}
