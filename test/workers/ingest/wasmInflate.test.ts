// The WebAssembly inflater (workers/ingest/wasm/assembly/inflate.ts) against node:zlib, the
// reference: every gzip file of the corpus and of the external traces inflated member by
// member must equal zlib's output byte for byte; members zlib writes with each block type and
// strategy too; damaged streams (cut, bad block type, bad code lengths, distances reaching back
// too far, wrong sizes or CRC) end in an InflateError, never a hang or a wrong length.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync, gunzipSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../bench/traceGenerator.mjs';
import { CORPUS, EXTERNAL } from '../../support/corpus';
import { InflateError, WasmInflater } from '../../../workers/ingest/wasmInflate';

const inflater = (): WasmInflater => {
  const x = WasmInflater.get();
  if (!x) throw new Error('WebAssembly inflater unavailable');
  return x;
};

/** `data` inflated by the WebAssembly inflater as one stream of `size` bytes (with its CRC-32 checked where given). */
function inflate(data: Uint8Array, size: number, crc?: number): Buffer {
  const out = new Uint8Array(size);
  inflater().inflate(data, [{ start: 0, end: data.length, size, crc }], out);
  return Buffer.from(out);
}

/** Where a gzip member's deflate data starts (RFC 1952: the fixed 10 bytes, then the optional fields FLG names). */
function deflateStart(bytes: Uint8Array, at: number): number {
  expect([bytes[at], bytes[at + 1], bytes[at + 2]]).toEqual([0x1f, 0x8b, 8]);
  const flags = bytes[at + 3];
  let p = at + 10;
  if (flags & 4) p += 2 + (bytes[p] | (bytes[p + 1] << 8));
  if (flags & 8) while (bytes[p++] !== 0);
  if (flags & 16) while (bytes[p++] !== 0);
  if (flags & 2) p += 2;
  return p;
}

function gzipFiles(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`${dir} is missing`);
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? gzipFiles(path) : name.endsWith('.gz') ? [path] : [];
  });
}

describe('every gzip file of the corpus and the external traces', () => {
  const files = [...gzipFiles(CORPUS), ...gzipFiles(EXTERNAL)];

  it('finds them', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  for (const path of files) {
    it(`${path.slice(CORPUS.length - 'corpus'.length)} inflates member by member as zlib does`, () => {
      const bytes = readFileSync(path);
      const members: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const start = deflateStart(bytes, at);
        // zlib finds where the member's deflate data ends; its trailer follows.
        const reference = inflateRawSync(bytes.subarray(start), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
        const end = start + reference.engine.bytesWritten;
        const crc = bytes.readUInt32LE(end);
        expect(bytes.readUInt32LE(end + 4)).toBe(reference.buffer.length % 2 ** 32);
        const mine = inflate(bytes.subarray(start, end), reference.buffer.length, crc);
        expect(mine.equals(reference.buffer)).toBe(true);
        members.push(mine);
        at = end + 8;
      }
      expect(Buffer.concat(members).equals(gunzipSync(bytes))).toBe(true);
    });
  }
});

const text = gunzipSync(readFileSync(join(CORPUS, 'llm_decode_small.json.gz')));
const random = (n: number, seed: number) => {
  const next = mulberry32(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));
};
/** The first block's type (RFC 1951 3.2.3: bits 1–2 of the first byte): 0 stored, 1 fixed, 2 dynamic. */
const firstBlockType = (deflated: Uint8Array) => (deflated[0] >> 1) & 3;

function roundTrip(input: Uint8Array, options: { level?: number; strategy?: number }): Uint8Array {
  const deflated = deflateRawSync(input, options);
  expect(inflate(deflated, input.length, crc32(input)).equals(input)).toBe(true);
  return deflated;
}

describe('members zlib writes', () => {
  const slice = text.subarray(100_003, 100_003 + 65_280);

  it('stored, fixed and dynamic blocks, at levels 0, 1, 6 and 9', () => {
    expect(firstBlockType(roundTrip(slice, { level: 0 }))).toBe(0);
    expect(firstBlockType(roundTrip(slice, { level: 6, strategy: constants.Z_FIXED }))).toBe(1);
    for (const level of [1, 6, 9]) expect(firstBlockType(roundTrip(slice, { level }))).toBe(2);
    // Literals only; and runs of distance 1 only.
    roundTrip(slice, { strategy: constants.Z_HUFFMAN_ONLY });
    roundTrip(slice, { strategy: constants.Z_RLE });
  });

  it('an empty member, and 64 kB of random bytes', () => {
    for (const level of [0, 1, 6, 9]) roundTrip(new Uint8Array(0), { level });
    for (const level of [0, 1, 6, 9]) roundTrip(random(65_536, level + 1), { level });
  });

  it('matches of every short distance and the longest, and codes longer than the table’s first level', () => {
    // Periods 1…9: overlapping copies; then bytes 32 kB back.
    for (let period = 1; period <= 9; period++) roundTrip(Buffer.concat([random(period, period), Buffer.alloc(5000)]).map((_, i, a) => a[i % period]), { level: 9 });
    const far = random(32_768, 11);
    roundTrip(Buffer.concat([far, Buffer.from('x'), far.subarray(1)]), { level: 9 });
    // Byte frequencies falling by half from one value to the next: rare bytes get codes of up to 15 bits.
    const next = mulberry32(7);
    const skewed = Buffer.from(Array.from({ length: 65_280 }, () => Math.min(255, Math.floor(-Math.log2(next() + 1e-12) * 3))));
    roundTrip(skewed, { strategy: constants.Z_HUFFMAN_ONLY });
    roundTrip(skewed, { level: 9 });
  });

  it('a run of members inflated in one call, larger than one batch of the module', () => {
    const parts = [text.subarray(0, 300_000), new Uint8Array(0), text.subarray(300_000, 1_700_000), random(65_536, 3), text.subarray(1_700_000)];
    const deflated = parts.map((p) => deflateRawSync(p));
    const members = deflated.map((d, k) => {
      const start = deflated.slice(0, k).reduce((a, b) => a + b.length, 0);
      return { start, end: start + d.length, size: parts[k].length, crc: crc32(parts[k]) };
    });
    const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    inflater().inflate(Buffer.concat(deflated), members, out);
    expect(Buffer.from(out).equals(Buffer.concat(parts))).toBe(true);
  });
});

