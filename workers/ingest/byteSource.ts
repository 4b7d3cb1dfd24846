// Byte streams from the places traces come from: a dropped/picked File, or a URL
// fetched in the worker. Gzip is detected by its magic bytes, not the file name.

import type { TraceSource } from '../../src/model/types';
import { BUFFER_BYTES, byteReader, type ByteReader, type Reopenable } from './chunkReader';
import { bgzfRanges, type BgzfJob } from './bgzf';

export interface ByteSource {
  stream: ReadableStream<Uint8Array>;
  /** Size of the source in bytes when known (File.size, Content-Length, Content-Range), else 0. */
  total: number;
  /** A URL whose server answered a ranged GET `206` with a parseable `Content-Range`: its byte ranges. */
  ranges?: RangeSource;
}

/** Bytes read by the first, ranged GET of a URL (its head: format detection, the parse's first bytes). */
export const PROBE_BYTES = 1 << 16;
/** Retries of a failed range (fetch error, error status, body cut) before the load fails. */
export const RANGE_RETRIES = 3;
/**
 * Ranged GETs bypass the HTTP cache. Chromium's cache lets one request at a time use a URL's
 * entry: the others wait for it (a 100 MB load: 80–230 ms of queueing in the trace worker, once a
 * piece's first byte 0.77 s late), a range it holds in part is split into more requests to the
 * server (some sent twice: the e2e checks), and every byte is also written to the disk cache. A
 * trace read by ranges is read once.
 */
const RANGE_CACHE: RequestCache = 'no-store';

/**
 * A source read by byte ranges, for parsing in parallel fragments (parallelParse.ts): a File's
 * slices or a URL's ranged GETs. `job` opens the same source in a fragment worker (rangeSourceFor).
 */
export interface RangeSource {
  size: number;
  job: { file: Blob } | { url: string } | { bgzf: BgzfJob };
  /** Bytes [start, end) as they arrive. */
  stream(start: number, end: number, signal?: AbortSignal): ReadableStream<Uint8Array>;
  /** Bytes [start, end) at once. */
  read(start: number, end: number, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * Asks for bytes [start, end) now: a stream reaching `start` later reads them without waiting for
   * a round trip (Chromium reads an answer ahead of its reader). The function returned drops them
   * if no stream took them. Absent where a read costs no round trip (a File).
   */
  prefetch?(start: number, end: number, signal?: AbortSignal): () => void;
}

/**
 * Bytes [start, end) of `source` as a piece eachChunk can open again from the byte a stuck read
 * stopped at: a File's (its Blob stream's BYOB reads may stall, chunkReader.ts); undefined for
 * any other source.
 */
export function reopenablePiece(source: RangeSource, start: number, end: number, signal?: AbortSignal): Reopenable | undefined {
  return 'file' in source.job ? { length: end - start, reopen: (from) => source.stream(start + from, end, signal) } : undefined;
}

export function fileRanges(file: Blob): RangeSource {
  return {
    size: file.size,
    job: { file },
    stream: (start, end) => file.slice(start, end).stream() as ReadableStream<Uint8Array>,
    read: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()),
  };
}

/** An answer being read: the next byte it gives is `at`, its last one `end − 1`. */
interface OpenBody {
  reader: ByteReader;
  at: number;
  end: number;
}

/** `head`: the URL's first bytes, already fetched (reads inside it cost no request). */
export function urlRanges(url: string, size: number, head = new Uint8Array(0)): RangeSource {
  /** Answers asked for ahead (prefetch), by the byte they start at: taken by the stream that reaches it. */
  const ahead = new Map<number, Promise<OpenBody>>();
  const source: RangeSource = {
    size,
    job: { url },
    // A byte stream: a BYOB reader (chunkReader.ts) has the bytes copied into its own buffer, and
    // the body is read into one reused buffer too (a fetch body is a byte stream: 0.29–0.40 s for a 100 MB
    // body drained in a worker, 0.51–0.84 s the default way), so no chunk allocates memory.
    stream: (start, end, signal) => {
      end = Math.min(end, size);
      let at = start;
      let failures = 0;
      let body: OpenBody | null = null;
      /** Stops reading the current answer (one that goes on past this stream's end: its sending stops too). */
      const drop = (reason?: unknown): void => {
        void body?.reader.cancel(reason).catch(() => undefined);
        body = null;
      };
      return new ReadableStream({
        type: 'bytes',
        autoAllocateChunkSize: BUFFER_BYTES,
        async pull(controller) {
          // Set on every pull: a default reader's read gets a buffer of autoAllocateChunkSize.
          const request = controller.byobRequest!;
          const into = new Uint8Array(request.view!.buffer, request.view!.byteOffset, request.view!.byteLength);
          for (;;) {
            if (at >= end) {
              drop();
              controller.close();
              return request.respond(0);
            }
            const room = Math.min(into.length, end - at);
            if (at < head.length) {
              const part = head.subarray(at, Math.min(at + room, head.length));
              into.set(part);
              at += part.length;
              return request.respond(part.length);
            }
            const asked = body ? undefined : ahead.get(at);
            if (asked) ahead.delete(at);
            try {
              body ??= await (asked ?? fetchRange(url, at, end, signal));
              const part = await body.reader.read(room);
              // A server may answer fewer bytes than asked (Content-Range says so): the next range is asked for.
              if (!part && body.at === body.end) {
                body = null;
                continue;
              }
              if (!part) throw new Error(`the answer to bytes ${at}-${end - 1} ended early`);
              into.set(part);
              at += part.length;
              body.at = at;
              return request.respond(part.length);
            } catch (err) {
              // Resume where the bytes stopped, up to RANGE_RETRIES times per range.
              drop();
              if (signal?.aborted || ++failures > RANGE_RETRIES) throw rangeError(url, at, end, err);
              await new Promise((r) => setTimeout(r, 100 * 2 ** failures));
            }
          }
        },
        cancel: (reason) => drop(reason),
      });
    },
    read: async (start, end, signal) => {
      end = Math.min(end, size);
      const out = new Uint8Array(Math.max(0, end - start));
      let n = 0;
      const reader = source.stream(start, end, signal).getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        out.set(r.value, n);
        n += r.value.length;
      }
      return out;
    },
    prefetch: (start, end, signal) => {
      start = Math.max(start, head.length);
      end = Math.min(end, size);
      if (end <= start || ahead.has(start)) return () => undefined;
      const asked = fetchRange(url, start, end, signal);
      // A failure is met (and retried) by the stream that takes it.
      asked.catch(() => undefined);
      ahead.set(start, asked);
      return () => {
        if (ahead.get(start) !== asked) return;
        ahead.delete(start);
        void asked.then((b) => b.reader.cancel()).catch(() => undefined);
      };
    },
  };
  return source;
}

