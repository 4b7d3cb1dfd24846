// Issue 24, a bounded index writer: sorted runs spilled to a temporary folder (bin/src/runFiles.ts)
// read back part by part give the columns written, and the folder is gone once the work is done
// or has failed.

import { describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../bench/traceGenerator.mjs';
import { RunFiles, withRunFiles } from '../../bin/src/runFiles';
import { ByteStore } from '../../workers/ingest/growable';
import { lanePart, type RunPart } from '../../workers/indexFolder/laneRuns';

const KEYS = ['start', 'dur', 'file', 'off', 'name', 'cat', 'argsLen', 'instant', 'flags'] as const;

/** A run of `n` events of random values (of each column's range: fractions, negatives, large ids). */
function randomRun(n: number, seed: number): RunPart {
  const rnd = mulberry32(seed);
  const run: RunPart = { ...lanePart(n), file: new Float64Array(n), n };
  for (let k = 0; k < n; k++) {
    run.start[k] = (rnd() - 0.25) * 1e12;
    run.dur[k] = rnd() * 1e6;
    run.file[k] = Math.floor(rnd() * 3e7);
    run.off[k] = rnd() < 0.3 ? -1 : Math.floor((rnd() - 0.5) * 2e10);
    run.name[k] = Math.floor(rnd() * 2 ** 32);
    run.cat[k] = Math.floor(rnd() * 70_000);
    run.argsLen[k] = Math.floor(rnd() * 100_000);
    run.instant[k] = rnd() < 0.2 ? 1 : 0;
    run.flags[k] = Math.floor(rnd() * 256);
  }
  return run;
}

/** The events of a run read in parts, each column as plain numbers. */
function readAll(parts: Iterable<RunPart>): Record<string, number[]> {
  const out: Record<string, number[]> = Object.fromEntries(KEYS.map((k) => [k, []]));
  for (const p of parts) for (const key of KEYS) out[key].push(...Array.from(p[key].subarray(0, p.n)));
  return out;
}

describe('run files (issue 24)', () => {
  it('reads back every run as written, in parts of any size', async () => {
    await withRunFiles(async (files) => {
      const runs = [0, 1, 10_007].map((n, i) => randomRun(n, i + 1));
      const written = runs.map((r) => files.write(r, r.n));
      expect(readdirSync(files.dir)).toHaveLength(3);
      for (const [i, run] of runs.entries()) {
        const want = Object.fromEntries(KEYS.map((k) => [k, Array.from(run[k])]));
        for (const part of [1, 333, 4096, 20_000]) expect(readAll(files.read(written[i], part)), `run ${i}, parts of ${part}`).toEqual(want);
      }
    });
  });

  it('writes only the first n events of the columns given', async () => {
    await withRunFiles(async (files) => {
      const run = randomRun(100, 9);
      const got = readAll(files.read(files.write(run, 40), 7));
      expect(got.start).toEqual(Array.from(run.start.subarray(0, 40)));
      expect(got.flags).toEqual(Array.from(run.flags.subarray(0, 40)));
    });
  });

  it('removes its folder once the work is done, and when it fails', async () => {
    const under = mkdtempSync(join(tmpdir(), 'tracelane-runs-test-'));
    try {
      let dir = '';
      await withRunFiles(async (files) => {
        dir = files.dir;
        files.write(randomRun(10, 3), 10);
      }, under);
      expect(dir.startsWith(under)).toBe(true);
      expect(existsSync(dir)).toBe(false);
      await expect(
        withRunFiles(async (files) => {
          dir = files.dir;
          files.write(randomRun(10, 4), 10);
          throw new Error('the writer failed');
        }, under),
      ).rejects.toThrow('the writer failed');
      expect(existsSync(dir)).toBe(false);
      expect(readdirSync(under)).toEqual([]);
    } finally {
      rmSync(under, { recursive: true, force: true });
    }
  });

  it('refuses a run file cut short', () => {
    const files = new RunFiles();
    try {
      const run = files.write(randomRun(50, 5), 50);
      truncateSync(run.path, 100);
      expect(() => readAll(files.read(run, 10))).toThrow(/shorter than its 50 events/);
    } finally {
      files.remove();
    }
    expect(existsSync(files.dir)).toBe(false);
  });

  it('arms its exit and signal handlers with its first folder, not when imported', async () => {
    vi.resetModules();
    const counts = () => ['exit', 'SIGINT', 'SIGTERM'].map((e) => process.listenerCount(e));
    const before = counts();
    const fresh = await import('../../bin/src/runFiles');
    expect(counts()).toEqual(before);
    await fresh.withRunFiles(async () => undefined);
    expect(counts()).toEqual(before.map((n) => n + 1));
    await fresh.withRunFiles(async () => undefined);
    expect(counts()).toEqual(before.map((n) => n + 1));
  });
});

describe("a .gz's args kept in the run folder (FileArgsStore)", () => {
  it('gives the offsets and bytes the in-memory store gives, read in any order, and is removed with the folder', () => {
    const rnd = mulberry32(24);
    const memory = Object.assign(new ByteStore(), { compress: false });
    const under = mkdtempSync(join(tmpdir(), 'tracelane-args-test-'));
    const runs = new RunFiles(under);
    const file = runs.argsStore();
    const stored: { off: number; bytes: Uint8Array }[] = [];
    // Mostly small args, some past the store's write and read sizes (1 MB), a few read back while appending.
    for (let i = 0; i < 3000; i++) {
      const len = rnd() < 0.002 ? 1_500_000 + Math.floor(rnd() * 1e6) : 1 + Math.floor(rnd() * 2000);
      const bytes = Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
      const from = Math.floor(rnd() * 4);
      const padded = new Uint8Array(len + 8);
      padded.set(bytes, from);
      const off = file.append(padded, from, from + len);
      expect(off).toBe(memory.append(padded, from, from + len));
      stored.push({ off, bytes });
      if (rnd() < 0.01) expect(Buffer.from(file.read(off, len)).equals(Buffer.from(bytes))).toBe(true);
    }
    file.seal();
    expect(stored.filter((s) => s.bytes.length > 1 << 20).length).toBeGreaterThan(0);
    for (const { off, bytes } of [...stored, ...stored.slice().reverse()]) {
      expect(Buffer.from(file.read(off, bytes.length)).equals(Buffer.from(memory.read(off, bytes.length)))).toBe(true);
    }
    expect(readdirSync(runs.dir).length).toBe(1);
    runs.remove();
    expect(existsSync(runs.dir)).toBe(false);
    rmSync(under, { recursive: true });
  });
});
