import { describe, expect, it } from 'vitest';
import { shortenName } from '../../src/timeline/kernelNames';

describe('shortenName', () => {
  it('strips return type, namespaces, template args and argument list', () => {
    expect(
      shortenName(
        'void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)',
      ),
    ).toBe('vectorized_elementwise_kernel');
  });
  it('keeps the template argument of a generic kernel name', () => {
    expect(shortenName('void cutlass::Kernel2<cutlass_80_simt_sgemm_256x128_8x4_nn_align1>(cutlass_80_simt_sgemm_256x128_8x4_nn_align1::Params)')).toBe(
      'cutlass::Kernel2<cutlass_80_simt_sgemm_256x128_8x4_nn_align1>',
    );
  });
  it('handles anonymous namespaces and lambdas', () => {
    expect(shortenName('void (anonymous namespace)::softmax_warp_forward<float, float, float, 10, false, false>(float*, float const*, int, int, int, bool const*, int, bool)')).toBe(
      'softmax_warp_forward',
    );
    expect(
      shortenName(
        'void at::native::elementwise_kernel<128, 2, at::native::gpu_kernel_impl_nocast<at::native::FillFunctor<float> >(at::TensorIteratorBase&, at::native::FillFunctor<float> const&)::{lambda(int)#1}>(int, at::native::gpu_kernel_impl_nocast<at::native::FillFunctor<float> >(at::TensorIteratorBase&, at::native::FillFunctor<float> const&)::{lambda(int)#1})',
      ),
    ).toBe('elementwise_kernel');
  });
  it('leaves python frames, plain names and memcpy names alone', () => {
    expect(shortenName('modeling_llama.py(123): forward')).toBe('modeling_llama.py(123): forward');
    expect(shortenName('ampere_sgemm_128x64_tn')).toBe('ampere_sgemm_128x64_tn');
    expect(shortenName('Memcpy HtoD (Pageable -> Device)')).toBe('Memcpy HtoD (Pageable -> Device)');
    expect(shortenName('aten::add')).toBe('add');
    expect(shortenName('ncclKernel_AllReduce_RING_LL_Sum_float(ncclDevComm*, unsigned long, ncclWork*)')).toBe('ncclKernel_AllReduce_RING_LL_Sum_float');
    expect(shortenName('')).toBe('');
  });
});
