// BGZF (the blocked gzip of bioinformatics, `bgzip`) written with Node's zlib: members of at most
// 65,280 input bytes, each naming its own compressed size in a 'BC' extra subfield (BSIZE = member
// size − 1), and the empty member BGZF ends with. Used by bench/generate.mjs (the BGZF twins of the
// .gz inputs) and by the tests (test/support/gzipMembers.ts). Plain JS so the bench needs no build.
import { Transform } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';

/** Bumped when a written file's bytes would change (bench markers then no longer match). */
export const BGZF_VERSION = 1;
/** Input bytes per member: bgzip's, so a member's deflated size fits BSIZE even for incompressible bytes. */
export const BGZF_BLOCK_BYTES = 65_280;

/** One BGZF member holding `data` (≤ 65,280 bytes: its compressed size must fit BSIZE). */
export function bgzfBlock(data) {
  const deflated = deflateRawSync(data, { level: 6 });
  const header = Buffer.from([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0, 0, 0]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length, 4);
  const block = Buffer.concat([header, deflated, trailer]);
  block.writeUInt16LE(block.length - 1, 16);
  return block;
}

/** BGZF of `bytes` in memory: members of `blockSize` input bytes, then the empty end-of-file member. */
export function bgzf(bytes, blockSize = BGZF_BLOCK_BYTES) {
  const blocks = [];
  for (let at = 0; at < bytes.length; at += blockSize) blocks.push(bgzfBlock(bytes.subarray(at, at + blockSize)));
  blocks.push(bgzfBlock(new Uint8Array(0)));
  return Buffer.concat(blocks);
}

/** The same as a stream (a 1 GB input never sits in memory): bytes in, BGZF members out. */
export function bgzfStream() {
  let pending = Buffer.alloc(0);
  return new Transform({
    transform(chunk, _enc, done) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let at = 0;
      for (; pending.length - at >= BGZF_BLOCK_BYTES; at += BGZF_BLOCK_BYTES) this.push(bgzfBlock(pending.subarray(at, at + BGZF_BLOCK_BYTES)));
      pending = pending.subarray(at);
      done();
    },
    flush(done) {
      if (pending.length) this.push(bgzfBlock(pending));
      this.push(bgzfBlock(new Uint8Array(0)));
      done();
    },
  });
}
