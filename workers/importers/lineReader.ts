// Splits byte chunks into text lines for the line-oriented formats (strace logs,
// collapsed stacks). Chunks may split lines, and UTF-8 sequences, anywhere: the
// unfinished tail is carried to the next chunk and only whole lines are decoded.

const decoder = new TextDecoder('utf-8', { fatal: false });

export class LineReader {
  private carry: Uint8Array | null = null;
  /** 1-based number of the next line handed out. */
  lineNo = 1;

  constructor(private readonly onLine: (line: string, lineNo: number) => void) {}

  push(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.carry) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry);
      buf.set(chunk, this.carry.length);
      this.carry = null;
    }
    let start = 0;
    for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      this.emit(buf, start, nl);
      start = nl + 1;
    }
    if (start < buf.length) this.carry = buf.slice(start);
  }

  /** Hands out the last line when the input does not end with a newline. */
  finish(): void {
    if (this.carry) this.emit(this.carry, 0, this.carry.length);
    this.carry = null;
  }

  private emit(buf: Uint8Array, start: number, end: number): void {
    if (end > start && buf[end - 1] === 0x0d) end--;
    this.onLine(decoder.decode(buf.subarray(start, end)), this.lineNo++);
  }
}

/** The first complete lines of a detection head (the last, possibly cut, line is dropped). */
export function headLines(head: Uint8Array, max = 20): string[] {
  const text = decoder.decode(head.subarray(0, 64 * 1024));
  const lines = text.split('\n');
  if (lines.length > 1) lines.pop();
  return lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '').slice(0, max);
}
