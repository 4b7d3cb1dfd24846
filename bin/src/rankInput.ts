// `--rank-from-env`: which trace this pod of a Kubernetes Indexed Job indexes. The Job sets
// JOB_COMPLETION_INDEX (0 … completions − 1) in each pod; the pod takes the trace of that number
// and writes into `OUT/rank-<i>/`, so the job's pods fill one output tree (workers/indexFolder/jobFormat.ts).

import { join } from 'node:path';
import { rankFolderName } from '../../workers/indexFolder/jobFormat';

export const RANK_ENV = 'JOB_COMPLETION_INDEX';
/** In a trace argument, replaced by the completion index: `traces/rank{rank}.json.gz`. */
export const RANK_PLACEHOLDER = '{rank}';

export class RankInputError extends Error {}

/**
 * The completion index from the environment and its trace: `traces[i]` of a list, or the one
 * pattern with `{rank}` replaced by i. Throws RankInputError with what to fix.
 */
export function rankInput(traces: readonly string[], out: string, env: NodeJS.ProcessEnv): { index: number; trace: string; out: string } {
  const raw = env[RANK_ENV];
  if (raw === undefined || raw.trim() === '') {
    throw new RankInputError(`--rank-from-env: ${RANK_ENV} is not set. A Kubernetes Indexed Job (completionMode: Indexed) sets it in each pod; to index one rank by hand, set it yourself (${RANK_ENV}=0 npm run index -- …).`);
  }
  if (!/^\d+$/.test(raw.trim())) throw new RankInputError(`--rank-from-env: ${RANK_ENV}=${raw} is not a whole number ≥ 0.`);
  const index = Number(raw.trim());
  const patterns = traces.filter((t) => t.includes(RANK_PLACEHOLDER));
  let trace: string;
  if (patterns.length) {
    if (traces.length !== 1) throw new RankInputError(`--rank-from-env: name either one trace pattern with ${RANK_PLACEHOLDER} or a list of traces, not both.`);
    trace = traces[0].split(RANK_PLACEHOLDER).join(String(index));
  } else {
    if (index >= traces.length) {
      throw new RankInputError(`--rank-from-env: ${RANK_ENV}=${index}, but only ${traces.length} trace${traces.length === 1 ? ' is' : 's are'} named (completion indexes 0 … ${traces.length - 1}): the Job's completions must equal the number of traces.`);
    }
    trace = traces[index];
  }
  return { index, trace, out: join(out, rankFolderName(index)) };
}
