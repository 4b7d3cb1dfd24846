// A bounded index writer's sorted runs on disk (issue 24, indexFolder/laneRuns.ts): each run one
// file of its columns one after another, read back part by part (one positioned read per column),
// in a temporary folder of its own that is removed when the writer is done, fails, or the process
// exits, so a run cut short leaves nothing behind. A .gz's args go there too (argsStore).

import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lanePart, type LanePartColumns, type RunPart } from '../../workers/indexFolder/laneRuns';
import type { ColumnsFile, SpillStore, SpilledArray, SpilledType } from '../../workers/indexFolder/boundedIndex';
import { FileArgsStore } from './fileArgsStore';

/** A run's columns in file order: 8-byte ones first (every column starts aligned to its element). */
const RUN_COLUMNS = ['start', 'dur', 'file', 'off', 'name', 'cat', 'argsLen', 'instant', 'flags'] as const;
type RunColumn = (typeof RUN_COLUMNS)[number];

/** A run written: its file and length. */
export interface RunFile {
  path: string;
  n: number;
}

/** The temporary folders not removed yet: removed at the process's exit, and on an interrupt before it ends by it. */
const open = new Set<string>();
const removeOpen = (): void => {
  for (const dir of open) rmSync(dir, { recursive: true, force: true });
  open.clear();
};
let removalArmed = false;
/** Installed with the first folder, not on import: a process that never spills keeps its own exit and signal handling. */
function armRemoval(): void {
  if (removalArmed) return;
  removalArmed = true;
  process.once('exit', removeOpen);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeOpen();
      // Ended by the signal as it would have been without this handler.
      process.kill(process.pid, signal);
    });
  }
}

export class RunFiles implements SpillStore<RunFile, ColumnsFile> {
  readonly dir: string;
  private count = 0;

  /** `under`: where the temporary folder goes (default: the OS's temporary folder). */
  constructor(under = tmpdir()) {
    armRemoval();
    this.dir = mkdtempSync(join(under, 'tracelane-runs-'));
    open.add(this.dir);
  }

  /** Writes events [0, n) of `cols` (a run, in lane order, with each event's place in the file) as a run file. */
  write(cols: LanePartColumns & { file: Float64Array }, n: number): RunFile {
    const path = join(this.dir, `${this.count++}.run`);
    const fd = openSync(path, 'w');
    try {
      for (const key of RUN_COLUMNS) {
        const c = cols[key].subarray(0, n);
        writeSync(fd, new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
      }
    } finally {
      closeSync(fd);
    }
    return { path, n };
  }

  /** A run file's events, `partEvents` at a time (the part's arrays are reused: read each before the next). */
  *read(run: RunFile, partEvents: number): Generator<RunPart> {
    // A short run (a lane's few events of a block) gets arrays of its own size.
    const size = Math.max(1, Math.min(partEvents, run.n));
    const part: RunPart = { ...lanePart(size), file: new Float64Array(size), n: 0 };
    const fd = openSync(run.path, 'r');
    try {
      for (let from = 0; from < run.n; from += partEvents) {
        const n = Math.min(partEvents, run.n - from);
        let at = 0;
        for (const key of RUN_COLUMNS) {
          const c = part[key as RunColumn];
          const size = c.BYTES_PER_ELEMENT;
          const got = readSync(fd, new Uint8Array(c.buffer, c.byteOffset, n * size), 0, n * size, at + from * size);
          if (got !== n * size) throw new Error(`${run.path} is shorter than its ${run.n} events`);
          at += run.n * size;
        }
        part.n = n;
        yield part;
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Columns of `n` values each (a block of the parse's events, a lane's args locations) as one file. */
  writeColumns(cols: readonly SpilledArray[], n: number): ColumnsFile {
    const path = join(this.dir, `${this.count++}.cols`);
    const fd = openSync(path, 'w');
    try {
      for (const c of cols) {
        const v = c.subarray(0, n);
        writeSync(fd, new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      }
    } finally {
      closeSync(fd);
    }
    return { path, n };
  }

  /** A columns file read back whole, into new arrays of the types given (those it was written from). */
  readColumns(file: ColumnsFile, types: readonly SpilledType[]): SpilledArray[] {
    const fd = openSync(file.path, 'r');
    try {
      let at = 0;
      return types.map((T) => {
        const c = new T(file.n);
        const bytes = new Uint8Array(c.buffer, c.byteOffset, c.byteLength);
        if (readSync(fd, bytes, 0, bytes.length, at) !== bytes.length) throw new Error(`${file.path} is shorter than its ${file.n} events`);
        at += bytes.length;
        return c;
      });
    } finally {
      closeSync(fd);
    }
  }

  /** A file for the args the parse cannot leave in the trace (a .gz's), closed and removed with the folder. */
  argsStore(): FileArgsStore {
    const store = new FileArgsStore(join(this.dir, `${this.count++}.args`));
    this.argsStores.push(store);
    return store;
  }

  private readonly argsStores: FileArgsStore[] = [];

  /** Removes the folder and every run in it. */
  remove(): void {
    for (const store of this.argsStores.splice(0)) store.close();
    rmSync(this.dir, { recursive: true, force: true });
    open.delete(this.dir);
  }
}

/** Runs `work` with a RunFiles, removed when it ends, returns or throws. */
export async function withRunFiles<T>(work: (runs: RunFiles) => Promise<T>, under?: string): Promise<T> {
  const runs = new RunFiles(under);
  try {
    return await work(runs);
  } finally {
    runs.remove();
  }
}
