// AssemblyScript, compiled to WebAssembly by build/wasm.ts (not type-checked by tsc).
//
// Raw DEFLATE (RFC 1951) decoded synchronously into this module's memory, written from the
// RFC: stored blocks, and Huffman blocks with the fixed or a dynamic code. The caller knows
// how long the output is (a BGZF member's trailer says, ISIZE ≤ 64 kB), so the output is
// one region written in place; a back reference reads the output itself (no window copy).
// Huffman codes are decoded by tables: the next ROOT_BITS bits of the stream index a root
// table whose entry is the symbol (and how many bits its code takes); codes longer than
// that point to a sub-table indexed by the bits after the root's. Every read of the input
// and write of the output is bounded: a damaged stream ends in an error code, never a hang
// or a byte outside the caller's region.

import { ensureMemory } from '../../../wasm/assembly/memory';

/** Result codes of inflate (0: the stream ended exactly at outEnd). JS names them (wasmInflate.ts). */
const OK: i32 = 0;
const E_TRUNCATED: i32 = -1;
const E_BLOCK_TYPE: i32 = -2;
const E_STORED_LENGTH: i32 = -3;
const E_CODE_LENGTHS: i32 = -4;
const E_BAD_CODE: i32 = -5;
const E_TOO_FAR: i32 = -6;
const E_TOO_LONG: i32 = -7;
const E_TOO_SHORT: i32 = -8;

/** Table entry (u32): code length (bits 0–3), extra bits (4–7), kind (8–10), value (16–31). */
const K_LITERAL: u32 = 0;
/** value: length base (literal/length table) or distance base (distance table). */
const K_BASE: u32 = 1;
const K_END: u32 = 2;
/** A root entry pointing to a sub-table: value = its first entry, extra = its index bits. */
const K_SUB: u32 = 3;
/** No symbol has this code (an incomplete code), or the symbol may not be used (286, 287, distances 30, 31). */
const K_INVALID: u32 = 4;

const LL_ROOT: u32 = 10;
const DIST_ROOT: u32 = 8;
const CL_ROOT: u32 = 7;
/** Entries of the dynamic tables: the root, then room for sub-tables (at most 2^(15 − root) entries per long code). */
const LL_CAPACITY: u32 = (1 << LL_ROOT) + 288 * (1 << (15 - LL_ROOT));
const DIST_CAPACITY: u32 = (1 << DIST_ROOT) + 32 * (1 << (15 - DIST_ROOT));

// Memory below IO is this module's own; JS copies the input and reads the output above it.
const CRC_TABLES: usize = 1024; // 16 × 256 u32: the CRC-32 of a byte, and of a byte followed by 1…15 zero bytes
const LL_SYMBOL: usize = CRC_TABLES + 16 * 1024; // 288 u32: each literal/length symbol's entry without its code length
const DIST_SYMBOL: usize = LL_SYMBOL + 288 * 4; // 32 u32: each distance symbol's entry
const LENS: usize = DIST_SYMBOL + 32 * 4; // 320 u8: code lengths being read
const COUNT: usize = LENS + 320; // 16 u16: codes per length
const OFFSETS: usize = COUNT + 32; // 16 u16: first canonical index per length
const SORTED: usize = OFFSETS + 32; // 320 u16: symbols in canonical order
const CL_TABLE: usize = SORTED + 320 * 2; // 128 u32
const LL_TABLE: usize = CL_TABLE + 128 * 4;
const DIST_TABLE: usize = LL_TABLE + <usize>LL_CAPACITY * 4;
const FIXED_LL: usize = DIST_TABLE + <usize>DIST_CAPACITY * 4;
const FIXED_DIST: usize = FIXED_LL + (1 << LL_ROOT) * 4;
const IO: usize = (FIXED_DIST + (1 << DIST_ROOT) * 4 + 0xffff) & ~0xffff;
/** Bytes past the input a refill may read, and past the output a match copy may write (8 at a time). */
const SLACK: usize = 16;

