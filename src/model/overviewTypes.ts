// The Overview's answers (workers/analysis/overview*.ts) as they cross the worker boundary:
// HTA-grade whole-job figures per trace. Times are ns relative to the trace origin.

/** HTA's kernel types (workers/analysis/kernelClass.ts maps every kernel class to one). */
export type GpuOpType = 'computation' | 'communication' | 'memory';

export interface OverviewQuery {
  /** The range to cover (trace-relative ns); the whole trace when omitted. */
  startNs?: number;
  endNs?: number;
  /** Idle gaps on a stream below this are kernel wait (HTA's consecutive_kernel_delay; default 30 µs). */
  kernelWaitNs?: number;
}

/** Time when exactly this set of operation types runs (on any stream of the trace). */
export interface KernelTypeTime {
  /** In HTA's order: computation, communication, memory. */
  types: GpuOpType[];
  /** "computation overlapping communication". */
  label: string;
  ns: number;
}

/** Idle time of one stream, split by what its next operation was waiting for. */
export interface StreamIdle {
  laneId: string;
  device: string;
  stream: string;
  /** The operation's launch call began after the previous operation on the stream ended. */
  hostWaitNs: number;
  /** Gaps shorter than the kernel-wait threshold: back-to-back launch overhead. */
  kernelWaitNs: number;
  otherNs: number;
}

/** HTA's kernel launch statistics over the launches that started kernels, memcpy and memset. */
export interface LaunchStats {
  launches: number;
  /** Launch delay: device start − end of the runtime call, clipped at 0. */
  meanDelayNs: number | null;
  maxDelayNs: number | null;
  /** Launch delay above 100 µs. */
  delayOutliers: number;
  /** Runtime call ≤ 50 µs and device duration shorter than the call. */
  shortKernels: number;
  /** Runtime calls over 50 µs. */
  runtimeOutliers: number;
}

export interface TraceOverview {
  /** The span the figures cover: the first to the last GPU operation inside the range (null: none). */
  startNs: number | null;
  endNs: number | null;
  spanNs: number;
  /** No operation on any stream. */
  idleNs: number;
  /** Union of computation kernels. */
  computeNs: number;
  /** span − compute − idle. */
  nonComputeNs: number;
  /** Communication time overlapped by computation ÷ communication time, in %; null without communication. */
  overlapPct: number | null;
  kernelTypes: KernelTypeTime[];
  idleByStream: StreamIdle[];
  launch: LaunchStats;
  /** GPU operations counted. */
  ops: number;
}
