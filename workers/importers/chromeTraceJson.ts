// Chrome Trace Event Format (torch.profiler / Kineto, Perfetto and eBPF exports):
// `{"traceEvents": [...], ...metadata}` or a bare `[...]` array.
//
// A byte scanner tracks JSON depth and strings across chunks, cuts out each event
// object and reads its fields straight from the bytes. Args are kept as bytes and
// parsed only when someone looks at them.

import type { MicrosTime } from '../ingest/rawTrace';
import { Column, StringTable, TokenInterner } from '../ingest/growable';
import { FlowBinding, HOT_ARGS, RawFlag, RawKind, RawTrace, textDecoder } from '../ingest/rawTrace';
import { asyncMatchKey, parseId2 } from '../ingest/asyncEvents';
import { firstContentByte, TraceFormatError, type ImporterFormat, type TraceImporter } from './importer';
import { fragmentData, type FragmentData, type FragmentEndState, type FragmentStart } from './chromeTraceFragment';
import { matchAsyncOperations } from './asyncOperations';
import { counterSeries, DROP, isCounterSample, SurveyCounter, type EventFilter } from '../ingest/eventChoice';
import { timeOrderedGroups } from '../ingest/timeOrderedGroups';
import { decodeString, MAX_TOKEN_BYTES, parseMicros, scalarText, skipString, skipValue, skipWs } from './jsonBytes';
import { RecordSlot, ScanField, WasmEventScanner } from './wasmScanner';

/** Phases this importer turns into slices, instants, counters, flows or metadata. */
const KNOWN_PHASES = new Set(['X', 'B', 'E', 'b', 'e', 'n', 'S', 'T', 'p', 'F', 'i', 'I', 'R', 'C', 's', 't', 'f', 'M']);
/** Whether `a` holds the bytes b[s, e). */
function sameBytes(a: Uint8Array, b: Uint8Array, s: number, e: number): boolean {
  if (a.length !== e - s) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[s + i]) return false;
  return true;
}

/**
 * lastMetadata's key for a name, pid and tid (metadataTexts ids): a small integer while all three
 * are below 1024 (a trace's few processes and threads: no heap number per look-up), else a bigger
 * one or text. Small keys are negative, so no two triples share a key.
 */
function metadataKey(nameId: number, pidId: number, tidId: number): number | string {
  if ((nameId | pidId | tidId) < 1024) return -1 - ((nameId * 1024 + pidId) * 1024 + tidId);
  const big = 1 << 17;
  return nameId < big && pidId < big && tidId < big ? (nameId * big + pidId) * big + tidId : `${nameId}|${pidId}|${tidId}`;
}

/** Metadata events (`ph: M`) this importer reads; others carry nothing it shows. */
const METADATA_NAMES = new Set(['process_name', 'process_labels', 'process_sort_index', 'thread_name', 'thread_sort_index']);
/** Phases not drawn and not worth a warning: object created / snapshot / destroyed. */
const QUIET_PHASES = new Set(['N', 'O', 'D']);

/** One-character strings of the ASCII bytes. */
const ASCII = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));

/** Top-level metadata values larger than this are dropped rather than held in memory. */
const MAX_METADATA_BYTES = 32 << 20;

const enum Capture {
  None,
  Key,
  Value,
  Event,
}


export const chromeTraceJson: ImporterFormat = {
  name: 'Chrome trace JSON',
  detect(head) {
    const c = head[firstContentByte(head)];
    return c === 0x7b || c === 0x5b;
  },
  create: (raw) => new ChromeTraceJsonImporter(raw),
};

export class ChromeTraceJsonImporter implements TraceImporter {
  private depth = 0;
  private inString = false;
  private escape = false;
  private top: 'unknown' | 'object' | 'array' = 'unknown';
  /** Absolute byte offset of the current chunk's first byte. */
  private base = 0;

  private capture = Capture.None;
  private captureStart = -1;
  private captureAbs = 0;
  private carried: Uint8Array[] = [];
  private carriedLen = 0;
  private captureDropped = false;

  private expectKey = false;
  private currentKey = '';
  private awaitingEvents = false;
  private eventsDepth = -1;
  private eventsState: 'none' | 'open' | 'closed' = 'none';
  private eventIndex = 0;
  private maxEnd = -Infinity;

  /** B and E events in file order, matched once the file is read (BeginEndColumns). */
  private readonly beThreads = new Map<string, number>();
  private readonly beThread = new Column(Uint32Array);
  private readonly beTs = new Column(Float64Array);
  private readonly beRef = new Column(Float64Array);
  private readonly beAbs = new Column(Float64Array);
  private readonly t: MicrosTime = { us: 0, ns: 0 };
  private readonly f = new EventFields();
  private readonly tokens: TokenInterner;
  /** The args of the last metadata event per name, pid and tid (their metadataTexts ids), as applied (repeats are skipped). */
  private readonly lastMetadata = new Map<number | string, Uint8Array>();
  /**
   * The names, pids and tids of metadata events as ids of their own (not trace strings: a pid
   * named only in metadata is no event's), for lastMetadata's key; and that id per WebAssembly
   * scanner token id (−1: not seen yet), so a repeat is recognised without decoding its tokens.
   */
  private readonly metadataTexts = new StringTable();
  private metadataTextOf: Int32Array = new Int32Array(0);
  /** Where the current event starts in the bytes being read (its file offset is captureAbs). */
  private eventAt = 0;

  /** The WebAssembly scanner while parsing (null: JS only); dropped with its memory by finish(). */
  private scanner: WasmEventScanner | null = WasmEventScanner.create();
  /** String id per token id of the WebAssembly scanner (−1: not seen yet). */
  private scannerStrings: Int32Array = new Int32Array(1024).fill(-1);
  /**
   * Per category string id: flowKeys id + 1 by scanner token id of a flow's id (0: not seen), flowKey().
   * Token ids are dense from 0, so an array beats a map keyed by (id, category), whose keys
   * past 2^31 were boxed numbers: 7 % of a 100 MB parse and much of its garbage.
   */
  private readonly scannedFlowKeys = new Map<number, Int32Array>();
  /** Plain events per ph character not yet in raw.phases, and the characters in the order first seen (raw.phases keeps that order). */
  private readonly plainPhases = new Int32Array(128);
  private readonly plainPhaseOrder: number[] = [];
  /** Which scanner read the events, how many bytes the WebAssembly one read, and how many of its events went straight into the columns (plainEvent) (tests, bench). */
  readonly scanStats = { scanner: this.scanner ? ('wasm' as const) : ('js' as const), wasmBytes: 0, jsFastEvents: 0, plainEvents: 0, metadataRepeats: 0 };

