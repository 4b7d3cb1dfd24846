// Byte-level JSON helpers for the trace scanner: read one event's fields straight
// from UTF-8 bytes, without building a JS object for the event.

import type { MicrosTime } from '../ingest/rawTrace';
import { textDecoder } from '../ingest/rawTrace';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export function skipWs(b: Uint8Array, i: number, end: number): number {
  while (i < end && isWs(b[i])) i++;
  return i;
}

/** Given b[i] === '"', returns the index just past the closing quote (or end if unterminated). */
export function skipString(b: Uint8Array, i: number, end: number): number {
  // Keys and most values are short: a plain loop finds their end before a native call
  // would have started. Past that, indexOf is a native memchr over the long names.
  const near = Math.min(end, i + 24);
  for (let k = i + 1; k < near; k++) {
    const c = b[k];
    if (c === QUOTE) return k + 1;
    if (c === BACKSLASH) break;
  }
  let from = i + 1;
  for (;;) {
    const q = b.indexOf(QUOTE, from);
    if (q < 0 || q >= end) return end;
    let k = q - 1;
    while (k > i && b[k] === BACKSLASH) k--;
    if (((q - 1 - k) & 1) === 0) return q + 1;
    from = q + 1;
  }
}

/** Skips any JSON value starting at b[i]; returns the index just past it. */
export function skipValue(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  if (c === QUOTE) return skipString(b, i, end);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    while (i < end) {
      const d = b[i];
      if (d === QUOTE) {
        i = skipString(b, i, end);
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return end;
  }
  while (i < end) {
    const d = b[i];
    if (d === 0x2c || d === 0x7d || d === 0x5d || isWs(d)) return i;
    i++;
  }
  return end;
}

/** Decodes the JSON string token b[start, stop) (quotes included). */
export function decodeString(b: Uint8Array, start: number, stop: number): string {
  let ascii = true;
  for (let i = start + 1; i < stop - 1; i++) {
    const c = b[i];
    if (c === BACKSLASH) return decodeEscaped(textDecoder.decode(b.subarray(start, stop)));
    if (c >= 0x80) ascii = false;
  }
  const len = stop - start - 2;
  if (ascii && len <= 48) {
    let s = '';
    for (let i = start + 1; i < stop - 1; i++) s += String.fromCharCode(b[i]);
    return s;
  }
  return textDecoder.decode(b.subarray(start + 1, stop - 1));
}

/** A quoted JSON string with escapes; an invalid escape (`\\uZZZZ`, `\\q`) or a cut token is shown as written. */
function decodeEscaped(token: string): string {
  try {
    return JSON.parse(token) as string;
  } catch {
    return token.slice(1, token.endsWith('"') && token.length > 1 ? -1 : undefined);
  }
}

/** Longer names, categories and ids are cut to this many bytes: a 100 MB name would otherwise be copied into every table. */
export const MAX_TOKEN_BYTES = 4096;

/** Text of a scalar token (string contents, or a number/literal as written). */
export function scalarText(b: Uint8Array, start: number, stop: number): string {
  if (stop - start > MAX_TOKEN_BYTES) {
    // Cut, escapes left as written: decoding all of it is the copy we avoid.
    const from = b[start] === QUOTE ? start + 1 : start;
    return `${textDecoder.decode(b.subarray(from, from + MAX_TOKEN_BYTES))}…`;
  }
  if (b[start] === QUOTE) return decodeString(b, start, stop);
  // Numbers and literals (pids, tids, ids) are short ASCII: no decoder call for those.
  if (stop - start <= 24) {
    let s = '';
    for (let i = start; i < stop; i++) {
      if (b[i] >= 0x80) return textDecoder.decode(b.subarray(start, stop));
      s += String.fromCharCode(b[i]);
    }
    return s;
  }
  return textDecoder.decode(b.subarray(start, stop));
}

/** Beyond this (about 285 years in µs) a time cannot be an offset we can hold exactly. */
const MAX_US = 9e12 * 1000;

/**
 * Parses a µs number token exactly: integer µs and the fraction as ns, separately,
 * because ts·1000 in doubles loses ns at Kineto's ~4.7e12 µs. Accepts quoted numbers.
 * Returns false when the token is not a finite number.
 */
export function parseMicros(b: Uint8Array, start: number, stop: number, out: MicrosTime): boolean {
  if (b[start] === QUOTE) {
    start++;
    stop--;
  }
  let i = start;
  let sign = 1;
  if (b[i] === 0x2d) {
    sign = -1;
    i++;
  }
  let us = 0;
  let digits = 0;
  while (i < stop && b[i] >= 0x30 && b[i] <= 0x39) {
    us = us * 10 + (b[i] - 0x30);
    i++;
    digits++;
  }
  const intDigits = digits;
  let ns = 0;
  if (i < stop && b[i] === 0x2e) {
    i++;
    let scale = 100;
    let rest = 0;
    let restScale = 0.1;
    while (i < stop && b[i] >= 0x30 && b[i] <= 0x39) {
      if (scale >= 1) {
        ns += (b[i] - 0x30) * scale;
        scale /= 10;
      } else {
        rest += (b[i] - 0x30) * restScale;
        restScale /= 10;
      }
      i++;
      digits++;
    }
    if (rest >= 0.5) ns += 1;
  }
  if (i === stop && digits > 0 && intDigits <= 16) {
    if (ns >= 1000) {
      us += 1;
      ns -= 1000;
    }
    out.us = sign * us;
    out.ns = sign * ns;
    return us <= MAX_US;
  }
  // Exponents, huge values, garbage: fall back to a double parse.
  const v = Number(textDecoder.decode(b.subarray(start, stop)));
  if (!Number.isFinite(v) || Math.abs(v) > MAX_US || stop === start) return false;
  const whole = Math.trunc(v);
  out.us = whole;
  out.ns = Math.round((v - whole) * 1000);
  return true;
}

/**
 * The numbers under `keys` in the JSON object b[start, end) (top level only; the last of
 * a repeated key wins, as in JSON.parse): out[k] = Number(value); a key that is absent
 * leaves out[k] as the caller set it. Null
 * when the bytes are not a plain object of scalars this reader is sure of (an escaped
 * key, a nested value, a cut): the caller parses those with JSON.parse.
 */
export function numbersAt(b: Uint8Array, start: number, end: number, keys: readonly Uint8Array[], out: Float64Array): Float64Array | null {
  let i = skipWs(b, start, end);
  if (b[i] !== 0x7b) return null;
  i = skipWs(b, i + 1, end);
  if (b[i] === 0x7d) return out;
  for (;;) {
    if (b[i] !== QUOTE) return null;
    const ks = i + 1;
    const ke = skipString(b, i, end) - 1;
    if (ke >= end) return null;
    i = skipWs(b, ke + 1, end);
    if (b[i] !== 0x3a) return null;
    const vs = skipWs(b, i + 1, end);
    const c = b[vs];
    if (vs >= end || c === 0x7b || c === 0x5b) return null;
    const ve = skipValue(b, vs, end);
    const key = keyIndex(b, ks, ke, keys);
    if (key === -2) return null;
    if (key >= 0) out[key] = scalarNumber(b, vs, ve);
    i = skipWs(b, ve, end);
    if (b[i] === 0x7d) return out;
    if (b[i] !== 0x2c) return null;
    i = skipWs(b, i + 1, end);
  }
}

/** Which of `keys` the raw key b[s, e) is: its index, −1 for none, −2 for a key with an escape (unsure). */
function keyIndex(b: Uint8Array, s: number, e: number, keys: readonly Uint8Array[]): number {
  const len = e - s;
  // A key equal to one of `keys` byte for byte has no escape (they have none): only the others are looked through.
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (key.length !== len) continue;
    let j = 0;
    while (j < len && b[s + j] === key[j]) j++;
    if (j === len) return k;
  }
  for (let i = s; i < e; i++) if (b[i] === BACKSLASH) return -2;
  return -1;
}

/** Number(JSON value) of the scalar token b[s, e): plain integers without a string or a parse. */
function scalarNumber(b: Uint8Array, s: number, e: number): number {
  let i = s;
  const negative = b[i] === 0x2d;
  if (negative) i++;
  let v = 0;
  if (e - i > 0 && e - i <= 15) {
    for (; i < e; i++) {
      const d = b[i] - 0x30;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === e) return negative ? -v : v;
  }
  try {
    return Number(JSON.parse(textDecoder.decode(b.subarray(s, e))));
  } catch {
    return NaN;
  }
}
