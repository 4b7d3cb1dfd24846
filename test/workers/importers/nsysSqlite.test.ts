// Nsight Systems SQLite export: a small database with the documented schema is built
// here with sql.js; expectations come from the rows the test itself inserted.

import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { loadText } from '../../support/corpus';
import { buildExport, kernels, LOADER, MAIN, memcpys, memory, memsets, nvtx, osrt, PID, runtime, SESSION_START } from '../../support/nsysExport';
import { WholeFileBuffer } from '../../../workers/importers/wholeFile';
import { nsysSqlite } from '../../../workers/importers/nsysSqlite';
import { flowStats } from '../../../workers/index/flows';
import type { TraceIndex } from '../../../workers/index/traceIndex';

function laneOf(index: TraceIndex, pid: string, tid: string, kind: string) {
  return [...index.lanes.values()].find((l) => l.info.pid === pid && l.info.tid === tid && l.info.kind === kind);
}

function events(index: TraceIndex, pid: string, tid: string, kind: string) {
  const lane = laneOf(index, pid, tid, kind);
  if (!lane) return [];
  return Array.from(lane.start, (_, k) => index.slice(lane.info.id, k)!).map((d) => ({ name: d.name, start: d.startNs, dur: d.durNs, args: d.args ? JSON.parse(d.args) : null }));
}

