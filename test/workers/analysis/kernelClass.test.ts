import { describe, expect, it } from 'vitest';
import { deviceCollective, hostCollective } from '../../../workers/analysis/kernelClass';
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
