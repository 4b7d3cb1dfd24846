// Which rank stands out on one Overview metric: the worst rank (by the metric's bad direction),
// called an outlier when the robust z-score over the ranks flags it (stepTable.ts: outlierFlags,
// which needs 3 ranks or more). Run on the UI side over every worker's overview.

import { outlierFlags } from './stepTable';

export interface RankHighlight {
  /** Index of the worst rank; −1 with fewer than 2 ranks or when all are equal. */
  index: number;
  /** The robust z-score says it is far from the others. */
  outlier: boolean;
}

/** `values` per rank (null: not applicable); `higherIsWorse` e.g. idle %, false for overlap %. */
export function worstRank(values: (number | null)[], higherIsWorse: boolean): RankHighlight {
  const known = values.map((v, i) => [v, i] as const).filter((x): x is readonly [number, number] => x[0] !== null && Number.isFinite(x[0]));
  if (known.length < 2) return { index: -1, outlier: false };
  const sign = higherIsWorse ? 1 : -1;
  const [worst, index] = known.reduce((a, b) => (sign * b[0] > sign * a[0] ? b : a));
  if (known.every(([v]) => v === worst)) return { index: -1, outlier: false };
  const flags = outlierFlags(known.map(([v]) => v));
  return { index, outlier: flags[known.findIndex(([, i]) => i === index)] };
}
