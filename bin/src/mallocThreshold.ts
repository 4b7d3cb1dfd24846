// glibc's malloc gives a freed block back to the system only if it had a mapping of its own (mmap).
// The size from which a block gets one starts at 128 kB, but rises to the size of the largest such
// block freed (up to 32 MB): once the writer drops its first big typed array (V8 allocates their
// memory with malloc), arrays up to 32 MB come from the heap, whose freed space stays in the
// process's RSS. Fixing the threshold (MALLOC_MMAP_THRESHOLD_, which also stops the rise) lets each
// array's memory go when it is collected: synthetic-1GB's peak RSS 637 → 500 MB (bench/README.md).
// glibc reads the variable when a process starts, so the CLI runs itself again with it set.

import { spawnSync } from 'node:child_process';

const VARIABLE = 'MALLOC_MMAP_THRESHOLD_';
/**
 * Below glibc's own starting threshold (128 kB): Node's gunzip hands a .gz's inflated bytes over in 16 KB
 * buffers, ~640 000 of them at 10 GB among longer-lived blocks; from the heap they left it fragmented,
 * ~0.15 GB more RSS through the summaries (a 10 GB .gz peaked at 1,478,632–1,499,536 KiB; at 16 KB,
 * 1,399,176; bench/README.md, 2026-12-05). A mapping each cost ~20 s of system time there.
 */
const THRESHOLD_BYTES = 16 << 10;

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
