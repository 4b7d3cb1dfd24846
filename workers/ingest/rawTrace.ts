// What importers produce: raw events with their own pid/tid/cat, in columns.
// Importers never decide lanes; the lane-mapping stage does (workers/lanes).

import type { LoadWarning } from '../../src/model/types';
import type { FlameGraph } from '../../src/model/flameGraph';
import { ByteStore, Column, PackedStringTable, StringTable, type ArgsStore } from './growable';
import type { ArgsSource } from './argsSource';
import { AsyncEventColumns } from './asyncEvents';
import type { EventFilter } from './eventChoice';

/** Raw event kinds. Flows and metadata are kept apart from events. */
export const enum RawKind {
  Slice = 0,
  Instant = 1,
  Counter = 2,
}

/** Raw event flags. */
export const enum RawFlag {
  /** Async (b/e/n) event: lives on a per-process async track, not on its thread. */
  Async = 1,
  /** Closed at the end of the trace because its end was missing. */
  Unclosed = 2,
}

/** Which slice a flow point binds to (Trace Event Format, flow events v1 and v2). */
export const enum FlowBinding {
  /** v1 `f` without bp "e": the next slice starting at or after it. */
  Next = 0,
  /** v1 `s`, `t`, and `f` with bp "e": the enclosing slice. */
  Enclosing = 1,
  /** v2 (`bind_id` with `flow_in` / `flow_out` on a slice event): that slice itself. */
  Own = 2,
}

/** A time as integer µs plus a signed ns remainder, so ns precision survives large µs values. */
export interface MicrosTime {
  us: number;
  ns: number;
}

/** The per-event columns of a RawTrace as plain arrays (a fragment's, sent between workers). */
export interface RawEventColumns {
  kind: Uint8Array;
  flags: Uint8Array;
  start: Float64Array;
  dur: Float64Array;
  pid: Uint32Array;
  tid: Uint32Array;
  cat: Uint32Array;
  name: Uint32Array;
  argsOff: Float64Array;
  argsLen: Uint32Array;
}

export class RawTrace {
  readonly strings = new StringTable();

  /** `args`: where the args not left in the source are kept (default: in memory, deflated). */
  constructor(readonly args: ArgsStore = new ByteStore()) {}

  /**
   * Args the index reads while it is built (counter samples, Kineto's [memory] instants):
   * kept apart and uncompressed until then, so building the counters does not inflate (or
   * re-read from the file) every chunk the memory events are spread over; deflated after.
   */
  readonly hotArgs = Object.assign(new ByteStore(), { compress: false });

  readonly kind = new Column(Uint8Array);
  readonly flags = new Column(Uint8Array);
  readonly start = new Column(Float64Array);
  readonly dur = new Column(Float64Array);
  readonly pid = new Column(Uint32Array);
  readonly tid = new Column(Uint32Array);
  readonly cat = new Column(Uint32Array);
  readonly name = new Column(Uint32Array);
  readonly argsOff = new Column(Float64Array);
  /** Length of the args bytes; 0 = no args. */
  readonly argsLen = new Column(Uint32Array);

  /**
   * Flow keys "cat|id", apart from `strings`: one per flow, not names the UI lists.
   * Packed (no JS string per key) once importing is done.
   */
  readonly flowKeys = new PackedStringTable();

  readonly flows = {
    key: new Column(Uint32Array), // "cat|id" as an id of flowKeys
    phase: new Column(Uint8Array), // char code of s / t / f
    ts: new Column(Float64Array),
    pid: new Column(Uint32Array),
    tid: new Column(Uint32Array),
    /** FlowBinding: the enclosing slice (bp: "e"), the next slice, or the event's own slice (v2 bind_id). */
    enclosing: new Column(Uint8Array),
  };
  /** Flow points bound to their own slice (FlowBinding.Own): point index → the slice's name id. Few (v2 flows). */
  readonly flowOwnName = new Map<number, number>();

