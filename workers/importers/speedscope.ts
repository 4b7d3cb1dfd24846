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
    try {
      file = JSON.parse(new TextDecoder().decode(this.buffer.take())) as SpeedscopeFile;
    } catch (err) {
      throw new TraceFormatError(`The speedscope file is not valid JSON (${(err as Error).message}); is it cut?`);
    }
    const frames = file.shared?.frames ?? [];
    this.frameNames = frames.map(frameName);
    this.frameArgs = frames.map((f) => {
      const bytes = encoder.encode(JSON.stringify({ function: f.name, file: f.file, line: f.line }));
      return { off: raw.args.append(bytes, 0, bytes.length), len: bytes.length };
    });
    if (file.exporter) raw.metadata.exporter = file.exporter;
    this.tool = file.exporter?.split('@')[0] || 'speedscope';
    raw.toNs(this.t); // origin at the profiles' zero
    (file.profiles ?? []).forEach((p, i) => this.profile(p, i));
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
    const emit = (frame: number, start: number, end: number): void => {
      const a = this.frameArgs[frame];
      const startNs = start * scale;
      raw.addEvent(RawKind.Slice, 0, startNs, Math.max(0, end * scale - startNs), pid, tid, 'python', this.frameNames[frame] ?? `frame ${frame}`, a?.off ?? 0, a?.len ?? 0);
    };
    if (p.type === 'sampled') sampledSlices(p.samples ?? [], p.weights ?? [], p.startValue ?? 0, emit);
    else if (p.type === 'evented') this.evented(p, emit);
  }

  private evented(p: Profile, emit: (frame: number, start: number, end: number) => void): void {
    const open: { frame: number; start: number }[] = [];
    // The depths each frame is open at, innermost last: a close finds its open without
    // scanning the stack (a scan per close is quadratic in the depth).
    const depths = new Map<number, number[]>();
    let last = p.startValue ?? 0;
    for (const e of p.events ?? []) {
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
    closeFrom(open, 0, Math.max(p.endValue ?? 0, last), emit);
  }
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

/** Kineto-like Python frame names, so Python lanes read the same whatever the source. */
function frameName(f: Frame): string {
  if (!f.file) return f.name;
  const file = f.file.split('/').slice(-2).join('/');
  return f.line ? `${file}(${f.line}): ${f.name}` : `${file}: ${f.name}`;
}
