// AssemblyScript, compiled to WebAssembly by build/wasm.ts (not type-checked by tsc).
//
// The per-byte work of the Chrome-JSON importer: given a chunk copied to reserveInput's
// offset, read the run of complete event objects that starts at `from` and write, per
// event, its byte range, the value ranges of the fields the importer may read, and the
// ids of its name, cat, pid and tid in a token table kept across chunks (so JS decodes
// and compares each distinct token once, not once per event). The rules are
// exactly those of EventFields.read and jsonBytes.ts (the JS scanner stays the
// reference): where those would say "cut" or "malformed", or any byte between events
// is not whitespace or a comma, the scan stops there and the JS scanner takes over.
// Strings and nested values are skipped 16 bytes at a time with SIMD.

import { ensureMemory } from '../../../wasm/assembly/memory';

/** Value ranges kept per event, in this order (the JS side names them in wasmScanner.ts). */
const FIELDS: i32 = 16;
const F_PH: i32 = 0;
const F_NAME: i32 = 1;
const F_CAT: i32 = 2;
const F_PID: i32 = 3;
const F_TID: i32 = 4;
const F_TS: i32 = 5;
const F_DUR: i32 = 6;
const F_ID: i32 = 7;
const F_ID2: i32 = 8;
const F_BP: i32 = 9;
const F_S: i32 = 10;
const F_SCOPE: i32 = 11;
const F_BIND_ID: i32 = 12;
const F_FLOW_IN: i32 = 13;
const F_FLOW_OUT: i32 = 14;
const F_ARGS: i32 = 15;

/**
 * i32 slots per event: start, end, start/end per field (−1 = absent), then the interned
 * ids of name, cat, pid, tid and id (ids of this instance's token table, below; −1 = absent
 * or longer than MAX_TOKEN), then ts and dur as [ns, ok] with their whole µs in the f64
 * table (ok = 1 where jsonBytes.parseMicros's exact path accepts the number; 0 leaves it
 * to parseMicros), then ph's character when ph is one ASCII letter in quotes (else 0).
 */
const REC: i32 = 2 + FIELDS * 2 + 5 + 4 + 1;
const IDS: i32 = 2 + FIELDS * 2;
const TIMES: i32 = IDS + 5;
const PH: i32 = TIMES + 4;
/** Records per scan: few enough that JS reads them back from the cache (a record is 176 bytes). */
const MAX_RECORDS: i32 = 512;
const OUT: usize = 65536;
/** Per event: ts and dur whole µs. */
const OUT_US: usize = OUT + <usize>(MAX_RECORDS * REC * 4);
/**
 * The token table (slots, then the bytes of its tokens) sits between the records and the
 * input chunk, which is last in memory: when the table grows, the chunk moves up (record
 * offsets are relative to the chunk, so they stay valid).
 */
const TABLE: usize = OUT_US + <usize>(MAX_RECORDS * 2 * 8);
/** Tokens longer than this are not interned here (as jsonBytes.MAX_TOKEN_BYTES: the JS side cuts them). */
const MAX_TOKEN: i32 = 4096;
/** Bytes per table slot: hash, pool offset, length, id (−1: empty). */
const SLOT: i32 = 16;

let stopAt: i32 = 0;
/** Where the input chunk starts, and its length (set by reserveInput). */
let inAt: usize = 0;
let inLen: i32 = 0;
let slotCount: i32 = 0;
let tokenCount: i32 = 0;
let poolAt: usize = 0;
let poolCap: i32 = 0;
let poolUsed: i32 = 0;

function initTable(): void {
  if (slotCount > 0) return;
  slotCount = 4096;
  poolAt = TABLE + <usize>(slotCount * SLOT);
  poolCap = 1 << 16;
  inAt = poolAt + <usize>poolCap;
  ensureMemory(inAt + 16);
  memory.fill(TABLE, 0xff, <usize>(slotCount * SLOT));
}

/** Room for a chunk of `len` bytes (and 16 bytes of slack for SIMD loads): where JS copies it. */
export function reserveInput(len: i32): usize {
  initTable();
  inLen = len;
  ensureMemory(inAt + <usize>len + 16);
  return inAt;
}

/** Moves the input chunk up by `delta` bytes (the token table below it grows). */
function moveInput(delta: usize): void {
  ensureMemory(inAt + delta + <usize>inLen + 16);
  memory.copy(inAt + delta, inAt, <usize>inLen + 16);
  inAt += delta;
}

export function outputOffset(): usize {
  return OUT;
}
export function microsOffset(): usize {
  return OUT_US;
}
export function recordSlots(): i32 {
  return REC;
}
export function maxRecords(): i32 {
  return MAX_RECORDS;
}
/** Where the last scan stopped: the first byte the JS scanner reads next. */
export function stop(): i32 {
  return stopAt;
}