  /** Async events until they are matched into operations (importers/asyncOperations.ts). */
  readonly asyncEvents = new AsyncEventColumns();
  /** The async slices are the raw events from asyncFirst on (an event's number in the file's order, as `spilled` counts), each with its operation root's name id here (its lane). */
  asyncFirst = 0;
  /**
   * Events the columns no longer hold: a bounded index writer took them out as blocks while parsing
   * (indexFolder/boundedIndex.ts), so event k is at k − spilled in the columns. 0 everywhere else.
   */
  spilled = 0;
  /** Slices closed after their event was spilled (a B by a later E, or never): event, duration, flags to OR in; applied when its block is read back. */
  readonly lateEnds = { event: new Column(Float64Array), dur: new Column(Float64Array), flags: new Column(Uint8Array) };
  readonly asyncTrack = new Column(Uint32Array);

  readonly processNames = new Map<string, string>();
  readonly processLabels = new Map<string, string>();
  readonly processSort = new Map<string, number>();
  readonly threadNames = new Map<string, string>();
  readonly threadSort = new Map<string, number>();

  /** Top-level keys other than the events (deviceProperties, distributedInfo, …). */
  readonly metadata: Record<string, unknown> = {};
  readonly phases: Record<string, number> = {};
  readonly warnings: LoadWarning[] = [];
  /** Which byte scanner the Chrome-JSON importer used (null: another format). */
  scanner: 'wasm' | 'js' | null = null;
  private readonly warned = new Map<string, number>();

  /** µs of the first event seen: the trace's local origin. */
  originUs: number | null = null;
  /** Absolute ns that a ts of 0 µs stands for (Kineto's baseTimeNanoseconds). */
  baseNs = 0n;
  /** Aggregate profiles (collapsed stacks): the call tree with sample counts, no times. */
  flame: FlameGraph | null = null;
  /**
   * Opening part of a trace (ingest/eventChoice.ts): asked before an event or flow point costs
   * memory (Chrome JSON importer; null: keep everything).
   */
  filter: EventFilter | null = null;

  /**
   * Frees the per-event columns once the index holds its own sorted copies (lanes and
   * counters): about 46 B per event. Flows, names, metadata and args stay.
   */
  releaseEventColumns(): void {
    for (const c of [this.kind, this.flags, this.start, this.dur, this.pid, this.tid, this.cat, this.name, this.argsOff, this.argsLen, this.asyncTrack]) c.release();
  }

  /**
   * Once importing is done: frees the flow columns' growth slack and deflates the last args chunk. The event
   * columns keep theirs: the lanes' sorted copies replace them while the index is built (releaseEventColumns), so a
   * right-sized copy of each only delayed the first frame; the flow keys are packed after it (packFlowKeys).
   */
  compact(): void {
    for (const c of Object.values(this.flows)) c.compact();
    this.args.seal();
  }

  /** Packs the flow keys as UTF-8 (no JS string per key); no flow is added afterwards. */
  packFlowKeys(): void {
    this.flowKeys.pack();
  }

  /** Events the columns hold (from event `spilled` on). */
  get count(): number {
    return this.kind.length;
  }

  /** ns relative to the trace origin, exact to the ns while |µs − originUs| < 9e12. */
  toNs(t: MicrosTime): number {
    if (this.originUs === null) this.originUs = t.us;
    return (t.us - this.originUs) * 1000 + t.ns;
  }

  /** Absolute ns of the trace origin, as a decimal string. */
  originAbsNs(): string {
    return (this.baseNs + BigInt(this.originUs ?? 0) * 1000n).toString();
  }

  addEvent(
    kind: RawKind,
    flags: number,
    startNs: number,
    durNs: number,
    pid: string,
    tid: string,
    cat: string,
    name: string,
    argsOff: number,
    argsLen: number,
  ): number {
    const s = this.strings;
    return this.addEventIds(kind, flags, startNs, durNs, s.intern(pid), s.intern(tid), s.intern(cat), s.intern(name), argsOff, argsLen);
  }

  /** addEvent with pid, tid, cat and name already interned (the hot path of big importers). */
  addEventIds(kind: RawKind, flags: number, startNs: number, durNs: number, pid: number, tid: number, cat: number, name: number, argsOff: number, argsLen: number): number {
    this.kind.push(kind);
    this.flags.push(flags);
    this.start.push(startNs);
    this.dur.push(durNs);
    this.pid.push(pid);
    this.tid.push(tid);
    this.cat.push(cat);
    this.name.push(name);
    this.argsOff.push(argsOff);
    return this.spilled + this.argsLen.push(argsLen);
  }

