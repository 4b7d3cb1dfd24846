// A folder from this computer (picked or dropped) opens as index folders: the folder itself when
// it holds a manifest.json, else each subfolder that does (what `npm run index --out DIR` writes);
// each source's files are keyed by their path inside its own index folder.

import { describe, expect, it } from 'vitest';
import { localIndexSources, pickedFolder, type FolderFile } from '../../../src/state/sources';

const file = (path: string): FolderFile => ({ path, file: new File([path], path.split('/').pop()!) });

describe('localIndexSources', () => {
  it('takes a folder holding a manifest.json as one index folder, its files by their paths', () => {
    const files = [file('manifest.json'), file('coarse-1.bin'), file('lanes/0/0-a.bin')];
    const [s, ...rest] = localIndexSources('train_step.json.gz', files);
    expect(rest).toEqual([]);
    expect(s.kind).toBe('localIndex');
    expect(s.name).toBe('train_step.json.gz');
    expect(s.kind === 'localIndex' && Object.keys(s.files).sort()).toEqual(['coarse-1.bin', 'lanes/0/0-a.bin', 'manifest.json']);
  });

  it('takes each subfolder holding a manifest.json (an --out folder of several traces), by name', () => {
    const files = [file('b.json/manifest.json'), file('b.json/args/0-x.bin'), file('a.json/manifest.json'), file('a.json/lanes/1/0-y.bin'), file('notes.txt')];
    const sources = localIndexSources('out', files);
    expect(sources.map((s) => s.name)).toEqual(['a.json', 'b.json']);
    expect(sources.map((s) => (s.kind === 'localIndex' ? Object.keys(s.files).sort() : []))).toEqual([
      ['lanes/1/0-y.bin', 'manifest.json'],
      ['args/0-x.bin', 'manifest.json'],
    ]);
  });

  it('finds none in a folder of traces', () => {
    expect(localIndexSources('traces', [file('rank0.json.gz'), file('sub/rank1.json.gz')])).toEqual([]);
  });

  it('reads a picked folder’s paths from webkitRelativePath', () => {
    const picked = ['out/a.json/manifest.json', 'out/a.json/lanes/0/0-z.bin'].map((p) => Object.defineProperty(new File(['x'], p.split('/').pop()!), 'webkitRelativePath', { value: p }));
    const { folder, files } = pickedFolder(picked);
    expect(folder).toBe('out');
    expect(files.map((f) => f.path)).toEqual(['a.json/manifest.json', 'a.json/lanes/0/0-z.bin']);
  });
});
