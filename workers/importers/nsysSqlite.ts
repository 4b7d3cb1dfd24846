// Nsight Systems SQLite export (`nsys export --type sqlite`), read with sql.js.
//
// Tables (created lazily by nsys: any may be missing):
//   CUPTI_ACTIVITY_KIND_KERNEL / _MEMCPY / _MEMSET   GPU work: start, end, deviceId, streamId, correlationId
//   CUPTI_ACTIVITY_KIND_RUNTIME / _DRIVER            CUDA API calls: start, end, globalTid, nameId, correlationId
//   OSRT_API                                         OS runtime calls (syscall lanes): start, end, globalTid, nameId
//   NVTX_EVENTS                                      ranges (CPU lanes): start, end, eventType, text | textId, globalTid
//   CUDA_GPU_MEMORY_USAGE_EVENTS                     allocations: start, deviceId, bytes, memoryOperationType
//   StringIds(id, value), ThreadNames(nameId, globalTid), PROCESSES(globalPid, pid, name),
//   TARGET_INFO_SESSION_START_TIME(utcEpochNs)       absolute time of the session's 0
// globalTid packs pid and tid: pid = (globalTid >> 24) & 0xFFFFFF, tid = globalTid & 0xFFFFFF (done
// in SQL: the packed values pass 2^53). GPU work goes to pid = device, tid = stream, like Kineto;
// runtime calls link to their GPU work by correlationId with flows keyed "cuda|<id>".
//
// sql.js holds the whole database in 32-bit wasm memory, so the file is buffered and
// parsed in finish(), up to MAX_NSYS_BYTES.

import { FlowBinding, RawKind, type MicrosTime, type RawTrace } from '../ingest/rawTrace';
import { TraceFormatError, type ImporterFormat, type TraceImporter } from './importer';
import { isSqlite, openSqlite, type Database } from './sqlite';
import { WholeFileBuffer } from './wholeFile';

/** wasm32 memory is 4 GB at most and sql.js needs the file plus working space. */
export const MAX_NSYS_BYTES = 1 << 30;

/** CUpti_ActivityMemcpyKind. */
const COPY_KIND = ['Unknown', 'HtoD', 'DtoH', 'HtoA', 'AtoH', 'AtoA', 'AtoD', 'DtoA', 'DtoD', 'HtoH', 'PtoP'];
/** CUpti_ActivityMemoryKind. */
const MEMORY_KIND = ['Unknown', 'Pageable', 'Pinned', 'Device', 'Array', 'Managed', 'Device Static', 'Managed Static'];
/** NVTX_EVENTS.eventType. */
const NVTX_MARK = 34;
const NVTX_PUSH_POP = 59;
const NVTX_START_END = 60;

const S = 's'.charCodeAt(0);
const F = 'f'.charCodeAt(0);
const encoder = new TextEncoder();

export const nsysSqlite: ImporterFormat = {
  name: 'Nsight Systems SQLite',
  detect: isSqlite,
  create: (raw) => new NsysSqliteImporter(raw),
};

type Row = Record<string, number | string | null>;

export class NsysSqliteImporter implements TraceImporter {
  private readonly buffer = new WholeFileBuffer(MAX_NSYS_BYTES, 'This SQLite file', 'sql.js holds the whole database in 32-bit wasm memory; export a shorter time range with nsys');
  private db!: Database;
  private strings = new Map<number, string>();
  private readonly t: MicrosTime = { us: 0, ns: 0 };
  /** Correlation ids of GPU work, and of API calls, so flows are only drawn when both ends exist. */
  private readonly gpuCorrelations = new Set<number>();
  private readonly apiCorrelations = new Set<number>();

  constructor(private readonly raw: RawTrace) {}

  push(chunk: Uint8Array): void {
    this.buffer.push(chunk);
  }

