// The fuzzer's seeds: real files from ../shared/corpus and every folder of
// ../shared/external, grouped by the importer that reads them. The grouping comes from
// the folders and file names (the README's table), not from tracelane's detection. A
// missing or empty folder is an error, never a skip: a fuzz run that quietly lost its
// seeds would still pass.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CORPUS, EXTERNAL } from '../support/corpus';

export type Importer = 'chrome' | 'strace' | 'speedscope' | 'collapsed' | 'nsys';
export const IMPORTERS: Importer[] = ['chrome', 'strace', 'speedscope', 'collapsed', 'nsys'];

/** Folder of ../shared/external → importer; `edge-cases` mixes formats and is sorted by file name. */
export const EXTERNAL_FOLDERS: Record<string, Importer | 'by name'> = {
  'chrome-trace': 'chrome',
  kineto: 'chrome',
  'kineto-hta-sampled-2ranks': 'chrome',
  strace: 'strace',
  speedscope: 'speedscope',
  collapsed: 'collapsed',
  'nsys-sqlite': 'nsys',
  'edge-cases': 'by name',
};

export interface Seed {
  importer: Importer;
  /** Where it came from, e.g. external/strace/x.txt.gz. */
  origin: string;
  /** The file name the load sees (.gz dropped: the bytes are decompressed). */
  name: string;
  bytes: Uint8Array;
}

function byName(file: string): Importer {
  if (/\.speedscope\.json/.test(file)) return 'speedscope';
  if (/stackcollapse|collapsed|flamegraph/.test(file)) return 'collapsed';
  if (/strace/.test(file)) return 'strace';
  if (/\.sqlite$/.test(file)) return 'nsys';
  return 'chrome';
}

/** Size once decompressed: gzip's trailer holds it (mod 2^32, fine below 4 GB). */
function plainSize(path: string, raw: Buffer): number {
  return path.endsWith('.gz') ? raw.readUInt32LE(raw.length - 4) : raw.length;
}

function listFolder(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`Fuzz seeds: the folder ${dir} is missing`);
  const files = readdirSync(dir).filter((f) => f !== 'README.md').sort();
  if (files.length === 0) throw new Error(`Fuzz seeds: the folder ${dir} is empty`);
  return files;
}

/**
 * Every seed of at most `maxBytes` decompressed (big traces would spend the budget on
 * parsing, not on variety); a folder whose files are all bigger gives its smallest.
 */
export function loadSeeds(maxBytes: number, roots = { corpus: CORPUS, external: EXTERNAL }): Seed[] {
  const seeds: Seed[] = [];
  const folders: [string, string, Importer | 'by name'][] = [
    ['corpus', roots.corpus, 'by name'],
    ...Object.entries(EXTERNAL_FOLDERS).map(([f, imp]): [string, string, Importer | 'by name'] => [`external/${f}`, join(roots.external, f), imp]),
  ];
  for (const [label, dir, importer] of folders) {
    const files = listFolder(dir).map((f) => {
      const raw = readFileSync(join(dir, f));
      return { f, raw, size: plainSize(f, raw) };
    });
    const small = files.filter((x) => x.size <= maxBytes);
    for (const { f, raw } of small.length ? small : [files.reduce((a, b) => (b.size < a.size ? b : a))]) {
      seeds.push({
        importer: importer === 'by name' ? byName(f) : importer,
        origin: `${label}/${f}`,
        name: f.replace(/\.gz$/, ''),
        bytes: new Uint8Array(f.endsWith('.gz') ? gunzipSync(raw) : raw),
      });
    }
  }
  for (const imp of IMPORTERS) if (!seeds.some((s) => s.importer === imp)) throw new Error(`Fuzz seeds: none for the ${imp} importer`);
  return seeds;
}
