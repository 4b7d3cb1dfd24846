// The WebAssembly event scanner (wasm/assembly/eventScanner.ts) seen from JS: one
// instance per importer, its memory dropped with it once the file is parsed. Where
// WebAssembly cannot be compiled (a Content-Security-Policy without
// 'wasm-unsafe-eval', an engine without SIMD) the importer keeps its JS scanner.

import wasmDataUrl from './wasm/out/eventScanner.wasm?inline';

/** Slots of a record's field ranges, as the scanner writes them (start at 2 + 2·slot). */
export const enum ScanField {
  Ph,
  Name,
  Cat,
  Pid,
  Tid,
  Ts,
  Dur,
  Id,
  Id2,
  Bp,
  S,
  Scope,
  BindId,
  FlowIn,
  FlowOut,
  Args,
  /** Fields per record; after them: 4 token hashes, then ts [ns, ok] and dur [ns, ok]. */
  Count,
}

interface ScannerExports {
  memory: WebAssembly.Memory;
  inputOffset(): number;
  outputOffset(): number;
  microsOffset(): number;
  recordSlots(): number;
  maxRecords(): number;
  stop(): number;
  scan(from: number, end: number): number;
}

let compiled: WebAssembly.Module | null | undefined;

function scannerModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    const base64 = wasmDataUrl.slice(wasmDataUrl.indexOf(',') + 1);
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    compiled = new WebAssembly.Module(bytes);
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Whether the JS scanner was asked for (tests compare the two; `?scanner=js` for people). */
let forceJs = false;
export function useJsScanner(on: boolean): void {
  forceJs = on;
}

export class WasmEventScanner {
  /** Record slots per event: [start, end, then start/end per ScanField]. */
  readonly slots: number;
  /** Bytes of the file the scanner read events from (the rest went through the JS scanner). */
  scannedBytes = 0;
  private readonly x: ScannerExports;
  private readonly input: number;
  private chunk: Uint8Array | null = null;

  private constructor(instance: WebAssembly.Instance) {
    this.x = instance.exports as unknown as ScannerExports;
    this.input = this.x.inputOffset();
    this.slots = this.x.recordSlots();
  }

  /** A scanner, or null when WebAssembly is unavailable here. */
  static create(): WasmEventScanner | null {
    if (forceJs) return null;
    const module = scannerModule();
    if (!module) return null;
    try {
      return new WasmEventScanner(new WebAssembly.Instance(module, {}));
    } catch {
      return null;
    }
  }

  /**
   * Reads the complete events of `buf` from `from` on; returns how many (their records
   * in `records()`), and `stop` is where the JS scanner goes on.
   */
  scan(buf: Uint8Array, from: number): number {
    if (this.chunk !== buf) this.load(buf);
    const n = this.x.scan(from, buf.length);
    this.scannedBytes += this.x.stop() - from;
    return n;
  }

  get stop(): number {
    return this.x.stop();
  }

  /** The records of the last scan (a view: valid until the next scan). */
  records(): Int32Array {
    return new Int32Array(this.x.memory.buffer, this.x.outputOffset(), this.x.maxRecords() * this.slots);
  }

  /** Whole µs of ts and dur per record of the last scan (a view: valid until the next scan). */
  micros(): Float64Array {
    return new Float64Array(this.x.memory.buffer, this.x.microsOffset(), this.x.maxRecords() * 2);
  }

  private load(buf: Uint8Array): void {
    // 16 bytes of slack: SIMD loads may read past the chunk's end (never used).
    const need = this.input + buf.length + 16;
    const mem = this.x.memory;
    if (need > mem.buffer.byteLength) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
    new Uint8Array(mem.buffer, this.input, buf.length).set(buf);
    this.chunk = buf;
  }
}
