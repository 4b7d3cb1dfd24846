// Reading a byte stream chunk by chunk into one buffer of our own. Read the default way, a
// stream hands over a new ArrayBuffer per chunk: at 100 MB that is 100 MB of fresh external
// memory per load, and V8's external-memory GCs with it. Read with a BYOB reader, the same buffer
// comes back each time. Only for streams made for it (a URL's ranged GETs, byteSource.ts): a
// File's stream read BYOB stalled in Chromium 156 (a 1 GB File's pieces: the load stopped at
// 940 of 999 MB, 3 times of 3), so Files are read the default way.

/** Bytes of the buffer a BYOB read fills. */
const BUFFER_BYTES = 1 << 20;

/**
 * Calls `each` with every chunk of `stream` in order. A chunk is valid only during its call:
 * the next read may reuse its memory, so `each` copies what it keeps. `byob`: read into one
 * buffer where the stream is a byte stream (else, and for any other stream, the default way).
 */
export async function eachChunk(stream: ReadableStream<Uint8Array>, each: (chunk: Uint8Array) => void, byob = false): Promise<void> {
  let reader: ReadableStreamBYOBReader | null = null;
  try {
    reader = byob ? stream.getReader({ mode: 'byob' }) : null;
  } catch {
    reader = null;
  }
  if (!reader) {
    const chunks = stream.getReader();
    try {
      for (;;) {
        const { value, done } = await chunks.read();
        if (done) return;
        each(value);
      }
    } finally {
      chunks.releaseLock();
    }
  }
  let buffer: ArrayBuffer = new ArrayBuffer(BUFFER_BYTES);
  try {
    for (;;) {
      const { value, done } = await reader.read(new Uint8Array(buffer));
      if (done || !value) return;
      buffer = value.buffer as ArrayBuffer;
      if (value.length > 0) each(value);
    }
  } finally {
    reader.releaseLock();
  }
}