let ready = false;
let outAt: usize = 0;

function init(): void {
  if (ready) return;
  ready = true;
  // Length symbols 257…284: 4 per extra-bit count from 1 on (8 with none), bases consecutive; 285 is 258.
  let base: u32 = 3;
  for (let c: u32 = 0; c < 28; c++) {
    const extra: u32 = c < 8 ? 0 : (c >> 2) - 1;
    store<u32>(LL_SYMBOL + <usize>(257 + c) * 4, entry(K_BASE, base, extra));
    base += 1 << extra;
  }
  for (let s: u32 = 0; s < 256; s++) store<u32>(LL_SYMBOL + <usize>s * 4, entry(K_LITERAL, s, 0));
  store<u32>(LL_SYMBOL + 256 * 4, entry(K_END, 0, 0));
  store<u32>(LL_SYMBOL + 285 * 4, entry(K_BASE, 258, 0));
  store<u32>(LL_SYMBOL + 286 * 4, entry(K_INVALID, 0, 0));
  store<u32>(LL_SYMBOL + 287 * 4, entry(K_INVALID, 0, 0));
  // Distance symbols 0…29: 2 per extra-bit count from 1 on (4 with none).
  base = 1;
  for (let d: u32 = 0; d < 30; d++) {
    const extra: u32 = d < 4 ? 0 : (d >> 1) - 1;
    store<u32>(DIST_SYMBOL + <usize>d * 4, entry(K_BASE, base, extra));
    base += 1 << extra;
  }
  store<u32>(DIST_SYMBOL + 30 * 4, entry(K_INVALID, 0, 0));
  store<u32>(DIST_SYMBOL + 31 * 4, entry(K_INVALID, 0, 0));
  // The fixed code (RFC 1951 3.2.6).
  for (let s = 0; s < 288; s++) store<u8>(LENS + <usize>s, s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8);
  buildTable(LENS, 288, FIXED_LL, LL_ROOT, LL_SYMBOL, 1 << LL_ROOT);
  memory.fill(LENS, 5, 32);
  buildTable(LENS, 32, FIXED_DIST, DIST_ROOT, DIST_SYMBOL, 1 << DIST_ROOT);
  // CRC-32 (the gzip trailer's: reflected, polynomial 0xEDB88320), by byte and by 16 bytes at a time.
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
    store<u32>(CRC_TABLES + <usize>n * 4, c);
  }
  for (let t: usize = 1; t < 16; t++) {
    for (let n: usize = 0; n < 256; n++) {
      const prev = load<u32>(CRC_TABLES + (t - 1) * 1024 + n * 4);
      store<u32>(CRC_TABLES + t * 1024 + n * 4, load<u32>(CRC_TABLES + <usize>(prev & 0xff) * 4) ^ (prev >> 8));
    }
  }
}

@inline function entry(kind: u32, value: u32, extra: u32): u32 {
  return (value << 16) | (kind << 8) | (extra << 4);
}

/** `code`'s low `len` bits in reverse order (Huffman codes are packed starting with their first bit). */
@inline function reversed(code: u32, len: u32): u32 {
  let r: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    r = (r << 1) | (code & 1);
    code >>= 1;
  }
  return r;
}

/**
 * The decoding table of the canonical Huffman code whose code lengths (0: unused) are the `n`
 * bytes at `lens`; each symbol's entry comes from `symbols` (u32 per symbol). False when the
 * lengths are no usable code: over-subscribed, or incomplete with codes longer than 1 bit
 * (RFC 1951 permits one distance code of 1 bit; every used code must decode).
 */