  /** Slice k (an event number, as addEventIds returns) ends `durNs` after its start; `flags` ORed in (Unclosed). */
  setSliceEnd(k: number, durNs: number, flags = 0): void {
    const at = k - this.spilled;
    if (at >= 0) {
      this.dur.data[at] = durNs;
      this.flags.data[at] |= flags;
      return;
    }
    this.lateEnds.event.push(k);
    this.lateEnds.dur.push(durNs);
    this.lateEnds.flags.push(flags);
  }

  /** Overwrites event `i` (a counter sample before a chosen window replaced by a later one: ingest/eventChoice.ts). */
  setEventIds(i: number, kind: RawKind, flags: number, startNs: number, durNs: number, pid: number, tid: number, cat: number, name: number, argsOff: number, argsLen: number): void {
    this.kind.data[i] = kind;
    this.flags.data[i] = flags;
    this.start.data[i] = startNs;
    this.dur.data[i] = durNs;
    this.pid.data[i] = pid;
    this.tid.data[i] = tid;
    this.cat.data[i] = cat;
    this.name.data[i] = name;
    this.argsOff.data[i] = argsOff;
    this.argsLen.data[i] = argsLen;
  }

  /** Room for `n` events in all in the event columns (before fragments are appended: one allocation each). */
  reserveEvents(n: number): void {
    for (const c of [this.kind, this.flags, this.start, this.dur, this.pid, this.tid, this.cat, this.name, this.argsOff, this.argsLen]) c.reserve(n);
  }

  /**
   * Another trace's events (a fragment of the same file) after these: string ids mapped
   * through `ids`, starts moved by `dt` ns, args offsets through `argsAt` (called only for
   * args held in memory; file offsets stay).
   */
  appendEvents(e: RawEventColumns, ids: readonly number[], dt: number, argsAt: (off: number, len: number) => number): void {
    const n = e.kind.length;
    const at = this.count;
    this.kind.extend(n).set(e.kind, at);
    this.flags.extend(n).set(e.flags, at);
    this.dur.extend(n).set(e.dur, at);
    this.argsLen.extend(n).set(e.argsLen, at);
    const [start, pid, tid, cat, name, argsOff] = [this.start.extend(n), this.pid.extend(n), this.tid.extend(n), this.cat.extend(n), this.name.extend(n), this.argsOff.extend(n)];
    for (let k = 0; k < n; k++) {
      start[at + k] = e.start[k] + dt;
      pid[at + k] = ids[e.pid[k]];
      tid[at + k] = ids[e.tid[k]];
      cat[at + k] = ids[e.cat[k]];
      name[at + k] = ids[e.name[k]];
      const off = e.argsOff[k];
      argsOff[at + k] = e.argsLen[k] === 0 || (off < 0 && off > HOT_ARGS) ? off : argsAt(off, e.argsLen[k]);
    }
  }

  /** `ownName`: the name id of the event's own slice, for FlowBinding.Own. */
  addFlow(phase: number, key: string, tsNs: number, pid: string, tid: string, binding: FlowBinding, ownName = -1): void {
    this.addFlowIds(phase, key, tsNs, this.strings.intern(pid), this.strings.intern(tid), binding, ownName);
  }

  /** addFlow with pid and tid interned; `key`: the "cat|id" text, or its id in flowKeys. */
  addFlowIds(phase: number, key: string | number, tsNs: number, pid: number, tid: number, binding: FlowBinding, ownName = -1): void {
    if (this.filter && !this.filter.flow(tsNs, pid, tid)) return;
    const f = this.flows;
    f.key.push(typeof key === 'string' ? this.flowKeys.intern(key) : key);
    f.phase.push(phase);
    f.ts.push(tsNs);
    f.pid.push(pid);
    f.tid.push(tid);
    const at = f.enclosing.push(binding);
    if (binding === FlowBinding.Own) this.flowOwnName.set(at, ownName);
  }

