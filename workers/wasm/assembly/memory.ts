// AssemblyScript shared by the WebAssembly modules (build/wasm.ts; not type-checked by tsc).

/** Makes the first `top` bytes of memory addressable (a module that cannot grow traps). */
export function ensureMemory(top: usize): void {
  const have = <usize>memory.size() << 16;
  if (top > have) {
    if (memory.grow(<i32>((top - have + 0xffff) >> 16)) < 0) unreachable();
  }
}
