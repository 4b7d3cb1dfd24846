import { describe, expect, it } from 'vitest';
import { CLASS_ROWS, deviceCollective, hostCollective, kernelClass, kernelClassOf } from '../../../workers/analysis/kernelClass';
import { corpusJsonTraces } from '../../support/corpus';
import { GPU_WORK, refEvents } from './reference';
import { BY_HAND, classByHand } from '../../support/kernelClassesByHand';
import { normaliseOp } from '../../../workers/analysis/commOps';

describe('kernel classes: collectives by name', () => {
  it('reads NCCL, RCCL and HCCL device collectives and their operation', () => {
    const op = (name: string) => {
      const c = deviceCollective(name);
      return c && [c.backend, normaliseOp(c.op)];
    };
    expect(op('ncclDevKernel_AllReduce_Sum_f32_RING_LL(ncclDevComm*, unsigned long, ncclWork*)')).toEqual(['nccl', 'all_reduce']);
    expect(op('void ncclKernel_AllGather_RING_LL_Sum_int8_t(ncclDevComm*)')).toEqual(['nccl', 'all_gather']);
    expect(op('ncclDevKernel_SendRecv(ncclDevComm*, unsigned long, ncclWork*)')).toEqual(['nccl', 'send_recv']);
    expect(op('hcom_allReduce__123_0_1')).toEqual(['hccl', 'all_reduce']);
    expect(op('hcom_broadcast_')).toEqual(['hccl', 'broadcast']);
    expect(op('fusion_25')).toBeNull();
    expect(op('Memcpy')).toBeNull();
  });

  it('reads host collectives of blocking backends', () => {
    expect(hostCollective('gloo:all_reduce')).toEqual({ backend: 'gloo', op: 'all_reduce' });
    expect(hostCollective('aten::mm')).toBeNull();
  });
});


describe('kernel classes: the class table', () => {
  it('classifies every GPU kernel, memcpy and memset of the corpus traces as given by hand', () => {
    const seen = new Set<string>();
    for (const file of corpusJsonTraces()) {
      for (const e of refEvents(file)) {
        if (e.ph !== 'X' || !GPU_WORK.has(e.cat!) || seen.has(e.name)) continue;
        seen.add(e.name);
        expect([e.name, kernelClass(e.name)]).toEqual([e.name, classByHand(e.name)]);
      }
    }
    expect(seen.size).toBeGreaterThan(60);
    expect(BY_HAND.length).toBeGreaterThan(20);
  });

  it('maps each class to one of HTA’s kernel types: communication, memory (memcpy / memset), computation', () => {
    expect(Object.fromEntries(CLASS_ROWS.map((r) => [r.cls, r.hta]))).toEqual({
      communication: 'communication',
      copy: 'memory',
      attention: 'computation',
      gemm: 'computation',
      normalisation: 'computation',
      elementwise: 'computation',
      other: 'computation',
    });
    // HTA: "nccl" in the name is communication, "Memcpy" / "Memset" memory.
    expect(kernelClassOf('ncclDevKernel_AllGather_RING_LL(ncclDevComm*, unsigned long, ncclWork*)').hta).toBe('communication');
    expect(kernelClassOf('Memcpy DtoD (Device -> Device)').hta).toBe('memory');
    expect(kernelClassOf('Memset (Device)').hta).toBe('memory');
  });

  it('reads other vendors’ kernel names (ROCm, vLLM, sglang, Blackwell, Triton)', () => {
    const cases: [string, string][] = [
      ['Cijk_Alik_Bljk_BBS_BH_Bias_HA_S_SAV_UserArgs_MT320x224x64_MI16x16x1_SN_LDSB0', 'gemm'],
      ['attn_fwd', 'attention'],
      ['kernel_unified_attention_2d', 'attention'],
      ['_ZN7ck_tile6kentryILi2ENS_38FmhaBatchPrefillWithPagedKVCacheKernelINS_40Block', 'attention'],
      ['fmhaSm100aKernel_QkvE4m3OBfloat16H64PagedKvCausalP16VarSeqQ128Kv128PersistentContext', 'attention'],
      ['_ZN5aiter24add_rmsnorm_quant_kernelIDF16bDF16bLi64ELi8ELb0ELb0ELb1ELi1EEEvPT0_PT_PfS4_S4_S4_diiiiiiib', 'normalisation'],
      ['void vllm::rms_norm_kernel<c10::BFloat16, 8, 2>(c10::BFloat16*, c10::BFloat16 const*)', 'normalisation'],
      ['nvjet_tst_64x64_64x16_2x1_2cta_v_bz_bias_TNT', 'gemm'],
      ['bmm_MxE4m3_MxE2m1MxE4m3_Fp32_t128x16x256u2_s3_et128x16_m128x16x32', 'gemm'],
      ['_matmul_ogs_NNT_bf16xbf16xmxfp4_16x128x256x1_swiglu', 'gemm'],
      ['triton_poi_fused_add_cos_sin_0', 'elementwise'],
      ['void vllm::rotary_embedding_kernel<c10::BFloat16, true>(long const*)', 'elementwise'],
      ['void moe::dev::finalize::finalizeKernelVecLoad<moe::dev::finalize::KernelParams<cutlass::bfloat16_t, cutlass::bfloat16_t> >', 'other'],
      ['ncclKernel_AllReduce_RING_LL_Sum_float(ncclWorkElem)', 'communication'],
      ['hcom_allReduce__123_0_1', 'communication'],
      ['cross_device_reduce_1stage<__hip_bfloat16, 8>', 'communication'],
    ];
    for (const [name, cls] of cases) expect([name, kernelClass(name)]).toEqual([name, cls]);
  });
});