/** The same source in a fragment worker. */
export function rangeSourceFor(job: RangeSource['job'], size: number): RangeSource {
  if ('bgzf' in job) return bgzfRanges(rangeSourceFor(job.bgzf.of, job.bgzf.size), job.bgzf.members);
  return 'file' in job ? fileRanges(job.file) : urlRanges(job.url, size);
}

/** A `206` answer for bytes [start, end) of `url` (or fewer), or an error (a `200` included: the server stopped answering ranges). */
async function fetchRange(url: string, start: number, end: number, signal?: AbortSignal): Promise<OpenBody> {
  const res = await fetch(url, { headers: { Range: `bytes=${start}-${end - 1}` }, cache: RANGE_CACHE, signal });
  const range = res.status === 206 ? parseContentRange(res.headers.get('content-range')) : null;
  if (!range || range.start !== start || !res.body) {
    void res.body?.cancel().catch(() => undefined);
    throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
  }
  return { reader: byteReader(res.body, true), at: start, end: range.end + 1 };
}

function rangeError(url: string, start: number, end: number, err: unknown): Error {
  if (err instanceof DOMException && err.name === 'AbortError') return err;
  return new Error(`Could not fetch bytes ${start}-${end - 1} of ${url} (tried ${RANGE_RETRIES + 1} times): ${(err as Error).message}`);
}

/** `bytes a-b/size` with a known size, else null. */
export function parseContentRange(header: string | null): { start: number; end: number; size: number } | null {
  const m = /^\s*bytes\s+(\d+)-(\d+)\/(\d+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const [start, end, size] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return end >= start && size > end ? { start, end, size } : null;
}

export async function openSource(source: TraceSource, signal?: AbortSignal): Promise<ByteSource> {
  if (source.kind === 'file') return { stream: source.file.stream() as ReadableStream<Uint8Array>, total: source.file.size };
  // An index folder is opened from its files (workers/indexFolder), never read as a trace's bytes.
  if (source.kind === 'localIndex') throw new Error(`${source.name} is an index folder, not a trace file.`);
  const get = async (headers?: HeadersInit): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(source.url, { signal, headers, cache: headers ? RANGE_CACHE : 'default' });
    } catch (err) {
      // Chromium fails a ranged GET outright when its 206 is content-encoded (a part cannot be decoded): a server
      // that labels a .gz file `Content-Encoding: gzip` and answers ranges (vite's dev server, Apache's AddEncoding).
      // Asked for whole, the same file streams, decoded by the browser.
      if (headers && !signal?.aborted) return get();
      throw new Error(`Could not fetch ${source.url}: ${(err as Error).message}`);
    }
    // An empty file has no first bytes to answer a range with: ask for it whole.
    if (response.status === 416 && headers) {
      void response.body?.cancel().catch(() => undefined);
      return get();
    }
    if (!response.ok) throw new Error(`Could not fetch ${source.url}: HTTP ${response.status} ${response.statusText}`.trim());
    if (!response.body) throw new Error(`Could not fetch ${source.url}: the response has no body`);
    return response;
  };
  // A ranged GET tells whether the server answers ranges (Accept-Ranges is hidden cross-origin
  // and promises nothing); a 200 answer is the whole file, streamed as it is (no second download).
  let response = await get({ Range: `bytes=0-${PROBE_BYTES - 1}` });
  if (response.status === 206) {
    const range = parseContentRange(response.headers.get('content-range'));
    // With Content-Encoding the range counts encoded bytes, which we never see.
    if (range && range.start === 0 && !response.headers.get('content-encoding')) {
      const head = new Uint8Array(await response.arrayBuffer());
      const ranges = urlRanges(source.url, range.size, head);
      // Unread until the parse asks (a parallel parse reads its fragments instead).
      return { stream: lazy(() => ranges.stream(0, range.size, signal)), total: range.size, ranges };
    }
    void response.body?.cancel().catch(() => undefined);
    response = await get();
  }
  // With Content-Encoding the length counts compressed bytes, which we never see.
  const encoded = response.headers.get('content-encoding');
  const length = Number(response.headers.get('content-length') ?? 0);
  return { stream: response.body!, total: encoded ? 0 : length };
}

/** A stream opened on its first read (high-water mark 0: nothing is pulled before). */
function lazy(open: () => ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      reader ??= open().getReader();
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader?.cancel(reason),
  }, { highWaterMark: 0 });
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
