// Gzip files of several members, built from real bytes: `cat a.gz b.gz` and BGZF (the
// blocked gzip of bioinformatics: members of ≤ 64 kB, each naming its size in a 'BC'
// extra field, ending with an empty member). Node only (node:zlib); used by unit and e2e tests.

import { gzipSync } from 'node:zlib';
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

// BGZF is written by the bench's writer (bench/bgzfWriter.mjs: the same bytes the bench opens).
export { bgzf, bgzfBlock } from '../../bench/bgzfWriter.mjs';

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
