// Legal inputs of the shapes real traces reach at scale (issue 14), one generator per
// shape and format, sized by `n` (about n events, rows, frames or bytes: each says), so a
// test can load the same shape at n and 4n and compare. Each generator writes the text a
// profiler would; none uses tracelane code.

import initSqlJs from 'sql.js';
import { manyTidsTrace } from './bigTraces';
import { globalTid, SCHEMA } from './nsysExport';

const chrome = (events: string[]) => `{"traceEvents":[\n${events.join(',\n')}\n]}`;

/** n GPU kernels on one stream, each starting 1 µs after the previous and lasting 100 ms (longer past 100 000: every one overlaps every other). */
export function overlappingX(n: number): string {
  const dur = Math.max(100_000, n + 1);
  const ev: string[] = [];
  for (let i = 0; i < n; i++) ev.push(`{"ph":"X","cat":"kernel","name":"k${i % 64}","pid":0,"tid":7,"ts":${i},"dur":${dur}}`);
  return chrome(ev);
}

/** n/2 nested B on one thread, then their n/2 E innermost first: a stack n/2 deep. */
export function deepBeginEnd(n: number): string {
  const depth = n >> 1;
  const ev: string[] = [];
  for (let i = 0; i < depth; i++) ev.push(`{"ph":"B","cat":"cpu_op","name":"f${i}","pid":1,"tid":1,"ts":${i}}`);
  for (let i = depth - 1; i >= 0; i--) ev.push(`{"ph":"E","pid":1,"tid":1,"ts":${2 * depth - i}}`);
  return chrome(ev);
}

/**
 * n/2 nested B (at 0, 1, 2 … µs), then n/2 nameless E whose timestamps run backwards in
 * the file (2·depth … depth+1 µs): in time order the last E closes the innermost B.
 */
export function reversedEnds(n: number): string {
  const depth = n >> 1;
  const ev: string[] = [];
  for (let i = 0; i < depth; i++) ev.push(`{"ph":"B","cat":"cpu_op","name":"f${i}","pid":1,"tid":1,"ts":${i}}`);
  for (let j = 0; j < depth; j++) ev.push(`{"ph":"E","pid":1,"tid":1,"ts":${2 * depth - j}}`);
  return chrome(ev);
}

/**
 * One async id: n/2 nested `b` of distinct names, then n/2 `e` of names never begun (each ends
 * nothing, per the Trace Event Format an `e` closes an open `b` of its name), then one `b`/`e` pair.
 */
export function asyncEndsOfNoOpenName(n: number): string {
  const depth = n >> 1;
  const ev: string[] = [];
  for (let i = 0; i < depth; i++) ev.push(`{"ph":"b","cat":"req","name":"r${i}","id":1,"pid":1,"tid":1,"ts":${i}}`);
  for (let j = 0; j < depth; j++) ev.push(`{"ph":"e","cat":"req","name":"x${j}","id":1,"pid":1,"tid":1,"ts":${depth + j}}`);
  return chrome(ev);
}

/** One `s` and n/2 `f` of one flow id, each `f` bound to one of n/2 consecutive slices. */
export function oneFlowManyEnds(n: number): string {
  const k = n >> 1;
  const ev = ['{"ph":"X","cat":"cuda_runtime","name":"launch","pid":1,"tid":1,"ts":0,"dur":1}', '{"ph":"s","cat":"ac2g","name":"ac2g","id":1,"pid":1,"tid":1,"ts":0}'];
  for (let i = 0; i < k; i++) {
    const ts = 10 + i * 2;
    ev.push(`{"ph":"X","cat":"kernel","name":"k","pid":0,"tid":7,"ts":${ts},"dur":1}`, `{"ph":"f","bp":"e","cat":"ac2g","name":"ac2g","id":1,"pid":0,"tid":7,"ts":${ts}}`);
  }
  return chrome(ev);
}

/** One slice on each of n threads: n lanes. */
export const manyLanes = manyTidsTrace;