function buildTable(lens: usize, n: i32, table: usize, root: u32, symbols: usize, capacity: u32): bool {
  memory.fill(COUNT, 0, 32);
  for (let s = 0; s < n; s++) {
    const len = <usize>load<u8>(lens + <usize>s);
    store<u16>(COUNT + len * 2, load<u16>(COUNT + len * 2) + 1);
  }
  let left: i32 = 1;
  let maxLen: u32 = 0;
  for (let len: usize = 1; len <= 15; len++) {
    const count = <i32>load<u16>(COUNT + len * 2);
    left = (left << 1) - count;
    if (left < 0) return false;
    if (count > 0) maxLen = <u32>len;
  }
  if (left > 0 && maxLen > 1) return false;
  // Symbols in canonical order: by code length, then by symbol.
  store<u16>(OFFSETS + 2, 0);
  for (let len: usize = 1; len < 15; len++) store<u16>(OFFSETS + (len + 1) * 2, load<u16>(OFFSETS + len * 2) + load<u16>(COUNT + len * 2));
  for (let s = 0; s < n; s++) {
    const len = <usize>load<u8>(lens + <usize>s);
    if (len == 0) continue;
    const at = load<u16>(OFFSETS + len * 2);
    store<u16>(OFFSETS + len * 2, at + 1);
    store<u16>(SORTED + <usize>at * 2, <u16>s);
  }
  const rootSize: u32 = 1 << root;
  const invalid = entry(K_INVALID, 0, 0);
  for (let i: u32 = 0; i < rootSize; i++) store<u32>(table + <usize>i * 4, invalid);
  // The codes in canonical order are consecutive numbers per length (RFC 1951 3.2.2), so those
  // sharing their first `root` bits are adjacent, the longest last: a first pass notes each such
  // prefix's longest code, which sizes its sub-table.
  let used: i32 = 0;
  let code: u32 = 0;
  for (let len: u32 = 1; len <= maxLen; len++) {
    const count = <i32>load<u16>(COUNT + <usize>len * 2);
    if (len > root) {
      for (let k = 0; k < count; k++) {
        const prefix = reversed(code + <u32>k, len) & (rootSize - 1);
        store<u32>(table + <usize>prefix * 4, entry(K_INVALID, 0, len - root));
      }
    }
    code = (code + <u32>count) << 1;
  }
  let free: u32 = rootSize;
  code = 0;
  for (let len: u32 = 1; len <= maxLen; len++) {
    const count = <i32>load<u16>(COUNT + <usize>len * 2);
    for (let k = 0; k < count; k++) {
      const symbol = <usize>load<u16>(SORTED + <usize>used * 2);
      used++;
      const e = load<u32>(symbols + symbol * 4) | len;
      const r = reversed(code, len);
      code++;
      if (len <= root) {
        for (let i = r; i < rootSize; i += 1 << len) store<u32>(table + <usize>i * 4, e);
        continue;
      }
      const prefix = r & (rootSize - 1);
      let pointer = load<u32>(table + <usize>prefix * 4);
      if (((pointer >> 8) & 7) != K_SUB) {
        const bits = (pointer >> 4) & 15;
        if (free + (1 << bits) > capacity) return false;
        for (let i: u32 = 0; i < <u32>(1 << bits); i++) store<u32>(table + <usize>(free + i) * 4, invalid);
        pointer = entry(K_SUB, free, bits);
        store<u32>(table + <usize>prefix * 4, pointer);
        free += 1 << bits;
      }
      const sub = table + <usize>(pointer >> 16) * 4;
      const subSize: u32 = 1 << ((pointer >> 4) & 15);
      for (let i = r >> root; i < subSize; i += 1 << (len - root)) store<u32>(sub + <usize>i * 4, e);
    }
    code <<= 1;
  }
  return true;
}

/** Order in which a dynamic block lists the code lengths of the code-length code (RFC 1951 3.2.7). */
@inline function codeLengthOrder(i: i32): usize {
  // 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
  if (i < 3) return <usize>(16 + i);
  if (i == 3) return 0;
  const k = i - 4; // 8, 7, 9, 6, 10, 5, …: alternately 8 + j and 7 − j
  return <usize>(k & 1 ? 7 - (k >> 1) : 8 + (k >> 1));
}

