// Metadata events (ph M): the last value given for a process or thread is the one shown,
// however often a recorder repeats them (MTIA repeats each one per event group).

import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChromeTraceJsonImporter } from '../../../workers/importers/chromeTraceJson';
import { RawTrace } from '../../../workers/ingest/rawTrace';
import { EXTERNAL } from '../../support/corpus';

function parse(text: string | Uint8Array): RawTrace {
  const raw = new RawTrace();
  const importer = new ChromeTraceJsonImporter(raw);
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  for (let at = 0; at < bytes.length; at += 4096) importer.push(bytes.subarray(at, at + 4096));
  importer.finish();
  return raw;
}

const meta = (name: string, pid: number, tid: number, args: Record<string, unknown>) => ({ ph: 'M', name, pid, tid, ts: 0, args });

describe('metadata events', () => {
  it('keeps the last value per process and thread when names change and come back', () => {
    const events = [
      meta('process_name', 1, 0, { name: 'A' }),
      meta('process_name', 1, 0, { name: 'B' }),
      meta('process_name', 1, 0, { name: 'A' }),
      meta('process_name', 2, 0, { name: 'B' }),
      meta('process_name', 2, 0, { name: 'B' }),
      meta('thread_name', 1, 7, { name: ' worker ' }),
      meta('thread_name', 1, 8, { name: 'other' }),
      meta('thread_name', 1, 7, { name: 'loader' }),
      meta('thread_sort_index', 1, 7, { sort_index: 3 }),
      meta('thread_sort_index', 1, 7, { sort_index: 3 }),
      meta('process_labels', 1, 0, { labels: 'GPU 0' }),
      meta('process_sort_index', 1, 0, { sort_index: 'not a number' }),
      meta('process_sort_index', 1, 0, { sort_index: 5 }),
      meta('num_cpus', 1, 0, { value: 8 }),
      { ph: 'X', name: 'work', pid: 1, tid: 7, ts: 1, dur: 2 },
    ];
    const raw = parse(JSON.stringify({ traceEvents: events }));
    expect([...raw.processNames]).toEqual([['1', 'A'], ['2', 'B']]);
    expect([...raw.threadNames]).toEqual([['1|7', 'loader'], ['1|8', 'other']]);
    expect([...raw.threadSort]).toEqual([['1|7', 3]]);
    expect([...raw.processLabels]).toEqual([['1', 'GPU 0']]);
    expect([...raw.processSort]).toEqual([['1', 5]]);
  });

  it('MTIA: every process and thread name is the last one its metadata events give (computed with JSON.parse)', () => {
    const bytes = gunzipSync(readFileSync(join(EXTERNAL, 'kineto/hta__mtia_rank_0.json.gz')));
    const events = (JSON.parse(new TextDecoder().decode(bytes)) as { traceEvents: { ph: string; name: string; pid: unknown; tid: unknown; args?: Record<string, unknown> }[] }).traceEvents;
    const processes = new Map<string, string>();
    const threads = new Map<string, string>();
    for (const e of events) {
      if (e.ph !== 'M') continue;
      if (e.name === 'process_name') processes.set(String(e.pid), String(e.args!.name));
      if (e.name === 'thread_name') threads.set(`${e.pid}|${e.tid}`, String(e.args!.name).trim());
    }
    const raw = parse(bytes);
    expect(new Map(raw.processNames)).toEqual(processes);
    expect(new Map(raw.threadNames)).toEqual(threads);
    expect(threads.size).toBeGreaterThan(1);
  });
});
