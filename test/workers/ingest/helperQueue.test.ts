// A parse helper is sent its next piece while it parses one (parallelParse.ts → fragment.worker.ts
// queues it): it begins the next the moment one ends instead of waiting for the trace worker,
// busy with pieces of its own, to read the result and answer. Checked with helpers that parse
// each job in turn and record how many jobs they held when one arrived.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusText } from '../../support/corpus';
import { openTraceFile } from '../../../bin/src/nodeFile';
import { parseInParallel, useFragmentThreads } from '../../../workers/ingest/parallelParse';
import { parseFragmentJob, type FragmentJob } from '../../../workers/ingest/fragmentParse';
import { rangeSourceFor, type RangeSource } from '../../../workers/ingest/byteSource';
import { fragmentBuffers } from '../../../workers/importers/chromeTraceFragment';

const FILE = 'llm_decode_large.json.gz';

/** A fragment worker in this thread: jobs parsed one after another, each after `delayMs` (its turn to run). */
class SlowQueueingHelper {
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: ((e: { message: string }) => void) | null = null;
  /** Per job received: the jobs it held then (this one included), its byte range, and the bytes the parsing thread had parsed by then. */
  readonly received: { held: number; start: number; end: number; frontBytes: number }[] = [];
  private held = 0;
  private turn: Promise<void> = Promise.resolve();

  constructor(
    private readonly delayMs: number,
    private readonly frontBytes: () => number = () => 0,
  ) {}

  postMessage(msg: FragmentJob | { warm: true }): void {
    if ('warm' in msg || !('start' in msg)) return;
    this.held++;
    this.received.push({ held: this.held, start: msg.start, end: msg.end, frontBytes: this.frontBytes() });
    this.turn = this.turn.then(async () => {
      await new Promise((r) => setTimeout(r, this.delayMs));
      const result = await parseFragmentJob(msg, null, () => undefined);
      this.held--;
      // As the worker would: its columns transferred (here: the same objects, checked to exist).
      expect(fragmentBuffers(result).length).toBeGreaterThan(0);
      this.onmessage?.({ data: { result } });
    });
  }

  addEventListener(): void {}
  terminate(): void {}
}

interface RawEvent {
  ph?: string;
}

let dir: string;
let path: string;
let events: RawEvent[];

beforeAll(() => {
  const text = corpusText(FILE);
  events = (JSON.parse(text) as { traceEvents: RawEvent[] }).traceEvents;
  dir = mkdtempSync(join(tmpdir(), 'helper-queue-'));
  path = join(dir, 'trace.json');
  writeFileSync(path, text);
});

afterAll(() => {
  useFragmentThreads(null);
  rmSync(dir, { recursive: true, force: true });
});

describe('parse helpers', () => {
  it('get their next piece while they parse one, and every piece is parsed once', async () => {
    const helpers: SlowQueueingHelper[] = [];
    useFragmentThreads({
      threads: 2,
      start: () => {
        const h = new SlowQueueingHelper(5);
        helpers.push(h);
        return h as unknown as Worker;
      },
    });
    const file = openTraceFile(path);
    const parsed = await parseInParallel(rangeSourceFor({ file }, file.size), 'js', () => undefined);
    expect(parsed).not.toBeNull();
    parsed!.helpers.release();
    const jobs = helpers.flatMap((h) => h.received);
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    // A job arrived while the helper still held one: it was queued, not sent after the answer.
    expect(Math.max(...jobs.map((j) => j.held))).toBeGreaterThanOrEqual(2);
    // The helpers' pieces do not overlap and end at the file's end (this thread parsed the front).
    const ranges = jobs.map((j) => [j.start, j.end]).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1]);
    expect(ranges.at(-1)![1]).toBe(file.size);
    // Every event of the raw JSON is there once, by phase.
    const want: Record<string, number> = {};
    for (const e of events) if (e.ph && e.ph !== 'M') want[e.ph] = (want[e.ph] ?? 0) + 1;
    const got = Object.fromEntries(Object.entries(parsed!.raw.phases).filter(([ph]) => ph !== 'M'));
    expect(got).toEqual(want);
  }, 60_000);

  it('get their first piece before the parsing thread reads any bytes of its own', async () => {
    let frontBytes = 0;
    const helpers: SlowQueueingHelper[] = [];
    useFragmentThreads({
      threads: 2,
      start: () => {
        const h = new SlowQueueingHelper(0, () => frontBytes);
        helpers.push(h);
        return h as unknown as Worker;
      },
    });
    const file = openTraceFile(path);
    const bytes = new Uint8Array(readFileSync(path));
    // As a File in Chromium: a stream's bytes already queued come in microtasks, a read's answer in a task.
    const source: RangeSource = {
      ...rangeSourceFor({ file }, file.size),
      stream: (start, end) =>
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (let at = start; at < end; at += 1 << 17) controller.enqueue(bytes.slice(at, Math.min(end, at + (1 << 17))));
            controller.close();
          },
        }),
      read: (start, end) => new Promise((resolve) => setTimeout(() => resolve(bytes.slice(start, Math.min(end, bytes.length))), 0)),
    };
    // This thread's bytes (the fake helpers report none).
    const parsed = await parseInParallel(source, 'js', (n) => (frontBytes += n));
    expect(parsed).not.toBeNull();
    parsed!.helpers.release();
    const first = helpers[0].received[0];
    expect(first.end).toBe(file.size);
    expect(first.frontBytes).toBe(0);
    expect(frontBytes).toBeGreaterThan(0);
  }, 60_000);
});
