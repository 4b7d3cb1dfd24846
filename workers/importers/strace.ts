// strace logs: `strace -f -ttt -T` (epoch seconds), `-f -tt -T` (time of day), `-ff`
// per-pid files and logs without the pid column. One raw event per syscall (cat
// "syscall"), signals and exits as instants; the lane-mapping stage puts them in
// per-thread syscall lanes.
//
// Line shapes (the pid column is `PID ` with -o, `[pid PID] ` on stderr):
//   13207 1795593307.369301 access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory) <0.000037>
//   13208 1795593307.740944 rseq(0x7f35bd516fe0, 0x20 <unfinished ...>
//   13208 1795593307.741019 <... rseq resumed>) = 0 <0.000063>
//   13207 12:01:02.345678 --- SIGCHLD {si_signo=SIGCHLD, ...} ---
//   13211 1795593307.878380 +++ exited with 0 +++

import { RawFlag, RawKind, type MicrosTime, type RawTrace } from '../ingest/rawTrace';
import { TraceFormatError, type ImporterFormat, type TraceImporter } from './importer';
import { headLines, LineReader } from './lineReader';

/** Optional pid column, then an optional -ttt (epoch s.frac) or -t/-tt (h:m:s[.frac]) time. */
const HEADER = /^(?:\[pid\s+(\d+)\]\s+|(\d+)\s+)?(?:(\d+)\.(\d+)|(\d{1,2}):(\d\d):(\d\d)(?:\.(\d+))?)?\s*/;
const SYSCALL = /^([A-Za-z_][\w]*)\((.*)$/;
const RESUMED = /^<\.\.\. ([\w]+) resumed>\s?(.*)$/;
// No pattern here may start or end with \s* unanchored, or be lazy before one: on a line
// with a long run of spaces (strace prints buffers as they are) each start in the run
// rescans it, and one 40 000-space write() took seconds.
const SIGNAL = /^--- (\S+)(.*)---$/;
const EXIT = /^\+\+\+ (.*?) \+\+\+$/;
const UNFINISHED = '<unfinished ...>';
const DURATION = /<(\d+)\.(\d+)>$/;
const ERRNO = /^(E[A-Z0-9_]+)(?:\s+\((.*)\))?$/;
const CLONE_CALLS = new Set(['clone', 'clone3', 'fork', 'vfork']);

const DAY_US = 86_400_000_000;
const encoder = new TextEncoder();

/** What a completed syscall line says after the name. */
interface CallResult {
  args: string;
  ret: string;
  errno?: string;
  message?: string;
  detail?: string;
  durNs: number | null;
}

interface Pending {
  startNs: number;
  name: string;
  args: string;
}

export const strace: ImporterFormat = {
  name: 'strace',
  detect(head) {
    const lines = headLines(head).filter((l) => !l.startsWith('strace: '));
    if (lines.length === 0) return false;
    const ok = lines.filter(isStraceLine).length;
    return isStraceLine(lines[0]) && ok >= lines.length * 0.8;
  },
  create: (raw, fileName) => new StraceImporter(raw, fileName),
};

/** `--- SIGNAL info ---`; the end is checked first, else a long name without it backtracks quadratically. */
function signalOf(body: string): RegExpExecArray | null {
  return body.endsWith('---') ? SIGNAL.exec(body) : null;
}

function isStraceLine(line: string): boolean {
  const h = HEADER.exec(line)!;
  const body = line.slice(h[0].length);
  const hasHeader = h[0].trim() !== '';
  return (SYSCALL.test(body) && (hasHeader || / = |<unfinished \.\.\.>$/.test(body))) || RESUMED.test(body) || signalOf(body) !== null || EXIT.test(body);
}

export class StraceImporter implements TraceImporter {
  private readonly lines = new LineReader((line, n) => this.line(line, n));
  /** tid used when the log has no pid column: the pid of a `-ff` file name (`trace.13207`). */
  private readonly defaultTid: string;
  private readonly pending = new Map<string, Pending>();
  /** Thread → process, learned from clone(CLONE_THREAD) results. */
  private readonly tgid = new Map<string, string>();
  private readonly execName = new Map<string, string>();
  private readonly threadName = new Map<string, string>();
  private readonly t: MicrosTime = { us: 0, ns: 0 };
  private firstEvent: number;
  private lastNs = -Infinity;
  private lastDayUs = -1;
  private dayOffsetUs = 0;
  private timeOfDay = false;
  private hasDuration = false;

  constructor(
    private readonly raw: RawTrace,
    fileName = '',
  ) {
    this.defaultTid = /\.(\d+)(?:\.(?:txt|log|gz))*$/.exec(fileName)?.[1] ?? 'main';
    this.firstEvent = raw.count;
  }

  push(chunk: Uint8Array): void {
    this.lines.push(chunk);
  }

  finish(): void {
    this.lines.finish();
    const raw = this.raw;
    for (const [tid, p] of this.pending) {
      const end = Math.max(this.lastNs, p.startNs);
      this.add(RawKind.Slice, RawFlag.Unclosed, p.startNs, end - p.startNs, tid, 'syscall', p.name, { args: p.args, return: '?', note: 'unfinished at the end of the log' });
      raw.warn({ code: 'strace-unfinished', message: `${p.name} on thread ${tid} never resumed; drawn up to the end of the log.` });
    }
    this.pending.clear();
    if (raw.count === this.firstEvent) throw new TraceFormatError('The strace log has no syscall lines.', 0);
    if (!this.hasDuration) {
      raw.warn({ code: 'strace-no-durations', message: 'This strace log has no syscall durations (record with -T); syscalls are shown as instants except joined unfinished/resumed pairs.' });
    }
    if (this.timeOfDay) {
      raw.warn({
        code: 'strace-no-date',
        message: 'This strace log has times of day (-t/-tt) but no date: they are placed on 1970-01-01 UTC, so it will not line up with other traces. Record with -ttt for absolute time.',
      });
    }
    this.assignProcesses();
  }

  /** Threads were recorded with pid = tid; now that clone results are known, put each in its process. */
  private assignProcesses(): void {
    const raw = this.raw;
    const strings = raw.strings;
    const pids = new Set<string>();
    for (let i = this.firstEvent; i < raw.count; i++) {
      const pid = this.processOf(strings.get(raw.tid.data[i]));
      pids.add(pid);
      raw.pid.data[i] = strings.intern(pid);
    }
    for (const pid of pids) raw.processLabels.set(pid, 'strace');
    for (const [tid, name] of this.execName) raw.processNames.set(this.processOf(tid), name);
    for (const [tid, name] of this.threadName) raw.threadNames.set(`${this.processOf(tid)}|${tid}`, `${name} (${tid})`);
  }

  private processOf(tid: string): string {
    let p = tid;
    for (let hops = 0; hops < 64; hops++) {
      const up = this.tgid.get(p);
      if (up === undefined || up === p) return p;
      p = up;
    }
    return p;
  }

  private line(line: string, lineNo: number): void {
    if (line === '' || line.startsWith('strace: ')) return;
    const h = HEADER.exec(line)!;
    const tid = h[1] ?? h[2] ?? this.defaultTid;
    const body = line.slice(h[0].length);
    const hasTime = h[3] !== undefined || h[5] !== undefined;
    const call = SYSCALL.exec(body);
    const resumed = call ? null : RESUMED.exec(body);
    const signal = call || resumed ? null : signalOf(body);
    const exit = call || resumed || signal ? null : EXIT.exec(body);
    if (!call && !resumed && !signal && !exit) {
      this.raw.warn({ code: 'strace-unparsed', message: `Line ${lineNo} is not a strace line and was skipped: "${line.slice(0, 80)}"` });
      return;
    }
    if (!hasTime) throw new TraceFormatError(`The strace log has no timestamps (line ${lineNo}); record it with -ttt -T (or -tt -T).`);
    const ns = this.time(h);

    if (call) {
      const [, name, rest] = call;
      if (rest.endsWith(UNFINISHED)) {
        const args = rest.slice(0, -UNFINISHED.length).trimEnd();
        this.pending.set(tid, { startNs: ns, name, args });
        return;
      }
      this.complete(tid, ns, name, result(rest), false);
    } else if (resumed) {
      const [, name, rest] = resumed;
      const p = this.pending.get(tid);
      const r = result(rest);
      if (p && p.name === name) {
        this.pending.delete(tid);
        // -T on a resumed line is the whole call's time, measured from its start.
        if (r.durNs === null) r.durNs = Math.max(0, ns - p.startNs);
        r.args = joinArgs(p.args, r.args);
        this.complete(tid, p.startNs, name, r, true);
      } else {
        this.raw.warn({ code: 'strace-resumed-without-start', message: `Line ${lineNo}: "${name} resumed" on thread ${tid} has no unfinished start; placed by its duration.` });
        this.complete(tid, r.durNs === null ? ns : ns - r.durNs, name, r, true);
      }
    } else if (signal) {
      this.add(RawKind.Instant, 0, ns, 0, tid, 'signal', signal[1], { signal: signal[1], info: signal[2].trim() });
    } else if (exit) {
      const p = this.pending.get(tid);
      if (p) {
        // exit()/exit_group() never return: the call ends where the thread does.
        this.pending.delete(tid);
        this.add(RawKind.Slice, 0, p.startNs, Math.max(0, ns - p.startNs), tid, 'syscall', p.name, { args: p.args, return: '?' });
      }
      this.add(RawKind.Instant, 0, ns, 0, tid, 'process_exit', exit[1], { status: exit[1] });
    }
  }

  private complete(tid: string, startNs: number, name: string, r: CallResult, resumed: boolean): void {
    if (r.durNs !== null) this.hasDuration = true;
    const args: Record<string, unknown> = { args: r.args, return: r.ret };
    if (r.errno) args.errno = r.errno;
    if (r.message) args.message = r.message;
    if (r.detail) args.detail = r.detail;
    if (resumed) args.resumed = true;
    const kind = r.durNs === null ? RawKind.Instant : RawKind.Slice;
    this.add(kind, 0, startNs, r.durNs ?? 0, tid, 'syscall', name, args);
    this.learn(tid, name, r);
  }

  /** Process structure and names from the calls that reveal them. */
  private learn(tid: string, name: string, r: CallResult): void {
    if (CLONE_CALLS.has(name) && /^\d+$/.test(r.ret)) {
      this.tgid.set(r.ret, /CLONE_THREAD/.test(r.args) ? tid : r.ret);
    } else if (name === 'execve' && r.ret === '0') {
      const path = /^"([^"]*)"/.exec(r.args)?.[1];
      if (path) this.execName.set(tid, path.split('/').pop() || path);
    } else if (name === 'prctl' && r.ret === '0') {
      const thread = /^PR_SET_NAME, "([^"]*)"/.exec(r.args)?.[1];
      if (thread) this.threadName.set(tid, thread);
    }
  }

  private add(kind: RawKind, flags: number, startNs: number, durNs: number, tid: string, cat: string, name: string, args: Record<string, unknown>): void {
    const bytes = encoder.encode(JSON.stringify(args));
    const off = this.raw.args.append(bytes, 0, bytes.length);
    // pid is provisional (= tid) until assignProcesses() knows the thread's process.
    this.raw.addEvent(kind, flags, startNs, durNs, tid, tid, cat, name, off, bytes.length);
    if (startNs + durNs > this.lastNs) this.lastNs = startNs + durNs;
  }

  /** The line's time as ns from the trace origin (absolute µs for -ttt, µs of 1970-01-01 for -tt). */
  private time(h: RegExpExecArray): number {
    const t = this.t;
    if (h[3] !== undefined) {
      const frac = (h[4] + '000000000').slice(0, 9);
      t.us = Number(h[3]) * 1e6 + Number(frac.slice(0, 6));
      t.ns = Number(frac.slice(6));
    } else {
      this.timeOfDay = true;
      const frac = ((h[8] ?? '') + '000000000').slice(0, 9);
      let us = ((Number(h[5]) * 60 + Number(h[6])) * 60 + Number(h[7])) * 1e6 + Number(frac.slice(0, 6));
      // Past midnight the time of day starts again at 0: keep counting forward.
      if (this.lastDayUs >= 0 && us + this.dayOffsetUs < this.lastDayUs - DAY_US / 2) this.dayOffsetUs += DAY_US;
      us += this.dayOffsetUs;
      this.lastDayUs = us;
      t.us = us;
      t.ns = Number(frac.slice(6));
    }
    const ns = this.raw.toNs(t);
    if (ns > this.lastNs) this.lastNs = ns;
    return ns;
  }
}

