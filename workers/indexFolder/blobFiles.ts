// An index folder from the user's computer (picked with a folder picker or dropped): its files
// as Blobs by their path inside the folder. Read as the worker reads a served folder
// (urlFiles.ts): whole files, args blocks synchronously (FileReaderSync, workers only).

import { IndexFolderError } from './format';
import type { IndexFiles } from './openIndex';
import { readBlobSync } from '../ingest/argsSource';

export function blobFiles(files: Record<string, Blob>, folder: string): IndexFiles {
  const file = (path: string): Blob => {
    const blob = files[path];
    if (!blob) throw new IndexFolderError(`The folder ${folder} has no ${path}${path === 'manifest.json' ? ': it is not an index folder written by npm run index' : ': the index folder is incomplete (copied in part?)'}.`);
    return blob;
  };
  return {
    where: folder,
    async read(path) {
      return new Uint8Array(await file(path).arrayBuffer());
    },
    readSync: (path) => readBlobSync(file(path)),
  };
}