/** n slices on one thread, each with its own name. */
export function distinctNames(n: number): string {
  const ev: string[] = [];
  for (let i = 0; i < n; i++) ev.push(`{"ph":"X","cat":"cpu_op","name":"op_${i.toString(36)}_${(i * 2654435761) >>> 0}","pid":1,"tid":1,"ts":${i * 2},"dur":1}`);
  return chrome(ev);
}

/** n slices, every 4096th with a 1 MB name of its own (they differ in their first bytes). */
export function megabyteNames(n: number): Blob {
  const body = new Uint8Array(1 << 20).fill(0x61);
  const parts: BlobPart[] = ['{"traceEvents":['];
  for (let i = 0; i < n; i++) {
    const head = `${i ? ',' : ''}{"ph":"X","cat":"cpu_op","pid":1,"tid":1,"ts":${i * 10},"dur":5,"name":"${i}_`;
    if (i % 4096 === 0) parts.push(head, body, '"}');
    else parts.push(`${head}op"}`);
  }
  parts.push(']}');
  return new Blob(parts);
}

/**
 * strace -f -ttt -T of n/4 threads, each with two syscalls interrupted by the others
 * (`<unfinished ...>` then `<... resumed>`), all threads unfinished at once, so every
 * thread has a pending call while the others run.
 */
export function straceThreads(n: number): string {
  const threads = Math.max(1, n >> 2);
  const lines: string[] = [];
  let us = 0;
  const t = () => `1795593307.${String(100000 + us++).padStart(6, '0')}`;
  for (let round = 0; round < 2; round++) {
    for (let k = 0; k < threads; k++) lines.push(`[pid ${10000 + k}] ${t()} read(${k + 3}, <unfinished ...>`);
    for (let k = 0; k < threads; k++) lines.push(`[pid ${10000 + k}] ${t()} <... read resumed>"abc", 4096) = 3 <0.000${String(100 + (k % 900)).padStart(3, '0')}>`);
  }
  return lines.join('\n') + '\n';
}

/** strace -ttt -T with one write() whose string argument, half letters and half spaces, makes the line n bytes long (strace -s with a huge limit). */
export function straceLongLine(n: number): string {
  const text = 'x'.repeat(n >> 1) + ' '.repeat(n >> 1);
  return `[pid 7] 1795593307.000001 openat(AT_FDCWD, "/tmp/x", O_WRONLY) = 3 <0.000010>\n[pid 7] 1795593307.000100 write(3, "${text}", ${n}) = ${n} <0.000200>\n`;
}

const SPEEDSCOPE_HEAD = '{"$schema":"https://www.speedscope.app/file-format-schema.json","exporter":"py-spy@0.3.14"';

/** A sampled speedscope profile of n/64 samples, each 64 frames deep, the leaf and the frame at depth 32 changing. */
export function speedscopeSamples(n: number): string {
  const depth = 64;
  const count = Math.max(1, Math.round(n / depth));
  const frames: string[] = [];
  for (let f = 0; f < depth + 64; f++) frames.push(`{"name":"fn${f}","file":"/src/mod${f % 7}.py","line":${f + 1}}`);
  const samples: string[] = [];
  const stack = Array.from({ length: depth }, (_, d) => d);
  for (let s = 0; s < count; s++) {
    stack[depth - 1] = depth + (s % 64);
    stack[32] = s % 3 === 0 ? 32 : depth + ((s * 7) % 64);
    samples.push(`[${stack.join(',')}]`);
  }
  return `${SPEEDSCOPE_HEAD},"shared":{"frames":[${frames.join(',')}]},"profiles":[{"type":"sampled","name":"Thread 1 \\"MainThread\\"","unit":"seconds","startValue":0,"endValue":${count * 0.01},"samples":[${samples.join(',')}],"weights":[${Array(count).fill(0.01).join(',')}]}]}`;
}

/** An evented speedscope profile that opens n/2 frames, each inside the previous, then closes them innermost first. */
export function speedscopeDeepEvents(n: number): string {
  const depth = n >> 1;
  const events: string[] = [];
  for (let d = 0; d < depth; d++) events.push(`{"type":"O","frame":${d % 1000},"at":${d}}`);
  for (let d = depth - 1; d >= 0; d--) events.push(`{"type":"C","frame":${d % 1000},"at":${2 * depth - d}}`);
  const frames = Array.from({ length: Math.min(depth, 1000) }, (_, f) => `{"name":"fn${f}"}`);
  return `${SPEEDSCOPE_HEAD},"shared":{"frames":[${frames.join(',')}]},"profiles":[{"type":"evented","name":"Thread 1","unit":"microseconds","startValue":0,"endValue":${2 * depth + 1},"events":[${events.join(',')}]}]}`;
}

