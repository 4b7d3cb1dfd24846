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
  /** Fields per record; after them: RecordSlot's. */
  Count,
}

/** Slots of a record after its start, end and field ranges (the scanner's IDS, TIMES, PH). */
export const enum RecordSlot {
  /** The scanner's token ids (−1: absent, or too long for its table): name, cat, pid, tid, id. */
  NameId = 2 + 2 * ScanField.Count,
  CatId,
  PidId,
  TidId,
  IdId,
  /** ts: the ns part, then 1 when the scanner parsed it (its µs in micros()), else 0. */
  TsNs,
  TsOk,
  DurNs,
  DurOk,
  /** ph's character code when ph is one ASCII letter in quotes, else 0. */
  Ph,
}

interface ScannerExports {
  memory: WebAssembly.Memory;
  reserveInput(len: number): number;
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
  private x: ScannerExports | null;
  private chunk: Uint8Array | null = null;

  private constructor(instance: WebAssembly.Instance) {
    const x = instance.exports as unknown as ScannerExports;
    this.x = x;
    this.slots = x.recordSlots();
  }

  /** Lets the instance and its memory go, even while something still holds this object. */
  dispose(): void {
    this.x = null;
    this.chunk = null;
  }

  private get exports(): ScannerExports {
    if (!this.x) throw new Error('the WebAssembly scanner was disposed');
    return this.x;
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
    const x = this.exports;
    const n = x.scan(from, buf.length);
    this.scannedBytes += x.stop() - from;
    return n;
  }

  get stop(): number {
    return this.exports.stop();
  }

  /** The records of the last scan (a view: valid until the next scan). */
  records(): Int32Array {
    const x = this.exports;
    return new Int32Array(x.memory.buffer, x.outputOffset(), x.maxRecords() * this.slots);
  }

  /** Whole µs of ts and dur per record of the last scan (a view: valid until the next scan). */
  micros(): Float64Array {
    const x = this.exports;
    return new Float64Array(x.memory.buffer, x.microsOffset(), x.maxRecords() * 2);
  }

  private load(buf: Uint8Array): void {
    // The scanner makes room (16 bytes of slack past the chunk: SIMD loads may read there, never used).
    const x = this.exports;
    const at = x.reserveInput(buf.length);
    new Uint8Array(x.memory.buffer, at, buf.length).set(buf);
    this.chunk = buf;
  }
}
