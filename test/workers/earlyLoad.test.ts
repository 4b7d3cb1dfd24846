// A link's load begun before the page asks (issue 16, workers/earlyLoad.ts): which load the page will ask
// for, read from its address as the app reads it; a call for it joins the running load and gets what a load
// of its own gives; anything else, or no call, drops it with no request left running.

import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { createHandler } from '../../scripts/serve.mjs';
import { asksFor, EarlyLoad, expectedLoad, type PageFacts } from '../../workers/earlyLoad';
import { loadTrace } from '../../workers/ingest/loadTrace';
import type { TraceIndex } from '../../workers/index/traceIndex';
import type { CategoryRule } from '../../workers/lanes/categoryRules';
import type { LoadProgress } from '../../src/model/types';
import { CORPUS } from '../support/corpus';
import { closeServer, listenLocally } from '../support/localServer';

const MiB = 1024 * 1024;
const page = (href: string, more: Partial<PageFacts> = {}): PageFacts => ({ href, base: href, budgetSetting: null, deviceMemory: 8, ...more });

describe('the load a page will ask for first', () => {
  it('is its first ?url= trace, resolved against the page, with the budget shared by every linked trace', () => {
    const e = expectedLoad(page('https://portal.example/tools/tracelane/?url=../traces/a%20b.json&url=https://other.example/c.json'))!;
    expect(e.source).toEqual({ kind: 'url', url: 'https://portal.example/tools/traces/a%20b.json', name: 'a b.json' });
    // deviceMemory 8 GB: half of it, at most 4 GB, for two traces.
    expect(e.options).toEqual({ budgetBytes: (4096 * MiB) / 2, debug: undefined, scanner: undefined, streamPieces: undefined, parallelPieces: undefined, laneHelpers: undefined });
  });

  it('none when the first link is an index folder, or there is no link', () => {
    expect(expectedLoad(page('https://h/?index=idx/&url=a.json'))).toBeNull();
    expect(expectedLoad(page('https://h/#tl=abc'))).toBeNull();
    expect(expectedLoad(page('https://h/?url=%20&index=x'))).toBeNull();
    expect(expectedLoad(page('https://h/?url=%20&url=a.json'))?.source).toMatchObject({ url: 'https://h/a.json' });
  });

  it('takes the options the address sets and the budget from the address, else the saved setting, else the device', () => {
    const e = expectedLoad(page('https://h/?url=a.json&scanner=js&pieces=stream&lanes=one&debugWorker=exit&budgetMB=300', { budgetSetting: '9000' }))!;
    expect(e.options).toEqual({ budgetBytes: 300 * MiB, debug: 'exit', scanner: 'js', streamPieces: true, parallelPieces: undefined, laneHelpers: false });
    expect(expectedLoad(page('https://h/?url=a.json&pieces=parallel'))!.options.parallelPieces).toBe(true);
    expect(expectedLoad(page('https://h/?url=a.json', { budgetSetting: '9000' }))!.options.budgetBytes).toBe(9000 * MiB);
    expect(expectedLoad(page('https://h/?url=a.json', { deviceMemory: 2 }))!.options.budgetBytes).toBe(1024 * MiB);
  });

  it('is asked for by a call with the same URL and read options, whatever its lane rules; not with a part to keep or another budget', () => {
    const e = expectedLoad(page('https://h/?url=a.json'))!;
    const same = { kind: 'url' as const, url: 'https://h/a.json', name: 'a.json' };
    const options = { budgetBytes: 4096 * MiB, laneRules: [{ cat: 'x', kind: 'python' as const }] };
    expect(asksFor(e, same, options)).toBe(true);
    expect(asksFor(e, { ...same, url: 'https://h/b.json' }, options)).toBe(false);
    expect(asksFor(e, same, { ...options, keep: { originUs: 0, firstNs: 0, fromNs: 0, toNs: 1 } })).toBe(false);
    expect(asksFor(e, same, { ...options, budgetBytes: 2048 * MiB })).toBe(false);
    expect(asksFor(e, same, { ...options, scanner: 'js' })).toBe(false);
    expect(asksFor(e, same, { ...options, parallelPieces: true })).toBe(false);
    expect(asksFor(e, { kind: 'file', file: new Blob([]), name: 'a.json' }, options)).toBe(false);
  });
});

