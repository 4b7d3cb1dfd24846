// Conformance: every file of ../shared/external (real files of other projects) through the
// real ingest in Node, against expectations this test computes from the file itself (zlib +
// JSON.parse, or reading its lines): which lane each complete event must land in, by the
// recorder table's promise (workers/lanes/recorders.ts) and Kineto's categories. Nothing here
// is captured from tracelane's output, and nothing matches a file name or a pid/tid value.
// A missing folder fails: the listing below throws.

import { existsSync, openAsBlob, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EXTERNAL } from '../support/corpus';
import { loadTrace } from '../../workers/ingest/loadTrace';
import { TraceFormatError } from '../../workers/importers/importer';
import type { LaneKind } from '../../src/model/types';

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? listFiles(p) : [p];
    })
    .sort();
}

if (!existsSync(EXTERNAL)) throw new Error(`The external files are missing at ${EXTERNAL}: the conformance test needs them.`);
const FILES = listFiles(EXTERNAL);

function bytesOf(path: string): Buffer {
  const b = readFileSync(path);
  return b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b;
}

interface Ev {
  ph?: string;
  cat?: string;
  name?: string;
  pid?: unknown;
  tid?: unknown;
  ts?: unknown;
  args?: Record<string, unknown>;
}

/** A pid/tid as tracelane keys it: the value's text (absent: empty). */
function idText(v: unknown): string | null {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  // JSON.parse cannot give back the digits of integers past 2^53, nor "1.0" as written: not checked.
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return null;
}

interface ExpectedLane {
  /** The kind issue 17 promises for these events, or null: any lane of the thread (name rules decide). */
  kind: LaneKind | null;
  summary: boolean;
  /** The hardware the lane's name must start with ("NPU 0 · "), or null. */
  prefix: string | null;
  events: number;
}

/**
 * The promises, written here by hand from issue 17 and the README (not imported from the table
 * they check): what a thread's process / thread names and an event's category say it is.
 */
function promisedKind(proc: string, labels: string, thread: string, cat: string): { kind: LaneKind | null; summary: boolean; device: boolean } {
  // Recorder summaries: not device work, shown on annotation-like GPU lanes.
  if (/^\/device:/.test(proc) && /^(XLA Modules|XLA Ops|Steps)$/.test(thread)) return { kind: 'gpu', summary: true, device: false };
  if (proc === 'Overlap Analysis') return { kind: 'gpu', summary: true, device: false };
  // Kineto's own categories.
  if (/^(kernel|gpu_memcpy|gpu_memset|gpu_user_annotation)$/.test(cat)) return { kind: 'gpu', summary: false, device: false };
  if (/^(cuda_runtime|cuda_driver)$/.test(cat)) return { kind: 'cuda_api', summary: false, device: false };
  if (cat === 'python_function') return { kind: 'python', summary: false, device: false };
  if (/^(cpu_op|user_annotation)$/.test(cat)) return { kind: 'cpu', summary: false, device: false };
  // Other accelerators' device work and runtime calls.
  if (cat === 'mtia_ccp_events') return { kind: 'gpu', summary: false, device: true };
  if (cat === 'mtia_runtime' || /^hip/i.test(cat)) return { kind: 'cuda_api', summary: false, device: false };
  if (cat === '' || knownToNobody(cat)) {
    if (/^\/device:/.test(proc) || proc === 'Ascend Hardware' || proc === 'HCCL') return { kind: 'gpu', summary: false, device: true };
    if (proc === 'CANN') return { kind: 'cuda_api', summary: false, device: false };
  }
  return { kind: null, summary: false, device: false };
}

/** Categories neither Kineto nor the promises above name (other tools' own words). */
function knownToNobody(cat: string): boolean {
  return !/^(python_function|python|cpu_op|operator|user_annotation|cpu_instant_event|trace|overhead|cuda_runtime|cuda_driver|runtime|driver|cuda|kernel|gpu_memcpy|gpu_memset|memcpy|memset|gpu_user_annotation|syscall|os_runtime|signal|process_exit|nvtx)$/i.test(cat);
}

/** "GPU 0 · ", "NPU 1 · ", "MTIA 9 · ": the device a process names in its name or labels. */
function devicePrefix(proc: string, labels: string): string | null {
  const xla = /\/device:([A-Za-z]+):(\d+)/.exec(proc);
  if (xla) return `${xla[1].toUpperCase()} ${xla[2]} · `;
  const m = /\b(GPU|NPU|MTIA|TPU)\s*(\d+)\b/i.exec(labels) ?? /\b(GPU|NPU|MTIA|TPU)\s*(\d+)\b/i.exec(proc);
  return m ? `${m[1].toUpperCase()} ${m[2]} · ` : null;
}

