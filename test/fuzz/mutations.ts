// Byte-level damage done to real traces by the fuzzer: what transfers, crashes and
// editors do to files. Positions are fractions of the length, so one mutation
// description applies to any input and shrinks well.

import fc from 'fast-check';
import { concatTyped } from '../../src/model/concatTyped';

export type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'swap'; a: number; b: number; len: number }
  | { kind: 'duplicate'; from: number; len: number; to: number }
  | { kind: 'deleteBracket'; at: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'badUtf8'; at: number; seq: number }
  | { kind: 'nest'; at: number; depth: number; open: string; close: boolean };

// Integers scaled, not doubles: fast-check's doubles crowd around 0 (every cut would be at byte 0).
const frac = fc.integer({ min: 0, max: 999_999 }).map((x) => x / 1e6);
const span = fc.integer({ min: 0, max: 50_000 }).map((x) => x / 1e6);
/** Bytes that matter to a JSON scanner. */
const nasty = fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', '\\u', 'NaN', '1e999', '-', '\u0000', '\xff', '{"ph":"B","ts":', '{"ph":"E"}', '\ud800');

/** Invalid UTF-8: lone byte, cut 2- and 3-byte sequences, a surrogate, an overlong '/', past U+10FFFF. */
export const BAD_UTF8 = [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0xfe, 0xfe]];
/** What parsers recurse on. */
const opener = fc.constantFrom('[', '{"a":', '{"args":{"x":', '[{"ph":"B","name":', '(', ';');

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: frac, mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: frac }),
  fc.record({ kind: fc.constant('swap' as const), a: frac, b: frac, len: span }),
  fc.record({ kind: fc.constant('duplicate' as const), from: frac, len: span, to: frac }),
  fc.record({ kind: fc.constant('deleteBracket' as const), at: frac }),
  fc.record({ kind: fc.constant('insert' as const), at: frac, text: nasty }),
  fc.record({ kind: fc.constant('badUtf8' as const), at: frac, seq: fc.integer({ min: 0, max: BAD_UTF8.length - 1 }) }),
  fc.record({ kind: fc.constant('nest' as const), at: frac, depth: fc.integer({ min: 1, max: 200_000 }), open: opener, close: fc.boolean() }),
);

const enc = new TextEncoder();
/** Per opener: the innermost value, then what closes one level. */
const CLOSERS: Record<string, [string, string]> = { '[': ['', ']'], '{"a":': ['1', '}'], '{"args":{"x":': ['1', '}}'], '[{"ph":"B","name":': ['"n"', '}]'], '(': ['', ')'], ';': ['', ''] };

export function mutate(input: Uint8Array, m: Mutation): Uint8Array {
  const n = input.length;
  if (n === 0) return input;
  const pos = (f: number) => Math.min(n - 1, Math.floor(f * n));
  switch (m.kind) {
    case 'flip': {
      const out = input.slice();
      out[pos(m.at)] ^= m.mask;
      return out;
    }
    case 'truncate':
      return input.slice(0, pos(m.at));
    case 'swap': {
      // Two chunks trade places (chunks of a transfer delivered out of order).
      const len = Math.max(1, Math.floor(m.len * n));
      let [a, b] = [pos(m.a), pos(m.b)].sort((x, y) => x - y);
      if (b < a + len) b = Math.min(n - len, a + len);
      if (b + len > n || a + len > b) return input;
      const out = input.slice();
      out.set(input.subarray(b, b + len), a);
      out.set(input.subarray(a, a + len), b);
      return out;
    }
    case 'duplicate': {
      const from = pos(m.from);
      const chunk = input.subarray(from, Math.min(n, from + Math.max(1, Math.floor(m.len * n))));
      const to = pos(m.to);
      const out = new Uint8Array(n + chunk.length);
      out.set(input.subarray(0, to));
      out.set(chunk, to);
      out.set(input.subarray(to), to + chunk.length);
      return out;
    }
    case 'deleteBracket': {
      for (let i = pos(m.at); i < n; i++) {
        const c = input[i];
        if (c === 0x7b || c === 0x7d || c === 0x5b || c === 0x5d) return concat(input.subarray(0, i), input.subarray(i + 1));
      }
      return input;
    }
    case 'insert': {
      const at = pos(m.at);
      return concat(input.subarray(0, at), enc.encode(m.text), input.subarray(at));
    }
    case 'badUtf8': {
      // Written over the bytes there (a damaged transfer), not inserted.
      const out = input.slice();
      out.set(BAD_UTF8[m.seq].slice(0, n - pos(m.at)), pos(m.at));
      return out;
    }
    case 'nest': {
      // Deep nesting: `depth` openers, and their closers if `close` (then the nesting is well formed).
      const [inner, close] = CLOSERS[m.open];
      const at = pos(m.at);
      const closing = m.close ? inner + close.repeat(m.depth) : '';
      return concat(input.subarray(0, at), enc.encode(m.open.repeat(m.depth) + closing), input.subarray(at));
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return concatTyped(Uint8Array, parts);
}