@inline function byte(i: i32): u32 {
  return <u32>load<u8>(inAt + <usize>i);
}

@inline function isWs(c: u32): bool {
  return c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09;
}

function skipWs(i: i32, end: i32): i32 {
  while (i < end && isWs(byte(i))) i++;
  return i;
}

/** b[i] is '"': the index just past the closing quote, or `end` when it is not in the bytes. */
function skipString(i: i32, end: i32): i32 {
  let k = i + 1;
  const quote = i8x16.splat(0x22);
  const backslash = i8x16.splat(0x5c);
  while (k + 16 <= end) {
    const v = v128.load(inAt + <usize>k);
    const m = i8x16.bitmask(v128.or(i8x16.eq(v, quote), i8x16.eq(v, backslash)));
    if (m == 0) {
      k += 16;
      continue;
    }
    k += ctz(m);
    if (byte(k) == 0x22) return k + 1;
    k += 2; // a backslash escapes the next byte
  }
  while (k < end) {
    const c = byte(k);
    if (c == 0x22) return k + 1;
    k += c == 0x5c ? 2 : 1;
  }
  return end;
}

/** Any JSON value at b[i] (leniently, as jsonBytes.skipValue): the index just past it. */
function skipValue(i: i32, end: i32): i32 {
  if (i >= end) return end;
  const c = byte(i);
  if (c == 0x22) return skipString(i, end);
  if (c == 0x7b || c == 0x5b) {
    let depth = 0;
    const quote = i8x16.splat(0x22);
    const lowerBit = i8x16.splat(0x20);
    const open = i8x16.splat(0x7b); // '{', and '[' | 0x20
    const close = i8x16.splat(0x7d); // '}', and ']' | 0x20
    while (i < end) {
      if (i + 16 <= end) {
        const v = v128.load(inAt + <usize>i);
        const folded = v128.or(v, lowerBit);
        const m = i8x16.bitmask(v128.or(i8x16.eq(v, quote), v128.or(i8x16.eq(folded, open), i8x16.eq(folded, close))));
        if (m == 0) {
          i += 16;
          continue;
        }
        i += ctz(m);
      }
      const d = byte(i);
      if (d == 0x22) {
        i = skipString(i, end);
        continue;
      }
      if (d == 0x7b || d == 0x5b) depth++;
      else if (d == 0x7d || d == 0x5d) {
        depth--;
        if (depth == 0) return i + 1;
      }
      i++;
    }
    return end;
  }
  while (i < end) {
    const d = byte(i);
    if (d == 0x2c || d == 0x7d || d == 0x5d || isWs(d)) return i;
    i++;
  }
  return end;
}

/** The field slot of the key b[s, e) (raw bytes, as the JS scanner compares them), or −1. */
function fieldOf(s: i32, e: i32): i32 {
  const len = e - s;
  const c0 = byte(s);
  switch (len) {
    case 1:
      return c0 == 0x73 ? F_S : -1;
    case 2: {
      const c1 = byte(s + 1);
      if (c0 == 0x70 && c1 == 0x68) return F_PH;
      if (c0 == 0x74 && c1 == 0x73) return F_TS;
      if (c0 == 0x69 && c1 == 0x64) return F_ID;
      if (c0 == 0x62 && c1 == 0x70) return F_BP;
      return -1;
    }
    case 3: {
      const c1 = byte(s + 1);
      const c2 = byte(s + 2);
      if (c1 == 0x69 && c2 == 0x64) return c0 == 0x70 ? F_PID : c0 == 0x74 ? F_TID : -1;
      if (c0 == 0x63 && c1 == 0x61 && c2 == 0x74) return F_CAT;
      if (c0 == 0x64 && c1 == 0x75 && c2 == 0x72) return F_DUR;
      if (c0 == 0x69 && c1 == 0x64 && c2 == 0x32) return F_ID2;
      return -1;
    }
    case 4:
      if (c0 == 0x6e && byte(s + 1) == 0x61 && byte(s + 2) == 0x6d && byte(s + 3) == 0x65) return F_NAME;
      if (c0 == 0x61 && byte(s + 1) == 0x72 && byte(s + 2) == 0x67 && byte(s + 3) == 0x73) return F_ARGS;
      return -1;
    case 5:
      return same(s, 'scope') ? F_SCOPE : -1;
    case 7:
      if (same(s, 'bind_id')) return F_BIND_ID;
      return same(s, 'flow_in') ? F_FLOW_IN : -1;
    case 8:
      return same(s, 'flow_out') ? F_FLOW_OUT : -1;
  }
  return -1;
}

function same(s: i32, key: string): bool {
  for (let k = 0; k < key.length; k++) if (byte(s + k) != <u32>key.charCodeAt(k)) return false;
  return true;
}

