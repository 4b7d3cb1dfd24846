// The time model, decided once:
// - each trace keeps its exact origin as a BigInt of absolute ns (as a decimal string
//   across the worker boundary) and stores times as Float64 ns offsets from it;
// - the global axis origin is the earliest event of all loaded traces;
// - per-trace shifts are applied at query time, never baked into stored columns.

/** ns from a trace origin to the global axis origin (exact while |delta| < 2^53 ns ≈ 104 days). */
export function traceShiftNs(traceOriginNs: string, axisOriginNs: string): number {
  return Number(BigInt(traceOriginNs) - BigInt(axisOriginNs));
}

/** The earliest absolute ns of a set of traces, as a decimal string. */
export function earliestOrigin(traces: { originNs: string; minNs: number; events?: number; wholeStartNs?: number }[]): string {
  let best: bigint | null = null;
  // A trace without events has no time of its own (its origin is a placeholder), unless all are so.
  const timed = traces.some((t) => t.events !== 0) ? traces.filter((t) => t.events !== 0) : traces;
  for (const t of timed) {
    // A trace opened in part starts where the whole trace does (traceChoice.ts), so the axis is a full open's.
    const abs = BigInt(t.originNs) + BigInt(Math.floor(t.wholeStartNs ?? t.minNs));
    if (best === null || abs < best) best = abs;
  }
  return (best ?? 0n).toString();
}

const UNITS: [number, string][] = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
];

/** A duration in the largest unit that keeps it ≥ 1, with up to `digits` significant digits. */
export function formatDuration(ns: number, digits = 4): string {
  if (!Number.isFinite(ns)) return '—';
  const abs = Math.abs(ns);
  if (abs === 0) return '0 ns';
  for (const [scale, unit] of UNITS) {
    if (abs >= scale || unit === 'ns') {
      const v = ns / scale;
      return `${trimNumber(v, digits)} ${unit}`;
    }
  }
  return `${ns} ns`;
}

function trimNumber(v: number, digits: number): string {
  const abs = Math.abs(v);
  const decimals = abs >= 100 ? Math.max(0, digits - 3) : abs >= 10 ? Math.max(0, digits - 2) : digits - 1;
  const text = v.toFixed(Math.min(decimals, 3));
  // Trailing zeros of the decimals only: "400" must not become "4".
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Wall-clock text (UTC, ns precision) of an absolute ns value. */
export function formatWallClock(absNs: bigint): string {
  const ms = absNs / 1_000_000n;
  const subMs = absNs % 1_000_000n;
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString(); // 2026-10-01T12:34:56.789Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${subMs.toString().padStart(6, '0')} UTC`;
}

/** Absolute ns of a global-axis time. */
export function axisToAbsolute(axisOriginNs: string, axisNs: number): bigint {
  return BigInt(axisOriginNs) + BigInt(Math.round(axisNs));
}
