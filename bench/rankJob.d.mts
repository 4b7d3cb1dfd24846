// Types for bench/rankJob.mjs (plain JS so bench scripts need no build step).
export interface LateRank {
  rank: number;
  step: number;
  ns: number;
}
export const JOB_BASE_TIME_NS: bigint;
export function jobTimeline(opts: { worldSize: number; steps: number; late: LateRank | null; seed?: number }): { start: number[][]; arrive: number[][]; end: number[] };
export function rankTrace(opts: { rank: number; worldSize: number; steps?: number; late?: LateRank | null; seed?: number }): string;
