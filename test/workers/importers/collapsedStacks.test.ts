// Collapsed stacks in UTF-16 with a byte-order mark, and files with lines that are not stacks.

import { describe, expect, it } from 'vitest';
import { loadText } from '../../support/corpus';

const LINES = ['a;b;c 1', 'a;b;c 1', 'a;b;d 4', 'a;b;c 3', 'a;b 5'];

function utf16(text: string, bigEndian: boolean): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out.set(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + 2 * i + (bigEndian ? 1 : 0)] = c & 0xff;
    out[2 + 2 * i + (bigEndian ? 0 : 1)] = c >> 8;
  }
  return out;
}

describe('collapsed stacks', () => {
  for (const bigEndian of [false, true]) {
    it(`decodes UTF-16 ${bigEndian ? 'BE' : 'LE'} with a BOM (CRLF lines)`, async () => {
      const index = await loadText(utf16(LINES.join('\r\n'), bigEndian), 'stacks.txt');
      expect(index.result.format).toBe('collapsed stacks');
      // 1 + 1 + 4 + 3 + 5 samples; a;b;c three lines = 5.
      expect(index.result.flame!.root.total).toBe(14);
      const b = index.result.flame!.root.children[0].children[0];
      expect(b.children.map((c) => [c.name, c.total])).toEqual([['c', 5], ['d', 4]]);
      expect(index.result.warnings).toEqual([]);
    });
  }

  it('skips comment and stray lines with one counted warning', async () => {
    const text = ['# comment about the samples', '// another comment', ...LINES, 'invalid line', ''].join('\n');
    const index = await loadText(text, 'stacks.txt');
    expect(index.result.flame!.root.total).toBe(14);
    expect(index.result.warnings.map((w) => w.code)).toEqual(['collapsed-bad-line']);
    expect(index.result.warnings[0].message).toMatch(/^3 lines .* \(the first: Line 1 \("# comment/);
  });
});