describe('an early load', () => {
  const json = gunzipSync(readFileSync(join(CORPUS, 'llm_decode_small.json.gz')));
  let dir: string;
  let server: http.Server;
  let base = '';
  /** Requests as they arrive, and how many are being answered now. */
  const log: string[] = [];
  let open = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'early-load-'));
    writeFileSync(join(dir, 'trace.json'), json);
    writeFileSync(join(dir, 'notes.txt'), 'not a trace at all\n');
    const handle = createHandler({ root: dir, mounts: { '/': '.' } });
    server = http.createServer((req, res) => {
      log.push(`${req.url} ${req.headers.range ?? ''}`.trim());
      open++;
      res.on('close', () => open--);
      void handle(req, res);
    });
    base = await listenLocally(server);
  });
  afterAll(async () => {
    await closeServer(server);
    rmSync(dir, { recursive: true, force: true });
  });

  const expected = (name: string) => expectedLoad(page(`${base}?url=${name}`))!;
  const shape = (i: TraceIndex) => ({ events: i.result.events, lanes: i.result.lanes.map((l) => `${l.id}:${l.events}:${l.name}`).sort() });
  /** Moves cpu_op events into Python lanes: a call's rules show in the lanes. */
  const rules: CategoryRule[] = [{ cat: '^cpu_op$', kind: 'python' }];
  const until = async (done: () => boolean) => {
    for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('joined after its events are read: the same trace as a load of its own, under the call’s key and lane rules', async () => {
    const own = shape(await loadTrace({ kind: 'file', file: new Blob([json]), name: 'trace.json' }, { trace: 'k', laneRules: rules }));
    // Placed events counted from the raw JSON: every X, instant and counter sample.
    const raw = (JSON.parse(json.toString()) as { traceEvents: { ph: string }[] }).traceEvents;
    expect(own.events).toBe(raw.filter((e) => 'XiICbnR'.includes(e.ph) || e.ph === 'B').length);
    expect(own.lanes.some((l) => l.startsWith('k|') && l.includes('|python:'))).toBe(true);

    // The load's own progress, seen before any call.
    const phases: string[] = [];
    const early = new EarlyLoad(expected('trace.json'), undefined, (source, opts) => loadTrace(source, { ...opts, onProgress: (p) => (phases.push(p.phase), opts.onProgress?.(p)) }));
    const seen: LoadProgress[] = [];
    // Read and parsed without the call: it waits for the call to index.
    await until(() => phases.includes('index'));
    await new Promise((r) => setTimeout(r, 100));
    expect(phases.at(-1)).toBe('index');
    const index = await early.join({ trace: 'k', laneRules: async () => rules }, (p) => seen.push(p));
    expect(shape(index)).toEqual(own);
    const stages = index.result.stagesMs!;
    expect(stages['page asked']).toBeGreaterThan(stages.parsed);
    // Progress from the call on: where the load was first, then its end.
    expect(seen[0].bytesDone).toBe(json.length);
    expect(seen.at(-1)!.phase).toBe('done');
  });

  it('joined while it reads: progress from then on and the same trace', async () => {
    const early = new EarlyLoad(expected('trace.json'));
    const seen: LoadProgress[] = [];
    const index = await early.join({ trace: 'k', laneRules: rules }, (p) => seen.push(p));
    expect(shape(index)).toEqual(shape(await loadTrace({ kind: 'file', file: new Blob([json]), name: 'trace.json' }, { trace: 'k', laneRules: rules })));
    expect(seen.at(-1)!.phase).toBe('done');
  });

  it('a URL that fails fails the call that joins it with the message a load of its own gives', async () => {
    for (const name of ['missing.json', 'notes.txt']) {
      const own = await loadTrace({ kind: 'url', url: `${base}${name}`, name }, { trace: 'k' }).catch((e: Error) => e.message);
      expect(own).toMatch(name === 'missing.json' ? /HTTP 404/ : /notes\.txt is not a trace format/);
      const early = new EarlyLoad(expected(name));
      await new Promise((r) => setTimeout(r, 200));
      await expect(early.join({ trace: 'k' })).rejects.toThrow(own as string);
    }
  });

  it('dropped while it reads: its requests end and nothing is asked for after', async () => {
    const early = new EarlyLoad(expected('trace.json'));
    const seen: string[] = [];
    early.join({ trace: 'k' }, () => undefined).catch((e: Error) => seen.push(e.name));
    log.length = 0;
    await until(() => log.length > 0);
    early.drop();
    expect(early.dropped).toBe(true);
    await until(() => seen.length > 0 && open === 0);
    expect(seen).toEqual(['AbortError']);
    expect(open).toBe(0);
    const asked = log.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(log.length).toBe(asked);
  });

  it('never asked for: dropped after the wait, its index let go', async () => {
    const early = new EarlyLoad(expected('trace.json'), 50);
    await until(() => early.dropped);
    expect(early.dropped).toBe(true);
    await expect(early.join({ trace: 'k' })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