/** The event at b[s] === '{': index past its '}', −1 when cut by `e`, −2 when malformed. */
function readEvent(s: i32, e: i32, rec: usize): i32 {
  for (let f = 0; f < FIELDS * 2; f++) store<i32>(rec + 8 + <usize>(f * 4), -1);
  let i = s + 1;
  while (i < e) {
    i = skipWs(i, e);
    if (i >= e) return -1;
    const c = byte(i);
    if (c == 0x7d) return i + 1;
    if (c == 0x2c) {
      i++;
      continue;
    }
    if (c != 0x22) return -2;
    const ks = i + 1;
    const ke = skipString(i, e) - 1;
    i = skipWs(ke + 1, e);
    if (i >= e) return -1;
    if (byte(i) != 0x3a) return -2;
    i = skipWs(i + 1, e);
    const vs = i;
    const ve = skipValue(i, e);
    if (ve >= e) return -1;
    if (ve == vs) return -2;
    i = ve;
    const f = fieldOf(ks, ke);
    if (f >= 0) {
      store<i32>(rec + 8 + <usize>(f * 8), vs);
      store<i32>(rec + 12 + <usize>(f * 8), ve);
    }
  }
  return -1;
}

/**
 * A hash of b[s, e), 8 bytes at a time over its first 64 and its last 32 bytes (long kernel
 * names differ at both ends), seeded with the length. Reading up to 7 bytes past e is
 * safe (the chunk has 16 bytes of slack); they are masked off.
 */
function tokenHash(s: i32, e: i32): i32 {
  const len = e - s;
  let h: u64 = <u64>len * 0x9e3779b97f4a7c15;
  const head = min(e, s + 64);
  let i = s;
  for (; i < head; i += 8) h = mix(h, i, head);
  for (i = max(head, e - 32); i < e; i += 8) h = mix(h, i, e);
  return <i32>(h ^ (h >> 32));
}

@inline function mix(h: u64, i: i32, end: i32): u64 {
  let w = load<u64>(inAt + <usize>i);
  const rest = end - i;
  if (rest < 8) w &= (<u64>1 << (<u64>rest << 3)) - 1;
  h = (h ^ w) * 0xff51afd7ed558ccd;
  return h ^ (h >> 29);
}

function sameBytes(a: usize, b: usize, len: i32): bool {
  let k: i32 = 0;
  for (; k + 16 <= len; k += 16) if (v128.any_true(v128.xor(v128.load(a + <usize>k), v128.load(b + <usize>k)))) return false;
  for (; k < len; k++) if (load<u8>(a + <usize>k) != load<u8>(b + <usize>k)) return false;
  return true;
}

/**
 * The id of the token b[s, e) (raw bytes, quotes included: as TokenInterner keys them),
 * dense from 0 in order of first sight; −1 when absent or longer than MAX_TOKEN. JS maps
 * each id to its string once, the first time it sees it.
 */
function intern(s: i32, e: i32): i32 {
  if (s < 0) return -1;
  const len = e - s;
  if (len > MAX_TOKEN) return -1;
  const h = tokenHash(s, e);
  const mask = slotCount - 1;
  let slot = h & mask;
  while (true) {
    const p = TABLE + <usize>(slot * SLOT);
    const id = load<i32>(p, 12);
    if (id < 0) break;
    if (load<i32>(p) == h && load<i32>(p, 8) == len && sameBytes(poolAt + <usize>load<i32>(p, 4), inAt + <usize>s, len)) return id;
    slot = (slot + 1) & mask;
  }
  if (poolUsed + len > poolCap) {
    const cap = max(poolCap * 2, poolUsed + len);
    moveInput(<usize>(cap - poolCap));
    poolCap = cap;
  }
  memory.copy(poolAt + <usize>poolUsed, inAt + <usize>s, <usize>len);
  const p = TABLE + <usize>(slot * SLOT);
  const id = tokenCount++;
  store<i32>(p, h);
  store<i32>(p, poolUsed, 4);
  store<i32>(p, len, 8);
  store<i32>(p, id, 12);
  poolUsed += len;
  if (tokenCount * 2 > slotCount) growTable();
  return id;
}

/** Doubles the slots: the pool and the input move up, the entries are placed again. */
function growTable(): void {
  const oldBytes = <usize>(slotCount * SLOT);
  moveInput(oldBytes);
  memory.copy(poolAt + oldBytes, poolAt, <usize>poolUsed);
  poolAt += oldBytes;
  // The old slots, copied past the input while they are placed again.
  const scratch = inAt + <usize>inLen + 16;
  ensureMemory(scratch + oldBytes);
  memory.copy(scratch, TABLE, oldBytes);
  const oldCount = slotCount;
  slotCount *= 2;
  memory.fill(TABLE, 0xff, <usize>(slotCount * SLOT));
  const mask = slotCount - 1;
  for (let k = 0; k < oldCount; k++) {
    const q = scratch + <usize>(k * SLOT);
    if (load<i32>(q, 12) < 0) continue;
    let slot = load<i32>(q) & mask;
    while (load<i32>(TABLE + <usize>(slot * SLOT), 12) >= 0) slot = (slot + 1) & mask;
    memory.copy(TABLE + <usize>(slot * SLOT), q, <usize>SLOT);
  }
}

