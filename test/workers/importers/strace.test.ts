// strace importer: the corpus log (-f -ttt -T) against counts and durations computed
// here from the raw text with plain regexes, plus the shapes the corpus lacks (-tt,
// [pid N] prefixes, -ff files without a pid column, signals, errno, cut lines).

import { describe, expect, it } from 'vitest';
import { corpusText, loadText } from '../../support/corpus';
import { RawTrace } from '../../../workers/ingest/rawTrace';
import { result, strace } from '../../../workers/importers/strace';
import type { TraceIndex } from '../../../workers/index/traceIndex';

const enc = new TextEncoder();
const CORPUS_LOG = 'strace_model_load.txt.gz';

/** Every syscall event in syscall lanes, with parsed args. */
function syscalls(index: TraceIndex) {
  const out: { name: string; tid: string; startNs: number; durNs: number; args: Record<string, unknown> }[] = [];
  for (const lane of index.lanes.values()) {
    if (lane.info.kind !== 'syscall') continue;
    for (let k = 0; k < lane.start.length; k++) {
      const d = index.slice(lane.info.id, k)!;
      if (d.category !== 'syscall') continue;
      out.push({ name: d.name, tid: lane.info.tid, startNs: d.startNs, durNs: d.durNs, args: JSON.parse(d.args!) });
    }
  }
  return out;
}

/** Seconds text ("0.000063") → integer ns, without floating point. */
function secondsToNs(text: string): bigint {
  const [s, f = ''] = text.split('.');
  return BigInt(s) * 1_000_000_000n + BigInt((f + '000000000').slice(0, 9));
}

