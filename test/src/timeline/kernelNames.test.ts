import { describe, expect, it } from 'vitest';
import { distinctShortNames, shortenName } from '../../../src/timeline/kernelNames';
import { corpusJsonTraces } from '../../support/corpus';
import { GPU_WORK, refEvents } from '../../workers/analysis/reference';

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

describe('distinct short names', () => {
  it('tells every kernel, memcpy and memset of each corpus trace apart, keeping the template arguments that differ', () => {
    for (const file of corpusJsonTraces()) {
      const names = [...new Set(refEvents(file).filter((e) => e.ph === 'X' && GPU_WORK.has(e.cat!)).map((e) => e.name))];
      const labels = distinctShortNames(names);
      expect(new Set(names.map((n) => labels.get(n))).size, file).toBe(names.length);
      // Names whose short form is already unique keep it.
      for (const n of names) if (names.filter((m) => shortenName(m) === shortenName(n)).length === 1) expect(labels.get(n)).toBe(shortenName(n));
    }
    const half = 'void at::native::vectorized_elementwise_kernel<8, at::native::CUDAFunctorOnSelf_add<c10::Half>, std::array<char*, 2ul> >(int, at::native::CUDAFunctorOnSelf_add<c10::Half>, std::array<char*, 2ul>)';
    const long = 'void at::native::vectorized_elementwise_kernel<2, at::native::CUDAFunctorOnSelf_add<long>, std::array<char*, 2ul> >(int, at::native::CUDAFunctorOnSelf_add<long>, std::array<char*, 2ul>)';
    const labels = distinctShortNames([half, long]);
    expect(labels.get(half)).toBe('vectorized_elementwise_kernel · CUDAFunctorOnSelf_add ‹8, CUDAFunctorOnSelf_add<Half>›');
    expect(labels.get(long)).toBe('vectorized_elementwise_kernel · CUDAFunctorOnSelf_add ‹2, CUDAFunctorOnSelf_add<long>›');
  });
});
