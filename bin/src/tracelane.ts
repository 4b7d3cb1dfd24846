// `npm run index -- TRACE… --out DIR`: parses, lane-maps and indexes each trace with the code the
// browser's trace worker runs (workers/ingest/loadTrace.ts) and writes DIR/<file name>/, an index
// folder (workers/indexFolder/format.ts) that `?index=` opens. Built to bin/tracelane.mjs by `npm run build`.

import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { loadTrace } from '../../workers/ingest/loadTrace';
import { writeIndexFolder, type WriteIndexOptions } from '../../workers/indexFolder/writeIndex';
import { writeBoundedIndex } from '../../workers/indexFolder/boundedIndex';
import type { LoadProgress } from '../../src/model/types';
import { withRunFiles } from './runFiles';
import { readManifest } from '../../workers/indexFolder/openIndex';
import { DEFAULT_CHUNK_EVENTS, type IndexManifest } from '../../workers/indexFolder/format';
import { traceKeyFromName } from '../../src/model/keys';
import { dirFiles, dirSink } from './dirFolder';
import { openTraceFile } from './nodeFile';
import { collectGarbage } from './collectGarbage';
import { onLargeBufferDropped } from '../../workers/ingest/growable';
import { parseOnThreads } from './nodeWorkers';
import { availableParallelism } from 'node:os';
import { RANK_ENV, RANK_PLACEHOLDER, RankInputError, rankInput } from './rankInput';
import { mergeJob } from './mergeJob';
import { rerunWithFixedMmapThreshold } from './mallocThreshold';
import { JOB_FILE } from '../../workers/indexFolder/jobFormat';

/**
 * Events the bounded writer's parse holds before it spills them: its columns (46 B an event) grow by
 * doubling from 1 024, so 1 M plus a pushed chunk's events stay within 2^20 (48 MB), never 2^21. At
 * 4 M (0.19 GB) the parse of synthetic-10GB peaked at 1,476,896 KiB, past the bound (bench/README.md).
 */
const DEFAULT_BLOCK_EVENTS = 1_000_000;
/** The parse's chunks are pushed 1 MB at a time (at most ~20 000 events: a block never passes 2^20). */
const PUSH_BYTES = 1 << 20;

const HELP = `Usage: npm run index -- TRACE… --out DIR [--chunk-events N] [--in-memory [--threads N]] [--force]
       npm run index -- --rank-from-env --out DIR TRACE_0 TRACE_1 …   (or one pattern: 'traces/rank${RANK_PLACEHOLDER}.json.gz')
       npm run index -- --merge DIR

Indexes each trace once, so the tracelane portal opens it at any size:
DIR/<trace file name>/ becomes an index folder; open it with ?index=<its URL>.

  --out DIR            where the index folders go (created if missing)
  --chunk-events N     events per lane chunk file (default ${DEFAULT_CHUNK_EVENTS})
  --block-events N     events the parse holds before it spills them to a temporary folder
                       beside DIR (default ${DEFAULT_BLOCK_EVENTS.toLocaleString('en-US')}: ~50 MB of them)
  --in-memory          load the whole trace, then write its index (faster on a big plain
                       trace parsed on several threads; memory grows with the trace)
  --threads N          with --in-memory: threads a big plain trace is parsed on (default: one
                       per core, at most 4)
  --force              index again even when DIR already holds a current index
  --rank-from-env      one pod of a Kubernetes Indexed Job: index only the trace of number
                       ${RANK_ENV} (0-based: the i-th TRACE named, or the one TRACE pattern with
                       ${RANK_PLACEHOLDER} replaced by it) into DIR/rank-<i>/<trace file name>/
  --merge DIR          after every rank is indexed: write DIR/${JOB_FILE} (the ranks, their
                       fingerprints, extents and world size, and their communication ops for the
                       stall finder); ?index=<DIR's URL> then opens the whole job
  --help               this text

An index is current when it is complete and was written by this version from a file of the
same size and modification time; current ones are skipped. Progress goes to stderr.`;

interface Args {
  traces: string[];
  out: string;
  chunkEvents: number;
  blockEvents: number;
  inMemory: boolean;
  force: boolean;
  rankFromEnv: boolean;
  threads: number;
}

