// speedscope JSON (https://www.speedscope.app/file-format-schema.json), as written by
// `py-spy record --format speedscope`: one profile per thread, named
// `Thread 1234 "MainThread"` (or `Process 9 Thread 1234 "MainThread"` with
// --subprocesses). Sampled profiles become nested slices on a Python lane (consecutive
// samples with the same frame at the same depth, under the same parents, merge);
// evented profiles (O/C events) become the same directly.
//
// speedscope times start at the profile's own zero (py-spy: cumulative sample time),
// so these lanes are not aligned with any other trace: they are named "(unaligned)".
//
// The format is one JSON document with shared frame tables, so it is parsed whole in
// finish(); chunks are only buffered.

import { RawKind, type MicrosTime, type RawTrace } from '../ingest/rawTrace';
import { TraceFormatError, type ImporterFormat, type TraceImporter } from './importer';
import { WholeFileBuffer } from './wholeFile';

const SCHEMA = /"\$schema"\s*:\s*"https:\/\/www\.speedscope\.app\/file-format-schema\.json"/;
/** Past this, JSON.parse of the whole text risks the engine's string size limit. */
export const MAX_SPEEDSCOPE_BYTES = 512 << 20;
const NS_PER_UNIT: Record<string, number> = { seconds: 1e9, milliseconds: 1e6, microseconds: 1e3, nanoseconds: 1 };
/** Units that are not time (none, bytes): one unit is drawn as 1 ms, with a warning. */
const NS_PER_OTHER_UNIT = 1e6;
const encoder = new TextEncoder();

interface Frame {
  name: string;
  file?: string;
  line?: number;
}

interface Profile {
  type: 'sampled' | 'evented';
  name?: string;
  unit?: string;
  startValue?: number;
  endValue?: number;
  samples?: number[][];
  weights?: number[];
  events?: { type: 'O' | 'C'; frame: number; at: number }[];
}

interface SpeedscopeFile {
  shared?: { frames?: Frame[] };
  profiles?: Profile[];
  exporter?: string;
  name?: string;
}

export const speedscope: ImporterFormat = {
  name: 'speedscope JSON',
  detect: (head) => SCHEMA.test(new TextDecoder().decode(head.subarray(0, 4096))),
  create: (raw) => new SpeedscopeImporter(raw),
};

/** Where a profile's lane goes: py-spy names carry the pid, OS thread id and thread name. */
export function profileThread(name: string, index: number): { pid: string; tid: string; label: string } {
  const m = /^(?:Process (\d+) )?Thread (\S+)(?: "(.*)")?$/.exec(name);
  if (!m) return { pid: 'speedscope', tid: String(index), label: name || `profile ${index}` };
  const label = m[3] ? `${m[3]} (${m[2]})` : `thread ${m[2]}`;
  return { pid: m[1] ?? 'speedscope', tid: m[2], label };
}

export class SpeedscopeImporter implements TraceImporter {
  private readonly buffer = new WholeFileBuffer(MAX_SPEEDSCOPE_BYTES, 'This speedscope file', 'the limit for parsing one JSON document');
  private readonly t: MicrosTime = { us: 0, ns: 0 };
  private frameNames: string[] = [];
  private frameArgs: { off: number; len: number }[] = [];
  /** Names the processes: the exporter ("py-spy") when the file says. */
  private tool = 'speedscope';

  constructor(private readonly raw: RawTrace) {}

  push(chunk: Uint8Array): void {
    this.buffer.push(chunk);
  }

  finish(): void {
    const raw = this.raw;
    let file: SpeedscopeFile;
    const text = new TextDecoder().decode(this.buffer.take());
    try {
      file = JSON.parse(text) as SpeedscopeFile;
    } catch (err) {
      const at = jsonErrorPosition(text, (err as Error).message);
      const where = at === undefined ? '' : ` at line ${lineOf(text, at)}`;
      throw new TraceFormatError(`The speedscope file is not valid JSON${where} (${(err as Error).message}); is it cut?`);
    }
    // Valid JSON is not a valid profile: a damaged or hand-edited file may hold any type anywhere.
    const frames = list<Frame>(file?.shared?.frames).map((f) => (f && typeof f === 'object' ? f : { name: String(f) }));
    this.frameNames = frames.map(frameName);
    this.frameArgs = frames.map((f) => {
      const bytes = encoder.encode(JSON.stringify({ function: f.name, file: f.file, line: f.line }));
      return { off: raw.args.append(bytes, 0, bytes.length), len: bytes.length };
    });
    const exporter = typeof file?.exporter === 'string' ? file.exporter : '';
    if (exporter) raw.metadata.exporter = exporter;
    this.tool = exporter.split('@')[0] || 'speedscope';
    raw.toNs(this.t); // origin at the profiles' zero
    list<Profile>(file?.profiles).forEach((p, i) => p && typeof p === 'object' && this.profile(p, i));
    if (raw.count === 0) throw new TraceFormatError('The speedscope file has no samples or events.');
    raw.warn({
      code: 'unaligned',
      message: 'speedscope profiles carry no absolute time (py-spy counts sample time from 0): their lanes are marked "(unaligned)" and start at 1970-01-01 on the shared axis.',
    });
  }

