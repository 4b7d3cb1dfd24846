// Raw DEFLATE in this thread, for code that cannot wait (args reads inside synchronous index
// calls) and for the index writer's files. Browsers have no synchronous native inflater, so this
// is fflate; the index writer's Node bundle swaps this module for bin/src/nodeRawDeflate.ts
// (node:zlib, several times faster: vite.cli.config.ts), keeping this module's signatures.

import { deflateSync, inflateSync } from 'fflate';

/** Raw DEFLATE of `data` at `level` (1: fast, for bytes kept in memory; 6: for files written once, read many times). */
export function deflateRaw(data: Uint8Array, level: 1 | 6): Uint8Array {
  return deflateSync(data, { level });
}

/** Inflates raw DEFLATE; `size`, when known, is the inflated length. */
export function inflateRaw(data: Uint8Array, size?: number): Uint8Array {
  return inflateSync(data, size === undefined ? undefined : { out: new Uint8Array(size) });
}