  async finish(): Promise<void> {
    try {
      this.db = await openSqlite(this.buffer.take());
    } catch (err) {
      throw new TraceFormatError(`The SQLite file could not be opened: ${(err as Error).message}`);
    }
    try {
      const tables = new Set(this.rows(`SELECT name FROM sqlite_master WHERE type = 'table'`).map((r) => String(r.name)));
      if (!['CUPTI_ACTIVITY_KIND_KERNEL', 'CUPTI_ACTIVITY_KIND_RUNTIME', 'OSRT_API', 'NVTX_EVENTS', 'StringIds'].some((t) => tables.has(t))) {
        throw new TraceFormatError('This SQLite file is not an Nsight Systems export (no CUPTI_ACTIVITY_KIND_*, OSRT_API, NVTX_EVENTS or StringIds tables).');
      }
      this.import(tables);
    } catch (err) {
      // sql.js reads pages as queries reach them, so damage inside the file shows up here, as
      // a plain Error from SQLite ("database disk image is malformed"). Other errors are bugs.
      if (err instanceof Error && err.constructor === Error) throw new TraceFormatError(`The SQLite file is damaged: ${err.message}`);
      throw err;
    } finally {
      this.db.close();
    }
    if (this.raw.count === 0) throw new TraceFormatError('The Nsight Systems export has no kernels, API calls, OS runtime calls or NVTX ranges.');
  }

  private import(tables: Set<string>): void {
    const raw = this.raw;
    if (tables.has('StringIds')) for (const r of this.rows('SELECT id, value FROM StringIds')) this.strings.set(Number(r.id), String(r.value));
    this.origin(tables);
    this.names(tables);
    const columns = (table: string) => new Set(this.rows(`PRAGMA table_info(${table})`).map((r) => String(r.name)));
    // GPU work first, so API calls know which correlation ids have a partner.
    if (tables.has('CUPTI_ACTIVITY_KIND_KERNEL')) this.kernels(columns('CUPTI_ACTIVITY_KIND_KERNEL'));
    if (tables.has('CUPTI_ACTIVITY_KIND_MEMCPY')) this.memcpys();
    if (tables.has('CUPTI_ACTIVITY_KIND_MEMSET')) this.memsets();
    if (tables.has('CUPTI_ACTIVITY_KIND_RUNTIME')) this.apiCalls('CUPTI_ACTIVITY_KIND_RUNTIME', 'cuda_runtime');
    if (tables.has('CUPTI_ACTIVITY_KIND_DRIVER')) this.apiCalls('CUPTI_ACTIVITY_KIND_DRIVER', 'cuda_driver');
    this.gpuFlowEnds();
    if (tables.has('OSRT_API')) this.osRuntime();
    if (tables.has('NVTX_EVENTS')) this.nvtx(columns('NVTX_EVENTS'));
    if (tables.has('CUDA_GPU_MEMORY_USAGE_EVENTS')) this.memoryUsage();
    raw.metadata.nsysTables = [...tables].sort();
  }

  /** Session start → absolute time, so the export lines up with Kineto and strace -ttt. */
  private origin(tables: Set<string>): void {
    const raw = this.raw;
    const start = tables.has('TARGET_INFO_SESSION_START_TIME') ? this.rows('SELECT CAST(utcEpochNs AS TEXT) AS ns FROM TARGET_INFO_SESSION_START_TIME LIMIT 1')[0] : undefined;
    if (start && /^\d+$/.test(String(start.ns))) raw.baseNs = BigInt(String(start.ns));
    else raw.warn({ code: 'unaligned', message: 'The export has no TARGET_INFO_SESSION_START_TIME: its times are session-relative and start at 1970-01-01 on the shared axis.' });
    raw.toNs(this.time(0));
  }

  private names(tables: Set<string>): void {
    const raw = this.raw;
    if (tables.has('ThreadNames')) {
      for (const r of this.rows('SELECT nameId, globalTid / 16777216 % 16777216 AS pid, globalTid % 16777216 AS tid FROM ThreadNames')) {
        raw.threadNames.set(`${r.pid}|${r.tid}`, this.str(r.nameId));
      }
    }
    if (tables.has('PROCESSES')) {
      for (const r of this.rows('SELECT pid, name FROM PROCESSES')) if (r.name) raw.processNames.set(String(r.pid), String(r.name).split('/').pop()!);
    }
  }

