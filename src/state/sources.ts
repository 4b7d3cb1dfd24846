// Turning what the user hands us (drops, picks, links) into TraceSources.

import type { TraceSource } from '../model/types';
import { indexSource, urlSource } from '../model/linkLoad';

/** Inside dropped folders only trace-like files count; READMEs and the like are skipped (`.<pid>`: strace -ff files). */
const TRACE_FILE = /\.(json|gz|txt|trace|log|strace|sqlite|folded|collapsed|\d+)$/i;

/** The File System Access handle a dropped file came with (Chromium, secure contexts), for reopening it later. */
const handles = new WeakMap<Blob, FileSystemFileHandle>();

export function handleOf(file: Blob): FileSystemFileHandle | undefined {
  return handles.get(file);
}

export function fileSource(file: File, name = file.name): TraceSource {
  return { kind: 'file', file, name };
}

/** A shared link's source: `index:<folder URL>` for an index folder, else a trace URL (urlState keeps strings). */
export function linkSource(u: string): TraceSource {
  return u.startsWith(INDEX_LINK) ? indexSource(u.slice(INDEX_LINK.length)) : urlSource(u);
}

/** A job's ranks are linked as their job folder (one entry for them all: captureViewState keeps one). */
export function sourceLink(s: TraceSource): string | null {
  return s.kind === 'url' ? s.url : s.kind === 'index' ? INDEX_LINK + (s.job?.url ?? s.url) : null;
}

const INDEX_LINK = 'index:';

export function sampleSource(): TraceSource {
  // Relative to the page, so the app works from any sub-path.
  return urlSource('samples/llm_decode_small.json.gz');
}

/** Files of a drop, walking folders; top-level files are taken as-is, folder members filtered. */
export async function sourcesFromDrop(dt: DataTransfer): Promise<TraceSource[]> {
  // Entries and files must be taken synchronously, before the first await ends the drop's lifetime.
  const picked: { entry: FileSystemEntry | null; file: File | null }[] = [];
  const handleRequests: [File, Promise<FileSystemHandle | null>][] = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const file = item.getAsFile();
    const getHandle = (item as DataTransferItem & { getAsFileSystemHandle?: () => Promise<FileSystemHandle | null> }).getAsFileSystemHandle;
    if (file && getHandle) handleRequests.push([file, getHandle.call(item).catch(() => null)]);
    picked.push({ entry: item.webkitGetAsEntry?.() ?? null, file });
  }
  for (const [file, request] of handleRequests) {
    const handle = await request;
    if (handle?.kind === 'file') handles.set(file, handle as FileSystemFileHandle);
  }
  if (!picked.length) for (const f of Array.from(dt.files ?? [])) picked.push({ entry: null, file: f });
  const out: TraceSource[] = [];
  for (const { entry, file } of picked) {
    if (entry?.isDirectory) {
      const files = await walk(entry as FileSystemDirectoryEntry).catch(() => [] as FolderFile[]);
      // A folder written by npm run index (or holding such folders) opens as index folders.
      const indexes = localIndexSources(entry.name, files);
      if (indexes.length) out.push(...indexes);
      else for (const { file: f } of files.sort((a, b) => a.file.name.localeCompare(b.file.name))) if (TRACE_FILE.test(f.name)) out.push(fileSource(f));
    } else if (file) {
      out.push(fileSource(file));
    } else if (entry?.isFile) {
      const f = await entryFile(entry as FileSystemFileEntry).catch(() => null);
      if (f) out.push(fileSource(f));
    }
  }
  return out;
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** A file of a folder and its path inside it ("lanes/3/0-….bin"). */
export interface FolderFile {
  path: string;
  file: File;
}

async function walk(dir: FileSystemDirectoryEntry, prefix = ''): Promise<FolderFile[]> {
  const reader = dir.createReader();
  const files: FolderFile[] = [];
  // readEntries returns batches (100 in Chrome) until it returns an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    for (const e of batch) {
      if (e.name.startsWith('.')) continue;
      if (e.isFile) files.push({ path: prefix + e.name, file: await entryFile(e as FileSystemFileEntry) });
      else if (e.isDirectory) files.push(...(await walk(e as FileSystemDirectoryEntry, `${prefix}${e.name}/`)));
    }
  }
  return files;
}

/**
 * The index folders among a folder's files: the folder itself when it holds a manifest.json,
 * else each of its subfolders that does (`npm run index -- … --out DIR` writes DIR/<trace>/).
 */
export function localIndexSources(folder: string, files: FolderFile[]): TraceSource[] {
  const inside = (root: string): Record<string, Blob> =>
    Object.fromEntries(files.filter((f) => f.path.startsWith(root)).map((f) => [f.path.slice(root.length), f.file]));
  if (files.some((f) => f.path === 'manifest.json')) return [{ kind: 'localIndex', name: folder, files: inside('') }];
  const roots = files.flatMap((f) => /^([^/]+)\/manifest\.json$/.exec(f.path)?.[1] ?? []).sort();
  return roots.map((root) => ({ kind: 'localIndex', name: root, files: inside(`${root}/`) }));
}

/** A folder picked with a folder picker (`webkitdirectory`): its name and its files by path inside it. */
export function pickedFolder(files: File[]): { folder: string; files: FolderFile[] } {
  const folder = files[0]?.webkitRelativePath.split('/')[0] ?? '';
  return { folder, files: files.map((file) => ({ path: file.webkitRelativePath.slice(folder.length + 1), file })) };
}
