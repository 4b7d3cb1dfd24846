// The benchmark's traces: which files exist, how they are made, and how `--sizes` names them.
// Shared by bench/generate.mjs (makes them) and bench/run.mjs (measures them).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(benchDir, '..');
export const outDir = path.join(benchDir, 'out');
export const corpusDir = path.resolve(repoRoot, process.env.CORPUS_DIR || '../shared/corpus');
/** Public Kineto traces (read only, never copied into the repository: derived files go to bench/out/). */
export const externalDir = path.resolve(repoRoot, process.env.EXTERNAL_DIR || '../shared/external');
export const REAL_TRACE = 'llm_decode_large.json';
export const SEED = 20240917;

/**
 * One entry per measured file. `size` is the group `--sizes` selects; `source` says how the
 * file is made: generated text of `targetBytes`, its gzip (or BGZF: bench/bgzfWriter.mjs; `twin`
 * is the single-member .gz of the same bytes), the real corpus trace, or a file derived from a
 * real one (bench/derivedTraces.mjs; `from` is the .gz it is made from).
 */
export const TRACES = [
  { size: '10', file: 'synthetic-10MB.json', source: 'generate', targetBytes: 10e6 },
  { size: '100', file: 'synthetic-100MB.json', source: 'generate', targetBytes: 100e6 },
  { size: '100', file: 'synthetic-100MB.json.gz', source: 'gzip', of: 'synthetic-100MB.json' },
  // issue 16: the same bytes as BGZF (64 kB members naming their sizes: inflated and parsed in parallel), beside its single-member twin
  { size: '100', file: 'synthetic-100MB-bgzf.json.gz', source: 'bgzf', of: 'synthetic-100MB.json', twin: 'synthetic-100MB.json.gz' },
  { size: 'real', file: REAL_TRACE, source: 'corpus-gunzip' },
  { size: 'real', file: `${REAL_TRACE}.gz`, source: 'corpus-copy' },
  // issue 15: the real trace's events three times (~296 MB), and its events key-shuffled and minified
  { size: '300', file: 'llm_decode_large-x3.json', source: 'tripled', from: path.join(corpusDir, `${REAL_TRACE}.gz`) },
  { size: 'shuffled', file: 'llm_decode_large-shuffled.min.json', source: 'shuffled', from: path.join(corpusDir, `${REAL_TRACE}.gz`) },
  // External Kineto files, gunzipped: one line of 62 MB (MI300X), and 87 MB pretty-printed (MTIA)
  { size: 'external', file: 'tracelens__xdit_sd_3.5__profile_trace_rank_0.json', source: 'external-gunzip', from: path.join(externalDir, 'kineto', 'tracelens__xdit_sd_3.5__profile_trace_rank_0.json.gz') },
  { size: 'external', file: 'hta__mtia_rank_0.json', source: 'external-gunzip', from: path.join(externalDir, 'kineto', 'hta__mtia_rank_0.json.gz') },
  { size: '1g', file: 'synthetic-1GB.json', source: 'generate', targetBytes: 1e9 },
  { size: '1g', file: 'synthetic-1GB.json.gz', source: 'gzip', of: 'synthetic-1GB.json' },
  { size: '1g', file: 'synthetic-1GB-bgzf.json.gz', source: 'bgzf', of: 'synthetic-1GB.json', twin: 'synthetic-1GB.json.gz' },
  { size: 'index', file: 'synthetic-1GB.json', source: 'generate', targetBytes: 1e9, open: 'index' },
  // issue 24's 10 GB row: opt-in (generating and indexing take ~25 min and 10 GB of disk)
  { size: 'index10g', file: 'synthetic-10GB.json', source: 'generate', targetBytes: 10e9, open: 'index' },
  { size: '2g', file: 'synthetic-2GB.json', source: 'generate', targetBytes: 2e9 },
  { size: '2g', file: 'synthetic-2GB.json.gz', source: 'gzip', of: 'synthetic-2GB.json' },
];

export const ALL_SIZES = ['10', '100', 'real', '300', 'shuffled', 'external', '1g', 'index', '2g'];
/** Size groups run only when named in --sizes. */
export const OPT_IN_SIZES = ['index10g'];
const ALIASES = { '10g': 'index10g', 1000: '1g', 1024: '1g', 2000: '2g', 2048: '2g', llm: 'real', corpus: 'real', x3: '300', minified: 'shuffled', min: 'shuffled', ext: 'external' };

/** `--sizes 10,100,1g` → the selected size groups (unknown names throw). Empty → all. */
export function parseSizes(text) {
  if (!text) return [...ALL_SIZES];
  return text.split(',').map((s) => {
    const k = s.trim().toLowerCase();
    const size = ALIASES[k] ?? k;
    if (!ALL_SIZES.includes(size) && !OPT_IN_SIZES.includes(size)) throw new Error(`unknown size "${s}" (use ${[...ALL_SIZES, ...OPT_IN_SIZES].join(', ')})`);
    return size;
  });
}

/** Value of `--name value` (or `--name=value`) in argv, else undefined. */
export function argValue(argv, name) {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice(name.length + 1) : argv[i + 1];
}