  private kernels(cols: Set<string>): void {
    const nameCol = cols.has('demangledName') ? 'demangledName' : 'shortName';
    const opt = (c: string) => (cols.has(c) ? c : `NULL AS ${c}`);
    const sql = `SELECT start, end, deviceId, streamId, correlationId, ${nameCol} AS nameId, ${opt('gridX')}, ${opt('gridY')}, ${opt('gridZ')}, ${opt('blockX')}, ${opt('blockY')}, ${opt('blockZ')},
      ${opt('registersPerThread')}, ${opt('staticSharedMemory')}, ${opt('dynamicSharedMemory')}, ${opt('contextId')} FROM CUPTI_ACTIVITY_KIND_KERNEL`;
    this.each(sql, (r) => {
      this.gpu(r, 'kernel', this.str(r.nameId), {
        grid: [r.gridX, r.gridY, r.gridZ],
        block: [r.blockX, r.blockY, r.blockZ],
        'registers per thread': r.registersPerThread,
        'shared memory': r.staticSharedMemory === null ? null : Number(r.staticSharedMemory) + Number(r.dynamicSharedMemory ?? 0),
        context: r.contextId,
      });
    });
  }

  private memcpys(): void {
    this.each('SELECT * FROM CUPTI_ACTIVITY_KIND_MEMCPY', (r) => {
      const kind = COPY_KIND[Number(r.copyKind)] ?? `kind ${r.copyKind}`;
      const route = r.srcKind !== undefined && r.dstKind !== undefined ? ` (${MEMORY_KIND[Number(r.srcKind)] ?? r.srcKind} -> ${MEMORY_KIND[Number(r.dstKind)] ?? r.dstKind})` : '';
      this.gpu(r, 'gpu_memcpy', `Memcpy ${kind}${route}`, { bytes: r.bytes, copyKind: kind, context: r.contextId });
    });
  }

  private memsets(): void {
    this.each('SELECT * FROM CUPTI_ACTIVITY_KIND_MEMSET', (r) => {
      const mem = r.memKind !== undefined ? ` (${MEMORY_KIND[Number(r.memKind)] ?? r.memKind})` : '';
      this.gpu(r, 'gpu_memset', `Memset${mem}`, { bytes: r.bytes, value: r.value, context: r.contextId });
    });
  }

  /** One GPU activity on lane (device, stream), with Kineto's arg names. */
  private gpu(r: Row, cat: string, name: string, args: Record<string, unknown>): void {
    const device = String(r.deviceId);
    const stream = String(r.streamId);
    this.raw.processLabels.set(device, `GPU ${device}`);
    const corr = Number(r.correlationId);
    this.gpuCorrelations.add(corr);
    this.add(RawKind.Slice, r, device, stream, cat, name, { ...args, device: r.deviceId, stream: r.streamId, correlation: corr });
  }

  private apiCalls(table: string, cat: string): void {
    const raw = this.raw;
    this.each(`SELECT start, end, nameId, correlationId, globalTid / 16777216 % 16777216 AS pid, globalTid % 16777216 AS tid FROM ${table}`, (r) => {
      const full = this.str(r.nameId);
      // nsys names carry the API version (cudaLaunchKernel_v7000); Kineto's do not.
      const name = full.replace(/_v\d+$/, '');
      const corr = Number(r.correlationId);
      const pid = String(r.pid);
      const tid = String(r.tid);
      const startNs = this.add(RawKind.Slice, r, pid, tid, cat, name, { correlation: corr, function: full });
      if (this.gpuCorrelations.has(corr) && !Number.isNaN(startNs)) {
        this.apiCorrelations.add(corr);
        raw.addFlow(S, `cuda|${corr}`, startNs, pid, tid, FlowBinding.Enclosing);
      }
    });
  }

  /** The f ends of the flows: at the GPU work of every correlation id an API call launched. */
  private gpuFlowEnds(): void {
    if (this.apiCorrelations.size === 0) return;
    for (const table of ['CUPTI_ACTIVITY_KIND_KERNEL', 'CUPTI_ACTIVITY_KIND_MEMCPY', 'CUPTI_ACTIVITY_KIND_MEMSET']) {
      if (!this.hasTable(table)) continue;
      this.each(`SELECT start, deviceId, streamId, correlationId FROM ${table}`, (r) => {
        const corr = Number(r.correlationId);
        if (this.apiCorrelations.has(corr) && r.start !== null && Number.isFinite(Number(r.start))) this.raw.addFlow(F, `cuda|${corr}`, this.raw.toNs(this.time(Number(r.start))), String(r.deviceId), String(r.streamId), FlowBinding.Enclosing);
      });
    }
  }

