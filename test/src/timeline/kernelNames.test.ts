import { describe, expect, it } from 'vitest';
import { shortenName } from '../../../src/timeline/kernelNames';

describe('shortenName', () => {
  it('strips return type, namespaces, template args and argument list', () => {
    expect(
      shortenName(
        'void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)',
      ),
    ).toBe('vectorized_elementwise_kernel · CUDAFunctor_add');
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
    ).toBe('elementwise_kernel · FillFunctor');
  });
  it('names the functor of elementwise and reduce kernels, which otherwise all look alike', () => {
    expect(
      shortenName(
        'void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::func_wrapper_t<float, at::native::sum_functor<float, float, float>::operator()(at::TensorIterator&)::{lambda(float, float)#1}>, unsigned int, float, 4, 4> >(at::native::ReduceOp<float, at::native::func_wrapper_t<float, at::native::sum_functor<float, float, float>::operator()(at::TensorIterator&)::{lambda(float, float)#1}>, unsigned int, float, 4, 4>)',
      ),
    ).toBe('reduce_kernel · sum_functor');
    expect(
      shortenName(
        'void at::native::vectorized_elementwise_kernel<4, at::native::GeluCUDAKernelImpl(at::TensorIteratorBase&, at::native::GeluType)::{lambda()#2}::operator()() const::{lambda()#2}::operator()() const::{lambda(float)#1}, std::array<char*, 2ul> >(int, at::native::GeluCUDAKernelImpl(at::TensorIteratorBase&, at::native::GeluType)::{lambda()#2}::operator()() const::{lambda()#2}::operator()() const::{lambda(float)#1}, std::array<char*, 2ul>)',
      ),
    ).toBe('vectorized_elementwise_kernel · GeluCUDAKernelImpl');
    expect(shortenName('void at::native::vectorized_elementwise_kernel<4, int, std::array<char*, 2ul> >(int, int, std::array<char*, 2ul>)')).toBe('vectorized_elementwise_kernel');
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
