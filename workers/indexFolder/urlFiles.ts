// An index folder served over HTTP, read from the trace worker: one GET per file (no ranges
// needed, so any static server works), args blocks by a synchronous request (workers may make
// them), since details and analyses read args inside synchronous code.

import { IndexFolderError } from './format';
import type { IndexFiles } from './openIndex';

export function urlFiles(folder: string): IndexFiles {
  const url = (path: string) => new URL(path, folder).href;
  const failed = (path: string, why: string) => new IndexFolderError(`Could not read ${path} of the index folder ${folder}: ${why}.`);
  return {
    where: folder,
    async read(path) {
      let res: Response;
      try {
        res = await fetch(url(path));
      } catch (err) {
        throw failed(path, `${(err as Error).message} (offline, or a server on another origin without CORS?)`);
      }
      if (!res.ok) throw failed(path, `the server answered HTTP ${res.status}${path === 'manifest.json' && res.status === 404 ? ' (is it an index folder written by npm run index?)' : ''}`);
      return new Uint8Array(await res.arrayBuffer());
    },
    readSync(path) {
      const xhr = new XMLHttpRequest();
      xhr.open('GET', url(path), false);
      xhr.responseType = 'arraybuffer';
      try {
        xhr.send();
      } catch (err) {
        throw failed(path, (err as Error).message);
      }
      if (xhr.status !== 200) throw failed(path, `the server answered HTTP ${xhr.status}`);
      return new Uint8Array(xhr.response as ArrayBuffer);
    },
  };
}
