// A trace file on disk as the ingest code takes it (a Blob), whose args the index writer reads back
// by offset (argsSource.ts) instead of copying and deflating them: the browser does the same with
// FileReaderSync, which Node lacks. Args are most of a trace's bytes.

import { openAsBlob, openSync, readSync } from 'node:fs';
import { registerSyncReader } from '../../workers/ingest/argsSource';

/** `path` as a Blob whose bytes the ingest can read synchronously; the descriptor lives as long as the process. */
export async function openTraceFile(path: string): Promise<Blob> {
  const blob = await openAsBlob(path);
  const fd = openSync(path, 'r');
  registerSyncReader(blob, (at, len) => {
    const out = new Uint8Array(len);
    let got = 0;
    // As a Blob slice does, a read past the end returns the bytes there are (the last block of args is short).
    for (let n = 1; got < len && n > 0; got += n) n = readSync(fd, out, got, len - got, at + got);
    return got < len ? out.subarray(0, got) : out;
  });
  return blob;
}
