// A stream cut into pieces as it arrives (streamPieces.ts), checked without workers (in Node
// every piece after the first is parsed as a fragment on this thread, as the trace worker does
// when its helpers are busy): the same index as one sequential parse of the same bytes, for
// real traces, a cut stream, and uneven chunks; and a cut that falls inside a string is refused.

import { describe, expect, it } from 'vitest';
import { ChromeTraceJsonImporter } from '../../../workers/importers/chromeTraceJson';
import { RawTrace } from '../../../workers/ingest/rawTrace';
import { StreamPieces } from '../../../workers/ingest/streamPieces';
import { TraceIndex } from '../../../workers/index/traceIndex';
import { sequentialIndex as sequential, indexOfRaw as indexOf } from '../../support/sequentialIndex';
import { corpusJsonTraces, corpusText, externalText } from '../../support/corpus';

const enc = new TextEncoder();


/** The bytes pushed in chunks of `chunk` through StreamPieces of `pieceBytes`; null when the pieces were refused. */
async function inPieces(bytes: Uint8Array, pieceBytes: number, chunk: number): Promise<{ index: TraceIndex; parsed: number; pieces: number } | null> {
  const raw = new RawTrace();
  const imp = new ChromeTraceJsonImporter(raw);
  let parsed = 0;
  const pieces = new StreamPieces(imp, bytes.subarray(0, chunk), 'wasm', (n) => (parsed += n), undefined, pieceBytes);
  // Copies, as a stream delivers them (a piece's bytes may be transferred away).
  for (let at = 0; at < bytes.length; at += chunk) pieces.push(bytes.slice(at, at + chunk));
  const count = pieces.pieceCount;
  if (!(await pieces.finish())) return null;
  imp.finish();
  return { index: indexOf(raw), parsed, pieces: count };
}

function snapshot(index: TraceIndex) {
  const lanes = [...index.lanes.values()].map((l) => ({
    id: l.info.id,
    rows: l.info.rows,
    events: l.info.events,
    keys: [0, l.start.length >> 2, l.start.length >> 1, l.start.length - 1].map((k) => index.slice(l.info.id, k)?.key),
    args: index.slice(l.info.id, l.start.length >> 1)?.args,
  }));
  const r = index.result;
  return { events: r.events, originNs: r.originNs, minNs: r.minNs, maxNs: r.maxNs, categories: r.categories, phases: r.phases, flows: r.flows, warnings: r.warnings, metadata: r.metadata, lanes };
}

describe('a stream parsed in pieces as it arrives', () => {
  for (const name of corpusJsonTraces()) {
    it(`${name}: the same index as one pass`, async () => {
      const bytes = enc.encode(corpusText(name));
      // Pieces small enough that every trace is cut several times.
      const pieceBytes = Math.max(64 << 10, Math.floor(bytes.length / 7));
      const got = await inPieces(bytes, pieceBytes, 65_537);
      expect(got).not.toBeNull();
      expect(got!.parsed).toBe(bytes.length);
      expect(got!.pieces).toBeGreaterThanOrEqual(bytes.length > 1 << 20 ? 5 : 2);
      expect(snapshot(got!.index)).toEqual(snapshot(sequential(bytes)));
    });
  }

  it('a one-line file (MTIA) in chunks smaller than a cut window', async () => {
    const text = externalText('kineto/hta__mtia_rank_0.json.gz');
    const bytes = enc.encode(text);
    const got = await inPieces(bytes, bytes.length >> 3, 4099);
    expect(got!.pieces).toBeGreaterThanOrEqual(6);
    expect(snapshot(got!.index)).toEqual(snapshot(sequential(bytes)));
  });

  it('a stream that breaks off loads what came and says so, as one pass does', async () => {
    const bytes = enc.encode(corpusText('train_step.json.gz'));
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.77));
    const got = await inPieces(cut, cut.length >> 3, 65_536);
    expect(got!.pieces).toBeGreaterThanOrEqual(6);
    expect(snapshot(got!.index)).toEqual(snapshot(sequential(cut)));
    expect(got!.index.result.warnings.map((w) => w.code)).toContain('truncated');
  });

  it('refuses the pieces when a cut fell inside a string', async () => {
    // Every event's args hold "}, {": a boundary look-alike inside a string.
    const events = Array.from({ length: 4000 }, (_, i) => ({ ph: 'X', name: `op${i % 7}`, pid: 1, tid: 1, ts: i * 10, dur: 5, args: { note: `${'x'.repeat(i % 50)}}, {"y": ${i}} and more text to pad the string out` } }));
    const bytes = enc.encode(JSON.stringify({ traceEvents: events }));
    expect(await inPieces(bytes, 16 << 10, 10_007)).toBeNull();
  });
});
