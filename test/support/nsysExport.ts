// A small Nsight Systems SQLite export with the documented schema (nsys export
// --type sqlite), built with sql.js. Shared by the unit tests and the e2e test; the
// rows are exported so tests compute their expectations from them.

import initSqlJs from 'sql.js';

export const SCHEMA = `
CREATE TABLE StringIds (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE ThreadNames (nameId INTEGER NOT NULL, priority INTEGER, globalTid INTEGER);
CREATE TABLE PROCESSES (globalPid INTEGER, pid INTEGER, name TEXT);
CREATE TABLE TARGET_INFO_SESSION_START_TIME (utcEpochNs INTEGER, utcTime TEXT, localTime TEXT);
CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (start INTEGER NOT NULL, end INTEGER NOT NULL, deviceId INTEGER NOT NULL, contextId INTEGER NOT NULL,
  streamId INTEGER NOT NULL, correlationId INTEGER, globalPid INTEGER, demangledName INTEGER NOT NULL, shortName INTEGER NOT NULL,
  mangledName INTEGER, launchType INTEGER, cacheConfig INTEGER, registersPerThread INTEGER NOT NULL, gridX INTEGER NOT NULL,
  gridY INTEGER NOT NULL, gridZ INTEGER NOT NULL, blockX INTEGER NOT NULL, blockY INTEGER NOT NULL, blockZ INTEGER NOT NULL,
  staticSharedMemory INTEGER NOT NULL, dynamicSharedMemory INTEGER NOT NULL, localMemoryPerThread INTEGER, localMemoryTotal INTEGER,
  gridId INTEGER, sharedMemoryExecuted INTEGER);
CREATE TABLE CUPTI_ACTIVITY_KIND_MEMCPY (start INTEGER NOT NULL, end INTEGER NOT NULL, deviceId INTEGER NOT NULL, contextId INTEGER NOT NULL,
  streamId INTEGER NOT NULL, correlationId INTEGER, globalPid INTEGER, bytes INTEGER NOT NULL, copyKind INTEGER NOT NULL,
  deprecatedSrcId INTEGER, srcKind INTEGER, dstKind INTEGER, srcDeviceId INTEGER, srcContextId INTEGER, dstDeviceId INTEGER,
  dstContextId INTEGER, migrationCause INTEGER, graphNodeId INTEGER);
CREATE TABLE CUPTI_ACTIVITY_KIND_MEMSET (start INTEGER NOT NULL, end INTEGER NOT NULL, deviceId INTEGER NOT NULL, contextId INTEGER NOT NULL,
  streamId INTEGER NOT NULL, correlationId INTEGER, globalPid INTEGER, value INTEGER NOT NULL, bytes INTEGER NOT NULL, graphNodeId INTEGER, memKind INTEGER);
CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (start INTEGER NOT NULL, end INTEGER NOT NULL, eventClass INTEGER NOT NULL, globalTid INTEGER,
  correlationId INTEGER, nameId INTEGER NOT NULL, returnValue INTEGER NOT NULL, callchainId INTEGER);
CREATE TABLE OSRT_API (start INTEGER NOT NULL, end INTEGER NOT NULL, eventClass INTEGER NOT NULL, globalTid INTEGER, nameId INTEGER NOT NULL,
  returnValue INTEGER NOT NULL, nestingLevel INTEGER, callchainId INTEGER);
CREATE TABLE NVTX_EVENTS (start INTEGER NOT NULL, end INTEGER, eventType INTEGER NOT NULL, rangeId INTEGER, category INTEGER, color INTEGER,
  text TEXT, globalTid INTEGER, endGlobalTid INTEGER, textId INTEGER, domainId INTEGER, uint64Value INTEGER, int64Value INTEGER,
  doubleValue REAL, uint32Value INTEGER, int32Value INTEGER, floatValue REAL, jsonTextId INTEGER, jsonText TEXT);
CREATE TABLE CUDA_GPU_MEMORY_USAGE_EVENTS (start INTEGER NOT NULL, globalPid INTEGER, deviceId INTEGER, contextId INTEGER, address INTEGER,
  pc INTEGER, bytes INTEGER, memKind INTEGER, memoryOperationType INTEGER, name INTEGER, correlationId INTEGER, streamId INTEGER);
`;

export const PID = 31337;
export const MAIN = 31337;
export const LOADER = 31340;
export const SESSION_START = 1_795_593_200_123_456_789n;
/** The documented packing: a VM/host id in the top byte, then pid and tid in 24 bits each. */
export const globalTid = (pid: number, tid: number) => ((1n << 56n) + (BigInt(pid) << 24n) + BigInt(tid)).toString();

export const strings = ['cudaLaunchKernel_v7000', 'cudaMemcpyAsync_v3020', 'void gemm_kernel<float>(float*, int)', 'gemm', 'ioctl', 'pthread_cond_wait', 'python3', 'loader', 'load_weights'];
const sid = (s: string) => strings.indexOf(s) + 1;

