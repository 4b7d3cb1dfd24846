// Gzip files of several members, built from real bytes: `cat a.gz b.gz` and BGZF (the
// blocked gzip of bioinformatics: members of ≤ 64 kB, each naming its size in a 'BC'
// extra field, ending with an empty member). Node only (node:zlib); used by unit and e2e tests.

import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { Gunzip } from 'fflate';

/** `bytes` cut at `parts − 1` byte offsets (not event boundaries: members are byte streams), each part gzipped, concatenated. */
export function multiMemberGzip(bytes: Uint8Array, parts: number): Buffer {
  const members: Buffer[] = [];
  for (let k = 0; k < parts; k++) {
    const a = Math.floor((k * bytes.length) / parts) + (k ? 17 : 0);
    const b = k === parts - 1 ? bytes.length : Math.floor(((k + 1) * bytes.length) / parts) + 17;
    members.push(gzipSync(bytes.subarray(a, b)));
  }
  return Buffer.concat(members);
}

/** One BGZF member holding `data` (≤ 65 280 bytes: its compressed size must fit BSIZE). */
export function bgzfBlock(data: Uint8Array): Buffer {
  const deflated = deflateRawSync(data);
  const header = Buffer.from([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0, 0, 0]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length, 4);
  const block = Buffer.concat([header, deflated, trailer]);
  block.writeUInt16LE(block.length - 1, 16);
  return block;
}

/** BGZF of `bytes`: members of `blockSize` input bytes, then the empty end-of-file member. */
export function bgzf(bytes: Uint8Array, blockSize = 65_280): Buffer {
  const blocks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += blockSize) blocks.push(bgzfBlock(bytes.subarray(at, at + blockSize)));
  blocks.push(bgzfBlock(new Uint8Array(0)));
  return Buffer.concat(blocks);
}

/**
 * An inflater that behaves as Chromium's DecompressionStream('gzip') does (Node's reads on
 * into the next member, and answers asynchronously): one member only, bytes after its end
 * error the stream ("Junk found after end of compressed data"), a cut member errors on
 * close, and each chunk's output is enqueued before its write resolves.
 */
export function chromiumLikeGunzip(): TransformStream<Uint8Array, Uint8Array> {
  let gz: Gunzip;
  let junk = false;
  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      gz = new Gunzip((data) => data.length && controller.enqueue(data));
      gz.onmember = () => (junk = true);
    },
    transform(chunk) {
      gz.push(chunk);
      if (junk) throw new TypeError('Junk found after end of compressed data.');
    },
    flush() {
      gz.push(new Uint8Array(0), true);
    },
  });
}
