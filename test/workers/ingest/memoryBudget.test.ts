// The memory budget refuses before indexing beyond it, with a message naming the
// budget and the estimate; a generous budget changes nothing.

import { openAsBlob } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, corpusText } from '../../support/corpus';
import { loadTrace } from '../../../workers/ingest/loadTrace';
import { BYTES_PER_EVENT, estimateIndexBytes, estimateMBOfMessage, KEPT_TEXT_SHARE } from '../../../workers/ingest/memoryBudget';
import { defaultBudgetMB, memoryBudgetMB } from '../../../src/state/memoryBudget';

const MB = 1024 * 1024;
const FILE = 'llm_decode_small.json.gz';
const open = async (budgetBytes: number) => loadTrace({ kind: 'file', file: await openAsBlob(join(CORPUS, FILE)), name: FILE }, { trace: 'small', budgetBytes });

describe('memory budget', () => {
  it('projects what was read so far to the whole source', () => {
    const half = estimateIndexBytes({ bytesRead: 50, bytesTotal: 100, decodedBytes: 1000, events: 10 });
    expect(half).toBe(2 * (10 * BYTES_PER_EVENT + 1000 * KEPT_TEXT_SHARE));
    expect(estimateIndexBytes({ bytesRead: 100, bytesTotal: 0, decodedBytes: 1000, events: 10 })).toBe(10 * BYTES_PER_EVENT + 1000 * KEPT_TEXT_SHARE);
  });

  it('refuses a trace whose estimate exceeds a tiny budget, naming both', async () => {
    const err = (await open(1 * MB).catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('BudgetExceededError');
    expect(err.message).toMatch(/^llm_decode_small\.json\.gz needs about [\d,.]+ MB of memory to open \(estimated from [\d,]+ events in the first [\d,.]+ MB of 0\.3 MB\), more than the memory budget of 1 MB\./);
    // The whole trace's estimate (from the raw text), not just the part read, is above the budget.
    const text = corpusText(FILE);
    const events = (JSON.parse(text) as { traceEvents: unknown[] }).traceEvents.length;
    const full = events * BYTES_PER_EVENT + Buffer.byteLength(text) * KEPT_TEXT_SHARE;
    expect(estimateMBOfMessage(err.message)! * MB).toBeGreaterThan(MB);
    expect(estimateMBOfMessage(err.message)! * MB).toBeLessThan(full * 3);
  });

  it('opens the same trace within a budget that fits', async () => {
    const index = await open(512 * MB);
    expect(index.result.events).toBeGreaterThan(10_000);
  });

  it('defaults to half the device memory, at most 4 GB; ?budgetMB= overrides', () => {
    expect(defaultBudgetMB(8)).toBe(4096);
    expect(defaultBudgetMB(4)).toBe(2048);
    expect(defaultBudgetMB(0.5)).toBe(256);
    expect(defaultBudgetMB(undefined)).toBe(2048);
    expect(memoryBudgetMB('?budgetMB=3')).toEqual({ mb: 3, from: 'url' });
    expect(memoryBudgetMB('?budgetMB=-1').from).toBe('device');
  });
});