  constructor(
    private readonly raw: RawTrace,
    start?: FragmentStart,
  ) {
    this.tokens = new TokenInterner(raw.strings);
    raw.scanner = this.scanStats.scanner;
    if (start) {
      this.top = start.top;
      this.eventsDepth = start.top === 'object' ? 2 : 1;
      this.depth = this.eventsDepth;
      this.eventsState = 'open';
      this.base = start.base;
    }
  }

  /** What this fragment parsed, for the importer of the file's first fragment to absorb. */
  fragmentResult(): FragmentData {
    const beginEnds = { threads: [...this.beThreads.keys()], thread: this.beThread.trimmed(), ts: this.beTs.trimmed(), ref: this.beRef.trimmed(), abs: this.beAbs.trimmed() };
    return fragmentData(this.raw, {
      beginEnds,
      maxEnd: this.maxEnd,
      events: this.eventIndex,
      end: { depth: this.depth, inString: this.inString, inEvent: this.capture !== Capture.None, eventsState: this.eventsState, captureAbs: this.captureAbs, base: this.base },
    });
  }

  /** Merges the file's next fragments, in order (absorb), their events' room made at once. */
  absorbAll(parts: readonly FragmentData[]): void {
    this.raw.reserveEvents(parts.reduce((n, p) => n + p.kind.length, this.raw.count));
    parts.forEach((p, k) => this.absorb(p, k === parts.length - 1));
  }

  /**
   * Merges the next fragment of the file (in order): its events, flows and metadata
   * with its string ids and times mapped onto this trace, its async events and B/E events
   * added to ours for matching once the file is read. The last fragment's scanner state becomes ours, so
   * finish() reports a cut file exactly as a sequential parse would.
   */
  absorb(d: FragmentData, last: boolean): void {
    const raw = this.raw;
    const ids = d.strings.map((s) => raw.strings.intern(s));
    if (raw.originUs === null) raw.originUs = d.originUs;
    const dt = d.originUs === null ? 0 : (d.originUs - raw.originUs!) * 1000;
    // The fragment's events land after ours: its B slices' RawTrace indices move up by this.
    const firstEvent = raw.count;
    const copyArgs = (off: number, len: number): number => {
      if (len === 0) return off;
      if (off <= HOT_ARGS) return HOT_ARGS - raw.hotArgs.append(d.args, HOT_ARGS - off, HOT_ARGS - off + len);
      return off < 0 ? off : raw.args.append(d.args, off, off + len);
    };
    raw.appendEvents(d, ids, dt, copyArgs);
    const f = raw.flows;
    const keyIds = d.flowKeys.map((k) => raw.flowKeys.intern(k));
    for (const [point, name] of d.flowOwnName) raw.flowOwnName.set(point + f.key.length, ids[name]);
    for (let i = 0; i < d.flows.key.length; i++) {
      f.key.push(keyIds[d.flows.key[i]]);
      f.phase.push(d.flows.phase[i]);
      f.ts.push(d.flows.ts[i] + dt);
      f.pid.push(ids[d.flows.pid[i]]);
      f.tid.push(ids[d.flows.tid[i]]);
      f.enclosing.push(d.flows.enclosing[i]);
    }
    for (const [k, v] of d.processNames) raw.processNames.set(k, v);
    for (const [k, v] of d.processLabels) raw.processLabels.set(k, v);
    for (const [k, v] of d.processSort) raw.processSort.set(k, v);
    for (const [k, v] of d.threadNames) raw.threadNames.set(k, v);
    for (const [k, v] of d.threadSort) raw.threadSort.set(k, v);
    Object.assign(raw.metadata, d.metadata);
    if (BigInt(d.baseNs) !== 0n) raw.baseNs = BigInt(d.baseNs);
    for (const [ph, n] of Object.entries(d.phases)) raw.phases[ph] = (raw.phases[ph] ?? 0) + n;
    for (const { warning, count } of d.warnings) {
      raw.warnCounted({ ...warning, eventIndex: warning.eventIndex === undefined ? undefined : warning.eventIndex + this.eventIndex }, count);
    }
    const a = d.asyncEvents;
    for (let i = 0; i < a.key.length; i++) {
      raw.asyncEvents.add(a.keys[a.key[i]], a.phase[i], a.ts[i] + dt, ids[a.pid[i]], ids[a.tid[i]], ids[a.cat[i]], ids[a.name[i]], copyArgs(a.argsOff[i], a.argsLen[i]), a.argsLen[i], a.abs[i], a.index[i] + this.eventIndex);
    }
    // Thread keys are made of string ids: "pid|tid".
    const key = (k: string): string => {
      const parts = k.split('|');
      parts[0] = String(ids[Number(parts[0])]);
      parts[1] = String(ids[Number(parts[1])]);
      return parts.join('|');
    };
    const be = d.beginEnds;
    const threads = be.threads.map(key);
    for (let i = 0; i < be.ts.length; i++) {
      const ref = be.ref[i];
      this.addBeginEnd(threads[be.thread[i]], be.ts[i] + dt, ref >= 0 ? ref + firstEvent : ref - this.eventIndex, be.abs[i]);
    }
    this.maxEnd = Math.max(this.maxEnd, d.maxEnd + dt);
    // The counting pass (ingest/eventChoice.ts): the piece's counts join ours.
    if (d.survey && raw.filter instanceof SurveyCounter) raw.filter.absorb(d.survey);
    this.eventIndex += d.events;
    if (last) {
      this.depth = d.end.depth;
      this.inString = d.end.inString;
      this.eventsState = d.end.eventsState;
      this.capture = d.end.inEvent ? Capture.Event : Capture.None;
      this.captureAbs = d.end.captureAbs;
      this.base = d.end.base;
    }
  }

  /** The scanner state now (for the cut-point check of the next fragment). */
  endState(): FragmentEndState {
    return { depth: this.depth, inString: this.inString, inEvent: this.capture !== Capture.None, eventsState: this.eventsState, captureAbs: this.captureAbs, base: this.base };
  }

  /** True when the next byte starts a new event (or the list's end) in the event list. */
  static betweenEvents(s: FragmentEndState, top: 'object' | 'array'): boolean {
    return s.eventsState === 'open' && !s.inString && !s.inEvent && s.depth === (top === 'object' ? 2 : 1);
  }