/** Beyond this (about 285 years in µs) a time cannot be an offset held exactly (as jsonBytes.MAX_US). */
const MAX_US: f64 = 9e12 * 1000;

/**
 * The exact path of jsonBytes.parseMicros for b[s, e) (the same f64 steps, so the same
 * results): writes whole µs at usAt and [ns, 1] at slot; anything else [0, 0] (JS decides).
 */
function micros(s: i32, e: i32, rec: usize, slot: i32, usAt: usize): void {
  store<i32>(rec + <usize>((slot + 1) * 4), 0);
  if (s < 0) return;
  if (byte(s) == 0x22) {
    s++;
    e--;
  }
  let i = s;
  let sign: f64 = 1;
  if (i < e && byte(i) == 0x2d) {
    sign = -1;
    i++;
  }
  let us: f64 = 0;
  let digits = 0;
  while (i < e && byte(i) >= 0x30 && byte(i) <= 0x39) {
    us = us * 10 + <f64>(byte(i) - 0x30);
    i++;
    digits++;
  }
  const intDigits = digits;
  let ns: f64 = 0;
  if (i < e && byte(i) == 0x2e) {
    i++;
    let scale: f64 = 100;
    let rest: f64 = 0;
    let restScale: f64 = 0.1;
    while (i < e && byte(i) >= 0x30 && byte(i) <= 0x39) {
      if (scale >= 1) {
        ns += <f64>(byte(i) - 0x30) * scale;
        scale /= 10;
      } else {
        rest += <f64>(byte(i) - 0x30) * restScale;
        restScale /= 10;
      }
      i++;
      digits++;
    }
    if (rest >= 0.5) ns += 1;
  }
  if (i != e || digits == 0 || intDigits > 16) return;
  if (ns >= 1000) {
    us += 1;
    ns -= 1000;
  }
  if (us > MAX_US) return;
  store<f64>(usAt, sign * us);
  store<i32>(rec + <usize>(slot * 4), <i32>(sign * ns));
  store<i32>(rec + <usize>((slot + 1) * 4), 1);
}

@inline function field(rec: usize, f: i32, end: bool): i32 {
  return load<i32>(rec + 8 + <usize>(f * 8 + (end ? 4 : 0)));
}

function internField(rec: usize, f: i32, k: i32): void {
  store<i32>(rec + <usize>((IDS + k) * 4), intern(field(rec, f, false), field(rec, f, true)));
}

/** ph's character when its value is one ASCII letter in quotes (not an escape), else 0. */
function phChar(rec: usize): void {
  const s = field(rec, F_PH, false);
  let c: u32 = 0;
  if (s >= 0 && field(rec, F_PH, true) - s == 3 && byte(s) == 0x22) {
    c = byte(s + 1);
    if (c >= 0x80 || c == 0x5c || c == 0x22) c = 0;
  }
  store<i32>(rec + <usize>(PH * 4), <i32>c);
}

/** Token ids (name, cat, pid, tid and id: flow keys), times and ph of a record just read. */
function derive(rec: usize, n: i32): void {
  internField(rec, F_PID, 2);
  internField(rec, F_TID, 3);
  internField(rec, F_CAT, 1);
  internField(rec, F_NAME, 0);
  internField(rec, F_ID, 4);
  micros(field(rec, F_TS, false), field(rec, F_TS, true), rec, TIMES, OUT_US + <usize>(n * 16));
  micros(field(rec, F_DUR, false), field(rec, F_DUR, true), rec, TIMES + 2, OUT_US + <usize>(n * 16 + 8));
  phChar(rec);
}

/**
 * Reads complete events from b[from, end) of the chunk at reserveInput's offset (whitespace and commas
 * between them), at most MAX_RECORDS; returns how many, and stop() where it stopped.
 */
export function scan(from: i32, end: i32): i32 {
  let i = from;
  let n = 0;
  while (n < MAX_RECORDS) {
    while (i < end && (isWs(byte(i)) || byte(i) == 0x2c)) i++;
    if (i >= end || byte(i) != 0x7b) break;
    const rec = OUT + <usize>(n * REC * 4);
    const r = readEvent(i, end, rec);
    if (r < 0) break;
    store<i32>(rec, i);
    store<i32>(rec + 4, r);
    derive(rec, n);
    n++;
    i = r;
  }
  stopAt = i;
  return n;
}
