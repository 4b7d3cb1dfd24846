// Reading a byte stream chunk by chunk into one buffer of our own. Read the default way, a
// stream hands over a new ArrayBuffer per chunk: at 100 MB that is 100 MB of fresh external
// memory per load, and V8's external-memory GCs with it. Read with a BYOB reader, the same buffer
// comes back each time. Only for streams made for it (a URL's ranged GETs, byteSource.ts): a
// File's stream read BYOB stalled in Chromium 156 (a 1 GB File's pieces: the load stopped at
// 940 of 999 MB, 3 times of 3), so Files are read the default way.

/** Bytes of the buffer a BYOB read fills. */
export const BUFFER_BYTES = 1 << 20;

/** A stream read a few bytes at a time. */
export interface ByteReader {
  /** Up to `max` bytes (a view valid until the next read), or null at the stream's end. */
  read(max?: number): Promise<Uint8Array | null>;
  cancel(reason?: unknown): Promise<void>;
  release(): void;
}

/**
 * `stream` read into one reused buffer of BUFFER_BYTES where `byob` is asked and the stream is a
 * byte stream, else chunk by chunk (each chunk cut to `max`).
 */
export function byteReader(stream: ReadableStream<Uint8Array>, byob: boolean): ByteReader {
  let into: ReadableStreamBYOBReader | null = null;
  try {
    into = byob ? stream.getReader({ mode: 'byob' }) : null;
  } catch {
    into = null;
  }
  if (into) {
    const reader = into;
    let buffer = new ArrayBuffer(BUFFER_BYTES);
    return {
      async read(max = BUFFER_BYTES) {
        const { value, done } = await reader.read(new Uint8Array(buffer, 0, Math.min(max, buffer.byteLength)));
        if (value) buffer = value.buffer as ArrayBuffer;
        return done ? null : value!;
      },
      cancel: (reason) => reader.cancel(reason),
      release: () => reader.releaseLock(),
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
  };
}

/**
 * Calls `each` with every chunk of `stream` in order (waiting for it when it returns a promise).
 * A chunk is valid only during its call: the next read may reuse its memory, so `each` copies
 * what it keeps. `byob`: read into one buffer where the stream is a byte stream (byteReader).
 */
export async function eachChunk(stream: ReadableStream<Uint8Array>, each: (chunk: Uint8Array) => unknown, byob = false): Promise<void> {
  const reader = byteReader(stream, byob);
  try {
    for (let chunk = await reader.read(); chunk; chunk = await reader.read()) if (chunk.length > 0) await each(chunk);
  } finally {
    reader.release();
  }
}