  countPhase(ph: string, n = 1): void {
    this.phases[ph] = (this.phases[ph] ?? 0) + n;
  }

  /** Records a warning once per code; later occurrences only bump the count in the message. */
  warn(w: LoadWarning): void {
    const n = (this.warned.get(w.code) ?? 0) + 1;
    this.warned.set(w.code, n);
    if (n === 1) this.warnings.push({ ...w });
  }

  /** Warnings with their repeat counts, for merging a fragment's into another trace. */
  warningCounts(): { warning: LoadWarning; count: number }[] {
    return this.warnings.map((w) => ({ warning: w, count: this.warned.get(w.code) ?? 1 }));
  }

  /** Adds a warning seen `count` times elsewhere (another fragment of the same file). */
  warnCounted(w: LoadWarning, count: number): void {
    this.warn(w);
    this.warned.set(w.code, (this.warned.get(w.code) ?? 1) + count - 1);
  }

  /** Final warnings, with repeat counts folded into the messages. */
  finalWarnings(): LoadWarning[] {
    return this.warnings.map((w) => {
      const n = this.warned.get(w.code) ?? 1;
      return n > 1 ? { ...w, message: `${w.message} (and ${n - 1} more like it)` } : w;
    });
  }

  /**
   * Stores args bytes. When the decoded bytes are the file itself (plain, not gzip)
   * and the file can be read back synchronously, only the file offset is kept,
   * encoded as a negative offset: args are most of a trace's bytes.
   */
  storeArgs(b: Uint8Array, start: number, end: number, fileOffset: number | null, hot = false): number {
    if (hot) return HOT_ARGS - this.hotArgs.append(b, start, end);
    if (this.argsSource && fileOffset !== null) return -(fileOffset + 1);
    return this.args.append(b, start, end);
  }

  private source: ArgsSource | null = null;
  /** Set by the loader for plain sources it can read back by offset (argsSource.ts): args are then kept as offsets. */
  get argsSource(): ArgsSource | null {
    return this.source;
  }
  /** Blocks read from another source (or in blocks of another size) are not this one's. */
  set argsSource(source: ArgsSource | null) {
    this.source = source;
    this.fileBlocks.clear();
  }
  /**
   * File blocks recently read for args. Analyses read the args of thousands of slices
   * in roughly file order; one 4 MB read serves them all instead of one read each.
   */
  private readonly fileBlocks = new Map<number, Uint8Array>();

  private fileBytes(at: number, len: number): Uint8Array {
    const BLOCK = this.argsSource!.blockBytes ?? DEFAULT_ARGS_BLOCK;
    const first = Math.floor(at / BLOCK);
    if (Math.floor((at + len - 1) / BLOCK) !== first) return this.readFile(at, len);
    let block = this.fileBlocks.get(first);
    if (!block) {
      block = this.readFile(first * BLOCK, BLOCK);
      if (this.fileBlocks.size >= 8) this.fileBlocks.delete(this.fileBlocks.keys().next().value!);
      this.fileBlocks.set(first, block);
    }
    return block.subarray(at - first * BLOCK, at - first * BLOCK + len);
  }

  private readFile(at: number, len: number): Uint8Array {
    return this.argsSource!.read(at, len);
  }

  argsText(off: number, len: number): string | null {
    const bytes = this.argsBytes(off, len);
    return bytes && textDecoder.decode(bytes);
  }

  /** The args' UTF-8 bytes (a view: valid until the next read), null when there are none. */
  argsBytes(off: number, len: number): Uint8Array | null {
    if (len === 0) return null;
    if (off <= HOT_ARGS) return this.hotArgs.read(HOT_ARGS - off, len);
    if (off < 0) return this.fileBytes(-off - 1, len);
    return this.args.read(off, len);
  }
}

export const textDecoder = new TextDecoder('utf-8');

/** The block size args are read from a file in, for an ArgsSource that names none. */
export const DEFAULT_ARGS_BLOCK = 4 << 20;

/** Args offsets at or below this are in hotArgs (HOT_ARGS − offset); file offsets never reach it (64 TiB). */
export const HOT_ARGS = -(2 ** 46);