describe('Nsight Systems SQLite importer', async () => {
  const bytes = await buildExport();
  const first = Math.min(...[...runtime, ...kernels, ...memcpys, ...memsets, ...osrt, ...nvtx, ...memory].map((r) => r.start));

  it('is detected by the SQLite magic and placed at the session start time', async () => {
    expect(nsysSqlite.detect(bytes.subarray(0, 100))).toBe(true);
    const index = await loadText(bytes, 'report.sqlite');
    expect(index.result.format).toBe('Nsight Systems SQLite');
    expect(index.result.originNs).toBe((SESSION_START + BigInt(first)).toString());
  });

  it('puts kernels, memcpy and memset on GPU lanes per device and stream', async () => {
    const index = await loadText(bytes, 'report.sqlite');
    const stream7 = events(index, '0', '7', 'gpu');
    expect(stream7.map((e) => [e.start + first, e.dur])).toEqual([...kernels, ...memcpys].map((k) => [k.start, k.end - k.start]));
    expect(stream7[0].name).toBe('void gemm_kernel<float>(float*, int)');
    expect(stream7[0].args).toMatchObject({ grid: [128, 1, 1], block: [256, 1, 1], 'registers per thread': 64, 'shared memory': 1024 + 2048, correlation: 11 });
    expect(stream7[2].name).toBe('Memcpy HtoD (Pinned -> Device)');
    expect(stream7[2].args).toMatchObject({ bytes: 1 << 20, copyKind: 'HtoD' });
    const stream13 = events(index, '0', '13', 'gpu');
    expect(stream13.map((e) => [e.name, e.args.bytes])).toEqual([['Memset (Device)', 4096]]);
    expect(index.groups.find((g) => g.pid === '0')!.name).toMatch(/^GPU 0/);
  });

  it('splits globalTid into pid and tid for CUDA API, OS runtime (syscall) and NVTX (CPU) lanes', async () => {
    const index = await loadText(bytes, 'report.sqlite');
    const pid = String(PID);
    for (const tid of [MAIN, LOADER]) {
      const api = events(index, pid, String(tid), 'cuda_api');
      expect(api.map((e) => [e.name, e.start + first, e.dur])).toEqual(runtime.filter((r) => r.tid === tid).map((r) => [r.name.replace(/_v\d+$/, ''), r.start, r.end - r.start]));
      const sys = events(index, pid, String(tid), 'syscall');
      expect(sys.map((e) => [e.name, e.start + first, e.dur])).toEqual(osrt.filter((o) => o.tid === tid).map((o) => [o.name, o.start, o.end - o.start]));
      const cpu = events(index, pid, String(tid), 'cpu');
      expect(cpu.map((e) => [e.name, e.start + first, e.dur])).toEqual(nvtx.filter((n) => n.tid === tid).map((n) => [n.text ?? n.textId, n.start, n.end === null ? 0 : n.end - n.start]));
    }
    expect(laneOf(index, pid, String(LOADER), 'syscall')!.info.name).toBe('loader · Syscalls');
    expect(index.groups.find((g) => g.pid === pid)!.name).toBe(`python3 (pid ${PID})`);
  });

  it('links each runtime call to the GPU work with its correlationId by cuda|<id> flows', async () => {
    const index = await loadText(bytes, 'report.sqlite');
    const gpuCorr = new Set([...kernels, ...memcpys, ...memsets].map((k) => k.corr));
    const linked = runtime.filter((r) => gpuCorr.has(r.corr));
    expect(index.result.flows).toMatchObject({ paired: linked.length, unpairedStarts: 0, unpairedEnds: 0 });
    const raw = (index as unknown as { raw: import('../../../workers/ingest/rawTrace').RawTrace }).raw;
    expect(flowStats(raw).paired).toBe(linked.length);
    const keys = new Set(Array.from(raw.flows.key.trimmed(), (id) => raw.flowKeys.get(id)));
    expect(keys).toEqual(new Set(linked.map((r) => `cuda|${r.corr}`)));
  });

  it('turns GPU memory usage events into a running total of allocated bytes', async () => {
    const index = await loadText(bytes, 'report.sqlite');
    const counter = [...index.counters.values()][0];
    let total = 0;
    const expected = memory.map((m) => (total += (m.op === 0 ? 1 : -1) * m.bytes));
    expect(Array.from(counter.values[0])).toEqual(expected);
    expect(Array.from(counter.t, (t) => t + first)).toEqual(memory.map((m) => m.start));
  });

  it('says clearly when an SQLite file is not an nsys export, and when a file is over the size limit', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE notes (id INTEGER, text TEXT)');
    const other = db.export();
    await expect(loadText(other, 'notes.sqlite')).rejects.toThrow(/not an Nsight Systems export/);
    const buffer = new WholeFileBuffer(1 << 20, 'This SQLite file', 'a reason');
    buffer.push(new Uint8Array(1 << 19));
    expect(() => buffer.push(new Uint8Array(1 << 19 + 1))).toThrow(/larger than 1 MB \(a reason\)/);
  });

  it('skips runtime calls whose start is NULL or text, with a warning, and links none of them', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database(bytes);
    // The schema declares start INTEGER NOT NULL: a damaged export may not keep to it.
    db.exec(`CREATE TABLE damaged AS SELECT * FROM CUPTI_ACTIVITY_KIND_RUNTIME; DROP TABLE CUPTI_ACTIVITY_KIND_RUNTIME; ALTER TABLE damaged RENAME TO CUPTI_ACTIVITY_KIND_RUNTIME;`);
    db.exec(`UPDATE CUPTI_ACTIVITY_KIND_RUNTIME SET start = NULL WHERE rowid = 1; UPDATE CUPTI_ACTIVITY_KIND_RUNTIME SET start = 'soon' WHERE rowid = 2;`);
    const index = await loadText(db.export(), 'report.sqlite');
    db.close();
    const calls = [MAIN, LOADER].flatMap((tid) => events(index, String(PID), String(tid), 'cuda_api'));
    expect(calls).toHaveLength(runtime.length - 2);
    expect(calls.every((c) => Number.isFinite(c.start))).toBe(true);
    expect(index.result.warnings.find((w) => w.code === 'bad-ts')?.message).toMatch(/no valid start time .*skipped\. \(and 1 more like it\)$/);
    // The two skipped calls (the first two rows) link nothing; the others link as before.
    const gpuCorr = new Set([...kernels, ...memcpys, ...memsets].map((k) => k.corr));
    expect(index.result.flows).toMatchObject({ paired: runtime.slice(2).filter((r) => gpuCorr.has(r.corr)).length, unpairedStarts: 0 });
  });

  it('rejects a file whose table pages are damaged with a format error, not SQLite\'s own', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database(bytes);
    const [[pageSize]] = db.exec('PRAGMA page_size')[0].values as number[][];
    const [[root]] = db.exec(`SELECT rootpage FROM sqlite_master WHERE name = 'CUPTI_ACTIVITY_KIND_KERNEL'`)[0].values as number[][];
    db.close();
    // The schema still reads; the kernel table's root page (pages count from 1) is garbage.
    const broken = bytes.slice();
    broken.fill(0xff, (root - 1) * pageSize, root * pageSize);
    const err = await loadText(broken, 'report.sqlite').then(() => null, (e: Error) => e);
    expect(err).toMatchObject({ name: 'TraceFormatError', message: expect.stringMatching(/^The SQLite file is damaged: .*malformed/) });
  });
});
