// Access to the real traces in ../shared/corpus (read-only, beside the checkout).

import { existsSync, openAsBlob, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { loadTrace } from '../../workers/ingest/loadTrace';
import type { TraceIndex } from '../../workers/index/traceIndex';

export const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');

export function corpusJsonTraces(): string[] {
  if (!existsSync(CORPUS)) throw new Error(`The trace corpus is missing at ${CORPUS}`);
  return readdirSync(CORPUS).filter((f) => /\.json(\.gz)?$/.test(f)).sort();
}

export function corpusText(name: string): string {
  return gunzipped(join(CORPUS, name));
}

function gunzipped(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** The real files of other tools and projects in ../shared/external (read-only), by path inside it. */
export const EXTERNAL = resolve(CORPUS, '../external');

export function externalText(path: string): string {
  return gunzipped(join(EXTERNAL, path));
}

/** A file as the app loads a picked one; its trace key is the file name without .json(.gz). */
async function loadFile(path: string): Promise<TraceIndex> {
  const file = await openAsBlob(path);
  const name = path.split('/').pop()!;
  return loadTrace({ kind: 'file', file, name }, { trace: name.replace(/\.json(\.gz)?$/, '') });
}

export function loadCorpus(name: string): Promise<TraceIndex> {
  return loadFile(join(CORPUS, name));
}

/** A file of ../shared/external, by its path inside it. */
export function loadExternal(path: string): Promise<TraceIndex> {
  return loadFile(join(EXTERNAL, path));
}

export async function loadText(text: string | Uint8Array, name = 'test.json'): Promise<TraceIndex> {
  const file = new Blob([text as BlobPart]);
  return loadTrace({ kind: 'file', file, name }, { trace: 'test' });
}
