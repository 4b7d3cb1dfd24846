// Nice 1-2-5 steps so labels read as round numbers ("0 ms, 20 ms, …") at any zoom.

export interface Tick {
  ns: number;
  x: number;
  label: string;
}

const UNITS: [number, string][] = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
];

/** The smallest 1/2/5×10^k step (≥ 1 ns) giving at least `minSpacingPx` between ticks. */
export function niceStep(spanNs: number, widthPx: number, minSpacingPx: number): number {
  if (!(spanNs > 0) || !(widthPx > 0)) return 1;
  const raw = (spanNs * minSpacingPx) / widthPx;
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) {
    if (m * pow >= raw) return Math.max(1, m * pow);
  }
  return Math.max(1, 10 * pow);
}

/**
 * The unit a step is labelled in: the largest unit the step is a whole number of
 * ("0 ms, 20 ms"), moved up while labels would be long ("289370 µs" → "289.37 ms").
 */
export function unitForStep(stepNs: number, maxAbsNs = 0): { scale: number; unit: string; decimals: number } {
  let k = UNITS.findIndex(([scale]) => stepNs >= scale);
  if (k < 0) k = UNITS.length - 1;
  while (k > 0 && maxAbsNs / UNITS[k][0] >= 1e4 && stepNs / UNITS[k - 1][0] >= 0.001) k--;
  const [scale, unit] = UNITS[k];
  const ratio = stepNs / scale;
  const decimals = ratio >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(ratio) - 1e-9));
  return { scale, unit, decimals };
}

export function formatTick(ns: number, stepNs: number, maxAbsNs = 0): string {
  const { scale, unit, decimals } = unitForStep(stepNs, maxAbsNs);
  const text = (ns / scale).toFixed(decimals);
  return `${text === '-0' ? '0' : text} ${unit}`;
}

export function axisTicks(startNs: number, endNs: number, widthPx: number, minSpacingPx = 90): Tick[] {
  const span = endNs - startNs;
  if (!(span > 0) || !(widthPx > 0)) return [];
  const step = niceStep(span, widthPx, minSpacingPx);
  const first = Math.ceil(startNs / step) * step;
  const maxAbs = Math.max(Math.abs(startNs), Math.abs(endNs));
  const ticks: Tick[] = [];
  for (let ns = first, i = 0; ns <= endNs && i < 1000; i++, ns = first + i * step) {
    ticks.push({ ns, x: ((ns - startNs) / span) * widthPx, label: formatTick(ns, step, maxAbs) });
  }
  return ticks;
}