  private profile(p: Profile, index: number): void {
    const raw = this.raw;
    const { pid, tid, label } = profileThread(p.name ?? '', index);
    raw.threadNames.set(`${pid}|${tid}`, `${label} (unaligned)`);
    raw.processNames.set(pid, this.tool);
    raw.processLabels.set(pid, 'unaligned');
    let scale = NS_PER_UNIT[p.unit ?? ''];
    if (scale === undefined) {
      scale = NS_PER_OTHER_UNIT;
      raw.warn({ code: 'speedscope-unit', message: `Profile "${p.name}" is in "${p.unit}", not time: each unit is drawn as 1 ms.` });
    }
    let bad = 0;
    const emit = (frame: number, start: number, end: number): void => {
      const a = this.frameArgs[frame];
      const startNs = start * scale;
      const endNs = end * scale;
      // Finite values can still overflow once scaled to ns (1e308 s).
      if (!Number.isFinite(startNs) || !Number.isFinite(endNs)) {
        bad++;
        return;
      }
      raw.addEvent(RawKind.Slice, 0, startNs, Math.max(0, endNs - startNs), pid, tid, 'python', this.frameNames[frame] ?? `frame ${frame}`, a?.off ?? 0, a?.len ?? 0);
    };
    if (p.type === 'sampled') {
      const weights = list<number>(p.weights).map((w) => (finite(w) ? w : (bad++, 0)));
      sampledSlices(list<number[]>(p.samples).map((s) => list<number>(s)), weights, finite(p.startValue) ? p.startValue : 0, emit);
    } else if (p.type === 'evented') {
      const skipped = this.evented(p, emit); // not `bad += …`: emit counts into bad meanwhile
      bad += skipped;
    }
    if (bad > 0) raw.warn({ code: 'speedscope-bad-value', message: `Profile "${p.name}": ${bad} events or sample weights have no valid time and were skipped (weights as 0).` });
  }

  /** Returns how many events had no valid time (skipped). */
  private evented(p: Profile, emit: (frame: number, start: number, end: number) => void): number {
    const open: { frame: number; start: number }[] = [];
    // The depths each frame is open at, innermost last: a close finds its open without
    // scanning the stack (a scan per close is quadratic in the depth).
    const depths = new Map<number, number[]>();
    let last = finite(p.startValue) ? p.startValue : 0;
    let bad = 0;
    for (const e of list<NonNullable<Profile['events']>[number]>(p.events)) {
      if (!finite(e?.at)) {
        bad++;
        continue;
      }
      last = Math.max(last, e.at);
      if (e.type === 'O') {
        let at = depths.get(e.frame);
        if (!at) depths.set(e.frame, (at = []));
        at.push(open.length);
        open.push({ frame: e.frame, start: e.at });
      } else if (e.type === 'C') {
        // Events must nest; a close without its open is skipped.
        const k = depths.get(e.frame)?.at(-1) ?? -1;
        if (k < 0) continue;
        // Every frame open at depth k or deeper closes: its deepest depths are the ones ≥ k.
        for (let d = k; d < open.length; d++) depths.get(open[d].frame)!.pop();
        closeFrom(open, k, e.at, emit);
      }
    }
    closeFrom(open, 0, Math.max(finite(p.endValue) ? p.endValue : 0, last), emit);
    return bad;
  }
}

function list<T>(x: unknown): T[] {
  return Array.isArray(x) ? (x as T[]) : [];
}

function finite(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/**
 * Stacks over time → nested slices: sample k (root-first frame indices) covers
 * [t_k, t_k + weight_k); a frame continues while every sample keeps it at the same
 * depth under the same parents.
 */
export function sampledSlices(samples: number[][], weights: number[], startValue: number, emit: (frame: number, start: number, end: number) => void): void {
  const open: { frame: number; start: number }[] = [];
  let t = startValue;
  for (let k = 0; k < samples.length; k++) {
    const stack = samples[k];
    let same = 0;
    while (same < open.length && same < stack.length && open[same].frame === stack[same]) same++;
    closeFrom(open, same, t, emit);
    for (let d = same; d < stack.length; d++) open.push({ frame: stack[d], start: t });
    t += weights[k] ?? 0;
  }
  closeFrom(open, 0, t, emit);
}

/**
 * Ends open[depth..] at `end`, parents first: the index keeps input order on equal
 * start and duration, and a parent must come before a child that spans it exactly.
 */
function closeFrom(open: { frame: number; start: number }[], depth: number, end: number, emit: (frame: number, start: number, end: number) => void): void {
  for (let d = depth; d < open.length; d++) emit(open[d].frame, open[d].start, end);
  open.length = Math.min(open.length, depth);
}

/** Past this many characters a JSON error without a stated position is not bisected (each step parses up to the whole text). */
const MAX_BISECT_CHARS = 64 << 20;

/**
 * Where JSON.parse failed, as an index into the text. V8 states the position in most
 * messages and a cut file fails at its end; "Unexpected token …" states none: then the
 * shortest prefix that fails for a reason other than ending early ends just past the bad
 * character (found by bisection, on the error path only).
 */
export function jsonErrorPosition(text: string, message: string): number | undefined {
  const stated = /at position (\d+)/.exec(message);
  if (stated) return Number(stated[1]);
  if (/end of JSON input/.test(message)) return text.length;
  if (text.length > MAX_BISECT_CHARS) return undefined;
  const badWithin = (p: number): boolean => {
    try {
      JSON.parse(text.slice(0, p));
      return false;
    } catch (e) {
      const m = (e as Error).message;
      const at = /at position (\d+)/.exec(m);
      return !/end of JSON input/.test(m) && !(at && Number(at[1]) >= p);
    }
  };
  if (!badWithin(text.length)) return undefined;
  let lo = 1;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (badWithin(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** 1-based line of a text index: lines survive decoding, byte offsets would not (bad UTF-8 becomes U+FFFD). */
function lineOf(text: string, at: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Kineto-like Python frame names, so Python lanes read the same whatever the source. */
function frameName(f: Frame): string {
  if (!f.file) return f.name;
  const file = f.file.split('/').slice(-2).join('/');
  return f.line ? `${file}(${f.line}): ${f.name}` : `${file}: ${f.name}`;
}
