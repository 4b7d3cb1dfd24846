// A trace file on disk as the ingest code takes it (a Blob), read with the file's descriptor:
// Node 20's fs.openAsBlob reports a file past 4 GiB as its size modulo 2^32 and slices it wrong,
// and Node has no FileReaderSync, with which the browser reads a plain trace's args back by
// offset: registered here (argsSource.ts), they stay offsets into the file, not a deflated copy.

import { fstatSync, openSync, read, readSync, statSync } from 'node:fs';
import { registerSyncReader } from '../../workers/ingest/argsSource';

/** Bytes a stream of the file hands on at a time. */
const STREAM_CHUNK = 1 << 20;

/** The part of Blob the ingest uses (size, slice, stream, arrayBuffer, text), over bytes [from, to) of a file. */
class FileRange {
  readonly type = '';

  constructor(
    readonly fd: number,
    readonly from: number,
    readonly to: number,
  ) {}

  get size(): number {
    return this.to - this.from;
  }

  slice(start = 0, end = this.size): FileRange {
    const at = (i: number) => Math.min(this.size, Math.max(0, i < 0 ? this.size + i : i));
    return new FileRange(this.fd, this.from + at(start), this.from + Math.max(at(start), at(end)));
  }

  stream(): ReadableStream<Uint8Array> {
    let at = this.from;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (at >= this.to) return controller.close();
        const chunk = new Uint8Array(Math.min(STREAM_CHUNK, this.to - at));
        const n = await new Promise<number>((resolve, reject) => read(this.fd, chunk, 0, chunk.length, at, (err, got) => (err ? reject(err) : resolve(got))));
        if (n === 0) return controller.error(new Error(`The trace file ended at byte ${at}, before its ${this.to} bytes: it changed while being read.`));
        at += n;
        controller.enqueue(n < chunk.length ? chunk.subarray(0, n) : chunk);
      },
    });
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const out = new Uint8Array(this.size);
    let got = 0;
    for await (const chunk of this.stream() as unknown as AsyncIterable<Uint8Array>) {
      out.set(chunk, got);
      got += chunk.length;
    }
    return out.buffer;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.arrayBuffer());
  }
}

/** `path` as a Blob for the ingest, with its args readable synchronously; the descriptor lives as long as the process. */
export function openTraceFile(path: string): Blob {
  return fileOnDescriptor(openSync(path, 'r'), statSync(path).size);
}

/**
 * A trace file's Blob as it crosses to a worker thread (nodeWorkers.ts): its descriptor, which
 * every thread of the process shares, and its range.
 */
export interface TraceFileRef {
  traceFileFd: number;
  from: number;
  to: number;
}

export function traceFileRef(value: unknown): TraceFileRef | null {
  return value instanceof FileRange ? { traceFileFd: value.fd, from: value.from, to: value.to } : null;
}

const onDescriptor = new Map<number, FileRange>();

/** The Blob a TraceFileRef names, in this thread (one per descriptor, so its args reader is found again). */
export function traceFileOf(ref: TraceFileRef): Blob {
  let whole = onDescriptor.get(ref.traceFileFd);
  if (!whole) {
    whole = fileOnDescriptor(ref.traceFileFd, fstatSync(ref.traceFileFd).size) as unknown as FileRange;
    onDescriptor.set(ref.traceFileFd, whole);
  }
  return (ref.from === 0 && ref.to === whole.size ? whole : whole.slice(ref.from, ref.to)) as unknown as Blob;
}

function fileOnDescriptor(fd: number, size: number): Blob {
  const file = new FileRange(fd, 0, size);
  registerSyncReader(file as unknown as Blob, (at, len) => readAt(fd, at, len));
  return file as unknown as Blob;
}

/** Bytes [at, at + len) of the file open as `fd`: as a Blob slice does, a read past the end returns the bytes there are (the last block of args is short). */
export function readAt(fd: number, at: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let got = 0;
  for (let n = 1; got < len && n > 0; got += n) n = readSync(fd, out, got, len - got, at + got);
  return got < len ? out.subarray(0, got) : out;
}
