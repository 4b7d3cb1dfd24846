// Stable identities. Lane and slice keys must survive reloads (links and saved
// state point at them), so they are built from trace content, never from load order.

import type { LaneKind } from './types';

/** Lane key = trace + pid + tid + kind. GPU lanes: pid = device, tid = stream. */
export function laneKey(trace: string, pid: string, tid: string, kind: LaneKind, extra?: string): string {
  const base = `${trace}|${pid}|${tid}|${kind}`;
  return extra ? `${base}|${extra}` : base;
}

export function groupKey(trace: string, pid: string): string {
  return `${trace}|${pid}`;
}

/** 32-bit FNV-1a, hex. Used so slice keys stay short even for 3 kB kernel names. */
export function hashName(name: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * Slice key = lane key + absolute start ns + name hash + ordinal among slices of
 * the lane with the same start and name.
 */
export function sliceKey(lane: string, absStartNs: bigint, name: string, ordinal: number): string {
  return `${lane}@${absStartNs}@${hashName(name)}@${ordinal}`;
}

export function parseSliceKey(key: string): { lane: string; absStartNs: bigint; nameHash: string; ordinal: number } | null {
  const parts = key.split('@');
  if (parts.length !== 4) return null;
  const [lane, abs, nameHash, ord] = parts;
  if (!/^-?\d+$/.test(abs) || !/^\d+$/.test(ord)) return null;
  return { lane, absStartNs: BigInt(abs), nameHash, ordinal: Number(ord) };
}

/** Trace key from a file name: stable across reloads and independent of load order. */
export function traceKeyFromName(name: string, taken: Set<string>): string {
  const base = (name.split(/[\\/]/).pop() || 'trace').replace(/\.(gz|json|txt|sqlite)$/gi, '').replace(/\.(gz|json|txt)$/gi, '');
  const clean = base.replace(/[|@]/g, '_') || 'trace';
  let key = clean;
  for (let i = 2; taken.has(key); i++) key = `${clean}~${i}`;
  taken.add(key);
  return key;
}
