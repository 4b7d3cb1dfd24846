// Claims of a parallel parse's pieces (workers/ingest/pieceClaims.ts) under every kind of
// interleaving: a scheduler picks, at random, which thread acts next and when an asked-ahead
// piece's cut becomes known, as the network and the cores would in parseInParallel.
import { describe, expect, it } from 'vitest';
import { PieceClaims } from '../../../workers/ingest/pieceClaims';
import { mulberry32 } from '../../../bench/traceGenerator.mjs';

interface Outcome {
  /** Who parsed each piece (0 this thread, h + 1 helper h), in the order taken. */
  takes: { piece: number; who: number }[];
  /** Pieces whose bytes a thread asked for ahead, and who asked. */
  asks: { piece: number; who: number }[];
  frontEnd: number;
  claims: PieceClaims;
}

/** One load as parseInParallel runs it, its order of events drawn from `seed`. */
function simulate(pieces: number, helpers: number, seed: number): Outcome {
  const rnd = mulberry32(seed);
  const claims = new PieceClaims(pieces);
  const takes: Outcome['takes'] = [];
  const asks: Outcome['asks'] = [];
  // Per thread (0 = this one): the piece it parses (null idle), and whether it is done.
  const busy: (number | null)[] = Array(helpers + 1).fill(null);
  const done: boolean[] = Array(helpers + 1).fill(false);
  // Cuts still being looked for: when one resolves, the thread that wanted it ahead tries to reserve it.
  const pendingAhead: { who: number; piece: number }[] = [];
  for (let step = 0; step < 100_000; step++) {
    const actions: (() => void)[] = [];
    for (let who = 0; who <= helpers; who++) {
      if (done[who]) continue;
      actions.push(() => {
        if (busy[who] !== null) {
          busy[who] = null; // its piece is parsed
          return;
        }
        const k = who === 0 ? claims.takeFront() : claims.takeHelper(who - 1);
        if (k === null) {
          done[who] = true;
          return;
        }
        takes.push({ piece: k, who });
        busy[who] = k;
        if (who === 0) pendingAhead.push({ who, piece: k + 1 });
        else if (claims.reserveHelper(who - 1, k - helpers)) pendingAhead.push({ who, piece: k - helpers });
      });
    }
    pendingAhead.forEach((ahead, i) =>
      actions.push(() => {
        pendingAhead.splice(i, 1);
        if (ahead.piece >= pieces) return;
        const asked = ahead.who === 0 ? claims.reserveFront(ahead.piece) : claims.reservedFor(ahead.who - 1, ahead.piece);
        if (asked) asks.push(ahead);
      }),
    );
    if (!actions.length) break;
    actions[Math.floor(rnd() * actions.length)]();
  }
  return { takes, asks, frontEnd: claims.frontEnd, claims };
}

describe('PieceClaims', () => {
  it('gives every piece to exactly one thread, this thread a run from 0, and an asked-ahead piece to the thread that asked', () => {
    let cases = 0;
    let asksSeen = 0;
    let helperAsksSeen = 0;
    const problems: string[] = [];
    for (let pieces = 2; pieces <= 24; pieces++)
      for (let helpers = 1; helpers <= 3; helpers++)
        for (let seed = 1; seed <= 40; seed++) {
          const { takes, asks, frontEnd, claims } = simulate(pieces, helpers, seed * 7919 + pieces * 31 + helpers);
          const context = `pieces ${pieces}, helpers ${helpers}, seed ${seed}`;
          const byPiece = new Map<number, number>();
          for (const t of takes) {
            if (byPiece.has(t.piece)) problems.push(`${context}: piece ${t.piece} taken twice`);
            byPiece.set(t.piece, t.who);
          }
          for (let k = 0; k < pieces; k++) {
            // Every piece parsed; this thread holds exactly 0 … frontEnd − 1 (its importer reads them in order), helpers the rest.
            if (!byPiece.has(k)) problems.push(`${context}: piece ${k} never parsed`);
            else if ((byPiece.get(k) === 0) !== k < frontEnd) problems.push(`${context}: piece ${k} by ${byPiece.get(k)}, front end ${frontEnd}`);
            if (claims.holder(k) !== byPiece.get(k)) problems.push(`${context}: holder of ${k}`);
          }
          if (byPiece.size !== pieces || frontEnd < 1) problems.push(`${context}: ${byPiece.size} pieces taken, front end ${frontEnd}`);
          // No piece's bytes are fetched twice: whoever asked for a piece ahead parses it.
          for (const a of asks) if (byPiece.get(a.piece) !== a.who) problems.push(`${context}: piece ${a.piece} asked ahead by ${a.who}, parsed by ${byPiece.get(a.piece)}`);
          asksSeen += asks.length;
          helperAsksSeen += asks.filter((a) => a.who > 0).length;
          cases++;
        }
    // The schedules did exercise asking ahead, by both ends.
    expect(problems.slice(0, 5)).toEqual([]);
    expect(cases).toBe(23 * 3 * 40);
    expect(asksSeen).toBeGreaterThan(cases);
    expect(helperAsksSeen).toBeGreaterThan(cases / 4);
  });

  it('keeps the last free piece unreserved, so whichever thread is idle first takes it', () => {
    const claims = new PieceClaims(3);
    expect(claims.takeFront()).toBe(0);
    expect(claims.takeHelper(0)).toBe(2);
    // Piece 1 is the only one left: this thread may not reserve it, and a helper may take it.
    expect(claims.reserveFront(1)).toBe(false);
    expect(claims.takeHelper(0)).toBe(1);
    expect(claims.takeFront()).toBeNull();
    expect(claims.frontEnd).toBe(1);
  });

  it('lets no helper take a piece another helper asked for ahead, nor this thread run into it', () => {
    const claims = new PieceClaims(10);
    expect(claims.takeFront()).toBe(0);
    expect(claims.takeHelper(0)).toBe(9);
    expect(claims.takeHelper(1)).toBe(8);
    // Helper 0 asks for 9 − 2 = 7 ahead; helper 1's turn from the back skips it.
    expect(claims.reserveHelper(0, 7)).toBe(true);
    expect(claims.reserveHelper(1, 7)).toBe(false);
    expect(claims.takeHelper(1)).toBe(6);
    expect(claims.takeHelper(0)).toBe(7);
    for (let k = 1; k <= 5; k++) expect(claims.takeFront()).toBe(k);
    expect(claims.takeFront()).toBeNull();
    expect(claims.takeHelper(0)).toBeNull();
  });
});
