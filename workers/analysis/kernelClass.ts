// What a kernel is, by its name: one readable table for every analysis that groups device
// work (GPU kernels tab, statistics, steps, comparison, overview) and the table of collectives
// the stall finder (commOps.ts) matches. Device collectives run as kernels / device tasks
// (their start is when the rank really arrived); host collectives of blocking backends are CPU ops.

/** Kernel classes, as the GPU kernels tab groups them. */
export type KernelClass = 'gemm' | 'attention' | 'copy' | 'elementwise' | 'normalisation' | 'communication' | 'other';

/**
 * HTA's kernel types (HolisticTraceAnalysis `get_kernel_type`): a name with "nccl" is
 * communication, Memcpy / Memset is memory, everything else computation.
 */
export type HtaKernelType = 'computation' | 'communication' | 'memory';

export interface KernelClassRow {
  cls: KernelClass;
  label: string;
  hta: HtaKernelType;
  /** Kernel names of the class (tested in table order: the first row that matches wins). */
  names: RegExp;
}

/**
 * The classes, in match order. Collectives first (an NCCL kernel's name may say "reduce" or
 * "copy"); memcpy / memset next. `copy` is transfers only (Memcpy HtoD/DtoH/DtoD, Memset), as
 * in HTA, where copy kernels that run on the SMs (direct_copy, CatArrayBatchedCopy, gather) are
 * computation: here they are elementwise. Attention before GEMM (flash kernels say "wmma",
 * "gemm"); normalisation before elementwise (fused add + RMSNorm kernels are normalisation).
 */
export const KERNEL_CLASSES: readonly KernelClassRow[] = [
  { cls: 'communication', label: 'Communication', hta: 'communication', names: /nccl|rccl|^hcom_|all_?reduce|all_?gather|reduce_?scatter|all_?to_?all|cross_device_reduce|sendrecv/i },
  // Ascend's SDMA task "MemcpyAsync" is a copy too (HTA: a name starting with Memcpy is memory).
  { cls: 'copy', label: 'Copy (memcpy / memset)', hta: 'memory', names: /^(?:Memcpy|Memset)(?:\b|Async)|^(?:MEMCPY|MEMSET)_/ },
  { cls: 'attention', label: 'Attention', hta: 'computation', names: /attention|attn|fmha|flash|sdpa|paged_?kv|_mha_|mha_fwd|mha_bwd|xformers/i },
  {
    cls: 'gemm',
    label: 'GEMM',
    hta: 'computation',
    names: /gemm|^nvjet_|^Cijk_|cublas|cutlass(?:::Kernel|_\d)|xmma|matmul|^bmm_|splitKreduce|wgmma|^MatMul|^BatchMatMul/i,
  },
  { cls: 'normalisation', label: 'Normalisation', hta: 'computation', names: /layer_?norm|rms_?norm|batch_?norm|group_?norm|instance_?norm|GammaBetaBackward|softmax/i },
  {
    cls: 'elementwise',
    label: 'Elementwise',
    hta: 'computation',
    names: /elementwise|pointwise|triton_poi_|multi_tensor_apply|copy|gather|scatter|index|fill|dropout|rotary|act_and_mul|activation|quant/i,
  },
];

const OTHER: KernelClassRow = { cls: 'other', label: 'Other', hta: 'computation', names: /(?:)/ };

/** Every class with its label and HTA type, in the order lists show them. */
export const CLASS_ROWS: readonly KernelClassRow[] = [...KERNEL_CLASSES, OTHER];

const classCache = new Map<string, KernelClassRow>();

/** The class row of a device slice's name (GPU kernel, memcpy, memset, device task). */
export function kernelClassOf(name: string): KernelClassRow {
  let row = classCache.get(name);
  if (!row) {
    row = KERNEL_CLASSES.find((r) => r.names.test(name)) ?? OTHER;
    if (classCache.size > 50_000) classCache.clear();
    classCache.set(name, row);
  }
  return row;
}

export function kernelClass(name: string): KernelClass {
  return kernelClassOf(name).cls;
}

export function classRow(cls: KernelClass): KernelClassRow {
  return CLASS_ROWS.find((r) => r.cls === cls)!;
}

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

/** A device collective: a kernel of the communication class whose name says the library's operation. */
export function deviceCollective(name: string): Collective | null {
  if (kernelClassOf(name).cls !== 'communication') return null;
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