  push(buf: Uint8Array): void {
    const n = buf.length;
    let depth = this.depth;
    let inString = this.inString;
    let escape = this.escape;
    if (this.capture !== Capture.None) this.captureStart = 0;
    for (let i = 0; i < n; i++) {
      const c = buf[i];
      if (inString) {
        if (escape) escape = false;
        else if (c === 0x5c) escape = true;
        else if (c === 0x22) {
          inString = false;
          if (this.capture === Capture.Key) {
            this.currentKey = decodeString(...this.endCapture(buf, i + 1));
            this.expectKey = false;
          }
        }
        continue;
      }
      switch (c) {
        case 0x22: // "
          inString = true;
          if (depth === 1 && this.top === 'object' && this.expectKey && this.capture === Capture.None) {
            this.beginCapture(Capture.Key, i);
          } else if (this.awaitingEvents && depth === 1) {
            this.notAnArray(i);
          }
          break;
        case 0x7b: // {
        case 0x5b: // [
          if (this.top === 'unknown') {
            this.top = c === 0x7b ? 'object' : 'array';
            if (c === 0x7b) this.expectKey = true;
            else this.openEvents(1);
          } else if (depth === 1 && this.awaitingEvents) {
            if (c === 0x5b) this.openEvents(2);
            else this.notAnArray(i);
          } else if (depth === this.eventsDepth && this.eventsState === 'open' && c === 0x7b) {
            // Fastest path: the WebAssembly scanner reads the run of complete events from here.
            if (this.scanner && this.scanEvents(buf, i) > 0) {
              i = this.scanner.stop - 1;
              continue;
            }
            // Fast path: read the whole event in place (one pass over its bytes). Only an
            // event cut by the chunk end (or a malformed one) goes through the byte scanner.
            const end = this.f.read(buf, i, n);
            if (end > 0) {
              this.scanStats.jsFastEvents++;
              this.captureAbs = this.base + i;
              this.eventAt = i;
              this.onEvent(buf);
              i = end - 1;
              continue;
            }
            this.beginCapture(Capture.Event, i);
          }
          depth++;
          break;
        case 0x7d: // }
        case 0x5d: // ]
          depth--;
          if (depth === this.eventsDepth && this.capture === Capture.Event && c === 0x7d) {
            const [b, s, e] = this.endCapture(buf, i + 1);
            this.handleEvent(b, s, e);
          } else if (depth === this.eventsDepth - 1 && this.eventsState === 'open' && c === 0x5d) {
            this.eventsState = 'closed';
          } else if (depth === 0 && this.top === 'object' && this.capture === Capture.Value) {
            this.endValue(buf, i);
          }
          break;
        case 0x2c: // ,
          if (depth === 1 && this.top === 'object') {
            if (this.capture === Capture.Value) this.endValue(buf, i);
            this.expectKey = true;
          }
          break;
        case 0x3a: // :
          if (depth === 1 && this.top === 'object' && this.capture === Capture.None) {
            if (this.currentKey === 'traceEvents') this.awaitingEvents = true;
            else this.beginCapture(Capture.Value, i + 1);
          }
          break;
        default:
          if (this.awaitingEvents && depth === 1 && c > 0x20) this.notAnArray(i);
          else if (this.top === 'unknown' && c > 0x20 && !(i < 3 && this.base === 0 && (c === 0xef || c === 0xbb || c === 0xbf))) {
            throw new TraceFormatError(`Not a JSON trace: unexpected byte 0x${c.toString(16)} at byte ${this.base + i}`, this.base + i);
          }
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escape = escape;
    if (this.capture !== Capture.None) this.carry(buf);
    this.base += n;
  }

  finish(): void {
    const raw = this.raw;
    this.releaseScanner();
    if (this.top === 'unknown') throw new TraceFormatError('The file is empty: no JSON value found.', 0);
    if (this.eventsState === 'none') {
      throw new TraceFormatError(
        this.depth > 0
          ? `The file ends at byte ${this.base} before any trace events were found.`
          : 'This JSON has no "traceEvents" array, so it is not a Chrome/Kineto trace.',
        this.base,
      );
    }
    if (this.eventsState === 'open') {
      if (this.capture === Capture.Event) {
        raw.warn({
          code: 'truncated',
          message: `The file ends mid-event at byte ${this.captureAbs.toLocaleString('en-US')}: loaded ${this.eventIndex.toLocaleString('en-US')} events before the cut.`,
          byteOffset: this.captureAbs,
          eventIndex: this.eventIndex,
        });
      } else {
        raw.warn({
          code: 'truncated',
          message: `The file ends at byte ${this.base.toLocaleString('en-US')} before the event list closes: loaded ${this.eventIndex.toLocaleString('en-US')} events.`,
          byteOffset: this.base,
          eventIndex: this.eventIndex,
        });
      }
    }
    const async = matchAsyncOperations(raw, this.maxEnd);
    this.closeOpenSlices(this.matchBeginEnds(), async.unclosed);
    this.reportUnknownPhases();
  }

  /**
   * Phases we do not draw (samples, …) are counted, not fatal. Object lifetimes and snapshots (`N`, `O`,
   * `D`) are not drawn either, but they are no damage and nothing a reader misses: no warning.
   */
  private reportUnknownPhases(): void {
    const unknown = Object.entries(this.raw.phases).filter(([ph]) => !KNOWN_PHASES.has(ph) && !QUIET_PHASES.has(ph));
    if (unknown.length === 0) return;
    const list = unknown.map(([ph, n]) => `${n.toLocaleString('en-US')} × "${ph}"`).join(', ');
    this.raw.warn({ code: 'unknown-phase', message: `Skipped events with phases tracelane does not draw: ${list}.` });
  }

  /** Events the WebAssembly scanner reads from buf[i] on, each handled as the JS fast path would. */
  private scanEvents(buf: Uint8Array, i: number): number {
    const scanner = this.scanner!;
    const count = scanner.scan(buf, i);
    if (count === 0) return 0;
    const rec = scanner.records();
    const us = scanner.micros();
    const slots = scanner.slots;
    let plain = 0;
    for (let r = 0, o = 0; r < count; r++, o += slots) {
      if (this.plainEvent(buf, rec, o, us, r)) {
        plain++;
        continue;
      }
      if (this.repeatedMetadata(buf, rec, o)) continue;
      this.countPlainPhases();
      this.f.fromRecord(buf, rec, o, us, r);
      this.captureAbs = this.base + rec[o];
      this.eventAt = rec[o];
      this.onEvent(buf);
    }
    this.countPlainPhases();
    this.scanStats.plainEvents += plain;
    return count;
  }

  /** Adds the plain events' phases to raw.phases (before any other event is counted, so the order of first sight holds). */
  private countPlainPhases(): void {
    const order = this.plainPhaseOrder;
    if (order.length === 0) return;
    for (const ph of order) {
      this.raw.countPhase(ASCII[ph], this.plainPhases[ph]);
      this.plainPhases[ph] = 0;
    }
    order.length = 0;
  }

  /**
   * Most events of a trace in one step, from the WebAssembly scanner's record: an X slice
   * or an instant (i, I, R) with its times parsed and its tokens interned there, and no flow
   * binding, goes straight into the raw columns as onEvent would add it. Anything else
   * (false) goes through onEvent.
   */
  private plainEvent(b: Uint8Array, rec: Int32Array, o: number, us: Float64Array, r: number): boolean {
    const ph = rec[o + RecordSlot.Ph];
    const instant = ph === 0x69 /* i */ || ph === 0x49 /* I */ || ph === 0x52; /* R */
    if ((ph !== 0x58 /* X */ && !instant) || rec[o + RecordSlot.TsOk] !== 1) return false;
    const kind = instant ? RawKind.Instant : RawKind.Slice;
    const pidId = rec[o + RecordSlot.PidId];
    const tidId = rec[o + RecordSlot.TidId];
    const catId = rec[o + RecordSlot.CatId];
    const nameId = rec[o + RecordSlot.NameId];
    // −1: absent, or longer than the scanner interns (onEvent warns about a long name).
    if ((pidId | tidId | catId | nameId) < 0) return false;
    let durNs = 0;
    if (kind === RawKind.Slice) {
      if (rec[o + RecordSlot.DurOk] !== 1 || rec[o + 2 + 2 * ScanField.BindId] >= 0) return false;
      durNs = us[2 * r + 1] * 1000 + rec[o + RecordSlot.DurNs];
      if (!(durNs >= 0)) return false;
    }
    const raw = this.raw;
    this.eventIndex++;
    if (this.plainPhases[ph]++ === 0) this.plainPhaseOrder.push(ph);
    const startNs = raw.toNs(this.microsOf(us[2 * r], rec[o + RecordSlot.TsNs]));
    const f = o + 2;
    const pid = this.scannerString(pidId, b, rec[f + 2 * ScanField.Pid], rec[f + 2 * ScanField.Pid + 1]);
    const tid = this.scannerString(tidId, b, rec[f + 2 * ScanField.Tid], rec[f + 2 * ScanField.Tid + 1]);
    const cat = this.scannerString(catId, b, rec[f + 2 * ScanField.Cat], rec[f + 2 * ScanField.Cat + 1]);
    const name = this.scannerString(nameId, b, rec[f + 2 * ScanField.Name], rec[f + 2 * ScanField.Name + 1]);
    const as = rec[f + 2 * ScanField.Args];
    const len = argsLength(as, rec[f + 2 * ScanField.Args + 1]);
    if (raw.filter) {
      this.addChosenSlice(raw.filter, b, as, len, this.base + as, kind, 0, startNs, durNs, pid, tid, cat, name);
      return true;
    }
    const off = len === 0 ? 0 : raw.storeArgs(b, as, as + len, this.base + as, this.hotArgs(kind, name));
    this.addStoredSlice(kind, 0, startNs, durNs, pid, tid, cat, name, off, len);
    return true;
  }

  /**
   * A metadata event from a WebAssembly record that repeats, for its name, pid and tid, the args
   * applied last (MTIA writes each process's and thread's five metadata events 62 000 times): counted
   * as onEvent would count it, and nothing else, since metadataEvent would change nothing. False
   * (onEvent decides) for anything else, or a token not seen in metadata yet.
   */
  private repeatedMetadata(b: Uint8Array, rec: Int32Array, o: number): boolean {
    if (rec[o + RecordSlot.Ph] !== 0x4d /* M */) return false;
    const seen = this.metadataTextOf;
    const nameTok = rec[o + RecordSlot.NameId];
    const pidTok = rec[o + RecordSlot.PidId];
    const tidTok = rec[o + RecordSlot.TidId];
    // (An absent token is −1, and an unseen one past the end: both undefined or −1 below.)
    const nameId = seen[nameTok];
    const pidId = seen[pidTok];
    const tidId = seen[tidTok];
    if (!(nameId >= 0 && pidId >= 0 && tidId >= 0)) return false;
    const as = rec[o + 2 + 2 * ScanField.Args];
    if (as < 0) return false;
    if (!this.appliedLast(metadataKey(nameId, pidId, tidId), b, as, rec[o + 2 + 2 * ScanField.Args + 1])) return false;
    this.eventIndex++;
    if (this.plainPhases[0x4d]++ === 0) this.plainPhaseOrder.push(0x4d);
    this.scanStats.metadataRepeats++;
    return true;
  }

  /** Whether b[s, e) are the args last applied for a metadata key (a repeat changes nothing). */
  private appliedLast(key: number | string, b: Uint8Array, s: number, e: number): boolean {
    const last = this.lastMetadata.get(key);
    return last !== undefined && sameBytes(last, b, s, e);
  }

  private microsOf(us: number, ns: number): MicrosTime {
    const t = this.t;
    t.us = us;
    t.ns = ns;
    return t;
  }

  /** The string id of the WebAssembly scanner's token `id`, the token b[s, e) (decoded the first time only). */
  private scannerString(id: number, b: Uint8Array, s: number, e: number): number {
    const strings = (this.scannerStrings = atLeast(this.scannerStrings, id + 1));
    const known = strings[id];
    return known >= 0 ? known : (strings[id] = this.raw.strings.intern(scalarText(b, s, e)));
  }

  private releaseScanner(): void {
    if (this.scanner) this.scanStats.wasmBytes = this.scanner.scannedBytes;
    this.scanner?.dispose();
    this.scanner = null;
    // The last record's view would keep the scanner's memory alive.
    this.f.ids = null;
  }

  private openEvents(depth: number): void {
    this.awaitingEvents = false;
    this.eventsDepth = depth;
    this.eventsState = 'open';
  }

  private notAnArray(i: number): never {
    throw new TraceFormatError(`"traceEvents" is not an array (at byte ${this.base + i}).`, this.base + i);
  }

  private beginCapture(kind: Capture, i: number): void {
    this.capture = kind;
    this.captureStart = i;
    this.captureAbs = this.base + i;
    this.carried = [];
    this.carriedLen = 0;
    this.captureDropped = false;
  }

  /** Keeps the captured tail of this chunk for the next one. */
  private carry(buf: Uint8Array): void {
    if (this.captureDropped) return;
    // A copy: a chunk's memory may be reused for the next one (ingest/chunkReader.ts).
    const part = buf.slice(this.captureStart);
    this.carriedLen += part.length;
    if (this.capture === Capture.Value && this.carriedLen > MAX_METADATA_BYTES) {
      this.captureDropped = true;
      this.carried = [];
      this.raw.warn({
        code: 'metadata-too-large',
        message: `Top-level key "${this.currentKey}" is larger than ${MAX_METADATA_BYTES >> 20} MB and was skipped.`,
        byteOffset: this.captureAbs,
      });
      return;
    }
    this.carried.push(part);
  }

  /** Ends the capture at buf[end); returns [bytes, start, end] of the whole captured text. */
  private endCapture(buf: Uint8Array, end: number): [Uint8Array, number, number] {
    const start = this.captureStart;
    this.capture = Capture.None;
    if (this.carried.length === 0) return [buf, start, end];
    const all = new Uint8Array(this.carriedLen + end);
    let at = 0;
    for (const part of this.carried) {
      all.set(part, at);
      at += part.length;
    }
    all.set(buf.subarray(0, end), at);
    this.carried = [];
    return [all, 0, all.length];
  }

  private endValue(buf: Uint8Array, end: number): void {
    const dropped = this.captureDropped;
    const [b, s, e] = this.endCapture(buf, end);
    if (dropped) return;
    const text = textDecoder.decode(b.subarray(s, e)).trim();
    try {
      const value: unknown = JSON.parse(text);
      this.raw.metadata[this.currentKey] = value;
      if (this.currentKey === 'baseTimeNanoseconds') this.setBase(text);
    } catch {
      this.raw.warn({
        code: 'bad-metadata',
        message: `Top-level key "${this.currentKey}" is not valid JSON (at byte ${this.captureAbs}).`,
        byteOffset: this.captureAbs,
      });
    }
  }

  private setBase(text: string): void {
    // Kept as BigInt from the digits: the value is past 2^53.
    const digits = text.replace(/^"|"$/g, '');
    if (/^\d+$/.test(digits)) this.raw.baseNs = BigInt(digits);
  }

  private handleEvent(b: Uint8Array, s: number, e: number): void {
    this.eventAt = s;
    if (this.f.read(b, s, e) < 0) {
      const index = this.eventIndex++;
      const abs = this.captureAbs;
      this.raw.warn({ code: 'bad-event', message: `Event #${index} at byte ${abs} is not a valid JSON object; skipped.`, byteOffset: abs, eventIndex: index });
      return;
    }
    this.onEvent(b);
  }

  /** One event whose fields `this.f` has just read from `b`. */
  private onEvent(b: Uint8Array): void {
    const raw = this.raw;
    const f = this.f;
    const index = this.eventIndex++;
    const abs = this.captureAbs;
    const ph = f.ph;
    // An empty `{}` (JAX/XLA end their event list with one) says nothing: no warning, no phase.
    if (ph === '' && f.start(ScanField.Ts) < 0 && f.start(ScanField.Name) < 0 && f.start(ScanField.Pid) < 0 && f.start(ScanField.Tid) < 0 && f.start(ScanField.Args) < 0) return;
    raw.countPhase(ph);
    if (ph === 'M') return this.metadataEvent(b, f);

    const t = this.t;
    let startNs = NaN;
    if (f.start(ScanField.Ts) >= 0 && f.tsMicros(b, t)) startNs = raw.toNs(t);
    if (Number.isNaN(startNs)) {
      raw.warn({ code: 'bad-ts', message: `Event #${index} ("${f.name(b).slice(0, 80)}", ph ${ph}) at byte ${abs} has no valid ts; skipped.`, byteOffset: abs, eventIndex: index });
      return;
    }
    if (f.end(ScanField.Name) - f.start(ScanField.Name) > MAX_TOKEN_BYTES) {
      raw.warn({ code: 'long-name', message: `Event #${index} at byte ${abs} has a ${(f.end(ScanField.Name) - f.start(ScanField.Name)).toLocaleString('en-US')}-byte name; it is cut to ${MAX_TOKEN_BYTES.toLocaleString('en-US')} bytes.`, byteOffset: abs, eventIndex: index });
    }
    const pid = this.token(b, f, ScanField.Pid, RecordSlot.PidId);
    const tid = this.token(b, f, ScanField.Tid, RecordSlot.TidId);
    const cat = this.token(b, f, ScanField.Cat, RecordSlot.CatId);
    const name = this.token(b, f, ScanField.Name, RecordSlot.NameId);

    switch (ph) {
      case 'X': {
        let durNs = 0;
        if (f.start(ScanField.Dur) >= 0 && f.durMicros(b, t)) durNs = t.us * 1000 + t.ns;
        else durNs = NaN;
        if (!(durNs >= 0)) {
          const problem = f.start(ScanField.Dur) < 0 ? 'has no dur' : 'has a negative or invalid dur';
          raw.warn({ code: 'bad-dur', message: `Event #${index} ("${raw.strings.get(name).slice(0, 80)}") at byte ${abs} ${problem}; shown as an instant.`, byteOffset: abs, eventIndex: index });
          durNs = 0;
        }
        this.addSlice(b, f, RawKind.Slice, 0, startNs, durNs, pid, tid, cat, name);
        if (f.start(ScanField.BindId) >= 0) this.addBoundFlow(b, f, startNs, pid, tid, name);
        return;
      }
      case 'B': {
        if (raw.filter && !raw.filter.thread(startNs, pid, tid)) return;
        const [off, len] = this.storeArgs(b, f);
        // Duration 0 until its E is known (matchBeginEnds).
        const at = raw.addEventIds(RawKind.Slice, 0, startNs, 0, pid, tid, cat, name, off, len);
        this.addBeginEnd(`${pid}|${tid}`, startNs, at, abs);
        if (f.start(ScanField.BindId) >= 0) this.addBoundFlow(b, f, startNs, pid, tid, name);
        return;
      }
      case 'E':
        if (raw.filter && !raw.filter.thread(startNs, pid, tid)) return;
        this.addBeginEnd(`${pid}|${tid}`, startNs, -1 - index, abs);
        return;
      case 'b':
      case 'e':
      case 'n':
      case 'S':
      case 'T':
      case 'p':
      case 'F': {
        if (raw.filter && !raw.filter.process(startNs, pid, tid)) return;
        const [off, len] = this.storeArgs(b, f);
        raw.asyncEvents.add(this.asyncKey(b, f, ph, pid, cat, name), ph.charCodeAt(0), startNs, pid, tid, cat, name, off, len, abs, index);
        if (startNs > this.maxEnd) this.maxEnd = startNs;
        return;
      }
      case 'i':
      case 'I':
      case 'R':
        this.addSlice(b, f, RawKind.Instant, 0, startNs, 0, pid, tid, cat, name);
        return;
      case 'C': {
        const id = f.start(ScanField.Id) >= 0 ? ` ${f.text(b, f.start(ScanField.Id), f.end(ScanField.Id))}` : '';
        this.addSlice(b, f, RawKind.Counter, 0, startNs, 0, pid, tid, cat, id ? raw.strings.intern(raw.strings.get(name) + id) : name);
        return;
      }
      case 's':
      case 't':
      case 'f': {
        const enclosing = f.start(ScanField.Bp) >= 0 && f.text(b, f.start(ScanField.Bp), f.end(ScanField.Bp)) === 'e';
        raw.addFlowIds(ph.charCodeAt(0), this.flowKey(b, f, cat), startNs, pid, tid, enclosing || ph !== 'f' ? FlowBinding.Enclosing : FlowBinding.Next);
        return;
      }
      default:
        // Counted in phases (reported in the summary); not fatal.
        return;
    }
  }

  /**
   * A flow event's key "cat|id" (id, else id2), or its flowKeys id where the WebAssembly scanner
   * interned the id: each flow id comes twice or more (s, t, f), and a repeat builds no string.
   */
  private flowKey(b: Uint8Array, f: EventFields, cat: number): string | number {
    const scanned = f.ids && f.start(ScanField.Id) >= 0 ? f.ids[f.idsAt + RecordSlot.IdId] : -1;
    // Not while opening part of a trace: a flow the filter drops adds no key.
    const known = scanned >= 0 && !this.raw.filter ? this.flowKeysOfCategory(cat, scanned) : null;
    if (known && known[scanned] > 0) return known[scanned] - 1;
    const id = f.start(ScanField.Id) >= 0 ? f.text(b, f.start(ScanField.Id), f.end(ScanField.Id)) : f.start(ScanField.Id2) >= 0 ? f.text(b, f.start(ScanField.Id2), f.end(ScanField.Id2)) : '';
    const text = `${this.raw.strings.get(cat)}|${id}`;
    if (!known) return text;
    const key = this.raw.flowKeys.intern(text);
    known[scanned] = key + 1;
    return key;
  }

  /** The category's flowKeys-by-token table, long enough for token `id`. */
  private flowKeysOfCategory(cat: number, id: number): Int32Array {
    const table = this.scannedFlowKeys.get(cat);
    if (table && id < table.length) return table;
    const grown = new Int32Array(Math.max(1024, 2 * (id + 1)));
    if (table) grown.set(table);
    this.scannedFlowKeys.set(cat, grown);
    return grown;
  }

  /** String id of the event's `field` (absent → ""); `slot`: where a WebAssembly record has its token id. */
  private token(b: Uint8Array, f: EventFields, field: ScanField, slot: RecordSlot): number {
    const s = f.start(field);
    const e = f.end(field);
    if (s < 0) return this.raw.strings.intern('');
    const scanned = f.ids ? f.ids[f.idsAt + slot] : -1;
    if (scanned >= 0) return this.scannerString(scanned, b, s, e);
    // Huge tokens bypass the interner's byte pool (scalarText cuts them).
    if (e - s > MAX_TOKEN_BYTES) return this.raw.strings.intern(scalarText(b, s, e));
    return this.tokens.intern(b, s, e, scalarText);
  }

  /** The async event's match key (asyncMatchKey): category, scope, id (and the pid where the id is process-local); legacy S/T/p/F also the name. */
  private asyncKey(b: Uint8Array, f: EventFields, ph: string, pid: number, cat: number, name: number): string {
    const s = this.raw.strings;
    const legacy = ph === 'S' || ph === 'T' || ph === 'p' || ph === 'F';
    let id = f.text(b, f.start(ScanField.Id), f.end(ScanField.Id));
    let local = !legacy;
    if (f.start(ScanField.Id) < 0 && f.start(ScanField.Id2) >= 0) {
      const text = f.text(b, f.start(ScanField.Id2), f.end(ScanField.Id2));
      const id2 = parseId2(text);
      id = id2?.id ?? text;
      local = id2?.local ?? !legacy;
    }
    return asyncMatchKey(legacy, s.get(cat), s.get(name), f.text(b, f.start(ScanField.Scope), f.end(ScanField.Scope)), id, local ? s.get(pid) : null);
  }

  /**
   * Flow v2: a slice event with `bind_id` and `flow_out` (a flow leaves it), `flow_in` (a flow
   * arrives at it) or both (a step) is that flow's point, bound to the slice itself.
   */
  private addBoundFlow(b: Uint8Array, f: EventFields, startNs: number, pid: number, tid: number, name: number): void {
    const out = f.text(b, f.start(ScanField.FlowOut), f.end(ScanField.FlowOut)) === 'true';
    const into = f.text(b, f.start(ScanField.FlowIn), f.end(ScanField.FlowIn)) === 'true';
    if (!out && !into) return;
    const s = this.raw.strings;
    const phase = out && into ? 't' : out ? 's' : 'f';
    const id = f.text(b, f.start(ScanField.BindId), f.end(ScanField.BindId));
    this.raw.addFlow(phase.charCodeAt(0), `bind_id|${id}`, startNs, s.get(pid), s.get(tid), FlowBinding.Own, name);
  }

  /**
   * Keeps the event's args (by file offset when the file can be re-read; `hot`: args the
   * index reads while it is built, see RawTrace.hotArgs); [offset, length], length 0 = none.
   */
  private storeArgs(b: Uint8Array, f: EventFields, hot = false): [number, number] {
    const s = f.start(ScanField.Args);
    const len = argsLength(s, f.end(ScanField.Args));
    if (len === 0) return [0, 0];
    const fileOffset = this.captureAbs + (s - this.eventAt);
    return [this.raw.storeArgs(b, s, s + len, fileOffset, hot), len];
  }

  /** Whether the index reads this event's args while it is built: counters and Kineto's [memory] instants become counter samples. */
  private hotArgs(kind: RawKind, name: number): boolean {
    return isCounterSample(kind, this.raw.strings.get(name));
  }

  private addSlice(b: Uint8Array, f: EventFields, kind: RawKind, flags: number, startNs: number, durNs: number, pid: number, tid: number, cat: number, name: number): void {
    const filter = this.raw.filter;
    if (filter) {
      const args = f.start(ScanField.Args);
      return this.addChosenSlice(filter, b, args, argsLength(args, f.end(ScanField.Args)), this.captureAbs + (args - this.eventAt), kind, flags, startNs, durNs, pid, tid, cat, name);
    }
    const [off, len] = this.storeArgs(b, f, this.hotArgs(kind, name));
    this.addStoredSlice(kind, flags, startNs, durNs, pid, tid, cat, name, off, len);
  }

  /**
   * Opening part of the trace (ingest/eventChoice.ts): decided before the event's args cost
   * memory. `args`, `len`: its args value in b (len 0: none), at `fileOffset` in the file.
   */
  private addChosenSlice(filter: EventFilter, b: Uint8Array, args: number, len: number, fileOffset: number, kind: RawKind, flags: number, startNs: number, durNs: number, pid: number, tid: number, cat: number, name: number): void {
    const hot = this.hotArgs(kind, name);
    // The trace's end (where unclosed slices stop) counts every event, kept or not, as in a full open.
    if (startNs + durNs > this.maxEnd) this.maxEnd = startNs + durNs;
    const series = hot ? () => counterSeries(this.raw, pid, cat, name, len === 0 ? null : b.subarray(args, args + len)) : null;
    const keep = filter.event(startNs, durNs, pid, tid, series);
    if (keep === DROP) return;
    const off = len === 0 ? 0 : this.raw.storeArgs(b, args, args + len, fileOffset, hot);
    if (keep >= 0) this.raw.setEventIds(keep, kind, flags, startNs, durNs, pid, tid, cat, name, off, len);
    else filter.placed(this.raw.addEventIds(kind, flags, startNs, durNs, pid, tid, cat, name, off, len));
  }

  /** A slice, instant or counter whose args are stored (off, len). */
  private addStoredSlice(kind: RawKind, flags: number, startNs: number, durNs: number, pid: number, tid: number, cat: number, name: number, off: number, len: number): void {
    const end = startNs + durNs;
    if (end > this.maxEnd) this.maxEnd = end;
    this.raw.addEventIds(kind, flags, startNs, durNs, pid, tid, cat, name, off, len);
  }

  /** `ref`: a B's RawTrace index, or −1 − an E's event number (BeginEndColumns). */
  private addBeginEnd(key: string, ts: number, ref: number, abs: number): void {
    let thread = this.beThreads.get(key);
    if (thread === undefined) this.beThreads.set(key, (thread = this.beThreads.size));
    this.beThread.push(thread);
    this.beTs.push(ts);
    this.beRef.push(ref);
    this.beAbs.push(abs);
    if (ts > this.maxEnd) this.maxEnd = ts;
  }

  /**
   * Each thread's B/E events in time order (equal times in file order), each E closing the
   * innermost open B whatever its name, or none: sets the B slices' durations. Returns the
   * RawTrace indices of the B slices left open.
   */
  private matchBeginEnds(): { event: number; startNs: number }[] {
    const n = this.beTs.length;
    const [thread, ts, ref, abs] = [this.beThread.data, this.beTs.data, this.beRef.data, this.beAbs.data];
    const threads = this.beThreads.size;
    const { at, order } = timeOrderedGroups(thread, ts, n, threads);
    // The open Bs' entries here: a B's ts is its slice's start, so a slice the bounded writer spilled
    // already (RawTrace.spilled) is closed without reading it (RawTrace.setSliceEnd).
    const stack = new Int32Array(n);
    const left: { event: number; startNs: number }[] = [];
    for (let t = 0; t < threads; t++) {
      const events = order.subarray(at[t], at[t + 1]);
      let depth = 0;
      for (const i of events) {
        if (ref[i] >= 0) stack[depth++] = i;
        else if (depth > 0) {
          const b = stack[--depth];
          this.raw.setSliceEnd(ref[b], Math.max(0, ts[i] - ts[b]));
        } else {
          const index = -1 - ref[i];
          this.raw.warn({ code: 'unmatched-end', message: `End event #${index} at byte ${abs[i]} has no matching begin; ignored.`, byteOffset: abs[i], eventIndex: index });
        }
      }
      for (let d = 0; d < depth; d++) left.push({ event: ref[stack[d]], startNs: ts[stack[d]] });
    }
    for (const c of [this.beThread, this.beTs, this.beRef, this.beAbs]) c.release();
    this.beThreads.clear();
    return left;
  }

  /** B events never closed: shown up to the end of the trace, flagged; `asyncUnclosed`: async operations never ended (asyncOperations.ts). */
  private closeOpenSlices(openBegins: { event: number; startNs: number }[], asyncUnclosed: number): void {
    const end = this.maxEnd;
    const raw = this.raw;
    const unclosed = openBegins.length + asyncUnclosed;
    for (const { event, startNs } of openBegins) raw.setSliceEnd(event, Math.max(0, end - startNs), RawFlag.Unclosed);
    if (unclosed > 0) {
      // An async begin nested in an operation that ends stops with it (asyncOperations.ts).
      const until = asyncUnclosed > 0 ? 'the end of the trace, or of the async operation around them' : 'the end of the trace';
      this.raw.warn({ code: 'unclosed-begin', message: `${unclosed} begin event(s) have no end; they are drawn up to ${until}.` });
    }
  }

  /** The metadataTexts id of the event's `field` (`slot`: where a WebAssembly record has its token id). */
  private metadataText(b: Uint8Array, f: EventFields, field: ScanField, slot: RecordSlot): number {
    const scanned = f.ids ? f.ids[f.idsAt + slot] : -1;
    if (scanned < 0) return this.metadataTexts.intern(f.text(b, f.start(field), f.end(field)));
    const ids = (this.metadataTextOf = atLeast(this.metadataTextOf, scanned + 1));
    const known = ids[scanned];
    return known >= 0 ? known : (ids[scanned] = this.metadataTexts.intern(f.text(b, f.start(field), f.end(field))));
  }

  private metadataEvent(b: Uint8Array, f: EventFields): void {
    const raw = this.raw;
    const texts = this.metadataTexts;
    const nameId = this.metadataText(b, f, ScanField.Name, RecordSlot.NameId);
    const name = texts.get(nameId);
    if (!METADATA_NAMES.has(name) || f.start(ScanField.Args) < 0) return;
    const pidId = this.metadataText(b, f, ScanField.Pid, RecordSlot.PidId);
    const tidId = this.metadataText(b, f, ScanField.Tid, RecordSlot.TidId);
    const pid = texts.get(pidId);
    const tid = texts.get(tidId);
    // Some recorders repeat each process's and thread's metadata once per event group (MTIA:
    // 62 000 times): the same args as last time for the same name, pid and tid change nothing.
    const key = metadataKey(nameId, pidId, tidId);
    if (this.appliedLast(key, b, f.start(ScanField.Args), f.end(ScanField.Args))) return;
    const argsBytes = b.slice(f.start(ScanField.Args), f.end(ScanField.Args));
    this.lastMetadata.set(key, argsBytes);
    let args: Record<string, unknown>;
    try {
      args = JSON.parse(textDecoder.decode(argsBytes)) as Record<string, unknown>;
    } catch {
      return;
    }
    switch (name) {
      case 'process_name':
        if (typeof args.name === 'string') raw.processNames.set(pid, args.name);
        break;
      case 'process_labels':
        if (typeof args.labels === 'string') raw.processLabels.set(pid, args.labels);
        break;
      case 'process_sort_index':
        if (typeof args.sort_index === 'number') raw.processSort.set(pid, args.sort_index);
        break;
      case 'thread_name':
        if (typeof args.name === 'string') raw.threadNames.set(`${pid}|${tid}`, args.name.trim());
        break;
      case 'thread_sort_index':
        if (typeof args.sort_index === 'number') raw.threadSort.set(`${pid}|${tid}`, args.sort_index);
        break;
    }
  }
}

/** Byte ranges of one event's fields; −1 when absent. Reused for every event. */
class EventFields {
  ph = '';
  /** From a WebAssembly record: the records, this one at idsAt (its token ids at RecordSlot's); null: read() found the fields. */
  ids: Int32Array | null = null;
  idsAt = 0;
  /** From a WebAssembly record: ts / dur already parsed (tsUs, tsNs…), else parseMicros reads them. */
  tsReady = false;
  tsUs = 0;
  tsNs = 0;
  durReady = false;
  durUs = 0;
  durNs = 0;
  /** Value ranges per ScanField: [start, end) at 2·field (−1 = absent), as read() or a WebAssembly record sets them. */
  readonly at = new Int32Array(2 * ScanField.Count).fill(-1);

  start(field: ScanField): number {
    return this.at[2 * field];
  }

  end(field: ScanField): number {
    return this.at[2 * field + 1];
  }

  /**
   * Reads the event object starting at b[s] === '{'. Returns the index just past its
   * closing brace, −1 when the bytes end first (the event continues in the next
   * chunk), −2 when it is malformed.
   */
  read(b: Uint8Array, s: number, e: number): number {
    this.ph = '';
    this.ids = null;
    this.tsReady = this.durReady = false;
    // Ends too: a field missing from this event must not pair with the previous event's end.
    this.at.fill(-1);
    let i = s + 1;
    while (i < e) {
      i = skipWs(b, i, e);
      const c = b[i];
      if (c === 0x7d) return i + 1;
      if (c === 0x2c) {
        i++;
        continue;
      }
      if (i >= e) return -1;
      if (c !== 0x22) return -2;
      const ks = i + 1;
      const ke = skipString(b, i, e) - 1;
      i = skipWs(b, ke + 1, e);
      if (i >= e) return -1;
      if (b[i] !== 0x3a) return -2;
      i = skipWs(b, i + 1, e);
      const vs = i;
      const ve = skipValue(b, i, e);
      // A value running into the end is cut (numbers end at a delimiter we have not seen).
      if (ve >= e) return -1;
      if (ve === vs) return -2;
      i = ve;
      const field = fieldOf(b, ks, ke);
      if (field === ScanField.Ph) this.ph = scalarText(b, vs, ve);
      else if (field >= 0) {
        this.at[2 * field] = vs;
        this.at[2 * field + 1] = ve;
      }
    }
    return -1;
  }

  /** The fields of one WebAssembly scanner record (rec[o] onwards), as read() would set them. */
  fromRecord(b: Uint8Array, rec: Int32Array, o: number, us: Float64Array, r: number): void {
    const p = o + 2;
    this.ids = rec;
    this.idsAt = o;
    this.tsReady = rec[o + RecordSlot.TsOk] === 1;
    this.tsNs = rec[o + RecordSlot.TsNs];
    this.tsUs = us[2 * r];
    this.durReady = rec[o + RecordSlot.DurOk] === 1;
    this.durNs = rec[o + RecordSlot.DurNs];
    this.durUs = us[2 * r + 1];
    const ph = rec[p + 2 * ScanField.Ph];
    // Nearly every ph is one ASCII letter in quotes: the scanner gives its character.
    const phChar = rec[o + RecordSlot.Ph];
    this.ph = phChar > 0 ? ASCII[phChar] : ph < 0 ? '' : scalarText(b, ph, rec[p + 2 * ScanField.Ph + 1]);
    const at = this.at;
    for (let k = 0; k < at.length; k++) at[k] = rec[p + k];
  }

  /** ts as exact µs + ns: the scanner's parse when it made one, else parseMicros. */
  tsMicros(b: Uint8Array, t: MicrosTime): boolean {
    if (!this.tsReady) return parseMicros(b, this.start(ScanField.Ts), this.end(ScanField.Ts), t);
    t.us = this.tsUs;
    t.ns = this.tsNs;
    return true;
  }

  durMicros(b: Uint8Array, t: MicrosTime): boolean {
    if (!this.durReady) return parseMicros(b, this.start(ScanField.Dur), this.end(ScanField.Dur), t);
    t.us = this.durUs;
    t.ns = this.durNs;
    return true;
  }

  text(b: Uint8Array, s: number, e: number): string {
    return s < 0 ? '' : scalarText(b, s, e);
  }

  name(b: Uint8Array): string {
    return this.text(b, this.start(ScanField.Name), this.end(ScanField.Name));
  }
}

/** `ids`, or a copy with room for `n` (new entries −1). */
function atLeast(ids: Int32Array, n: number): Int32Array {
  if (n <= ids.length) return ids;
  const more = new Int32Array(Math.max(n, ids.length * 2, 1024)).fill(-1);
  more.set(ids);
  return more;
}

/** Bytes of an event's args value b[s, e) worth keeping: 0 when absent (s < 0) or empty (`{}`, `[]`, a 1-digit number). */
function argsLength(s: number, e: number): number {
  return s < 0 || e - s <= 2 ? 0 : e - s;
}

/** The ScanField of the key b[s, e) (raw bytes: an escaped key is another key), or −1; the WebAssembly scanner's fieldOf matches it. */
function fieldOf(b: Uint8Array, s: number, e: number): ScanField | -1 {
  const len = e - s;
  const c0 = b[s];
  const c1 = b[s + 1];
  switch (len) {
    case 1:
      return c0 === 0x73 /* s */ ? ScanField.S : -1;
    case 2:
      if (c0 === 0x70 && c1 === 0x68) return ScanField.Ph;
      if (c0 === 0x74 && c1 === 0x73) return ScanField.Ts;
      if (c0 === 0x69 && c1 === 0x64) return ScanField.Id;
      if (c0 === 0x62 && c1 === 0x70) return ScanField.Bp;
      return -1;
    case 3: {
      const c2 = b[s + 2];
      if (c1 === 0x69 && c2 === 0x64) return c0 === 0x70 ? ScanField.Pid : c0 === 0x74 ? ScanField.Tid : -1;
      if (c0 === 0x63 && c1 === 0x61 && c2 === 0x74) return ScanField.Cat;
      if (c0 === 0x64 && c1 === 0x75 && c2 === 0x72) return ScanField.Dur;
      if (c0 === 0x69 && c1 === 0x64 && c2 === 0x32) return ScanField.Id2;
      return -1;
    }
    case 4:
      if (c0 === 0x6e && c1 === 0x61 && b[s + 2] === 0x6d && b[s + 3] === 0x65) return ScanField.Name;
      if (c0 === 0x61 && c1 === 0x72 && b[s + 2] === 0x67 && b[s + 3] === 0x73) return ScanField.Args;
      return -1;
    case 5:
      return keyIs(b, s, 'scope') ? ScanField.Scope : -1;
    case 7:
      return keyIs(b, s, 'bind_id') ? ScanField.BindId : keyIs(b, s, 'flow_in') ? ScanField.FlowIn : -1;
    case 8:
      return keyIs(b, s, 'flow_out') ? ScanField.FlowOut : -1;
  }
  return -1;
}

function keyIs(b: Uint8Array, s: number, key: string): boolean {
  for (let k = 0; k < key.length; k++) if (b[s + k] !== key.charCodeAt(k)) return false;
  return true;
}