/** Splits `args) = ret [ERRNO (message)] [<dur>]` at the `)` that closes the argument list. */
export function result(rest: string): CallResult {
  let durNs: number | null = null;
  const d = DURATION.exec(rest);
  if (d) {
    durNs = Number(d[1]) * 1e9 + Number((d[2] + '000000000').slice(0, 9));
    rest = rest.slice(0, d.index).trimEnd();
  }
  const close = closingParen(rest);
  if (close < 0) return { args: rest.trim(), ret: '?', durNs };
  const args = rest.slice(0, close);
  const after = rest.slice(close + 1).replace(/^\s*=\s*/, '');
  const sp = after.indexOf(' ');
  const ret = sp < 0 ? after : after.slice(0, sp);
  const tail = sp < 0 ? '' : after.slice(sp + 1).trim();
  const r: CallResult = { args, ret, durNs };
  const e = tail ? ERRNO.exec(tail) : null;
  if (e) {
    r.errno = e[1];
    if (e[2]) r.message = e[2];
  } else if (tail) {
    r.detail = tail.replace(/^\((.*)\)$/, '$1');
  }
  return r;
}

/** Index of the last `)` outside strings that is followed by `=` (strace pads with spaces), or −1. */
function closingParen(s: string): number {
  let found = -1;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x29) {
      let j = i + 1;
      while (s.charCodeAt(j) === 0x20) j++;
      if (s.charCodeAt(j) === 0x3d) found = i;
    }
  }
  return found;
}

function joinArgs(before: string, after: string): string {
  if (!before) return after;
  if (!after) return before;
  return /[([{]$/.test(before) ? `${before}${after}` : `${before} ${after}`;
}