/** Room for `inLen` input bytes and `outLen` output bytes; returns where JS copies the input. */
export function reserve(inLen: i32, outLen: i32): usize {
  init();
  outAt = (IO + <usize>inLen + SLACK + 15) & ~15;
  ensureMemory(outAt + <usize>outLen + SLACK);
  // What a cut stream reads past its end: the same zeros every time.
  memory.fill(IO + <usize>inLen, 0, SLACK);
  return IO;
}

/** Where the output region starts (after reserve). */
export function outputOffset(): usize {
  return outAt;
}

// The bit reader: `bits` holds the next `count` bits of the stream (first bit lowest), read from
// `ip` on. Kept in globals only between the calls of one inflate; the loops copy them to locals.
let bits: u64 = 0;
let count: u32 = 0;
let ip: usize = 0;

/**
 * Inflates the raw DEFLATE stream in memory [inStart, inEnd) into [outStart, outEnd), which the
 * stream must fill exactly. Returns OK or a negative code. Reads at most SLACK bytes past inEnd
 * (they must be addressable) and may write at most 8 bytes past outEnd.
 */
export function inflate(inStart: usize, inEnd: usize, outStart: usize, outEnd: usize): i32 {
  const result = inflateStream(inStart, inEnd, outStart, outEnd);
  // Whatever went wrong after the reader ran past the stream's end was read from bytes not its own.
  if (result != OK && ip - <usize>(count >> 3) > inEnd) return E_TRUNCATED;
  return result;
}

function inflateStream(inStart: usize, inEnd: usize, outStart: usize, outEnd: usize): i32 {
  init();
  bits = 0;
  count = 0;
  ip = inStart;
  // The bit reader may run ahead of the stream by 8 bytes; past that the stream is cut.
  const inLimit = inEnd + 8;
  let op = outStart;
  let last: u32 = 0;
  while (!last) {
    refillChecked(inLimit);
    if (ip > inLimit) return E_TRUNCATED;
    last = <u32>(bits & 1);
    const type = <u32>((bits >> 1) & 3);
    bits >>= 3;
    count -= 3;
    if (type == 0) {
      // Stored: from the next byte boundary, LEN, its complement NLEN, LEN bytes.
      const drop = count & 7;
      bits >>= drop;
      count -= drop;
      const at = ip - <usize>(count >> 3);
      if (at + 4 > inEnd) return E_TRUNCATED;
      const len = <usize>load<u16>(at);
      if ((len ^ 0xffff) != <usize>load<u16>(at + 2)) return E_STORED_LENGTH;
      if (at + 4 + len > inEnd) return E_TRUNCATED;
      if (op + len > outEnd) return E_TOO_LONG;
      memory.copy(op, at + 4, len);
      op += len;
      ip = at + 4 + len;
      bits = 0;
      count = 0;
      continue;
    }
    let ll = FIXED_LL;
    let dist = FIXED_DIST;
    if (type == 2) {
      const result = readDynamicCodes(inLimit);
      if (result != OK) return result;
      ll = LL_TABLE;
      dist = DIST_TABLE;
    } else if (type != 1) {
      return E_BLOCK_TYPE;
    }
    const result = inflateBlock(ll, dist, op, outStart, outEnd, inLimit);
    if (result < 0) return <i32>result;
    op = <usize>result;
  }
  // Bits consumed past inEnd: the stream was cut.
  if (ip - <usize>(count >> 3) > inEnd) return E_TRUNCATED;
  return op == outEnd ? OK : E_TOO_SHORT;
}

/** Fills `bits` to at least 56 bits (reading whole bytes from `ip`; 8 at a time, ORed in place). */
@inline function refillChecked(inLimit: usize): void {
  bits |= load<u64>(ip) << count;
  ip += (63 - count) >> 3;
  count |= 56;
}

