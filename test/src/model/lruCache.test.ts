import { describe, expect, it } from 'vitest';
import { LruCache } from '../../../src/model/lruCache';

describe('LruCache', () => {
  it('stays within its byte bound by dropping the least recently used entries', () => {
    const c = new LruCache<string, Uint8Array>(100, (v) => v.byteLength);
    c.set('a', new Uint8Array(40));
    c.set('b', new Uint8Array(40));
    expect(c.get('a')).toBeDefined(); // a is now the most recent
    c.set('c', new Uint8Array(40));
    expect(c.has('b')).toBe(false);
    expect(c.has('a') && c.has('c')).toBe(true);
    expect(c.bytes).toBe(80);
    c.deleteWhere((k) => k === 'a');
    expect(c.size).toBe(1);
    expect(c.bytes).toBe(40);
  });

  it('keeps a single entry larger than the bound until the next one arrives', () => {
    const c = new LruCache<string, Uint8Array>(10, (v) => v.byteLength);
    c.set('big', new Uint8Array(50));
    expect(c.has('big')).toBe(true);
    c.set('small', new Uint8Array(5));
    expect(c.has('big')).toBe(false);
    expect(c.bytes).toBe(5);
  });
});
