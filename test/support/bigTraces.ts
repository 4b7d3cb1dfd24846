// Bad-input cases too big to commit (issue 9), generated at test time: a 100 MB
// single string, 100 000 distinct tids, and a Kineto-like trace of any size streamed
// chunk by chunk, so a 3 GB trace never sits in memory.

import type { TraceSource } from '../../src/model/types';

const enc = new TextEncoder();

/** A Blob of one event whose name is `bytes` long, then an ordinary event. */
export function hugeNameTrace(bytes: number): Blob {
  const name = new Uint8Array(bytes).fill(0x61); // "aaaa…"
  return new Blob([
    '{"traceEvents":[{"ph":"X","cat":"cpu_op","pid":1,"tid":1,"ts":1,"dur":2,"args":{"k":1},"name":"',
    name,
    '"},{"ph":"X","cat":"cpu_op","name":"after","pid":1,"tid":1,"ts":5,"dur":1}]}',
  ]);
}

/** One slice on each of `n` distinct threads of one process. */
export function manyTidsTrace(n: number): string {
  const parts: string[] = [];
  for (let t = 0; t < n; t++) parts.push(`{"ph":"X","cat":"cpu_op","name":"op","pid":1,"tid":${t + 1},"ts":${t},"dur":1}`);
  return `{"traceEvents":[${parts.join(',')}]}`;
}

export interface StreamedTrace {
  source: TraceSource;
  /** Filled in as the stream is read: what the generator wrote. */
  written: { bytes: number; slices: number; steps: number };
}

/**
 * A valid Kineto-like trace of about `targetBytes`, generated while it is read.
 * Each step is a Python frame enclosing a cpu_op enclosing a cudaLaunchKernel on
 * the main thread, plus the kernel on GPU 0 stream 7 and its ac2g flow pair.
 *
 * openSource() only needs `size` and `stream()` of a File, so the source is a
 * Blob-shaped object whose stream is produced on demand; `slice` answers with the head's
 * bytes only (loadTrace reads a File's first bytes to tell a BGZF file: bgzf.ts).
 */
export function streamedKinetoTrace(targetBytes: number, chunkBytes = 1 << 20): StreamedTrace {
  const written = { bytes: 0, slices: 0, steps: 0 };
  const head = enc.encode('{"schemaVersion":1,"baseTimeNanoseconds":1790857026000000000,"traceEvents":[\n');
  const tail = enc.encode('\n],"traceName":"streamed"}\n');
  let state: 'head' | 'body' | 'done' = 'head';
  const step = (n: number): string => {
    const ts = 1000 + n * 40;
    const ext = 1000 + n;
    return (
      `{"ph":"X","cat":"python_function","name":"model.py(${n % 97}): forward","pid":4242,"tid":4242,"ts":${ts}.125,"dur":30.5,"args":{"Python id":${n}}},\n` +
      `{"ph":"X","cat":"cpu_op","name":"aten::mm","pid":4242,"tid":4242,"ts":${ts + 1}.25,"dur":20.5,"args":{"External id":${ext},"Input Dims":[[64,64],[64,64]]}},\n` +
      `{"ph":"X","cat":"cuda_runtime","name":"cudaLaunchKernel","pid":4242,"tid":4242,"ts":${ts + 2},"dur":4.75,"args":{"correlation":${ext}}},\n` +
      `{"ph":"s","cat":"ac2g","name":"ac2g","id":${ext},"pid":4242,"tid":4242,"ts":${ts + 2}},\n` +
      `{"ph":"X","cat":"kernel","name":"gemm_${n % 7}","pid":0,"tid":7,"ts":${ts + 10}.5,"dur":25.125,"args":{"correlation":${ext},"grid":[64,1,1]}},\n` +
      `{"ph":"f","bp":"e","cat":"ac2g","name":"ac2g","id":${ext},"pid":0,"tid":7,"ts":${ts + 10}.5}`
    );
  };
  const stream = () =>
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (state === 'head') {
          state = 'body';
          written.bytes += head.length;
          controller.enqueue(head);
          return;
        }
        if (state === 'done') return controller.close();
        const parts: string[] = [];
        let len = 0;
        while (len < chunkBytes && written.bytes + len < targetBytes - tail.length) {
          const s = (written.steps > 0 || parts.length > 0 ? ',\n' : '') + step(written.steps++);
          written.slices += 4;
          parts.push(s);
          len += s.length; // ASCII only: characters are bytes
        }
        if (parts.length === 0) {
          state = 'done';
          written.bytes += tail.length;
          controller.enqueue(tail);
          return;
        }
        written.bytes += len;
        controller.enqueue(enc.encode(parts.join('')));
      },
    });
  // The head's bytes only (shorter than asked past them): enough to see the file is no gzip.
  const slice = (start: number, end: number) => {
    if (start >= head.length) throw new Error(`streamedKinetoTrace: only its first ${head.length} bytes can be sliced, not ${start}-${end}`);
    return { arrayBuffer: async () => head.slice(start, Math.min(end, head.length)).buffer };
  };
  const file = { name: 'streamed.json', size: targetBytes, type: 'application/json', stream, slice } as unknown as File;
  return { source: { kind: 'file', file, name: 'streamed.json' }, written };
}