function parseArgs(argv: string[]): Args | 'help' | { merge: string } {
  const traces: string[] = [];
  let out = '';
  let chunkEvents = DEFAULT_CHUNK_EVENTS;
  let blockEvents = DEFAULT_BLOCK_EVENTS;
  let inMemory = false;
  let force = false;
  let rankFromEnv = false;
  let threads = availableParallelism();
  let merge: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return 'help';
    else if (a === '--out') out = argv[++i] ?? '';
    else if (a === '--chunk-events') chunkEvents = Number(argv[++i]);
    else if (a === '--block-events') blockEvents = Number(argv[++i]);
    else if (a === '--in-memory') inMemory = true;
    else if (a === '--force') force = true;
    else if (a === '--threads') threads = Number(argv[++i]);
    else if (a === '--rank-from-env') rankFromEnv = true;
    else if (a === '--merge') merge = argv[++i] ?? '';
    else if (a.startsWith('--')) throw new UsageError(`Unknown option ${a}.`);
    else traces.push(a);
  }
  if (merge !== null) {
    if (!merge) throw new UsageError('Name the job folder to merge: --merge DIR.');
    if (traces.length || out || rankFromEnv) throw new UsageError('--merge DIR takes no traces, --out or --rank-from-env: it gathers what the ranks wrote into DIR.');
    return { merge };
  }
  if (!traces.length) throw new UsageError('Name at least one trace file.');
  if (!out) throw new UsageError('Name the output folder with --out DIR.');
  if (!Number.isInteger(chunkEvents) || chunkEvents < 1) throw new UsageError('--chunk-events takes a positive whole number.');
  if (!Number.isInteger(blockEvents) || blockEvents < 1) throw new UsageError('--block-events takes a positive whole number.');
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError('--threads takes a positive whole number.');
  return { traces, out, chunkEvents, blockEvents, inMemory, force, rankFromEnv, threads };
}

class UsageError extends Error {}


/** The index in `dir` when it is complete, of this version and from this very input. */
async function currentIndex(dir: string, input: IndexManifest['input']): Promise<IndexManifest | null> {
  try {
    const m = await readManifest(dirFiles(dir));
    return m.input.name === input.name && m.input.bytes === input.bytes && m.input.mtimeMs === input.mtimeMs ? m : null;
  } catch {
    return null;
  }
}

