// V8's full garbage collection for the index writer, called between its stages: left to itself
// V8 lets the garbage of several stages (the summaries' analyses) pile up before collecting, and
// the peak RSS is their sum. gc is exposed at run time, so `npm run index` needs no node flag.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
export const collectGarbage = runInNewContext('gc') as () => void;
