// Async events as an importer reads them (Chrome JSON: nestable b/e/n, legacy S/T/p/F), kept apart
// from the slices until every event is known: files list them in any order, and an operation's
// begin, steps and end are matched in time order (workers/importers/asyncOperations.ts).

import { Column, StringTable } from './growable';

/** Columns of async events in file order; pid/tid/cat/name are string ids of the RawTrace. */
export class AsyncEventColumns {
  /** Match keys (asyncMatchKey), dropped once the events are matched. */
  keys = new StringTable();
  readonly key = new Column(Uint32Array);
  /** Char code of the phase (b e n S T p F). */
  readonly phase = new Column(Uint8Array);
  readonly ts = new Column(Float64Array);
  readonly pid = new Column(Uint32Array);
  readonly tid = new Column(Uint32Array);
  readonly cat = new Column(Uint32Array);
  readonly name = new Column(Uint32Array);
  readonly argsOff = new Column(Float64Array);
  readonly argsLen = new Column(Uint32Array);
  /** Byte offset in the file and event number, for warnings. */
  readonly abs = new Column(Float64Array);
  readonly index = new Column(Float64Array);

  get length(): number {
    return this.key.length;
  }

  add(key: string, phase: number, ts: number, pid: number, tid: number, cat: number, name: number, argsOff: number, argsLen: number, abs: number, index: number): void {
    this.key.push(this.keys.intern(key));
    this.phase.push(phase);
    this.ts.push(ts);
    this.pid.push(pid);
    this.tid.push(tid);
    this.cat.push(cat);
    this.name.push(name);
    this.argsOff.push(argsOff);
    this.argsLen.push(argsLen);
    this.abs.push(abs);
    this.index.push(index);
  }

  /** The columns as plain arrays (a parallel-parse fragment sends them to the trace that absorbs it). */
  data(): AsyncEventData {
    return {
      keys: this.keys.values,
      key: this.key.trimmed(),
      phase: this.phase.trimmed(),
      ts: this.ts.trimmed(),
      pid: this.pid.trimmed(),
      tid: this.tid.trimmed(),
      cat: this.cat.trimmed(),
      name: this.name.trimmed(),
      argsOff: this.argsOff.trimmed(),
      argsLen: this.argsLen.trimmed(),
      abs: this.abs.trimmed(),
      index: this.index.trimmed(),
    };
  }

  release(): void {
    for (const c of [this.key, this.phase, this.ts, this.pid, this.tid, this.cat, this.name, this.argsOff, this.argsLen, this.abs, this.index]) c.release();
    this.keys = new StringTable();
  }
}

export interface AsyncEventData {
  keys: string[];
  key: Uint32Array;
  phase: Uint8Array;
  ts: Float64Array;
  pid: Uint32Array;
  tid: Uint32Array;
  cat: Uint32Array;
  name: Uint32Array;
  argsOff: Float64Array;
  argsLen: Uint32Array;
  abs: Float64Array;
  index: Float64Array;
}

/** The typed arrays of AsyncEventData (to transfer rather than copy). */
export function asyncEventBuffers(d: AsyncEventData): ArrayBuffer[] {
  return [d.key, d.phase, d.ts, d.pid, d.tid, d.cat, d.name, d.argsOff, d.argsLen, d.abs, d.index].map((a) => a.buffer as ArrayBuffer);
}

/**
 * Which events belong to one operation, per the Trace Event Format:
 * - nestable async (b/e/n): the same category, scope and id make one event tree;
 * - legacy async (S/T/p/F): the same category, name, scope and id make one operation;
 * - `id2.global` matches across processes, `id2.local` within its process (its pid joins the key);
 * - a plain `id` matches within its process for nestable events (tools that are not Chrome number
 *   their requests per process; Chrome mangles its ids with the pid anyway) and across processes
 *   for legacy ones (catapult's own test operations start in one process and finish in another).
 */
export function asyncMatchKey(legacy: boolean, cat: string, name: string, scope: string, id: string, localPid: string | null): string {
  const base = `${cat}\u0000${scope}\u0000${id}${localPid === null ? '' : `\u0000${localPid}`}`;
  return legacy ? `S\u0000${name}\u0000${base}` : `b\u0000${base}`;
}

/** An `id2` object's value ({"local": "0x1"} / {"global": "0x1"}) and whether it is process-local; null when unreadable. */
export function parseId2(text: string): { id: string; local: boolean } | null {
  try {
    const v = JSON.parse(text) as { local?: unknown; global?: unknown };
    if (v && typeof v === 'object') {
      if (v.local !== undefined) return { id: String(v.local), local: true };
      if (v.global !== undefined) return { id: String(v.global), local: false };
    }
  } catch {
    // Not an object: treated as a plain id below.
  }
  return null;
}
