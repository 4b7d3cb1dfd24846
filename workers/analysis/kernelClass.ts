// Which slices are collectives, by name, wherever they sit: one table for the stall finder
// (commOps.ts) and later analyses. Device collectives run as kernels / device tasks (their
// start is when the rank really arrived); host collectives of blocking backends are CPU ops.

export interface Collective {
  backend: string;
  /** The library's own operation word ("AllReduce", "allReduce", "all_reduce"); see normaliseOp. */
  op: string;
}

/** Device collectives: NCCL and RCCL (same kernel names), Ascend HCCL tasks (`hcom_allReduce__…`). */
export const DEVICE_COLLECTIVES: readonly { backend: string; name: RegExp }[] = [
  { backend: 'nccl', name: /^(?:void\s+)?nccl(?:Dev)?Kernel_([A-Za-z]+?)(?:_|\(|$)/ },
  { backend: 'hccl', name: /^hcom_([A-Za-z]+?)(?:_|$)/ },
];

/** Host collectives of blocking backends: `gloo:all_reduce`, `mpi:…`, `ucc:…`, `c10d::…`. */
const HOST_COLLECTIVE = /^(gloo|mpi|ucc|c10d)[:_](\w+)/i;

export function deviceCollective(name: string): Collective | null {
  for (const row of DEVICE_COLLECTIVES) {
    const m = row.name.exec(name);
    if (m) return { backend: row.backend, op: m[1] };
  }
  return null;
}

export function hostCollective(name: string): Collective | null {
  const m = HOST_COLLECTIVE.exec(name);
  return m ? { backend: m[1].toLowerCase(), op: m[2] } : null;
}