  private osRuntime(): void {
    this.each('SELECT start, end, nameId, globalTid / 16777216 % 16777216 AS pid, globalTid % 16777216 AS tid FROM OSRT_API', (r) => {
      this.add(RawKind.Slice, r, String(r.pid), String(r.tid), 'os_runtime', this.str(r.nameId), {});
    });
  }

  private nvtx(cols: Set<string>): void {
    const text = cols.has('textId') ? 'COALESCE(text, (SELECT value FROM StringIds WHERE id = textId))' : 'text';
    const sql = `SELECT start, end, eventType, ${text} AS label, globalTid / 16777216 % 16777216 AS pid, globalTid % 16777216 AS tid FROM NVTX_EVENTS WHERE eventType IN (${NVTX_MARK}, ${NVTX_PUSH_POP}, ${NVTX_START_END})`;
    this.each(sql, (r) => {
      const isRange = Number(r.eventType) !== NVTX_MARK && r.end !== null && Number(r.end) >= Number(r.start);
      this.add(isRange ? RawKind.Slice : RawKind.Instant, isRange ? r : { ...r, end: r.start }, String(r.pid), String(r.tid), 'nvtx', String(r.label ?? 'NVTX range'), {});
    });
  }

  /** cudaMalloc/cudaFree as a running total per device: the real bytes in use. */
  private memoryUsage(): void {
    const inUse = new Map<string, number>();
    this.each('SELECT start, deviceId, bytes, memoryOperationType FROM CUDA_GPU_MEMORY_USAGE_EVENTS ORDER BY start', (r) => {
      const device = String(r.deviceId);
      // memoryOperationType: 0 = allocation, 1 = deallocation.
      const total = (inUse.get(device) ?? 0) + (Number(r.memoryOperationType) === 0 ? 1 : -1) * Number(r.bytes);
      inUse.set(device, total);
      this.raw.processLabels.set(device, `GPU ${device}`);
      this.add(RawKind.Counter, { ...r, end: r.start }, device, device, 'gpu_memory', `GPU ${device} memory`, { Allocated: total });
    });
  }

  /** Appends an event with its args as JSON; returns its start (ns from the origin), NaN for a row without a start (skipped). */
  private add(kind: RawKind, r: Row, pid: string, tid: string, cat: string, name: string, args: Record<string, unknown>): number {
    const raw = this.raw;
    // A damaged export can hold NULL or text where a start belongs: such a row has no place on the axis.
    if (!Number.isFinite(Number(r.start)) || r.start === null) {
      raw.warn({ code: 'bad-ts', message: `A ${cat} row ("${name.slice(0, 80)}") has no valid start time (${String(r.start).slice(0, 40)}); skipped.` });
      return NaN;
    }
    const startNs = raw.toNs(this.time(Number(r.start)));
    const durNs = Math.max(0, Number(r.end) - Number(r.start)) || 0;
    const bytes = encoder.encode(JSON.stringify(args));
    const off = bytes.length > 2 ? raw.args.append(bytes, 0, bytes.length) : 0;
    raw.addEvent(kind, 0, startNs, kind === RawKind.Slice ? durNs : 0, pid, tid, cat, name, off, bytes.length > 2 ? bytes.length : 0);
    return startNs;
  }

  /** Session ns → the µs + ns split RawTrace keeps (exact for any int64 ns below 2^53). */
  private time(ns: number): MicrosTime {
    this.t.us = Math.floor(ns / 1000);
    this.t.ns = ns - this.t.us * 1000;
    return this.t;
  }

  private str(id: number | string | null): string {
    if (typeof id === 'string') return id;
    return this.strings.get(Number(id)) ?? `string ${id}`;
  }

  private hasTable(name: string): boolean {
    return this.rows(`SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = '${name}'`).length > 0;
  }

  private rows(sql: string): Row[] {
    const out: Row[] = [];
    this.each(sql, (r) => out.push(r));
    return out;
  }

  /** Streams rows through a prepared statement (no result set of millions of arrays). */
  private each(sql: string, fn: (r: Row) => void): void {
    const stmt = this.db.prepare(sql);
    try {
      while (stmt.step()) fn(stmt.getAsObject() as Row);
    } finally {
      stmt.free();
    }
  }
}
