// Trace identity, for links to dropped files and for saved work. Kineto traces carry
// trace_id + baseTimeNanoseconds: those name the recording itself, so the .gz and the
// plain file match. Without them: size + a hash of the first and last MB of the file.

import type { TraceLoadResult, TraceSource } from '../model/types';

const MB = 1 << 20;

/** `id:<trace_id>@<baseTimeNanoseconds>` when the trace names itself, else null. */
export function recordedIdentity(result: Pick<TraceLoadResult, 'metadata'>): string | null {
  const id = result.metadata?.trace_id;
  const base = result.metadata?.baseTimeNanoseconds;
  if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') return null;
  return `id:${String(id)}@${base === undefined ? '' : String(base)}`;
}

/** `sz:<size>:<hash of first MB><hash of last MB>` of a Blob. */
export async function contentIdentity(blob: Blob): Promise<string> {
  const head = new Uint8Array(await blob.slice(0, MB).arrayBuffer());
  const tail = blob.size > MB ? new Uint8Array(await blob.slice(Math.max(MB, blob.size - MB)).arrayBuffer()) : new Uint8Array(0);
  return `sz:${blob.size}:${fnv1a64(head)}${fnv1a64(tail)}`;
}

/** Identity of a loaded trace: recorded when present, else the file's content, else its URL. */
export async function traceIdentity(source: TraceSource, result: Pick<TraceLoadResult, 'metadata'> | null): Promise<string> {
  // A job's rank not opened yet: the fingerprint job.json took from its index (the same recorded identity).
  const recorded = result ? recordedIdentity(result) : source.kind === 'index' ? source.job?.rank?.fingerprint ?? null : null;
  if (recorded) return recorded;
  if (source.kind === 'file') return contentIdentity(source.file);
  if (source.kind === 'localIndex') return `local-index:${source.name}`;
  return `url:${source.url}`;
}

/**
 * 64-bit FNV-1a as 16 hex digits (two 32-bit lanes with different offsets).
 * Not cryptographic: crypto.subtle is missing on plain-HTTP portals, and this only
 * has to tell different recordings apart.
 */
export function fnv1a64(bytes: Uint8Array): string {
  let a = 0x811c9dc5;
  let b = 0xcbf29ce4;
  for (let i = 0; i < bytes.length; i++) {
    a = Math.imul(a ^ bytes[i], 0x01000193);
    b = Math.imul(b ^ bytes[i], 0x01000193) ^ (a >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