/** Reads a dynamic block's code lengths (RFC 1951 3.2.7) and builds LL_TABLE and DIST_TABLE. */
function readDynamicCodes(inLimit: usize): i32 {
  refillChecked(inLimit);
  const nLen = <i32>(bits & 31) + 257;
  const nDist = <i32>((bits >> 5) & 31) + 1;
  const nCodeLen = <i32>((bits >> 10) & 15) + 4;
  bits >>= 14;
  count -= 14;
  if (nLen > 286 || nDist > 30) return E_CODE_LENGTHS;
  memory.fill(LENS, 0, 19);
  for (let i = 0; i < nCodeLen; i++) {
    if (count < 3) {
      refillChecked(inLimit);
      if (ip > inLimit) return E_TRUNCATED;
    }
    store<u8>(LENS + codeLengthOrder(i), <u8>(bits & 7));
    bits >>= 3;
    count -= 3;
  }
  if (!buildTable(LENS, 19, CL_TABLE, CL_ROOT, LL_SYMBOL, 1 << CL_ROOT)) return E_CODE_LENGTHS;
  // The CL table's entries are the symbols' literal entries: value = the symbol 0…18.
  const total = nLen + nDist;
  let i = 0;
  while (i < total) {
    refillChecked(inLimit);
    if (ip > inLimit) return E_TRUNCATED;
    const e = load<u32>(CL_TABLE + <usize>(bits & 127) * 4);
    if (((e >> 8) & 7) != K_LITERAL) return E_CODE_LENGTHS;
    const len = e & 15;
    bits >>= len;
    count -= len;
    const symbol = e >> 16;
    if (symbol < 16) {
      store<u8>(LENS + <usize>i, <u8>symbol);
      i++;
      continue;
    }
    let repeat: i32;
    let value: u8 = 0;
    if (symbol == 16) {
      if (i == 0) return E_CODE_LENGTHS;
      value = load<u8>(LENS + <usize>(i - 1));
      repeat = 3 + <i32>(bits & 3);
      bits >>= 2;
      count -= 2;
    } else if (symbol == 17) {
      repeat = 3 + <i32>(bits & 7);
      bits >>= 3;
      count -= 3;
    } else {
      repeat = 11 + <i32>(bits & 127);
      bits >>= 7;
      count -= 7;
    }
    if (i + repeat > total) return E_CODE_LENGTHS;
    memory.fill(LENS + <usize>i, value, <usize>repeat);
    i += repeat;
  }
  if (load<u8>(LENS + 256) == 0) return E_CODE_LENGTHS; // no end-of-block code
  if (!buildTable(LENS, nLen, LL_TABLE, LL_ROOT, LL_SYMBOL, LL_CAPACITY)) return E_CODE_LENGTHS;
  if (!buildTable(LENS + <usize>nLen, nDist, DIST_TABLE, DIST_ROOT, DIST_SYMBOL, DIST_CAPACITY)) return E_CODE_LENGTHS;
  return OK;
}

/**
 * Decodes one Huffman block's symbols into the output from `op` on; returns where the output
 * ends after the block, or a negative code. Per symbol one refill gives ≥ 56 bits: a length
 * code (≤ 15 bits), its extra bits (≤ 5), a distance code (≤ 15) and its extra bits (≤ 13).
 */