async function indexOne(path: string, args: Args, taken: Set<string>): Promise<void> {
  const name = basename(path);
  const stat = statSync(path);
  const input = { name, bytes: stat.size, mtimeMs: stat.mtimeMs };
  const dir = join(args.out, name);
  // The index folder is cleared before it is written: never where the trace itself lies.
  const trace = resolve(path);
  if (trace === resolve(dir) || trace.startsWith(resolve(dir) + sep)) throw new Error(`its index would go to ${dir}, which is the trace itself: choose another --out.`);
  if (!args.force && (await currentIndex(dir, input))) {
    process.stderr.write(`${name}: ${dir} is current, skipped\n`);
    return;
  }
  const t0 = performance.now();
  let last = 0;
  const key = traceKeyFromName(name, taken);
  const onLoadProgress = (p: LoadProgress): void => {
    const now = performance.now();
    if (now - last < 1000) return;
    last = now;
    const pct = p.bytesTotal ? ` ${Math.round((100 * p.bytesDone) / p.bytesTotal)}%` : '';
    process.stderr.write(`${name}: ${p.phase}${pct}, ${p.events.toLocaleString('en-US')} events\n`);
  };
  const options: WriteIndexOptions = {
    input,
    chunkEvents: args.chunkEvents,
    collect: collectGarbage,
    onProgress: (done, total) => {
      const now = performance.now();
      if (now - last < 1000) return;
      last = now;
      process.stderr.write(`${name}: written ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} events\n`);
    },
    onSummary: (summary) => process.stderr.write(`${name}: summary ${summary}\n`),
  };
  // The writer loads the trace itself (writeIndexFolder's `load`): it holds the only reference, so the
  // in-memory index is garbage once its files are written, before the summaries are computed.
  const load = async () => {
    onLargeBufferDropped(collectGarbage);
    const index = await loadTrace({ kind: 'file', file: openTraceFile(path), name }, { trace: key, onProgress: onLoadProgress });
    // Each helper that parsed a piece marks its first bytes (parallelParse.ts, streamPieces.ts): this thread and those.
    const threads = 1 + Object.keys(index.result.stagesMs ?? {}).filter((s) => /^fragment \d+ first bytes$/.test(s)).length;
    process.stderr.write(`${name}: parsed on ${threads} thread${threads > 1 ? 's' : ''} and indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s, writing ${dir}\n`);
    onLargeBufferDropped(null);
    // File names are content hashes: an older index's files would only linger.
    rmSync(dir, { recursive: true, force: true });
    collectGarbage();
    return index;
  };
  // The bounded writer's runs go beside the index (the OS's temporary folder may be small).
  mkdirSync(args.out, { recursive: true });
  const manifest = args.inMemory
    ? await writeIndexFolder(load, dirSink(dir), options)
    : await withRunFiles(async (store) => {
        // File names are content hashes: an older index's files would only linger.
        rmSync(dir, { recursive: true, force: true });
        // A .gz's args cannot be read back from the trace by offset: on disk, not in memory.
        const argsFile = store.argsStore();
        return writeBoundedIndex({ kind: 'file', file: openTraceFile(path), name }, store, dirSink(dir), {
          ...options,
          trace: key,
          blockEvents: args.blockEvents,
          pushBytes: PUSH_BYTES,
          args: argsFile,
          onLoadProgress,
          onParsed: (raw, blocks) => {
            const kept = argsFile.size ? `, ${argsFile.size.toLocaleString('en-US')} bytes of args kept there` : '';
            process.stderr.write(`${name}: parsed in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${(raw.spilled + raw.count).toLocaleString('en-US')} events (${blocks} block${blocks === 1 ? '' : 's'} spilled to ${store.dir}${kept}), writing ${dir}\n`);
          },
        });
      }, args.out);
  const rss = (process.memoryUsage().rss / 2 ** 20).toFixed(0);
  process.stderr.write(`${name}: done, ${manifest.result.events.toLocaleString('en-US')} events in ${manifest.lanes.length + manifest.counters.length} lanes, ${((performance.now() - t0) / 1000).toFixed(1)} s, RSS ${rss} MB\n`);
}

async function main(argv: string[]): Promise<number> {
  let args: Args | 'help' | { merge: string };
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`tracelane: ${err.message}\n\n${HELP}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if ('merge' in args) return merge(args.merge);
  if (args.rankFromEnv) {
    try {
      const picked = rankInput(args.traces, args.out, process.env);
      if (!existsSync(picked.trace)) throw new RankInputError(`--rank-from-env: no trace for ${RANK_ENV}=${picked.index}: ${picked.trace} does not exist.`);
      process.stderr.write(`${RANK_ENV}=${picked.index}: ${picked.trace} → ${picked.out}\n`);
      args = { ...args, traces: [picked.trace], out: picked.out };
    } catch (err) {
      if (!(err instanceof RankInputError)) throw err;
      process.stderr.write(`tracelane: ${err.message}\n`);
      return 2;
    }
  }
  parseOnThreads(args.threads);
  const taken = new Set<string>();
  let failed = 0;
  for (const path of args.traces) {
    try {
      await indexOne(path, args, taken);
    } catch (err) {
      failed++;
      // The message the browser shows for the same input (importers, loadTrace).
      process.stderr.write(`tracelane: ${basename(path)}: ${(err as Error).message}\n`);
    }
  }
  return failed ? 1 : 0;
}

async function merge(dir: string): Promise<number> {
  try {
    const job = await mergeJob(dir, (line) => process.stderr.write(`${line}\n`));
    process.stderr.write(`${dir}/${JOB_FILE}: ${job.ranks.length} ranks${job.worldSize === null ? '' : ` of world size ${job.worldSize}`}, ${job.comms.ops.toLocaleString('en-US')} comm ops\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`tracelane: --merge ${dir}: ${(err as Error).message}\n`);
    return 1;
  }
}

const rerun = rerunWithFixedMmapThreshold();
if (rerun !== null) process.exit(rerun);
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`tracelane: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
