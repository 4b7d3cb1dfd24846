// Who parses which piece of a file cut into pieces (parallelParse.ts): this thread from the
// front (piece 0 begins the document, so its importer reads 0, 1, … in order), its helpers from
// the back. A piece whose bytes were asked for ahead (a URL's ranged GET, answered while the
// thread parses its current piece) is RESERVED for the thread that asked: nobody else takes it,
// or its bytes would be fetched twice. Kept apart from the fetching and parsing so every
// interleaving of claims can be checked (test/workers/ingest/pieceClaims.test.ts).

const FREE = -1;
/** The holder number of this (the trace worker's) thread; helper i is i + 1. */
const FRONT = 0;

export class PieceClaims {
  /** Per piece: who parses it (FRONT, helper + 1) or FREE. */
  private readonly takenBy: Int16Array;
  /** Per piece: who asked for its bytes ahead, or FREE. */
  private readonly reservedBy: Int16Array;
  /** The piece this thread takes next: it took every piece below. */
  private frontNext = 0;
  private frontStopped = false;

  constructor(readonly pieces: number) {
    this.takenBy = new Int16Array(pieces).fill(FREE);
    this.reservedBy = new Int16Array(pieces).fill(FREE);
  }

  /** This thread's next piece, or null once the next one is another's (it then takes none again). */
  takeFront(): number | null {
    const k = this.frontNext;
    if (this.frontStopped || k >= this.pieces || !this.isFor(k, FRONT)) {
      this.frontStopped = true;
      return null;
    }
    this.takenBy[k] = FRONT;
    this.frontNext++;
    return k;
  }

  /**
   * Whether this thread asks ahead for piece k (it will reach it after the one it parses):
   * nothing on its way to k is another's, and a piece above k is left for the helpers (the last
   * free piece goes to whoever is idle first). Reserves it if so.
   */
  reserveFront(k: number): boolean {
    if (this.frontStopped || k < this.frontNext || !this.freeAbove(k)) return false;
    for (let p = this.frontNext; p <= k; p++) if (!this.isFor(p, FRONT)) return false;
    this.reservedBy[k] = FRONT;
    return true;
  }

  /** Helper h's next piece: the one it asked for ahead, else the highest free one this thread has not asked for; null when none is left. */
  takeHelper(h: number): number | null {
    const who = h + 1;
    let k = this.reservedBy.indexOf(who);
    if (k < 0) {
      k = this.pieces - 1;
      while (k >= this.helperFloor() && !(this.takenBy[k] === FREE && this.reservedBy[k] === FREE)) k--;
      if (k < this.helperFloor()) return null;
    }
    this.takenBy[k] = who;
    this.reservedBy[k] = FREE;
    return k;
  }

  /**
   * Whether helper h asks ahead for piece k, its likely next one: free, with at least one piece
   * between it and this thread's next (which this thread would reach first otherwise), and above what
   * this thread asked for. Reserves it if so.
   */
  reserveHelper(h: number, k: number): boolean {
    if (this.reservedBy.includes(h + 1)) return false;
    if (k <= this.frontNext + 1 || k < this.helperFloor() || this.takenBy[k] !== FREE || this.reservedBy[k] !== FREE) return false;
    this.reservedBy[k] = h + 1;
    return true;
  }

  /** Whether helper h still waits to take piece k it asked for ahead (not begun yet). */
  reservedFor(h: number, k: number): boolean {
    return this.reservedBy[k] === h + 1;
  }

  /** The first piece this thread did not take: the helpers parsed every one from it to the end. */
  get frontEnd(): number {
    return this.frontNext;
  }

  /** Who parsed piece k (FRONT = 0, helper h = h + 1), or -1. */
  holder(k: number): number {
    return this.takenBy[k];
  }

  private isFor(k: number, who: number): boolean {
    return this.takenBy[k] === FREE && (this.reservedBy[k] === FREE || this.reservedBy[k] === who);
  }

  /** Helpers never take piece 0, this thread's next piece while it may still take it, or one it asked for. */
  private helperFloor(): number {
    let floor = Math.max(1, this.frontNext);
    if (!this.frontStopped) while (floor < this.pieces && this.reservedBy[floor] === FRONT) floor++;
    return floor;
  }

  private freeAbove(k: number): boolean {
    for (let p = this.pieces - 1; p > k; p--) if (this.takenBy[p] === FREE && this.reservedBy[p] === FREE) return true;
    return false;
  }
}
