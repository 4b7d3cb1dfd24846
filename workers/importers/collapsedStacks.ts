// Collapsed ("folded") stacks: `root;child;leaf 12` per line, as written by
// `py-spy record --format raw` and flamegraph tooling. They carry sample counts but
// no times, so they are no timeline lane: the importer keeps them as an aggregate
// call tree (RawTrace.flame → TraceLoadResult.flame) that the flame-graph view draws.

import type { RawTrace } from '../ingest/rawTrace';
import { FlameGraphBuilder } from '../../src/model/flameGraph';
import { TraceFormatError, type ImporterFormat, type TraceImporter } from './importer';
import { HEAD_LINES_BYTES, headLines, LineReader } from './lineReader';

const LINE = /^(.*\S)\s+(\d+)$/;
/** The start of a stack whose count lies past the detection head (no JSON quotes or braces). */
const CUT_STACK = /^[^"{}]*;[^"{}]*$/;

export const collapsedStacks: ImporterFormat = {
  name: 'collapsed stacks',
  detect(head) {
    const lines = headLines(head);
    // Like strace: a damaged line among the first ones is a warning when read, not another format.
    const ok = lines.filter((l) => LINE.test(l)).length;
    if (lines.length > 0 && LINE.test(lines[0]) && ok >= lines.length * 0.8 && lines.some((l) => l.includes(';'))) return true;
    // A first stack tens of thousands of frames deep is longer than the head: only its start shows.
    return lines.length === 1 && !head.subarray(0, HEAD_LINES_BYTES).includes(0x0a) && CUT_STACK.test(lines[0]);
  },
  create: (raw) => new CollapsedStacksImporter(raw),
};

export class CollapsedStacksImporter implements TraceImporter {
  private readonly flame = new FlameGraphBuilder();
  private readonly lines = new LineReader((line, n) => this.line(line, n));

  constructor(private readonly raw: RawTrace) {}

  push(chunk: Uint8Array): void {
    this.lines.push(chunk);
  }

  finish(): void {
    this.lines.finish();
    if (this.flame.total === 0) throw new TraceFormatError('The collapsed-stacks file has no samples.');
    this.raw.flame = this.flame.build();
  }

  private line(line: string, lineNo: number): void {
    if (line.trim() === '') return;
    const m = LINE.exec(line);
    if (!m) {
      this.raw.warn({ code: 'collapsed-bad-line', message: `Line ${lineNo} is not "frame;frame;… count" and was skipped: "${line.slice(0, 80)}"` });
      return;
    }
    this.flame.addFolded(m[1], Number(m[2]));
  }
}