// Runtime calls and the GPU work they launched (correlation ids), plus one call with no GPU work.
export const runtime = [
  { start: 1_000, end: 6_000, corr: 11, name: 'cudaLaunchKernel_v7000', tid: MAIN },
  { start: 8_000, end: 9_000, corr: 12, name: 'cudaLaunchKernel_v7000', tid: MAIN },
  { start: 10_000, end: 14_000, corr: 13, name: 'cudaMemcpyAsync_v3020', tid: MAIN },
  { start: 20_000, end: 21_000, corr: 14, name: 'cudaLaunchKernel_v7000', tid: LOADER },
];
export const kernels = [
  { start: 7_000, end: 50_000, stream: 7, corr: 11 },
  { start: 50_500, end: 90_000, stream: 7, corr: 12 },
];
export const memcpys = [{ start: 90_500, end: 95_000, stream: 7, corr: 13, bytes: 1 << 20, copyKind: 1, srcKind: 2, dstKind: 3 }];
export const memsets = [{ start: 96_000, end: 96_500, stream: 13, corr: 99, bytes: 4096 }];
export const osrt = [
  { start: 500, end: 700, name: 'ioctl', tid: MAIN },
  { start: 2_000, end: 60_000, name: 'pthread_cond_wait', tid: LOADER },
  { start: 61_000, end: 61_500, name: 'ioctl', tid: LOADER },
];
export const nvtx = [
  { start: 0, end: 100_000, type: 59, text: 'step 0', textId: null, tid: MAIN },
  { start: 15_000, end: 70_000, type: 59, text: null, textId: 'load_weights', tid: LOADER },
  { start: 30_000, end: null, type: 34, text: 'checkpoint', textId: null, tid: MAIN },
];
export const memory = [
  { start: 900, bytes: 1 << 30, op: 0 },
  { start: 15_000, bytes: 1 << 28, op: 0 },
  { start: 97_000, bytes: 1 << 30, op: 1 },
];

export async function buildExport(): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(SCHEMA);
  strings.forEach((s, i) => db.run('INSERT INTO StringIds VALUES (?, ?)', [i + 1, s]));
  db.run(`INSERT INTO ThreadNames VALUES (${sid('loader')}, 0, ${globalTid(PID, LOADER)})`);
  db.run(`INSERT INTO PROCESSES VALUES (${globalTid(PID, 0)}, ${PID}, '/usr/bin/python3')`);
  db.run(`INSERT INTO TARGET_INFO_SESSION_START_TIME VALUES (${SESSION_START}, '', '')`);
  for (const r of runtime) db.run(`INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME VALUES (${r.start}, ${r.end}, 1, ${globalTid(PID, r.tid)}, ${r.corr}, ${sid(r.name)}, 0, 0)`);
  for (const k of kernels) {
    db.run(`INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES (${k.start}, ${k.end}, 0, 1, ${k.stream}, ${k.corr}, ${globalTid(PID, 0)}, ${sid('void gemm_kernel<float>(float*, int)')}, ${sid('gemm')},
      0, 0, 0, 64, 128, 1, 1, 256, 1, 1, 1024, 2048, 0, 0, 0, 0)`);
  }
  for (const m of memcpys) db.run(`INSERT INTO CUPTI_ACTIVITY_KIND_MEMCPY VALUES (${m.start}, ${m.end}, 0, 1, ${m.stream}, ${m.corr}, ${globalTid(PID, 0)}, ${m.bytes}, ${m.copyKind}, 0, ${m.srcKind}, ${m.dstKind}, 0, 0, 0, 0, 0, 0)`);
  for (const m of memsets) db.run(`INSERT INTO CUPTI_ACTIVITY_KIND_MEMSET VALUES (${m.start}, ${m.end}, 0, 1, ${m.stream}, ${m.corr}, ${globalTid(PID, 0)}, 0, ${m.bytes}, 0, 3)`);
  for (const o of osrt) db.run(`INSERT INTO OSRT_API VALUES (${o.start}, ${o.end}, 27, ${globalTid(PID, o.tid)}, ${sid(o.name)}, 0, 0, 0)`);
  for (const n of nvtx) {
    db.run(`INSERT INTO NVTX_EVENTS (start, end, eventType, text, globalTid, textId) VALUES (?, ?, ?, ?, ${globalTid(PID, n.tid)}, ?)`, [n.start, n.end, n.type, n.text, n.textId ? sid(n.textId) : null]);
  }
  for (const m of memory) db.run(`INSERT INTO CUDA_GPU_MEMORY_USAGE_EVENTS VALUES (${m.start}, ${globalTid(PID, 0)}, 0, 1, 0, 0, ${m.bytes}, 3, ${m.op}, 0, 0, 7)`);
  const bytes = db.export();
  db.close();
  return bytes;
}
