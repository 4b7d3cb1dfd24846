// BGZF members found without inflating (issue 16): the BSIZE walk over real BGZF bytes made
// from a corpus trace, the inflated bytes read back by range, and the files that are not a
// whole BGZF chain (a plain member in the middle, a wrong BSIZE, a cut file), which the loader
// then reads as a stream. Expected offsets come from the blocks the test writes itself.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../../support/corpus';
import { bgzf, bgzfBlock } from '../../support/gzipMembers';
import { bgzfStream } from '../../../bench/bgzfWriter.mjs';
import { mulberry32 } from '../../../bench/traceGenerator.mjs';
import { bgzfArgsSource, bgzfMemberLength, bgzfRanges, bgzfSource, walkBgzf, type BgzfMembers } from '../../../workers/ingest/bgzf';
import { fileRanges, type RangeSource } from '../../../workers/ingest/byteSource';
import { nativeGunzip, type InflaterFactory } from '../../../workers/ingest/gzipMembers';
import { WasmInflater } from '../../../workers/ingest/wasmInflate';

const json = gunzipSync(readFileSync(join(CORPUS, 'llm_decode_small.json.gz')));
/** Members of 50 000 input bytes (not the writer's default: offsets differ from any constant), then the empty last member. */
const BLOCK = 50_000;
const blocks: Buffer[] = [];
for (let at = 0; at < json.length; at += BLOCK) blocks.push(bgzfBlock(json.subarray(at, at + BLOCK)));
blocks.push(bgzfBlock(new Uint8Array(0)));
const file = Buffer.concat(blocks);
/** Compressed offset of each block, from the lengths of the blocks written. */
const starts = blocks.map((_, k) => blocks.slice(0, k).reduce((a, b) => a + b.length, 0));

const reader = (bytes: Uint8Array) => async (start: number, end: number) => bytes.slice(start, end);
const blob = (bytes: Uint8Array) => new Blob([bytes as BlobPart]);

async function walked(bytes: Uint8Array): Promise<BgzfMembers> {
  const walk = await walkBgzf(reader(bytes), bytes.length);
  if (!walk.ok) throw new Error(`not BGZF at ${walk.at}: ${walk.reason}`);
  return walk.members;
}

