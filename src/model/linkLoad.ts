// What a page's address says about its first load: the traces a link names (`?url=`, `?index=`) and the
// options the address sets for loading them. Pure (the base URL is a parameter), so the app
// (src/state/sources.ts, traceClient.ts) and the trace worker, which begins a link's load before the
// app runs (workers/earlyLoad.ts), read an address the same way.

import type { DebugWorker } from '../../workers/api';
import type { TraceSource } from './types';

export function urlSource(url: string, base: string = document.baseURI): TraceSource {
  const abs = new URL(url, base).href;
  return { kind: 'url', url: abs, name: lastSegment(abs) };
}

/** An index folder by its URL (`?index=`); named like the trace it indexes (the folder is named for it: `npm run index`). */
export function indexSource(url: string, base: string = document.baseURI): TraceSource {
  const abs = new URL(url.endsWith('/') ? url : `${url}/`, base).href;
  return { kind: 'index', url: abs, name: lastSegment(abs) };
}

function lastSegment(abs: string): string {
  try {
    return decodeURIComponent(new URL(abs).pathname.split('/').filter(Boolean).pop() || 'trace');
  } catch {
    return 'trace';
  }
}

/** `?url=` traces and `?index=` index folders, in the order the address names them. */
export function urlParamSources(search: string, base?: string): TraceSource[] {
  return [...new URLSearchParams(search)]
    .filter(([k, u]) => (k === 'url' || k === 'index') && u.trim())
    .map(([k, u]) => (k === 'index' ? indexSource(u, base) : urlSource(u, base)));
}

/** The load options an address sets (a page's first load; `debug` only its first trace). */
export interface AddressLoadOptions {
  /** `?scanner=js`: Chrome JSON read by the JS scanner (the bench compares the two in one run). */
  scanner?: 'js';
  /** `?pieces=stream`: a .gz or a URL without ranges parsed in pieces even with few cores (streamPieces.ts). */
  streamPieces?: true;
  /** `?pieces=parallel`: a plain file or URL parsed in parallel pieces from PARALLEL_MIN_BYTES even on two cores (parallelParse.ts). */
  parallelPieces?: true;
  /** `?lanes=helpers` / `?lanes=one`: a parallel parse's helpers build the lanes, or the trace worker alone (parallelLanes.ts). */
  laneHelpers?: boolean;
  /** `?debugWorker=`: tests of the heartbeat (workers/api.ts DebugWorker). */
  debug?: DebugWorker;
}

export function addressLoadOptions(search: string): AddressLoadOptions {
  const q = new URLSearchParams(search);
  const lanes = q.get('lanes');
  const debug = q.get('debugWorker');
  return {
    scanner: q.get('scanner') === 'js' ? 'js' : undefined,
    streamPieces: q.get('pieces') === 'stream' ? true : undefined,
    parallelPieces: q.get('pieces') === 'parallel' ? true : undefined,
    laneHelpers: lanes === 'helpers' ? true : lanes === 'one' ? false : undefined,
    debug: debug === 'hang' || debug === 'exit' || debug === 'gunzip-exit' ? debug : undefined,
  };
}
