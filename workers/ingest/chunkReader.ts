// Reading a byte stream chunk by chunk into one buffer of our own. Read the default way, a
// stream hands over a new ArrayBuffer per chunk: at 100 MB that is 100 MB of fresh external
// memory per load (page faults, V8's external-memory GCs). Read with a BYOB reader, the same
// buffer comes back each time.
//
// A File's pieces (Blob streams) read BYOB stalled in Chromium 156: a 1 GB picker load stopped
// with a read of the trace worker and one of its helper both pending for good, mid-piece (2–3
// loads of 3, whatever the buffer's size, 64 kB to 4 MB). With a timer pending beside each read
// none stalled (17 loads of 1 and 2 GB); why is not known. So a piece read BYOB is read with
// such a timer, and a read it outlasts is dropped and the piece read on the default way from
// where it stopped (`Reopenable`). And since a BYOB read pending when a byte stream closes may
// only be answered by its source, no read asks past a stream's known length.

/** Bytes of the buffer a BYOB read fills. */
export const BUFFER_BYTES = 1 << 20;

/** A stream read a few bytes at a time. */
export interface ByteReader {
  /** Up to `max` bytes (a view valid until the next read), or null at the stream's end. */
  read(max?: number): Promise<Uint8Array | null>;
  cancel(reason?: unknown): Promise<void>;
  release(): void;
  /** Read BYOB into a buffer of its own. */
  readonly byob: boolean;
}

/**
 * `stream` read into one reused buffer of BUFFER_BYTES where `byob` is asked and the stream is a
 * byte stream, else chunk by chunk (each chunk cut to `max`). `length`: the stream's byte count,
 * when known (a File's piece): a BYOB read never asks past it.
 */
export function byteReader(stream: ReadableStream<Uint8Array>, byob: boolean, length = Infinity): ByteReader {
  let into: ReadableStreamBYOBReader | null = null;
  try {
    into = byob ? stream.getReader({ mode: 'byob' }) : null;
  } catch {
    into = null;
  }
  if (into) {
    const reader = into;
    let buffer = new ArrayBuffer(BUFFER_BYTES);
    let left = length;
    return {
      async read(max = BUFFER_BYTES) {
        if (left <= 0) return null;
        const { value, done } = await reader.read(new Uint8Array(buffer, 0, Math.min(max, buffer.byteLength, left)));
        if (value) buffer = value.buffer as ArrayBuffer;
        if (done) return null;
        left -= value!.length;
        return value!;
      },
      cancel: (reason) => reader.cancel(reason),
      release: () => reader.releaseLock(),
      byob: true,
    };
  }
  const reader = stream.getReader();
  let left: Uint8Array = new Uint8Array(0);
  return {
    async read(max = Infinity) {
      if (left.length === 0) {
        const { value, done } = await reader.read();
        if (done) return null;
        left = value;
      }
      const part = max >= left.length ? left : left.subarray(0, max);
      left = left.subarray(part.length);
      return part;
    },
    cancel: (reason) => reader.cancel(reason),
    release: () => reader.releaseLock(),
    byob: false,
  };
}

/** A BYOB read of a piece not answered in this long is taken to be stuck (see the top). */
export const STALL_MS = 1500;
let stalledReads = 0;

/** BYOB reads taken to be stuck so far in this thread (tests). */
export function stalledReadCount(): number {
  return stalledReads;
}

/** A stream of known length that can be opened again from any byte (a File's piece). */
export interface Reopenable {
  length: number;
  reopen(from: number): ReadableStream<Uint8Array>;
}

/** A stream's chunks one at a time (`next`: null at its end); each valid until the next call. */
export interface ChunkSource {
  next(): Promise<Uint8Array | null>;
  release(): void;
}

/**
 * The chunks of `stream`. `byob`: read into one buffer where the stream is a byte stream (byteReader).
 * `piece` (a File's): its length and how to open it again: a BYOB read unanswered for STALL_MS is
 * dropped and the rest of the piece read the default way.
 */
export function chunksOf(stream: ReadableStream<Uint8Array>, byob = false, piece?: Reopenable): ChunkSource {
  let reader = byteReader(stream, byob, piece?.length);
  let guarded = reader.byob && piece !== undefined;
  let got = 0;
  return {
    async next() {
      let chunk: Uint8Array | null;
      if (guarded) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const stalled = new Promise<'stalled'>((resolve) => (timer = setTimeout(() => resolve('stalled'), STALL_MS)));
        const first = await Promise.race([reader.read(), stalled]);
        clearTimeout(timer);
        if (first === 'stalled') {
          stalledReads++;
          // (Its answer, if it ever comes, is not waited for.)
          void reader.cancel().catch(() => undefined);
          guarded = false;
          reader = byteReader(piece!.reopen(got), false);
          chunk = await reader.read();
        } else chunk = first;
      } else chunk = await reader.read();
      if (chunk) got += chunk.length;
      return chunk;
    },
    release: () => reader.release(),
  };
}

/**
 * Calls `each` with every chunk of `stream` in order (waiting for it when it returns a promise).
 * A chunk is valid only during its call: the next read may reuse its memory, so `each` copies
 * what it keeps. `byob` and `piece`: as chunksOf.
 */
export async function eachChunk(stream: ReadableStream<Uint8Array>, each: (chunk: Uint8Array) => unknown, byob = false, piece?: Reopenable): Promise<void> {
  const chunks = chunksOf(stream, byob, piece);
  try {
    for (let chunk = await chunks.next(); chunk; chunk = await chunks.next()) if (chunk.length > 0) await each(chunk);
  } finally {
    chunks.release();
  }
}
