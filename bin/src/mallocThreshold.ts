// glibc's malloc gives a freed block back to the system only if it had a mapping of its own (mmap).
// The size from which a block gets one starts at 128 kB, but rises to the size of the largest such
// block freed (up to 32 MB): once the writer drops its first big typed array (V8 allocates their
// memory with malloc), arrays up to 32 MB come from the heap, whose freed space stays in the
// process's RSS. Fixing the threshold (MALLOC_MMAP_THRESHOLD_, which also stops the rise) lets each
// array's memory go when it is collected: synthetic-1GB's peak RSS 637 → 500 MB (bench/README.md).
// glibc reads the variable when a process starts, so the CLI runs itself again with it set.

import { spawnSync } from 'node:child_process';

const VARIABLE = 'MALLOC_MMAP_THRESHOLD_';
/** glibc's own starting threshold. */
const THRESHOLD_BYTES = 128 << 10;

/**
 * On Linux, when the variable is not set yet: runs this very command again with it set, and returns
 * its exit code (the caller exits with it). Else null: this process goes on.
 */
export function rerunWithFixedMmapThreshold(): number | null {
  if (process.platform !== 'linux' || process.env[VARIABLE] !== undefined) return null;
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, [VARIABLE]: String(THRESHOLD_BYTES) } });
  if (child.error) throw child.error;
  return child.status ?? 1;
}