/** A bit stream written LSB first (RFC 1951 3.1.1); `huffman` writes a code starting with its most significant bit. */
function bitStream(fields: ([value: number, bits: number] | { huffman: number; bits: number } | 'align')[]): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let n = 0;
  const put = (bit: number) => {
    acc |= bit << n;
    if (++n === 8) (out.push(acc), (acc = 0), (n = 0));
  };
  for (const f of fields) {
    if (f === 'align') while (n) put(0);
    else if (Array.isArray(f)) for (let i = 0; i < f[1]; i++) put((f[0] >> i) & 1);
    else for (let i = f.bits - 1; i >= 0; i--) put((f.huffman >> i) & 1);
  }
  if (n) out.push(acc);
  return new Uint8Array([...out, 0, 0, 0, 0]);
}

function rejected(data: Uint8Array, size: number, crc?: number): string {
  try {
    inflate(data, size, crc);
  } catch (err) {
    expect(err).toBeInstanceOf(InflateError);
    expect((err as InflateError).member).toBe(0);
    return (err as Error).message;
  }
  throw new Error('inflated without an error');
}

describe('damaged streams', () => {
  const member = text.subarray(0, 65_280);
  const deflated = deflateRawSync(member);
  // A dynamic block whose code-length code gives symbols 0 and `other` one bit each ('0' and '1').
  const twoCodeLengthSymbols = (other: 16 | 18) => [[1, 1], [2, 2], [0, 5], [0, 5], [0, 4], [other === 16 ? 1 : 0, 3], [0, 3], [other === 18 ? 1 : 0, 3], [1, 3]] as [number, number][];

  it('cut anywhere', () => {
    for (const cut of [0, 1, 2, 5, 100, deflated.length >> 1, deflated.length - 2, deflated.length - 1]) {
      expect(rejected(deflated.subarray(0, cut), member.length)).toBe('its deflate data ends early');
    }
  });

  it('a reserved block type', () => {
    expect(rejected(bitStream([[1, 1], [3, 2]]), 10)).toBe('invalid block type');
  });

  it('a stored block whose length is not its complement’s', () => {
    expect(rejected(bitStream([[1, 1], [0, 2], 'align', [5, 16], [5, 16]]), 5)).toMatch(/stored block/);
  });

  it('bad code lengths: an over-subscribed code, a repeat with nothing before, a run past the end, no end-of-block code', () => {
    // HLIT 257, HDIST 1, all 19 code-length codes 1 bit long.
    expect(rejected(bitStream([[1, 1], [2, 2], [0, 5], [0, 5], [15, 4], ...Array.from({ length: 19 }, () => [1, 3] as [number, number])]), 10)).toBe('invalid code lengths');
    // The first code length says "repeat the previous one".
    expect(rejected(bitStream([...twoCodeLengthSymbols(16), { huffman: 1, bits: 1 }, [0, 2]]), 10)).toBe('invalid code lengths');
    // 138 zero lengths twice: 276 of 258.
    expect(rejected(bitStream([...twoCodeLengthSymbols(18), { huffman: 1, bits: 1 }, [127, 7], { huffman: 1, bits: 1 }, [127, 7]]), 10)).toBe('invalid code lengths');
    // 138 + 120 zero lengths: every symbol unused, end-of-block (256) too.
    expect(rejected(bitStream([...twoCodeLengthSymbols(18), { huffman: 1, bits: 1 }, [127, 7], { huffman: 1, bits: 1 }, [109, 7]]), 10)).toBe('invalid code lengths');
  });

  it('a distance before the first byte, and a distance code that does not exist', () => {
    // Fixed code: length 3 (symbol 257, 7 bits 0000001), distance 1 (code 0, 5 bits), as the first symbol.
    expect(rejected(bitStream([[1, 1], [1, 2], { huffman: 1, bits: 7 }, { huffman: 0, bits: 5 }]), 3)).toMatch(/reaches back/);
    // 'a' (97: 8 bits 0x30 + 97), then length 3 at distance code 30.
    expect(rejected(bitStream([[1, 1], [1, 2], { huffman: 0x30 + 97, bits: 8 }, { huffman: 1, bits: 7 }, { huffman: 30, bits: 5 }]), 4)).toMatch(/invalid literal\/length or distance code/);
  });

  it('a size or CRC-32 other than the stream’s', () => {
    expect(rejected(deflated, member.length - 1)).toMatch(/more than the 65,279 bytes/);
    expect(rejected(deflated, member.length + 1)).toMatch(/fewer than the 65,281 bytes/);
    expect(rejected(deflated, member.length, (crc32(member) ^ 1) >>> 0)).toMatch(/CRC-32/);
  });

  it('random damage ends in an InflateError or changed nothing zlib reads', () => {
    const next = mulberry32(16);
    for (let k = 0; k < 300; k++) {
      const damaged = Buffer.from(deflated);
      for (let flips = 1 + Math.floor(next() * 4); flips > 0; flips--) damaged[Math.floor(next() * damaged.length)] ^= 1 << Math.floor(next() * 8);
      try {
        expect(inflate(damaged, member.length, crc32(member)).equals(member)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(InflateError);
      }
    }
  });
});