/** n/32 distinct collapsed stacks, 32 frames deep, branching at every level. */
export function collapsedManyStacks(n: number): string {
  const depth = 32;
  const lines: string[] = [];
  for (let s = 0; s < Math.max(1, n >> 5); s++) {
    const frames: string[] = [];
    for (let d = 0; d < depth; d++) frames.push(`mod${d}.fn_${(s >> (d % 16)) & 3}`);
    lines.push(`${frames.join(';')} ${1 + (s % 9)}`);
  }
  return lines.join('\n') + '\n';
}

/** Collapsed stacks of n frames in total: 16 lines, each one stack n/16 frames deep. */
export function collapsedDeepStacks(n: number): string {
  const depth = Math.max(1, n >> 4);
  const lines: string[] = [];
  for (let s = 0; s < 16; s++) {
    const frames: string[] = [];
    for (let d = 0; d < depth; d++) frames.push(d === depth - 1 ? `leaf${s}` : `f${d}`);
    lines.push(`${frames.join(';')} ${s + 1}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * An Nsight Systems export of about n rows: n/4 kernels on 8 streams and the n/4 runtime
 * calls on 4 threads that launched them, n/4 NVTX ranges (nested in pairs) named by
 * string ids of their own, n/8 OS runtime calls and n/8 GPU memory events.
 */
export async function nsysManyRows(n: number): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(SCHEMA);
  db.run(`INSERT INTO StringIds VALUES (1, 'cudaLaunchKernel_v7000'), (2, 'void gemm_kernel<float>(float*, int)'), (3, 'gemm'), (4, 'ioctl')`);
  db.run(`INSERT INTO TARGET_INFO_SESSION_START_TIME VALUES (1795593200123456789, '', '')`);
  const k = Math.max(1, n >> 2);
  const host = (i: number) => globalTid(1, 100 + (i % 4));
  db.run('BEGIN');
  const rt = db.prepare('INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME VALUES (?, ?, 1, ?, ?, 1, 0, 0)');
  const kern = db.prepare(`INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES (?, ?, 0, 1, ?, ?, ${globalTid(1, 0)}, 2, 3, 0, 0, 0, 64, 128, 1, 1, 256, 1, 1, 1024, 2048, 0, 0, 0, 0)`);
  const str = db.prepare('INSERT INTO StringIds VALUES (?, ?)');
  const nvtx = db.prepare('INSERT INTO NVTX_EVENTS (start, end, eventType, globalTid, textId) VALUES (?, ?, 59, ?, ?)');
  const osrt = db.prepare('INSERT INTO OSRT_API VALUES (?, ?, 27, ?, 4, 0, 0, 0)');
  const mem = db.prepare(`INSERT INTO CUDA_GPU_MEMORY_USAGE_EVENTS VALUES (?, ${globalTid(1, 0)}, 0, 1, 0, 0, 4096, 3, ?, 0, 0, 7)`);
  for (let i = 0; i < k; i++) {
    const t = i * 1000;
    rt.run([t, t + 500, host(i), i + 1]);
    kern.run([t + 600, t + 5600, 7 + (i % 8), i + 1]);
    str.run([100 + i, `range ${i}`]);
    // Even ranges hold the next one.
    nvtx.run(i % 2 ? [t - 900, t - 100, host(i - 1), 100 + i] : [t, t + 1900, host(i), 100 + i]);
    if (i % 2) {
      osrt.run([t + 200, t + 300, host(i)]);
      mem.run([t + 700, i % 4 === 1 ? 0 : 1]);
    }
  }
  for (const st of [rt, kern, str, nvtx, osrt, mem]) st.free();
  db.run('COMMIT');
  const bytes = db.export();
  db.close();
  return bytes;
}