/** Thread key (pid|tid) and kind → what the file's complete events promise, from its own metadata. */
function expectedLanes(events: Ev[]): Map<string, ExpectedLane> {
  const processName = new Map<string, string>();
  const processLabels = new Map<string, string>();
  const threadName = new Map<string, string>();
  for (const e of events) {
    if (e?.ph !== 'M' || !e.args) continue;
    const pid = idText(e.pid);
    const tid = idText(e.tid);
    if (pid === null || tid === null) continue;
    if (e.name === 'process_name' && typeof e.args.name === 'string') processName.set(pid, e.args.name);
    if (e.name === 'process_labels' && typeof e.args.labels === 'string') processLabels.set(pid, e.args.labels);
    if (e.name === 'thread_name' && typeof e.args.name === 'string') threadName.set(`${pid}|${tid}`, e.args.name.trim());
  }
  const lanes = new Map<string, ExpectedLane>();
  for (const e of events) {
    if (e?.ph !== 'X') continue;
    const pid = idText(e.pid);
    const tid = idText(e.tid);
    const ts = typeof e.ts === 'string' ? Number(e.ts) : e.ts;
    if (pid === null || tid === null || typeof ts !== 'number' || !Number.isFinite(ts)) continue;
    const proc = processName.get(pid) ?? '';
    const labels = processLabels.get(pid) ?? '';
    const p = promisedKind(proc, labels, threadName.get(`${pid}|${tid}`) ?? tid, typeof e.cat === 'string' ? e.cat : '');
    const key = `${pid}|${tid}|${p.kind ?? '*'}`;
    const lane = lanes.get(key) ?? { kind: p.kind, summary: p.summary, prefix: p.device ? devicePrefix(proc, labels) : null, events: 0 };
    lane.events++;
    lanes.set(key, lane);
  }
  return lanes;
}

type Shape =
  | { kind: 'sqlite'; kernels: boolean }
  | { kind: 'chrome'; events: Ev[] }
  | { kind: 'speedscope'; profiles: number }
  | { kind: 'cut json' }
  | { kind: 'collapsed'; samples: number }
  | { kind: 'lines' }
  | { kind: 'other' };

const STACK = /^(.*\S)\s+(\d+)$/;

/** What the file is, read here without tracelane: by magic bytes, JSON.parse, or its lines. */
function shapeOf(bytes: Buffer): Shape {
  if (bytes.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') {
    return { kind: 'sqlite', kernels: bytes.includes('CUPTI_ACTIVITY_KIND_KERNEL') };
  }
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes);
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes);
  else text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return { kind: 'cut json' };
    }
    if (Array.isArray(doc)) return { kind: 'chrome', events: doc as Ev[] };
    const o = doc as Record<string, unknown>;
    if (Array.isArray(o.traceEvents)) return { kind: 'chrome', events: o.traceEvents as Ev[] };
    if (Array.isArray(o.profiles)) return { kind: 'speedscope', profiles: o.profiles.length };
    return { kind: 'other' };
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const stacks = lines.map((l) => STACK.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  if (stacks.length >= lines.length / 2 && stacks.some((m) => m[1].includes(';'))) {
    return { kind: 'collapsed', samples: stacks.reduce((s, m) => s + Number(m[2]), 0) };
  }
  // strace: "pid? time? name(args…) = result" lines.
  if (lines.filter((l) => /^(\[pid\s+\d+\]\s*|\d+\s+)?[\d:.]*\s*\w+\(.*\)\s+=\s+/.test(l)).length >= lines.length / 2) return { kind: 'lines' };
  return { kind: 'other' };
}

async function load(path: string) {
  return loadTrace({ kind: 'file', file: await openAsBlob(path), name: path.split('/').pop()! }, { trace: 't' });
}

describe('conformance on ../shared/external', () => {
  it('holds files', () => {
    expect(FILES.length).toBeGreaterThan(0);
  });

  it.each(FILES.map((f) => [relative(EXTERNAL, f)]))('%s', async (rel) => {
    const path = join(EXTERNAL, rel);
    const shape = shapeOf(bytesOf(path));
    if (shape.kind === 'other') {
      // Neither a trace nor lines of one (a README): refused, with a message.
      await expect(load(path)).rejects.toBeInstanceOf(TraceFormatError);
      return;
    }
    const index = await load(path);
    const r = index.result;
    switch (shape.kind) {
      case 'sqlite': {
        expect(r.lanes.length).toBeGreaterThan(0);
        if (shape.kernels) expect(r.lanes.some((l) => l.kind === 'gpu')).toBe(true);
        return;
      }
      case 'speedscope':
        // One Python lane per profile.
        expect(r.lanes.filter((l) => l.kind === 'python').length).toBe(shape.profiles);
        return;
      case 'cut json':
        // A cut file opens with what comes before the damage, and says so.
        expect(r.warnings.length).toBeGreaterThan(0);
        return;
      case 'collapsed':
        expect(r.flame?.root.total).toBe(shape.samples);
        return;
      case 'lines':
        expect(r.lanes.length).toBeGreaterThan(0);
        expect(r.lanes.every((l) => l.kind === 'syscall')).toBe(true);
        return;
      case 'chrome': {
        const byKey = new Map(r.lanes.map((l) => [l.id.slice(l.trace.length + 1), l]));
        for (const [key, want] of expectedLanes(shape.events)) {
          if (want.kind === null) {
            // No promise on the kind: the events are somewhere on their thread's lanes.
            const thread = key.slice(0, -2);
            const held = r.lanes.filter((l) => `${l.pid}|${l.tid}` === thread).reduce((n, l) => n + l.events, 0);
            expect(held, `thread ${thread}`).toBeGreaterThanOrEqual(want.events);
            continue;
          }
          const lane = byKey.get(key);
          expect(lane, `lane ${key} (${want.events} complete events)`).toBeDefined();
          expect(lane!.events, key).toBeGreaterThanOrEqual(want.events);
          expect(lane!.summary === true, `${key} summary`).toBe(want.summary);
          // One of several ranks reads "rank r · " first.
          if (want.prefix) expect(lane!.name.replace(/^rank \d+ · /, '').startsWith(want.prefix), `${key} named ${lane!.name}`).toBe(true);
        }
        return;
      }
    }
  });
});
