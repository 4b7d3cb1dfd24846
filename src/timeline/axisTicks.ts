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

/** The unit a step is labelled in: the largest unit with at most one decimal needed. */
export function unitForStep(stepNs: number): { scale: number; unit: string; decimals: number } {
  for (const [scale, unit] of UNITS) {
    if (stepNs >= scale / 10 || unit === 'ns') {
      const ratio = stepNs / scale;
      const decimals = ratio >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(ratio) - 1e-9));
      return { scale, unit, decimals };
    }
  }
  return { scale: 1, unit: 'ns', decimals: 0 };
}

export function formatTick(ns: number, stepNs: number): string {
  const { scale, unit, decimals } = unitForStep(stepNs);
  const v = ns / scale;
  const text = v.toFixed(decimals);
  return `${text === '-0' ? '0' : text} ${unit}`;
}

export function axisTicks(startNs: number, endNs: number, widthPx: number, minSpacingPx = 90): Tick[] {
  const span = endNs - startNs;
  if (!(span > 0) || !(widthPx > 0)) return [];
  const step = niceStep(span, widthPx, minSpacingPx);
  const first = Math.ceil(startNs / step) * step;
  const ticks: Tick[] = [];
  for (let ns = first, i = 0; ns <= endNs && i < 1000; i++, ns = first + i * step) {
    ticks.push({ ns, x: ((ns - startNs) / span) * widthPx, label: formatTick(ns, step) });
  }
  return ticks;
}
