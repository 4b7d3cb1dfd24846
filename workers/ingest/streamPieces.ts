// Parallel parsing of a plain JSON trace that arrives as ONE stream (a .gz as it inflates, a
// URL whose server does not answer ranges): the event list is cut into pieces as the bytes
// come, at event boundaries (findCut). This thread's importer keeps the first piece; each later
// piece goes to an idle fragment worker, or is parsed here as a fragment when every helper is
// busy, so no thread waits while bytes are waiting. The fragments are merged in file order, as
// parallelParse.ts merges a File's.
// A stream cannot be read again, so a cut that fell inside a string (checked once every piece is
// parsed, from the previous piece's end state) makes `finish` return false: the caller opens the
// source again and reads it in one piece.

import { findCut, type FragmentData, type FragmentStart } from '../importers/chromeTraceFragment';
import { ChromeTraceJsonImporter } from '../importers/chromeTraceJson';
import { firstContentByte } from '../importers/importer';
import { parseFragmentBytes } from './fragmentParse';
import { canStartHelpers, coreCount, fragmentCount, startHelper, type FragmentHelper } from './parallelParse';
import type { StageClock } from './stageClock';

/**
 * Bytes per piece: each piece costs a message, an importer and a merge; a smaller piece lets the
 * threads share the end of the stream more evenly.
 */
export const STREAM_PIECE_BYTES = 8 << 20;
/** Look for a cut only once this much lies past the piece's nominal end (a boundary is rarely further). */
const CUT_LOOKAHEAD = 64 << 10;

/**
 * Cores a stream's pieces need to gain: gunzip, this thread and a helper each want one, and the page
 * another. On 2 cores the pieces cost more than they save (llm_decode_large.json.gz, quiet 2-core VM:
 * parse 0.79 s in one piece, 1.17–1.24 s in pieces: the helper shares a core with gunzip and the merge
 * adds 0.16 s), so there they are used only when asked for (`?pieces=stream`, tests).
 */
export const STREAM_PIECES_MIN_CORES = 4;

/** `force`: split even below STREAM_PIECES_MIN_CORES (true) or never (false). */
export function canSplitStream(force?: boolean): boolean {
  if (force === false || !canStartHelpers() || fragmentCount() < 2) return false;
  return force === true || coreCount() >= STREAM_PIECES_MIN_CORES;
}

export class StreamPieces {
  private readonly top: FragmentStart['top'];
  /** Bytes not yet given to a piece, from absolute offset `pendingAbs`. */
  private pending: Uint8Array[] = [];
  private pendingLen = 0;
  private pendingAbs = 0;
  /** Where the cut search in `pending` resumes (bytes before it were searched). */
  private searchedTo = 0;
  /** Bytes this thread's importer has (the first piece), and whether that piece is complete. */
  private firstBytes = 0;
  private firstDone = false;
  /** Pieces after the first, in file order. */
  private readonly parts: Promise<FragmentData>[] = [];
  private readonly idle: FragmentHelper[] = [];
  private readonly helpers: FragmentHelper[] = [];
  private failed: unknown = null;

  constructor(
    private readonly importer: ChromeTraceJsonImporter,
    head: Uint8Array,
    private readonly scanner: 'wasm' | 'js',
    /** Decoded bytes parsed (by any thread). */
    private readonly onParsed: (n: number) => void,
    private readonly stages?: StageClock,
    private readonly pieceBytes = STREAM_PIECE_BYTES,
  ) {
    this.top = head[firstContentByte(head)] === 0x5b ? 'array' : 'object';
  }

