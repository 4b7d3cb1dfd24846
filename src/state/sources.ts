// Turning what the user hands us (drops, picks, links) into TraceSources.

import type { TraceSource } from '../model/types';

/** Inside dropped folders only trace-like files count; READMEs and the like are skipped. */
const TRACE_FILE = /\.(json|gz|txt|trace)$/i;

export function fileSource(file: File, name = file.name): TraceSource {
  return { kind: 'file', file, name };
}

export function urlSource(url: string): TraceSource {
  const abs = new URL(url, document.baseURI).href;
  let name = 'trace';
  try {
    name = decodeURIComponent(new URL(abs).pathname.split('/').filter(Boolean).pop() || 'trace');
  } catch {
    /* keep the default */
  }
  return { kind: 'url', url: abs, name };
}

export function sampleSource(): TraceSource {
  // Relative to the page, so the app works from any sub-path.
  return urlSource('samples/llm_decode_small.json.gz');
}

export function urlParamSources(search = window.location.search): TraceSource[] {
  return new URLSearchParams(search)
    .getAll('url')
    .filter((u) => u.trim())
    .map(urlSource);
}

/** Files of a drop, walking folders; top-level files are taken as-is, folder members filtered. */
export async function sourcesFromDrop(dt: DataTransfer): Promise<TraceSource[]> {
  const entries: FileSystemEntry[] = [];
  const looseFiles: File[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) looseFiles.push(f);
    }
  }
  if (!entries.length && !looseFiles.length) looseFiles.push(...Array.from(dt.files ?? []));
  const out: TraceSource[] = looseFiles.map((f) => fileSource(f));
  for (const entry of entries) {
    if (entry.isFile) out.push(fileSource(await entryFile(entry as FileSystemFileEntry)));
    else if (entry.isDirectory) {
      const files = await walk(entry as FileSystemDirectoryEntry);
      for (const f of files.sort((a, b) => a.name.localeCompare(b.name))) if (TRACE_FILE.test(f.name)) out.push(fileSource(f));
    }
  }
  return out;
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(dir: FileSystemDirectoryEntry): Promise<File[]> {
  const reader = dir.createReader();
  const files: File[] = [];
  // readEntries returns batches (100 in Chrome) until it returns an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    for (const e of batch) {
      if (e.name.startsWith('.')) continue;
      if (e.isFile) files.push(await entryFile(e as FileSystemFileEntry));
      else if (e.isDirectory) files.push(...(await walk(e as FileSystemDirectoryEntry)));
    }
  }
  return files;
}
