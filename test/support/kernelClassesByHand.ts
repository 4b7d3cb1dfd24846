// The class of each kernel family of the corpus traces, given by hand (not by the
// table under test, workers/analysis/kernelClass.ts), for unit and e2e expectations.

// Classes given by hand per kernel family, by a piece of the name only that family has.
export const BY_HAND: [string, string][] = [
  ['Memcpy ', 'copy'],
  ['Memset ', 'copy'],
  ['nvjet_sm90_', 'gemm'],
  ['cutlass::Kernel2<cutlass_', 'gemm'],
  ['cublasLt::splitKreduce_kernel', 'gemm'],
  ['sm80_xmma_gemm_', 'gemm'],
  ['cudnn_generated_fort_native_sdpa_', 'attention'],
  ['fmha_cutlass', 'attention'],
  ['vectorized_layer_norm_kernel', 'normalisation'],
  ['layer_norm_grad_input_kernel', 'normalisation'],
  ['GammaBetaBackwardCUDAKernelTemplate', 'normalisation'],
  ['cunn_SoftMax', 'normalisation'],
  ['vectorized_elementwise_kernel<', 'elementwise'],
  ['at::native::elementwise_kernel<', 'elementwise'],
  ['elementwise_kernel_with_index<', 'elementwise'],
  ['distribution_elementwise_grid_stride_kernel', 'elementwise'],
  ['CatArrayBatchedCopy', 'elementwise'],
  ['indexSelectSmallIndex', 'elementwise'],
  ['vectorized_gather_kernel', 'elementwise'],
  ['multi_tensor_apply_kernel', 'elementwise'],
  ['fused_dropout_kernel_vec', 'elementwise'],
  ['reduce_kernel<', 'other'],
  ['embedding_backward_feature_kernel', 'other'],
  ['nll_loss_', 'other'],
];

/** The hand-given class of a corpus kernel / memcpy / memset name; throws for a name no family covers. */
export function classByHand(name: string): string {
  const hand = BY_HAND.find(([piece]) => name.includes(piece));
  if (!hand) throw new Error(`no hand class for ${name}`);
  return hand[1];
}
