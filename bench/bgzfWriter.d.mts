// Types for bench/bgzfWriter.mjs (plain JS so `npm run bench` needs no build step).
import type { Transform } from 'node:stream';
export const BGZF_VERSION: number;
export const BGZF_BLOCK_BYTES: number;
export function bgzfBlock(data: Uint8Array): Buffer;
export function bgzf(bytes: Uint8Array, blockSize?: number): Buffer;
export function bgzfStream(): Transform;
