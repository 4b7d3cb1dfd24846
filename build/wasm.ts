// Builds the WebAssembly modules from their AssemblyScript sources in this repository with
// the assemblyscript compiler from npm, whenever vite starts (build, dev server, vitest) and a
// .wasm is missing or older than its source. The .wasm files are build outputs (git-ignored);
// workers import them inline.

import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** AssemblyScript every module may import (a module is rebuilt when one of these is newer). */
const SHARED_SOURCES = [resolve(ROOT, 'workers/wasm/assembly/memory.ts')];

interface WasmModule {
  source: string;
  wasm: string;
  /** asc options past the common ones (-O3, no runtime: the modules allocate nothing). */
  options: string[];
}

/** Every module, by the file name its importers ask for (`…/<name>.wasm?inline`). */
export const WASM_MODULES: Record<string, WasmModule> = {
  // The Chrome-JSON event scanner: SIMD (simd128) for the string and value skips.
  'eventScanner.wasm': {
    source: resolve(ROOT, 'workers/importers/wasm/assembly/eventScanner.ts'),
    wasm: resolve(ROOT, 'workers/importers/wasm/out/eventScanner.wasm'),
    options: ['--enable', 'simd', '--initialMemory', '16'],
  },
  // The raw DEFLATE inflater of BGZF members.
  'inflate.wasm': {
    source: resolve(ROOT, 'workers/ingest/wasm/assembly/inflate.ts'),
    wasm: resolve(ROOT, 'workers/ingest/wasm/out/inflate.wasm'),
    options: ['--initialMemory', '4'],
  },
};

const mtime = (p: string) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};

export async function buildWasm(module: WasmModule): Promise<void> {
  if (mtime(module.wasm) >= Math.max(mtime(module.source), ...SHARED_SOURCES.map(mtime))) return;
  mkdirSync(dirname(module.wasm), { recursive: true });
  const asc = (await import('assemblyscript/asc')).default;
  let log = '';
  const sink = { write: (s: string | Uint8Array) => ((log += String(s)), true) };
  const { error } = await asc.main([module.source, '--outFile', module.wasm, '-O3', '--runtime', 'stub', '--noAssert', ...module.options], { stdout: sink, stderr: sink });
  if (error) throw new Error(`AssemblyScript build of ${module.source} failed: ${error.message}\n${log}`);
}

/** Builds every module, and serves `…/<name>.wasm?inline` as a base64 data URL (build, dev, vitest, workers). */
export function assemblyScriptWasm(): Plugin {
  return {
    name: 'tracelane-assemblyscript-wasm',
    enforce: 'pre',
    async config() {
      for (const module of Object.values(WASM_MODULES)) await buildWasm(module);
    },
    async load(id) {
      if (!id.endsWith('.wasm?inline')) return null;
      const module = WASM_MODULES[basename(id.slice(0, -'?inline'.length))];
      if (!module) return null;
      await buildWasm(module);
      const base64 = readFileSync(module.wasm).toString('base64');
      return `export default ${JSON.stringify(`data:application/wasm;base64,${base64}`)};`;
    },
  };
}