function inflateBlock(ll: usize, dt: usize, op: usize, outStart: usize, outEnd: usize, inLimit: usize): i64 {
  let b = bits;
  let n = count;
  let p = ip;
  let result: i64 = 0;
  const llMask: u64 = (1 << LL_ROOT) - 1;
  const distMask: u64 = (1 << DIST_ROOT) - 1;
  while (true) {
    b |= load<u64>(p) << n;
    p += (63 - n) >> 3;
    n |= 56;
    if (p > inLimit) {
      result = E_TRUNCATED;
      break;
    }
    let e = load<u32>(ll + <usize>(b & llMask) * 4);
    let kind = (e >> 8) & 7;
    if (kind == K_SUB) {
      e = load<u32>(ll + <usize>((e >> 16) + <u32>((b >> LL_ROOT) & ((1 << ((e >> 4) & 15)) - 1))) * 4);
      kind = (e >> 8) & 7;
    }
    let len = e & 15;
    b >>= len;
    n -= len;
    if (kind == K_LITERAL) {
      if (op >= outEnd) {
        result = E_TOO_LONG;
        break;
      }
      store<u8>(op, <u8>(e >> 16));
      op++;
      continue;
    }
    if (kind != K_BASE) {
      result = kind == K_END ? <i64>op : E_BAD_CODE;
      break;
    }
    let extra = (e >> 4) & 15;
    const length = <usize>((e >> 16) + <u32>(b & ((1 << extra) - 1)));
    b >>= extra;
    n -= extra;
    let d = load<u32>(dt + <usize>(b & distMask) * 4);
    kind = (d >> 8) & 7;
    if (kind == K_SUB) {
      d = load<u32>(dt + <usize>((d >> 16) + <u32>((b >> DIST_ROOT) & ((1 << ((d >> 4) & 15)) - 1))) * 4);
      kind = (d >> 8) & 7;
    }
    if (kind != K_BASE) {
      result = E_BAD_CODE;
      break;
    }
    len = d & 15;
    b >>= len;
    n -= len;
    extra = (d >> 4) & 15;
    const distance = <usize>((d >> 16) + <u32>(b & ((1 << extra) - 1)));
    b >>= extra;
    n -= extra;
    if (distance > op - outStart) {
      result = E_TOO_FAR;
      break;
    }
    const end = op + length;
    if (end > outEnd) {
      result = E_TOO_LONG;
      break;
    }
    let src = op - distance;
    if (distance >= 8) {
      // 8 bytes at a time, each read from bytes already written (distance ≥ 8); may write up to 7 past `end`.
      do {
        store<u64>(op, load<u64>(src));
        op += 8;
        src += 8;
      } while (op < end);
    } else if (distance == 1) {
      memory.fill(op, load<u8>(src), length);
    } else {
      do {
        store<u8>(op, load<u8>(src));
        op++;
        src++;
      } while (op < end);
    }
    op = end;
  }
  bits = b;
  count = n;
  ip = p;
  return result;
}

/**
 * CRC-32 of memory [start, end), 16 bytes per step: each of the 16 bytes looked up in the table
 * of a byte followed by as many zero bytes as come after it in the step, the lookups XORed.
 */
export function crc32(start: usize, end: usize): u32 {
  init();
  let c: u32 = 0xffffffff;
  let p = start;
  while (p + 16 <= end) {
    const a = load<u32>(p) ^ c;
    const b = load<u32>(p + 4);
    const d = load<u32>(p + 8);
    const e = load<u32>(p + 12);
    c =
      byteCrc(15, a & 0xff) ^ byteCrc(14, (a >> 8) & 0xff) ^ byteCrc(13, (a >> 16) & 0xff) ^ byteCrc(12, a >> 24) ^
      byteCrc(11, b & 0xff) ^ byteCrc(10, (b >> 8) & 0xff) ^ byteCrc(9, (b >> 16) & 0xff) ^ byteCrc(8, b >> 24) ^
      byteCrc(7, d & 0xff) ^ byteCrc(6, (d >> 8) & 0xff) ^ byteCrc(5, (d >> 16) & 0xff) ^ byteCrc(4, d >> 24) ^
      byteCrc(3, e & 0xff) ^ byteCrc(2, (e >> 8) & 0xff) ^ byteCrc(1, (e >> 16) & 0xff) ^ byteCrc(0, e >> 24);
    p += 16;
  }
  while (p < end) {
    c = byteCrc(0, (c ^ load<u8>(p)) & 0xff) ^ (c >> 8);
    p++;
  }
  return ~c;
}

/** The CRC-32 register after byte `b` followed by `zeros` zero bytes (table `zeros`). */
@inline function byteCrc(zeros: usize, b: u32): u32 {
  return load<u32>(CRC_TABLES + zeros * 1024 + <usize>b * 4);
}
