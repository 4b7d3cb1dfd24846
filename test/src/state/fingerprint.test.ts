import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, corpusText, loadText } from '../../support/corpus';
import { contentIdentity, recordedIdentity, traceIdentity } from '../../../src/state/fingerprint';

describe('trace identity', () => {
  it('the .gz and the plain file of a Kineto trace have the same recorded identity', async () => {
    const gzBytes = readFileSync(join(CORPUS, 'two_rank_stall_rank1.json.gz'));
    const plain = gunzipSync(gzBytes);
    const fromGz = await traceIdentity({ kind: 'file', file: new Blob([gzBytes]), name: 'a.json.gz' }, (await loadText(new Uint8Array(gzBytes), 'a.json.gz')).result);
    const fromPlain = await traceIdentity({ kind: 'file', file: new Blob([plain]), name: 'a.json' }, (await loadText(new Uint8Array(plain), 'a.json')).result);
    const doc = JSON.parse(corpusText('two_rank_stall_rank1.json.gz')) as { trace_id: string };
    expect(fromGz).toBe(fromPlain);
    expect(fromGz).toContain(doc.trace_id);
  });
  it('the two ranks differ', async () => {
    const ids = await Promise.all(
      ['two_rank_stall_rank0.json.gz', 'two_rank_stall_rank1.json.gz'].map(async (f) => recordedIdentity((await loadText(readFileSync(join(CORPUS, f)), f)).result)),
    );
    expect(ids[0]).not.toBeNull();
    expect(ids[0]).not.toBe(ids[1]);
  });
  it('without trace_id: size + head/tail hash, sensitive to a change in the last MB', async () => {
    const big = new Uint8Array(3 << 20).map((_, i) => i % 251);
    const changed = big.slice();
    changed[changed.length - 10] ^= 1;
    const a = await contentIdentity(new Blob([big]));
    expect(a).toMatch(/^sz:3145728:[0-9a-f]{32}$/);
    expect(await contentIdentity(new Blob([big]))).toBe(a);
    expect(await contentIdentity(new Blob([changed]))).not.toBe(a);
    expect(recordedIdentity({ metadata: {} })).toBeNull();
  });
});