describe('the BSIZE walk', () => {
  it('finds every member of a BGZF corpus trace without inflating, with each one’s inflated offset', async () => {
    expect(json.length).toBeGreaterThan(10 * BLOCK);
    const reads: [number, number][] = [];
    const walk = await walkBgzf(async (a, b) => (reads.push([a, b]), file.slice(a, b)), file.length);
    expect(walk.ok).toBe(true);
    const { comp, raw } = (walk as { members: BgzfMembers }).members;
    expect([...comp]).toEqual([...starts, file.length]);
    const inflated = blocks.map((_, k) => Math.min(k * BLOCK, json.length));
    expect([...raw]).toEqual([...inflated, json.length]);
    // Read once: a small first look at the header, then the rest in big steps, each byte at most once more.
    expect(reads.reduce((a, [s, e]) => a + e - s, 0)).toBeLessThan(file.length + 200);
  });

  it('walks a file read in several steps, members lying across the steps’ edges', async () => {
    // Incompressible bytes: 160 members of ~65 kB, 10 MB compressed (the walk reads 4 MB steps: three).
    const next = mulberry32(16);
    const noise = Buffer.from(Array.from({ length: 160 * 65_280 + 1234 }, () => Math.floor(next() * 256)));
    const parts: Buffer[] = [];
    for (let at = 0; at < noise.length; at += 65_280) parts.push(bgzfBlock(noise.subarray(at, at + 65_280)));
    parts.push(bgzfBlock(new Uint8Array(0)));
    const big = Buffer.concat(parts);
    expect(big.length).toBeGreaterThan(2 * (4 << 20));
    const { comp, raw } = await walked(big);
    expect([...comp]).toEqual([...parts.map((_, k) => parts.slice(0, k).reduce((a, b) => a + b.length, 0)), big.length]);
    expect([...raw]).toEqual([...parts.map((_, k) => Math.min(k * 65_280, noise.length)), noise.length]);
  });

  it('reads the BC subfield among other extra subfields', () => {
    // XLEN 12: an unrelated 'AB' subfield of 2 bytes, then BC.
    const header = Buffer.from([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 12, 0, 0x41, 0x42, 2, 0, 9, 9, 0x42, 0x43, 2, 0, 0x33, 0x01]);
    expect(bgzfMemberLength(header, 0)).toBe(0x133 + 1);
    expect(bgzfMemberLength(header.subarray(0, 20), 0)).toBe('needMore');
    // FEXTRA without BC: a gzip member, not BGZF.
    const other = Buffer.from(header);
    other[18] = 0x44;
    expect(bgzfMemberLength(other, 0)).toBeNull();
  });

  it('stops where the chain breaks: a plain gzip member in the middle, a wrong BSIZE, a cut file, no BGZF at all', async () => {
    const k = 5;
    const plainMember = gzipSync(json.subarray(k * BLOCK, (k + 1) * BLOCK));
    const mixed = Buffer.concat([...blocks.slice(0, k), plainMember, ...blocks.slice(k + 1)]);
    expect(await walkBgzf(reader(mixed), mixed.length)).toMatchObject({ ok: false, at: starts[k] });
    // Member k's BSIZE one too many: the next member is looked for one byte late.
    const wrong = Buffer.from(file);
    wrong.writeUInt16LE(wrong.readUInt16LE(starts[k] + 16) + 1, starts[k] + 16);
    expect(await walkBgzf(reader(wrong), wrong.length)).toMatchObject({ ok: false, at: starts[k + 1] + 1 });
    // Cut inside member k: it runs past the end.
    const cut = file.subarray(0, starts[k] + 100);
    expect(await walkBgzf(reader(cut), cut.length)).toMatchObject({ ok: false, at: starts[k] });
    expect(await walkBgzf(reader(gzipSync(json)), 1 << 20)).toMatchObject({ ok: false, at: 0 });
    expect(await walkBgzf(reader(json), json.length)).toMatchObject({ ok: false, at: 0 });
    expect(await bgzfSource(fileRanges(blob(mixed)))).toBeNull();
  });
});

/** Members inflated by the WebAssembly inflater (the default), and by a DecompressionStream each (where WebAssembly is unavailable). */
const inflaters: [string, InflaterFactory | undefined][] = [
  ['WebAssembly', undefined],
  ['DecompressionStream', nativeGunzip],
];

