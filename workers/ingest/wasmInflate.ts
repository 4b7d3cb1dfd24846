// The WebAssembly inflater (wasm/assembly/inflate.ts) seen from JS: raw DEFLATE streams whose
// inflated sizes are known (BGZF members: ISIZE) decoded synchronously, a run of them per call,
// with no stream and no promise per member. One instance per thread, made at first use; its
// memory holds one batch (≤ BATCH_OUTPUT inflated bytes and their compressed bytes). Where
// WebAssembly cannot be compiled (a Content-Security-Policy without 'wasm-unsafe-eval') there
// is none, and callers inflate as before (bgzf.ts: a DecompressionStream per member).

import wasmDataUrl from './wasm/out/inflate.wasm?inline';

interface InflaterExports {
  memory: WebAssembly.Memory;
  reserve(inLen: number, outLen: number): number;
  outputOffset(): number;
  inflate(inStart: number, inEnd: number, outStart: number, outEnd: number): number;
  crc32(start: number, end: number): number;
}

/** One raw DEFLATE stream of a run: its bytes in the run's input, its inflated size, and the CRC-32 its inflated bytes must have. */
export interface DeflateMember {
  start: number;
  end: number;
  size: number;
  crc?: number;
}

/** Why a stream does not inflate, by the module's result code. */
const REASONS: Record<number, (size: number) => string> = {
  [-1]: () => 'its deflate data ends early',
  [-2]: () => 'invalid block type',
  [-3]: () => 'a stored block’s length does not match its complement',
  [-4]: () => 'invalid code lengths',
  [-5]: () => 'invalid literal/length or distance code',
  [-6]: () => 'a distance reaches back before the member’s first byte',
  [-7]: (size) => `it inflates to more than the ${size.toLocaleString('en-US')} bytes its trailer names`,
  [-8]: (size) => `it inflates to fewer than the ${size.toLocaleString('en-US')} bytes its trailer names`,
};

/** Member `member` of a run (its index in the run's list) does not inflate. */
export class InflateError extends Error {
  constructor(
    readonly member: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'InflateError';
  }
}

/** Inflated bytes per call into the module (whole members: at least one). */
const BATCH_OUTPUT = 1 << 20;

let instance: WasmInflater | null | undefined;

export class WasmInflater {
  private constructor(private readonly x: InflaterExports) {}

  /** This thread's inflater, or null where WebAssembly is unavailable. */
  static get(): WasmInflater | null {
    if (instance !== undefined) return instance;
    instance = null;
    try {
      const base64 = wasmDataUrl.slice(wasmDataUrl.indexOf(',') + 1);
      const module = new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
      instance = new WasmInflater(new WebAssembly.Instance(module, {}).exports as unknown as InflaterExports);
    } catch {
      // No WebAssembly here: stays null for this thread.
    }
    return instance;
  }

  /**
   * Inflates `members` (streams in `input`, in order) one after another into `into`, which is as
   * long as their sizes together; throws InflateError naming the first that does not inflate to
   * exactly its size (or to its CRC-32, where given).
   */
  inflate(input: Uint8Array, members: DeflateMember[], into: Uint8Array): void {
    const x = this.x;
    let written = 0;
    for (let first = 0; first < members.length; ) {
      let last = first;
      let outLen = members[first].size;
      while (last + 1 < members.length && outLen + members[last + 1].size <= BATCH_OUTPUT) outLen += members[++last].size;
      const inStart = members[first].start;
      const inLen = members[last].end - inStart;
      const inAt = x.reserve(inLen, outLen);
      const outAt = x.outputOffset();
      new Uint8Array(x.memory.buffer, inAt, inLen).set(input.subarray(inStart, inStart + inLen));
      let o = outAt;
      for (let m = first; m <= last; m++) {
        const { start, end, size, crc } = members[m];
        const result = x.inflate(inAt + start - inStart, inAt + end - inStart, o, o + size);
        if (result !== 0) throw new InflateError(m, (REASONS[result] ?? (() => `inflater error ${result}`))(size));
        if (crc !== undefined && x.crc32(o, o + size) >>> 0 !== crc) throw new InflateError(m, 'its CRC-32 does not match its trailer’s');
        o += size;
      }
      into.set(new Uint8Array(x.memory.buffer, outAt, outLen), written);
      written += outLen;
      first = last + 1;
    }
  }
}