describe('strace importer on the corpus log', () => {
  const text = corpusText(CORPUS_LOG);
  const lines = text.split('\n').filter((l) => l.trim() !== '');

  // Independent reference: a call is a complete line or an unfinished + resumed pair,
  // so per name: complete lines + resumed lines.
  const expectedCount = new Map<string, number>();
  const expectedDur = new Map<string, bigint>();
  let unfinished = 0;
  let resumed = 0;
  let exits = 0;
  for (const l of lines) {
    const complete = /^\d+ [\d.]+ (\w+)\(.*\)\s+= .*?(?:<([\d.]+)>)?$/.exec(l);
    const res = /^\d+ [\d.]+ <\.\.\. (\w+) resumed>.*?(?:<([\d.]+)>)?$/.exec(l);
    if (/<unfinished \.\.\.>$/.test(l)) unfinished++;
    if (/\+\+\+ exited/.test(l)) exits++;
    const m = res ?? (/<unfinished \.\.\.>$/.test(l) ? null : complete);
    if (res) resumed++;
    if (!m) continue;
    expectedCount.set(m[1], (expectedCount.get(m[1]) ?? 0) + 1);
    if (m[2]) expectedDur.set(m[1], (expectedDur.get(m[1]) ?? 0n) + secondsToNs(m[2]));
  }

  it('detects the log by content and places it at its absolute -ttt time', async () => {
    const index = await loadText(text, CORPUS_LOG);
    expect(index.result.format).toBe('strace');
    const firstTs = /^\d+ ([\d.]+) /.exec(lines[0])![1];
    expect(index.result.originNs).toBe(secondsToNs(firstTs).toString());
    expect(index.result.warnings.filter((w) => w.code.startsWith('strace-'))).toEqual([]);
  });

  it('has one syscall per complete line or unfinished/resumed pair, per name', async () => {
    const index = await loadText(text, CORPUS_LOG);
    const calls = syscalls(index);
    const counts = new Map<string, number>();
    for (const c of calls) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
    expect(unfinished).toBeGreaterThan(100);
    expect(resumed).toBe(unfinished);
    expect(counts).toEqual(expectedCount);
    expect(calls.filter((c) => c.args.resumed === true).length).toBe(resumed);
  });

  it('takes durations from <…>, the whole call for joined pairs', async () => {
    const index = await loadText(text, CORPUS_LOG);
    const sums = new Map<string, bigint>();
    for (const c of syscalls(index)) sums.set(c.name, (sums.get(c.name) ?? 0n) + BigInt(c.durNs));
    for (const [name, ns] of expectedDur) expect(sums.get(name), name).toBe(ns);
  });

  it('joins an unfinished call with its resumption into one slice with both halves of the args', async () => {
    const index = await loadText(text, CORPUS_LOG);
    const start = lines.findIndex((l) => / read\(.*<unfinished \.\.\.>$/.test(l));
    const [, tid, ts] = /^(\d+) ([\d.]+) /.exec(lines[start])!;
    const resume = lines.findIndex((l, i) => i > start && l.startsWith(`${tid} `) && l.includes('<... read resumed>'));
    const tail = /<\.\.\. read resumed>(.*)\) += (\S+) <([\d.]+)>$/.exec(lines[resume])!;
    const origin = BigInt(index.result.originNs);
    const call = syscalls(index).find((c) => c.name === 'read' && c.tid === tid && BigInt(c.startNs) + origin === secondsToNs(ts))!;
    expect(call).toBeDefined();
    expect(BigInt(call.durNs)).toBe(secondsToNs(tail[3]));
    expect(call.args.return).toBe(tail[2]);
    const head = /read\((.*?)\s*<unfinished/.exec(lines[start])![1];
    expect(call.args.args).toBe(`${head} ${tail[1]}`);
  });

  it('puts every thread in its own syscall lane inside the process that cloned it, with exits as instants', async () => {
    const index = await loadText(text, CORPUS_LOG);
    const tids = new Set(lines.map((l) => /^(\d+) /.exec(l)?.[1]).filter(Boolean));
    const lanes = [...index.lanes.values()].map((l) => l.info);
    expect(new Set(lanes.map((l) => l.tid))).toEqual(tids);
    expect(lanes.every((l) => l.kind === 'syscall')).toBe(true);
    const first = /^(\d+) /.exec(lines[0])![1];
    expect(new Set(lanes.map((l) => l.pid))).toEqual(new Set([first]));
    expect(index.groups.map((g) => g.name)).toEqual([`python3.11 (pid ${first}) · strace`]);
    expect(index.find({ name: 'exited with 0' }).length).toBe(exits);
  });

  it('reads the same events whatever the chunk boundaries', () => {
    const bytes = enc.encode(text);
    const read = (sizes: number[]) => {
      const raw = new RawTrace();
      const imp = strace.create(raw, CORPUS_LOG);
      let at = 0;
      for (let k = 0; at < bytes.length; k++) {
        const n = sizes[k % sizes.length];
        imp.push(bytes.subarray(at, at + n));
        at += n;
      }
      imp.finish();
      return [raw.count, [...raw.start.trimmed()], [...raw.dur.trimmed()], [...raw.name.trimmed()].map((id) => raw.strings.get(id))];
    };
    expect(read([1, 7, 3])).toEqual(read([bytes.length]));
  });
});

describe('strace line shapes', () => {
  it('parses return values, errno names and messages, and detail after the return', () => {
    expect(result('"/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory) <0.000037>')).toEqual({
      args: '"/etc/ld.so.preload", R_OK',
      ret: '-1',
      errno: 'ENOENT',
      message: 'No such file or directory',
      durNs: 37000,
    });
    // A ") = " inside a string is not the end of the arguments.
    expect(result('1, "x) = 3\\"", 6) = 6')).toMatchObject({ args: '1, "x) = 3\\"", 6', ret: '6', durNs: null });
    expect(result('[{fd=3, events=POLLIN}], 1, 100) = 1 ([{fd=3, revents=POLLIN}]) <0.000010>')).toMatchObject({ ret: '1', detail: '[{fd=3, revents=POLLIN}]' });
    expect(result('0)         = ?')).toMatchObject({ args: '0', ret: '?' });
    expect(result('{tv_sec=1, tv_nsec=0}, NULL) = ? ERESTART_RESTARTBLOCK (Interrupted by signal) <0.5>')).toMatchObject({ ret: '?', errno: 'ERESTART_RESTARTBLOCK', durNs: 500_000_000 });
  });

  it('reads -tt logs with [pid N] prefixes: time of day on 1970-01-01, across midnight, with a warning', async () => {
    const log = [
      '23:59:59.999000 openat(AT_FDCWD, "/a", O_RDONLY) = 3 <0.000500>',
      '[pid  42] 23:59:59.999900 read(3,  <unfinished ...>',
      '00:00:00.000100 close(3) = 0 <0.000010>',
      '[pid  42] 00:00:00.001900 <... read resumed>"abc", 3) = 3 <0.002000>',
      '[pid  42] 00:00:00.002000 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---',
      '[pid  42] 00:00:00.003000 +++ killed by SIGKILL +++',
      '',
    ].join('\n');
    const index = await loadText(log, 'run.strace');
    expect(index.result.originNs).toBe(String((86_399n * 1_000_000n + 999_000n) * 1000n));
    expect(index.result.warnings.map((w) => w.code)).toEqual(['strace-no-date']);
    const read = index.find({ name: 'read' })[0];
    // 23:59:59.999900 → next day's 00:00:00.001900 is 2 ms later, not 24 h earlier.
    expect(read.startNs).toBe(900_000);
    expect(read.durNs).toBe(2_000_000);
    expect(JSON.parse(index.slice(read.laneId, read.eventIdx)!.args!)).toMatchObject({ args: '3, "abc", 3', return: '3', resumed: true });
    expect(index.find({ name: 'close' })[0].startNs).toBe(1_100_000);
    const sig = index.find({ name: 'SIGCHLD' })[0];
    expect(sig.laneId).toBe(read.laneId);
    expect(index.slice(sig.laneId, sig.eventIdx)!.instant).toBe(true);
    expect(index.find({ name: 'killed by SIGKILL' }).length).toBe(1);
    // The lines without a pid belong to the traced command itself.
    expect(index.lanes.get(index.find({ name: 'openat' })[0].laneId)!.info.tid).toBe('main');
  });

  it('keeps runs of spaces in buffers, and trims them around markers, durations and signal info', async () => {
    const spaces = ' '.repeat(100_000);
    const log = [
      `[pid 7] 1795593307.000001 write(1, "${spaces}", 100000) = 100000   <0.000200>`,
      '[pid 7] 1795593307.000300 read(0,   <unfinished ...>',
      `[pid 7] 1795593307.000400 --- SIGINT   {si_signo=SIGINT, si_addr="${spaces}"}   ---`,
      '[pid 7] 1795593307.000500 <... read resumed>"x", 1) = 1 <0.000200>',
      '',
    ].join('\n');
    const index = await loadText(log, 'spaces.strace');
    const args = (name: string) => {
      const hit = index.find({ name })[0];
      return { ...hit, ...(JSON.parse(index.slice(hit.laneId, hit.eventIdx)!.args!) as Record<string, unknown>) };
    };
    expect(args('write')).toMatchObject({ args: `1, "${spaces}", 100000`, return: '100000', durNs: 200_000 });
    expect(args('read')).toMatchObject({ args: '0, "x", 1', return: '1', startNs: 299_000, durNs: 200_000 });
    expect(args('SIGINT')).toMatchObject({ signal: 'SIGINT', info: `{si_signo=SIGINT, si_addr="${spaces}"}` });
  });

  it('takes the thread of a -ff file from its name and joins threads of a clone(CLONE_THREAD)', async () => {
    const log = '1700000000.000001 clone(child_stack=0x1, flags=CLONE_VM|CLONE_THREAD|CLONE_SIGHAND) = 501 <0.000020>\n1700000000.000100 prctl(PR_SET_NAME, "loader") = 0 <0.000001>\n';
    const index = await loadText(log, 'trace.500');
    const lane = [...index.lanes.values()][0].info;
    expect([lane.pid, lane.tid]).toEqual(['500', '500']);
    expect(lane.name).toBe('loader (500) · Syscalls');
    expect(index.result.originNs).toBe('1700000000000001000');
  });

  it('draws a call that never resumes up to the end of the log and says so', async () => {
    const log = '7 100.000000 futex(0x1, FUTEX_WAIT, 0, NULL <unfinished ...>\n8 100.250000 write(1, "x", 1) = 1 <0.000001>';
    const index = await loadText(log, 'cut.txt');
    const futex = index.find({ name: 'futex' })[0];
    expect(futex.durNs).toBe(250_001_000);
    expect(index.result.warnings.map((w) => w.code)).toContain('strace-unfinished');
  });

  it('refuses logs without timestamps with a message that says how to record them', async () => {
    await expect(loadText('123 read(3, "", 5) = 0\n', 'notime.txt')).rejects.toThrow(/-ttt -T/);
  });

  it('is not mistaken for JSON or text, and JSON is not mistaken for it', () => {
    expect(strace.detect(enc.encode('[pid 12] 1.5 read(3, "", 1) = 0 <0.1>\n'))).toBe(true);
    expect(strace.detect(enc.encode('[{"ph":"X","ts":1}]\n'))).toBe(false);
    expect(strace.detect(enc.encode('hello world\nthis is text\n'))).toBe(false);
    expect(strace.detect(enc.encode('main;foo;bar 12\nmain;baz 3\n'))).toBe(false);
  });
});
