// Which recorder wrote a thread, read from what the file says about itself: process and
// thread names (metadata `process_name` / `process_labels` / `thread_name`) and categories.
// One row per recorder; the lane-mapping stage (laneMapping.ts) asks this table per thread
// and per category, before its name rules. Nothing here looks at file names or pid/tid values.
//
// How a row decides (laneMapping.ts):
// 1. A `summary` row matching the thread wins over everything: the recorder's own summary
//    (overlap, XLA module / op / step timelines) is shown like `gpu_user_annotation`, on a
//    GPU-kind lane that GPU busy/idle, kernel statistics and the stall finder skip.
// 2. Else Kineto's categories (laneKind.ts) decide when they know the category.
// 3. Else the first row matching the process / thread / category decides the kind.
// 4. Else the name rules (laneKind.ts: laneKindOf).
// The label of a lane a row decided names the hardware ("NPU 0 · Stream 2") or the runtime
// ("AscendCL", "HIP API"); lane keys keep the file's pid|tid and the kind id, so links hold.

import type { LaneKind } from '../../src/model/types';

export interface Recorder {
  /** Who writes these rows (for readers of the table and of test names). */
  recorder: string;
  /** Matched against the process name and the process labels (either may match). */
  process?: RegExp;
  /** Matched against the thread name (the tid itself when the file names none). */
  thread?: RegExp;
  /** Matched against the event category. */
  cat?: RegExp;
  kind: LaneKind;
  /** The recorder's own summary rows: not device work (analyses skip them). */
  summary?: boolean;
  /** Device rows: the hardware word when the process names no device ("NPU" → "NPU · Stream 2"). */
  hardware?: string;
}

export const RECORDERS: readonly Recorder[] = [
  // JAX / XLA (perfetto_trace.json.gz): per-device process "/device:GPU:0" with "Stream #14(…)"
  // threads of kernels, plus the profiler's own module / op / step timelines on the same process.
  { recorder: 'JAX/XLA summary', process: /^\/device:/, thread: /^(XLA Modules|XLA Ops|Steps)$/, kind: 'gpu', summary: true },
  { recorder: 'JAX/XLA device', process: /^\/device:(GPU|TPU)/i, kind: 'gpu', hardware: 'GPU' },
  // Ascend torch_npu trace_view.json.
  { recorder: 'Ascend overlap summary', process: /^Overlap Analysis$/, kind: 'gpu', summary: true },
  { recorder: 'Ascend device', process: /^Ascend Hardware$/, kind: 'gpu', hardware: 'NPU' },
  { recorder: 'Ascend HCCL collectives', process: /^HCCL$/, kind: 'gpu', hardware: 'NPU' },
  { recorder: 'Ascend CANN (AscendCL)', process: /^CANN$/, kind: 'cuda_api' },
  // MTIA (Kineto): device work and runtime calls by category.
  { recorder: 'MTIA device', cat: /^mtia_ccp_events$/, kind: 'gpu', hardware: 'MTIA' },
  { recorder: 'MTIA runtime', cat: /^mtia_runtime$/, kind: 'cuda_api' },
  // ROCm: HIP runtime categories; Kineto's device processes labelled "GPU N" (ROCm and CUDA): their
  // other categories (cuda_sync, cuda_profiler_range) join the stream's GPU lane, named as Kineto's are
  // ("stream 7": no hardware word, so the name does not depend on which event comes first).
  { recorder: 'ROCm HIP runtime', cat: /^hip/i, kind: 'cuda_api' },
  { recorder: 'GPU N device', process: /^GPU \d+$/, kind: 'gpu' },
];

/** What a thread says about itself (names from metadata; empty when absent). */
export interface ThreadFacts {
  processName: string;
  processLabels: string;
  threadName: string;
}

function processMatches(re: RegExp | undefined, t: ThreadFacts): boolean {
  return !re || re.test(t.processName) || re.test(t.processLabels);
}

/** The summary row that claims a whole thread, or null. */
export function summaryRecorder(t: ThreadFacts): Recorder | null {
  for (const r of RECORDERS) {
    if (!r.summary || r.cat) continue;
    if (processMatches(r.process, t) && (!r.thread || r.thread.test(t.threadName))) return r;
  }
  return null;
}

/** The first non-summary row matching the thread and category, or null. */
export function recorderOf(t: ThreadFacts, cat: string): Recorder | null {
  for (const r of RECORDERS) {
    if (r.summary) continue;
    if (!r.process && !r.thread && !r.cat) continue;
    if (!processMatches(r.process, t)) continue;
    if (r.thread && !r.thread.test(t.threadName)) continue;
    if (r.cat && !r.cat.test(cat)) continue;
    return r;
  }
  return null;
}

/** "GPU 0", "NPU 1", "MTIA 9": the device a process names, else the row's hardware word. */
export function deviceLabel(t: ThreadFacts, hardware: string): string {
  const xla = /\/device:([A-Za-z]+):(\d+)/.exec(t.processName);
  if (xla) return `${xla[1].toUpperCase()} ${xla[2]}`;
  const named = /\b(GPU|NPU|MTIA|TPU)\s*(\d+)\b/i.exec(t.processLabels) ?? /\b(GPU|NPU|MTIA|TPU)\s*(\d+)\b/i.exec(t.processName);
  if (named) return `${named[1].toUpperCase()} ${named[2]}`;
  return hardware;
}

/** Runtime API labels by what the calls and their process say (null: the caller's default). */
const RUNTIME_LABELS: readonly { test: (cat: string, name: string, t: ThreadFacts) => boolean; label: string }[] = [
  { test: (cat, name, t) => /^CANN$/.test(t.processName) || /^AscendCL@/.test(name), label: 'AscendCL' },
  { test: (cat, name) => /^hip/i.test(cat) || /^hip[A-Z]/.test(name), label: 'HIP API' },
  { test: (cat) => /^mtia_runtime$/.test(cat), label: 'MTIA Runtime' },
];

/**
 * The label of a runtime-API lane from its first call ("AscendCL", "HIP API", "MTIA Runtime"), or
 * null: then Kineto's CUDA lanes read "CUDA API" and lanes a recorder row decided "Runtime API".
 */
export function runtimeLabel(cat: string, name: string, t: ThreadFacts): string | null {
  for (const r of RUNTIME_LABELS) if (r.test(cat, name, t)) return r.label;
  return null;
}
