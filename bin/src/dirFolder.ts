// An index folder on disk, for Node: the writer's sink and the reader's files (workers/indexFolder).

import { mkdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { IndexSink } from '../../workers/indexFolder/writeIndex';
import type { IndexFiles } from '../../workers/indexFolder/openIndex';
import { IndexFolderError } from '../../workers/indexFolder/format';

export function dirSink(dir: string): IndexSink {
  mkdirSync(dir, { recursive: true });
  return {
    files: dirFiles(dir),
    async write(path, bytes) {
      const to = join(dir, path);
      await mkdir(dirname(to), { recursive: true });
      await writeFile(to, bytes);
    },
  };
}

export function dirFiles(dir: string): IndexFiles {
  const missing = (path: string, err: unknown) => new IndexFolderError(`${dir} has no ${path} (${(err as Error).message}): is it an index folder?`);
  return {
    where: dir,
    async read(path) {
      try {
        return new Uint8Array(await readFile(join(dir, path)));
      } catch (err) {
        throw missing(path, err);
      }
    },
    readSync(path) {
      try {
        return new Uint8Array(readFileSync(join(dir, path)));
      } catch (err) {
        throw missing(path, err);
      }
    },
  };
}
