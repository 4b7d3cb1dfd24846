// Gzip files of several members (issue 16): every member is inflated, each by its own
// native inflater fed exactly its bytes (Chromium's DecompressionStream stops after one
// member; Node's reads on and answers asynchronously, so these tests inflate with an
// inflater that behaves as Chromium's, and record what each inflater instance was fed).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../../support/corpus';
import { bgzf, chromiumLikeGunzip, multiMemberGzip } from '../../support/gzipMembers';
import { MemberInflater, type InflaterFactory } from '../../../workers/ingest/gzipMembers';
import { loadTrace } from '../../../workers/ingest/loadTrace';
import type { TraceIndex } from '../../../workers/index/traceIndex';

/** A Chromium-like inflater per member that records the compressed bytes it was fed. */
function recording(): { factory: InflaterFactory; inputs: Uint8Array[][] } {
  const inputs: Uint8Array[][] = [];
  const factory: InflaterFactory = () => {
    const seen: Uint8Array[] = [];
    inputs.push(seen);
    const inner = chromiumLikeGunzip();
    const writer = inner.writable.getWriter();
    const writable = new WritableStream<Uint8Array>({
      write: (chunk) => {
        seen.push(chunk.slice());
        return writer.write(chunk);
      },
      close: () => writer.close(),
      abort: (r) => writer.abort(r),
    });
    return { writable, readable: inner.readable } as TransformStream<Uint8Array, Uint8Array>;
  };
  return { factory, inputs };
}

const concat = (parts: Uint8Array[]): Buffer => Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));

async function inflate(gz: Uint8Array, chunkSize: number, factory: InflaterFactory) {
  const out: Uint8Array[] = [];
  const inflater = new MemberInflater((c) => out.push(c.slice()), factory);
  for (let at = 0; at < gz.length; at += chunkSize) await inflater.push(gz.slice(at, at + chunkSize));
  await inflater.end();
  return { bytes: concat(out), members: inflater.members };
}

/** The members of a gzip file as Node splits them: each one's end is where gunzipSync of it stops consuming. */
function membersOf(gz: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const s of sizes) {
    out.push(gz.subarray(at, at + s));
    at += s;
  }
  expect(at).toBe(gz.length);
  return out;
}

const json = gunzipSync(readFileSync(join(CORPUS, 'llm_decode_small.json.gz')));

describe('MemberInflater', () => {
  const parts = [0, 1, 2].map((k) => gzipSync(json.subarray(Math.floor((k * json.length) / 3), Math.floor(((k + 1) * json.length) / 3))));
  const cat = Buffer.concat(parts);

  it.each([4096, 65_536, 1 << 20])('inflates `cat a.gz b.gz c.gz` completely, one inflater per member, fed %i-byte chunks', async (size) => {
    const { factory, inputs } = recording();
    const { bytes, members } = await inflate(cat, size, factory);
    expect(bytes.equals(json)).toBe(true);
    expect(members).toBe(3);
    expect(inputs.map((i) => concat(i))).toEqual(parts);
  });

  it('finds boundaries whose header or trailer straddles chunks (1–7 byte chunks around each boundary)', async () => {
    const small = [gzipSync(json.subarray(0, 3000)), gzipSync(json.subarray(3000, 3001)), gzipSync(new Uint8Array(0)), gzipSync(json.subarray(3001, 9000))];
    for (const size of [1, 2, 3, 5, 7]) {
      const { factory, inputs } = recording();
      const { bytes } = await inflate(Buffer.concat(small), size, factory);
      expect(bytes.equals(json.subarray(0, 9000))).toBe(true);
      expect(inputs.map((i) => concat(i))).toEqual(small);
    }
  });

  it('feeds a gzip header pattern inside a member on as data (its ISIZE check fails)', async () => {
    // Stored (level 0) deflate copies the bytes verbatim: the member's data holds a header pattern.
    const tricky = Buffer.concat([Buffer.from('x'.repeat(100)), Buffer.from([1, 2, 3, 4, 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('y'.repeat(100))]);
    const gz = [gzipSync(tricky, { level: 0 }), gzipSync(tricky, { level: 0 })];
    for (const size of [5, 64, 4096]) {
      const { factory, inputs } = recording();
      const { bytes } = await inflate(Buffer.concat(gz), size, factory);
      expect(bytes.equals(Buffer.concat([tricky, tricky]))).toBe(true);
      expect(inputs.map((i) => concat(i))).toEqual(gz);
    }
  });

  it('inflates BGZF (many ≤ 64 kB members, then the empty end-of-file member), each member alone', async () => {
    const file = bgzf(json);
    const blocks = Math.ceil(json.length / 65_280) + 1;
    const { factory, inputs } = recording();
    const { bytes, members } = await inflate(file, 65_536, factory);
    expect(bytes.equals(json)).toBe(true);
    expect(members).toBe(blocks);
    // Each inflater got one whole BGZF block: its BSIZE field + 1 bytes, starting with the gzip magic.
    const sizes = inputs.map((i) => concat(i)).map((b) => {
      expect(b[0] === 0x1f && b[1] === 0x8b).toBe(true);
      expect(b.readUInt16LE(16) + 1).toBe(b.length);
      return b.length;
    });
    membersOf(file, sizes);
  });

  it('errors on a cut last member after inflating the members before it', async () => {
    const cut = cat.subarray(0, cat.length - parts[2].length / 2);
    const out: Uint8Array[] = [];
    const inflater = new MemberInflater((c) => out.push(c.slice()), chromiumLikeGunzip);
    await inflater.push(cut);
    await expect(inflater.end()).rejects.toThrow();
    const got = concat(out);
    expect(got.length).toBeGreaterThanOrEqual(parts.length && json.length * (2 / 3) - 1);
    expect(got.equals(json.subarray(0, got.length))).toBe(true);
  });
});

async function load(bytes: Uint8Array, name: string): Promise<TraceIndex> {
  return loadTrace({ kind: 'file', file: new Blob([bytes as BlobPart]), name }, { trace: 'members' });
}

function shape(index: TraceIndex) {
  const r = index.result;
  return { events: r.events, categories: r.categories, lanes: r.lanes.map((l) => `${l.id}:${l.events}:${l.rows}`).sort(), warnings: r.warnings };
}

describe.each(['llm_decode_small.json.gz', 'train_step.json.gz'])('a multi-member %s loads as its single-member twin', (file) => {
  const text = gunzipSync(readFileSync(join(CORPUS, file)));
  let single: ReturnType<typeof shape>;

  it('single member', async () => {
    single = shape(await load(gzipSync(text), file));
    expect(single.events).toBeGreaterThan(1000);
    expect(single.warnings).toEqual([]);
  });

  it.each([2, 3])('%i members cut at byte offsets', async (parts) => {
    expect(shape(await load(multiMemberGzip(text, parts), file))).toEqual(single);
  });

  it('BGZF', async () => {
    expect(shape(await load(bgzf(text), file))).toEqual(single);
  });

  it('a cut last member loads what it can, with the truncation warning', async () => {
    const whole = multiMemberGzip(text, 3);
    const lastSize = gzipSync(text.subarray(Math.floor((2 * text.length) / 3) + 17)).length;
    const index = await load(whole.subarray(0, whole.length - Math.floor(lastSize / 2)), file);
    expect(index.result.warnings.map((w) => w.code)).toContain('gzip-truncated');
    expect(index.result.events).toBeGreaterThan(single.events * 0.5);
    expect(index.result.events).toBeLessThan(single.events);
  });
});
