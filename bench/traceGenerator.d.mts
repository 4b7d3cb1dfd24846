// Types for bench/traceGenerator.mjs (plain JS so `npm run bench` needs no build step).
export const GENERATOR_VERSION: number;
export const BASE_TIME_NS: string;
export const HOST_PID: number;
export const COMPUTE_STREAM: number;
export const NCCL_STREAM: number;
export function mulberry32(seed: number): () => number;
export function micros(ns: number): string;
export function traceChunks(opts: { seed?: number; targetBytes: number; layers?: number; traceName?: string }): Generator<string, void, unknown>;
