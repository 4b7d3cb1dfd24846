// Splits byte chunks into text lines for the line-oriented formats (strace logs,
// collapsed stacks). Chunks may split lines, and UTF-8 sequences, anywhere: the
// unfinished tail is carried to the next chunk and only whole lines are decoded.

const decoder = new TextDecoder('utf-8', { fatal: false });

export class LineReader {
  /** The unfinished line's bytes, one part per chunk: joined once its end arrives, so a line spanning k chunks costs O(length), not O(k·length). */
  private carry: Uint8Array[] = [];
  /** 1-based number of the next line handed out. */
  lineNo = 1;

  constructor(private readonly onLine: (line: string, lineNo: number) => void) {}

  push(chunk: Uint8Array): void {
    let nl = chunk.indexOf(0x0a);
    let start = 0;
    if (nl >= 0 && this.carry.length > 0) {
      this.carry.push(chunk.subarray(0, nl));
      this.emitCarry();
      start = nl + 1;
      nl = chunk.indexOf(0x0a, start);
    }
    for (; nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      this.emit(chunk, start, nl);
      start = nl + 1;
    }
    // The reader may reuse its buffers: keep a copy.
    if (start < chunk.length) this.carry.push(chunk.slice(start));
  }

  /** Hands out the last line when the input does not end with a newline. */
  finish(): void {
    if (this.carry.length > 0) this.emitCarry();
  }

  private emitCarry(): void {
    const parts = this.carry;
    this.carry = [];
    const line = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      line.set(p, at);
      at += p.length;
    }
    this.emit(line, 0, line.length);
  }

  private emit(buf: Uint8Array, start: number, end: number): void {
    if (end > start && buf[end - 1] === 0x0d) end--;
    this.onLine(decoder.decode(buf.subarray(start, end)), this.lineNo++);
  }
}

/** How much of a detection head headLines() reads. */
export const HEAD_LINES_BYTES = 64 * 1024;

/** The first complete lines of a detection head (the last, possibly cut, line is dropped). */
export function headLines(head: Uint8Array, max = 20): string[] {
  const text = decoder.decode(head.subarray(0, HEAD_LINES_BYTES));
  const lines = text.split('\n');
  if (lines.length > 1) lines.pop();
  return lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '').slice(0, max);
}
