// Byte streams from the places traces come from: a dropped/picked File, or a URL
// fetched in the worker. Gzip is detected by its magic bytes, not the file name.

import type { TraceSource } from '../../src/model/types';

export interface ByteSource {
  stream: ReadableStream<Uint8Array>;
  /** Size of the source in bytes when known (File.size, Content-Length), else 0. */
  total: number;
}

export async function openSource(source: TraceSource, signal?: AbortSignal): Promise<ByteSource> {
  if (source.kind === 'file') return { stream: source.file.stream() as ReadableStream<Uint8Array>, total: source.file.size };
  let response: Response;
  try {
    response = await fetch(source.url, { signal });
  } catch (err) {
    throw new Error(`Could not fetch ${source.url}: ${(err as Error).message}`);
  }
  if (!response.ok) throw new Error(`Could not fetch ${source.url}: HTTP ${response.status} ${response.statusText}`.trim());
  if (!response.body) throw new Error(`Could not fetch ${source.url}: the response has no body`);
  // With Content-Encoding the length counts compressed bytes, which we never see.
  const encoded = response.headers.get('content-encoding');
  const length = Number(response.headers.get('content-length') ?? 0);
  return { stream: response.body, total: encoded ? 0 : length };
}

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Counts bytes as they pass, for progress. */
export function countingStream(onBytes: (n: number) => void): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      onBytes(chunk.byteLength);
      controller.enqueue(chunk);
    },
  });
}

/** Reads the first chunk, then hands back a stream that still yields it. */
export async function peek(stream: ReadableStream<Uint8Array>): Promise<{ head: Uint8Array; stream: ReadableStream<Uint8Array> }> {
  const reader = stream.getReader();
  const first = await reader.read();
  const head = first.value ?? new Uint8Array(0);
  let sentHead = first.done === true;
  const rest = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentHead) {
        sentHead = true;
        controller.enqueue(head);
        return;
      }
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { head, stream: rest };
}
