// Collapsed ("folded") stacks: `root;child;leaf 12` per line, as written by
// `py-spy record --format raw` and flamegraph tooling. They carry sample counts but
// no times, so they cannot be a timeline lane. Until tracelane has a flame-graph
// view, they are drawn as ONE synthetic lane laid out like a flame graph (callers
// above callees, siblings side by side in name order, widths proportional to
// counts), with a warning that the x axis is samples, not time.

import { RawKind, type MicrosTime, type RawTrace } from '../ingest/rawTrace';
import { TraceFormatError, type ImporterFormat, type TraceImporter } from './importer';
import { headLines, LineReader } from './lineReader';

const LINE = /^(.*\S)\s+(\d+)$/;
/** Width of one sample on the synthetic axis: py-spy's default rate is 100 Hz. */
export const NS_PER_SAMPLE = 10_000_000;
const PID = 'flame graph';
const TID = 'aggregate';
const encoder = new TextEncoder();

interface Node {
  total: number;
  self: number;
  children: Map<string, Node>;
}

export const collapsedStacks: ImporterFormat = {
  name: 'collapsed stacks',
  detect(head) {
    const lines = headLines(head);
    return lines.length > 0 && lines.every((l) => LINE.test(l)) && lines.some((l) => l.includes(';'));
  },
  create: (raw) => new CollapsedStacksImporter(raw),
};

const newNode = (): Node => ({ total: 0, self: 0, children: new Map() });

export class CollapsedStacksImporter implements TraceImporter {
  private readonly root = newNode();
  private readonly lines = new LineReader((line, n) => this.line(line, n));

  constructor(private readonly raw: RawTrace) {}

  push(chunk: Uint8Array): void {
    this.lines.push(chunk);
  }

  finish(): void {
    this.lines.finish();
    const raw = this.raw;
    if (this.root.total === 0) throw new TraceFormatError('The collapsed-stacks file has no samples.');
    const t: MicrosTime = { us: 0, ns: 0 };
    raw.toNs(t);
    raw.processNames.set(PID, 'Collapsed stacks');
    raw.processLabels.set(PID, 'aggregate, not a timeline');
    raw.threadNames.set(`${PID}|${TID}`, `Flame graph (${this.root.total.toLocaleString('en-US')} samples)`);
    this.layout(this.root, 0);
    raw.warn({
      code: 'aggregate',
      message: `Collapsed stacks have sample counts but no times: shown as one flame-graph lane whose widths are sample counts (${NS_PER_SAMPLE / 1e6} ms per sample), not a timeline.`,
    });
  }

  private line(line: string, lineNo: number): void {
    if (line.trim() === '') return;
    const m = LINE.exec(line);
    if (!m) {
      this.raw.warn({ code: 'collapsed-bad-line', message: `Line ${lineNo} is not "frame;frame;… count" and was skipped: "${line.slice(0, 80)}"` });
      return;
    }
    const count = Number(m[2]);
    let node = this.root;
    node.total += count;
    for (const frame of m[1].split(';')) {
      let child = node.children.get(frame);
      if (!child) node.children.set(frame, (child = newNode()));
      child.total += count;
      node = child;
    }
    node.self += count;
  }

  /** Children of `node` side by side from `startNs`, each as wide as its sample count. */
  private layout(node: Node, startNs: number): void {
    let at = startNs;
    const total = this.root.total;
    for (const name of [...node.children.keys()].sort()) {
      const child = node.children.get(name)!;
      const bytes = encoder.encode(JSON.stringify({ samples: child.total, self: child.self, share: `${((100 * child.total) / total).toFixed(2)}%` }));
      const off = this.raw.args.append(bytes, 0, bytes.length);
      this.raw.addEvent(RawKind.Slice, 0, at, child.total * NS_PER_SAMPLE, PID, TID, 'python', name, off, bytes.length);
      this.layout(child, at);
      at += child.total * NS_PER_SAMPLE;
    }
  }
}