describe.each(inflaters)('the inflated bytes by range, inflated by %s', (_, factory) => {
  it('reads and streams any range as the trace’s own bytes, across members', async () => {
    // Without a factory the WebAssembly inflater is used: there is one here.
    expect(factory !== undefined || WasmInflater.get() !== null).toBe(true);
    const source = bgzfRanges(fileRanges(blob(file)), await walked(file), factory);
    expect(source.size).toBe(json.length);
    for (const [a, b] of [
      [0, 10],
      [BLOCK - 3, BLOCK + 3],
      [3 * BLOCK + 17, 7 * BLOCK + 1],
      [json.length - 5, json.length],
      [0, json.length],
    ]) {
      expect(Buffer.from(await source.read(a, b)).equals(json.subarray(a, b))).toBe(true);
    }
    const parts: Uint8Array[] = [];
    const reader = source.stream(12_345, json.length - 678).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value.slice());
    expect(Buffer.concat(parts).equals(json.subarray(12_345, json.length - 678))).toBe(true);
  });

  it('streams a file bigger than one compressed read in reads of whole members that never overlap', async () => {
    const text = gunzipSync(readFileSync(join(CORPUS, 'load_and_infer.json.gz')));
    const big = bgzf(text);
    expect(big.length).toBeGreaterThan(3 << 20);
    const members = await walked(big);
    const reads: [number, number][] = [];
    const inner = fileRanges(blob(big));
    const counted: RangeSource = { ...inner, read: (a, b, signal) => (reads.push([a, b]), inner.read(a, b, signal)) };
    const source = bgzfRanges(counted, members, factory);
    const parts: Uint8Array[] = [];
    const from = 1_000_003;
    const reader = source.stream(from, text.length).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value.slice());
    expect(Buffer.concat(parts).equals(text.subarray(from))).toBe(true);
    // Each read starts at a member where the last one ended, from the member holding the first byte asked for.
    const starts = [...members.comp];
    expect(reads[0][0]).toBe(starts.filter((c, m) => members.raw[m] <= from && m < starts.length - 1).at(-1));
    for (let k = 1; k < reads.length; k++) expect(reads[k][0]).toBe(reads[k - 1][1]);
    // …up to the end of the last member holding bytes (the empty end-of-file member is not read).
    expect(reads.at(-1)![1]).toBe(starts.at(-2));
    expect(reads.length).toBeGreaterThan(2);
    for (const [a, b] of reads) expect(b - a).toBeLessThanOrEqual(1 << 20);
  });

  it('reads args back synchronously by inflated offset, as a plain file’s are (fflate without WebAssembly)', async () => {
    const members = await walked(file);
    const args = bgzfArgsSource(members, { read: (at, len) => file.subarray(at, at + len) }, factory ? null : WasmInflater.get());
    for (const [a, len] of [
      [5, 100],
      [2 * BLOCK - 10, 20],
      [json.length - 50, 50],
      [json.length - 50, 1 << 20],
    ]) {
      expect(Buffer.from(args.read(a, len)).equals(json.subarray(a, Math.min(json.length, a + len)))).toBe(true);
    }
  });

  it('names the compressed offset of a corrupt member, and of one whose trailer lies about its size', async () => {
    const k = 4;
    const corrupt = Buffer.from(file);
    for (let i = 0; i < 40; i++) corrupt[starts[k] + 30 + i] ^= 0x5a;
    const broken = bgzfRanges(fileRanges(blob(corrupt)), await walked(corrupt), factory);
    await expect(broken.read(k * BLOCK + 10, k * BLOCK + 20)).rejects.toThrow(`The BGZF member at compressed byte ${starts[k].toLocaleString('en-US')} is corrupt`);
    // Members before it still read.
    expect(Buffer.from(await broken.read(0, k * BLOCK)).equals(json.subarray(0, k * BLOCK))).toBe(true);

    const lying = Buffer.from(file);
    const isizeAt = starts[k + 1] - 4;
    lying.writeUInt32LE(BLOCK + 1, isizeAt);
    const liar = bgzfRanges(fileRanges(blob(lying)), await walked(lying), factory);
    // The inflater checks the trailer's size against its output.
    await expect(liar.read(k * BLOCK, k * BLOCK + 1)).rejects.toThrow(`The BGZF member at compressed byte ${starts[k].toLocaleString('en-US')} is corrupt`);
  });

});

describe("the bench's BGZF writer", () => {
  it('writes the same members as a stream, fed in odd chunks, as in memory, and they walk to the trace’s bytes', async () => {
    const stream = bgzfStream();
    const out: Buffer[] = [];
    stream.on('data', (b: Buffer) => out.push(b));
    const ended = new Promise((r) => stream.on('end', r));
    for (let at = 0; at < json.length; at += 100_003) stream.write(json.subarray(at, at + 100_003));
    stream.end();
    await ended;
    const streamed = Buffer.concat(out);
    expect(streamed.equals(bgzf(json))).toBe(true);
    expect(gunzipSync(streamed).equals(json)).toBe(true);
    const { raw } = await walked(streamed);
    expect(raw.length - 1).toBe(Math.ceil(json.length / 65_280) + 1);
  });
});
