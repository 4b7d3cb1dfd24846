// Collapsed ("folded") stacks: `root;child;leaf 12` per line, as written by
// `py-spy record --format raw` and flamegraph tooling. They carry sample counts but
// no times, so they are no timeline lane: the importer keeps them as an aggregate
// call tree (RawTrace.flame → TraceLoadResult.flame) that the flame-graph view draws.

import type { RawTrace } from '../ingest/rawTrace';
import { FlameGraphBuilder } from '../../src/model/flameGraph';
import { TraceFormatError, type ImporterFormat, type TraceImporter } from './importer';
import { HEAD_LINES_BYTES, headLines, LineReader } from './lineReader';

const LINE = /^(.*\S)\s+(\d+)$/;
const textEncoder = new TextEncoder();

/** 'utf-16le' / 'utf-16be' for a file starting with that byte-order mark, else null (UTF-8). */
function utf16Of(head: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}
/** The start of a stack whose count lies past the detection head (no JSON quotes or braces). */
const CUT_STACK = /^[^"{}]*;[^"{}]*$/;

export const collapsedStacks: ImporterFormat = {
  name: 'collapsed stacks',
  detect(head) {
    // UTF-16 with a byte-order mark (Windows tools): read as its text, re-encoded to UTF-8.
    const utf16 = utf16Of(head);
    const lines = utf16 ? headLines(textEncoder.encode(new TextDecoder(utf16).decode(head.subarray(0, HEAD_LINES_BYTES)))) : headLines(head);
    // Like strace: damaged lines (comments, a stray word) are warnings when read, not another format,
    // as long as most lines are stacks and some have frames.
    const ok = lines.filter((l) => LINE.test(l));
    if (ok.length > 0 && ok.length >= lines.length * 0.5 && ok.some((l) => l.includes(';')) && !/^\s*[[{]/.test(lines[0])) return true;
    // A first stack tens of thousands of frames deep is longer than the head: only its start shows.
    return lines.length === 1 && !head.subarray(0, HEAD_LINES_BYTES).includes(0x0a) && CUT_STACK.test(lines[0]);
  },
  create: (raw) => new CollapsedStacksImporter(raw),
};

export class CollapsedStacksImporter implements TraceImporter {
  private readonly flame = new FlameGraphBuilder();
  private readonly lines = new LineReader((line, n) => this.line(line, n));
  /** UTF-16 files: their text, streamed, re-encoded to UTF-8 for the line reader (null: UTF-8). */
  private utf16: TextDecoder | null | undefined;
  private badLines = 0;
  private firstBad = '';

  constructor(private readonly raw: RawTrace) {}

  push(chunk: Uint8Array): void {
    if (this.utf16 === undefined) {
      const enc = utf16Of(chunk);
      this.utf16 = enc ? new TextDecoder(enc) : null;
    }
    this.lines.push(this.utf16 ? textEncoder.encode(this.utf16.decode(chunk, { stream: true })) : chunk);
  }

  finish(): void {
    if (this.utf16) this.lines.push(textEncoder.encode(this.utf16.decode()));
    this.lines.finish();
    if (this.badLines === 1) this.raw.warn({ code: 'collapsed-bad-line', message: `${this.firstBad} is not "frame;frame;… count" and was skipped.` });
    else if (this.badLines > 1) {
      this.raw.warn({ code: 'collapsed-bad-line', message: `${this.badLines} lines are not "frame;frame;… count" and were skipped (the first: ${this.firstBad}).` });
    }
    if (this.flame.total === 0) throw new TraceFormatError('The collapsed-stacks file has no samples.');
    this.raw.flame = this.flame.build();
  }

  private line(line: string, lineNo: number): void {
    // The byte-order mark of a UTF-8 file, or of a UTF-16 one decoded above.
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.trim() === '') return;
    const m = LINE.exec(line);
    if (!m) {
      if (this.badLines++ === 0) this.firstBad = `Line ${lineNo} ("${line.slice(0, 80)}")`;
      return;
    }
    this.flame.addFolded(m[1], Number(m[2]));
  }
}
