// Gzip files made of several members (`cat a.gz b.gz`, BGZF) inflated completely with
// the platform's native inflater. Chromium's DecompressionStream('gzip') decodes ONE
// member and errors on the bytes after it ("Junk found after end of compressed data"),
// losing the output it had queued; Node's reads on. So each member gets its own
// DecompressionStream, fed exactly that member's bytes.
//
// Members do not say how long they are (BGZF's BSIZE aside), so the end of one is found
// where the next begins: a candidate is a gzip header (1f 8b 08, reserved flag bits 0)
// in the compressed bytes. The bytes before it are fed, and once their output is counted,
// the candidate is a boundary when the 4 bytes before it (the trailer's ISIZE) equal the
// member's output size mod 2^32. A header pattern inside deflate data (about one per
// 100 MB of compressed bytes) fails that check and is fed on as data. The native
// inflater keeps its speed; a boundary costs a couple of task turns and a new stream.

import { nextTask } from './nextTask';

export type InflaterFactory = () => TransformStream<Uint8Array, Uint8Array>;

export const nativeGunzip: InflaterFactory = () => new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>;

/** Header bytes + 2 bytes of the smallest deflate stream + 8 trailer bytes. */
const MIN_MEMBER = 20;
/** A candidate is checked on its first 4 bytes: the rest of a chunk's last 3 bytes wait for the next one. */
const HOLD = 3;

interface Member {
  writer: WritableStreamDefaultWriter<Uint8Array>;
  done: Promise<void>;
  /** Output bytes of this member so far. */
  out: number;
  /** Compressed bytes fed to it so far. */
  in: number;
}

/** Push compressed chunks in order, then `end()`; `onChunk` sees the inflated bytes of every member in order. */
export class MemberInflater {
  /** Members begun so far (tests, diagnostics). */
  members = 0;
  private member: Member;
  private held = new Uint8Array(0);
  /** The last 4 compressed bytes before `held` (a trailer's ISIZE may lie across chunks). */
  private before = new Uint8Array(4);
  private beforeLen = 0;
  private failed: unknown = null;

  constructor(
    private readonly onChunk: (chunk: Uint8Array) => void,
    private readonly factory: InflaterFactory = nativeGunzip,
  ) {
    this.member = this.begin();
  }

  private begin(): Member {
    this.members++;
    const inflate = this.factory();
    const member: Member = { writer: inflate.writable.getWriter(), done: Promise.resolve(), out: 0, in: 0 };
    const reader = inflate.readable.getReader();
    member.done = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        member.out += value.byteLength;
        this.onChunk(value);
      }
    })();
    // Reported by the write or close that meets it.
    member.done.catch((err) => (this.failed ??= err));
    return member;
  }

  private async feed(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    this.member.in += bytes.length;
    try {
      await this.member.writer.write(bytes);
    } catch (err) {
      throw this.failed ?? err;
    }
  }

  async push(chunk: Uint8Array): Promise<void> {
    let data = chunk;
    if (this.held.length) {
      data = new Uint8Array(this.held.length + chunk.length);
      data.set(this.held);
      data.set(chunk, this.held.length);
    }
    let start = 0;
    const last = data.length - 4;
    for (let i = data.indexOf(0x1f); i >= 0 && i <= last; i = data.indexOf(0x1f, i + 1)) {
      if (data[i + 1] !== 0x8b || data[i + 2] !== 8 || (data[i + 3] & 0xe0) !== 0) continue;
      if (this.member.in + (i - start) < MIN_MEMBER) continue;
      const isize = (this.byteAt(data, i - 4) | (this.byteAt(data, i - 3) << 8) | (this.byteAt(data, i - 2) << 16) | (this.byteAt(data, i - 1) << 24)) >>> 0;
      await this.feed(data.subarray(start, i));
      start = i;
      if (await this.endsAt(isize)) {
        await this.finishMember();
        this.member = this.begin();
        i += 3;
      }
    }
    const keep = Math.max(start, data.length - HOLD);
    await this.feed(data.subarray(start, keep));
    this.remember(data, keep);
    this.held = data.slice(keep);
  }

  async end(): Promise<void> {
    await this.feed(this.held);
    this.held = new Uint8Array(0);
    await this.finishMember();
  }

  /** Output counted once what the inflater queued has been read (stable over a task turn). */
  private async endsAt(isize: number): Promise<boolean> {
    for (let turns = 0; turns < 8; turns++) {
      const seen = this.member.out;
      await nextTask();
      if (this.failed) throw this.failed;
      if (this.member.out === seen && this.member.out >>> 0 === isize) return true;
      if (this.member.out === seen && turns >= 1) return false;
    }
    return this.member.out >>> 0 === isize;
  }

  private async finishMember(): Promise<void> {
    try {
      await this.member.writer.close();
    } catch (err) {
      throw this.failed ?? err;
    }
    await this.member.done;
  }

  /** Byte `j` of `data`, where negative `j` reaches into the bytes before it. */
  private byteAt(data: Uint8Array, j: number): number {
    return j >= 0 ? data[j] : j + this.beforeLen >= 0 ? this.before[this.beforeLen + j] : 0;
  }

  /** Keeps the last 4 bytes before `data[end]` for the next chunk's trailer checks. */
  private remember(data: Uint8Array, end: number): void {
    const next = new Uint8Array(4);
    let n = 0;
    for (let j = end - 4; j < end; j++) {
      const b = j >= 0 ? data[j] : j + this.beforeLen >= 0 ? this.before[this.beforeLen + j] : -1;
      if (b >= 0) next[n++] = b;
    }
    this.before = next;
    this.beforeLen = n;
  }
}

/** The same as a TransformStream (in-thread use: no worker for the gunzip helper). */
export function gunzipMembers(factory: InflaterFactory = nativeGunzip): TransformStream<Uint8Array, Uint8Array> {
  let inflater: MemberInflater;
  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      inflater = new MemberInflater((chunk) => controller.enqueue(chunk), factory);
    },
    transform: (chunk) => inflater.push(chunk),
    flush: () => inflater.end(),
  });
}