  /** The next bytes of the stream. */
  push(chunk: Uint8Array): void {
    if (this.failed) throw this.failed;
    if (!this.firstDone && this.pendingLen === 0 && this.firstBytes + chunk.length <= this.pieceBytes) {
      this.importer.push(chunk);
      this.firstBytes += chunk.length;
      this.pendingAbs += chunk.length;
      this.onParsed(chunk.length);
      return;
    }
    this.pending.push(chunk);
    this.pendingLen += chunk.length;
    for (;;) {
      const from = Math.max(this.searchedTo, this.firstDone ? this.pieceBytes : 0);
      if (this.pendingLen < from + CUT_LOOKAHEAD) return;
      const bytes = this.flatPending();
      const cut = findCut(bytes.subarray(from), from);
      if (cut === null) {
        // Keep the last few bytes searchable: a boundary may straddle two chunks.
        this.searchedTo = Math.max(from, bytes.length - 16);
        return;
      }
      this.cutAt(bytes, cut);
    }
  }

  /** Bytes of the first piece, parsed by this thread's importer (the rest is parsed elsewhere until the merge). */
  get firstPieceBytes(): number {
    return this.firstBytes;
  }

  /** Pieces so far, the first included. */
  get pieceCount(): number {
    return 1 + this.parts.length;
  }

  /**
   * The stream ended (or broke off: what came is the last piece). Merges every piece into this
   * thread's importer; false when a cut turned out not to be between two events.
   */
  async finish(): Promise<boolean> {
    if (this.parts.length === 0) {
      for (const c of this.pending) this.importer.push(c);
      this.onParsed(this.pendingLen);
      this.release();
      return true;
    }
    if (this.pendingLen > 0) this.dispatch(this.flatPending(), this.pendingAbs);
    this.pending = [];
    this.pendingLen = 0;
    try {
      const parts = await Promise.all(this.parts);
      this.stages?.mark('stream pieces parsed');
      const ends = [this.importer.endState(), ...parts.map((p) => p.end)].slice(0, parts.length);
      if (!ends.every((s) => ChromeTraceJsonImporter.betweenEvents(s, this.top))) return false;
      this.importer.absorbAll(parts);
      this.stages?.mark('fragments merged');
      return true;
    } finally {
      this.release();
    }
  }

  release(): void {
    for (const h of this.helpers) h.release();
    this.helpers.length = 0;
    this.idle.length = 0;
  }

  private flatPending(): Uint8Array {
    if (this.pending.length !== 1) {
      const flat = new Uint8Array(this.pendingLen);
      let at = 0;
      for (const c of this.pending) {
        flat.set(c, at);
        at += c.length;
      }
      this.pending = [flat];
    }
    return this.pending[0];
  }

  private cutAt(bytes: Uint8Array, cut: number): void {
    if (!this.firstDone) {
      this.importer.push(bytes.subarray(0, cut));
      this.firstBytes += cut;
      this.firstDone = true;
      this.onParsed(cut);
      this.stages?.mark('first stream piece parsed');
    } else {
      // A copy: the piece's buffer is transferred, the rest stays here.
      this.dispatch(bytes.slice(0, cut), this.pendingAbs);
    }
    const rest = bytes.slice(cut);
    this.pending = rest.length ? [rest] : [];
    this.pendingLen = rest.length;
    this.pendingAbs += cut;
    this.searchedTo = 0;
  }

  private dispatch(bytes: Uint8Array, base: number): void {
    if (this.helpers.length === 0) {
      for (let i = 1; i < fragmentCount(); i++) {
        const helper = startHelper(this.onParsed, () => this.stages?.markFirst(`fragment ${i} first bytes`));
        this.helpers.push(helper);
        this.idle.push(helper);
      }
    }
    const helper = this.idle.pop();
    if (!helper) {
      // Every helper is busy: this thread parses the piece rather than let bytes wait.
      this.parts.push(Promise.resolve(parseFragmentBytes(bytes, { top: this.top, base })));
      this.onParsed(bytes.length);
      return;
    }
    const part = helper.run({ bytes, base, top: this.top, scanner: this.scanner }, [bytes.buffer as ArrayBuffer]);
    part.then(
      () => this.idle.push(helper),
      (err) => (this.failed ??= err),
    );
    this.parts.push(part);
  }
}
