// Where the pieces of a parallel parse nominally start (parallelParse.ts cuts each at the first event
// boundary past its start). This thread parses pieces from the front and its helpers from the back
// until they meet; whoever finishes first then waits for the others' last pieces. With equal pieces
// that wait was up to a piece or two (synthetic 100 MB by picker: the threads' ends 11–246 ms apart
// over 4 loads; 1 GB: 495 ms). So pieces shrink toward where the threads are expected to meet (this
// thread's share of the file, 1 / threads): big where each thread starts, small where they finish
// (100 MB by picker: 2–20 ms apart over 4 loads, same minutes).

/** Each round of pieces is this much smaller than the one before, on both sides of the meeting point. */
const SHRINK = 0.7;

/**
 * Nominal starts of the pieces, `pieces + 1` numbers from 0 to `size`. `rounds` pieces per thread:
 * this thread's `rounds` shrink from the file's start toward the meeting point, and the helpers'
 * rounds (each of `threads − 1` equal pieces, one per helper) shrink from the end toward it.
 * Equal pieces where that would make one smaller than `minBytes`, or where the file has fewer
 * pieces than `rounds × threads`.
 */
export function pieceStarts(size: number, threads: number, rounds: number, minBytes: number): number[] {
  const pieces = Math.max(2, Math.min(rounds * threads, Math.floor(size / minBytes)));
  const equal = Array.from({ length: pieces + 1 }, (_, k) => Math.floor((k * size) / pieces));
  if (pieces < rounds * threads || threads < 2) return equal;
  const scale = (1 - SHRINK ** rounds) / (1 - SHRINK);
  // Round j's piece is first · SHRINK^j on either side (the meeting point at size / threads).
  const first = size / threads / scale;
  if (first * SHRINK ** (rounds - 1) < minBytes) return equal;
  const sizes: number[] = [];
  for (let j = 0; j < rounds; j++) sizes.push(first * SHRINK ** j);
  for (let j = rounds - 1; j >= 0; j--) for (let h = 1; h < threads; h++) sizes.push(first * SHRINK ** j);
  const starts = [0];
  let at = 0;
  for (let k = 0; k < pieces - 1; k++) starts.push(Math.floor((at += sizes[k])));
  starts.push(size);
  return starts;
}
