// Builds the WebAssembly event scanner from its AssemblyScript source in this repository
// (workers/importers/wasm/assembly) with the assemblyscript compiler from npm, whenever
// vite starts (build, dev server, vitest) and the .wasm is missing or older than its
// source. The .wasm is a build output (git-ignored); workers import it inline.

import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SCANNER_SOURCE = resolve(ROOT, 'workers/importers/wasm/assembly/eventScanner.ts');
export const SCANNER_WASM = resolve(ROOT, 'workers/importers/wasm/out/eventScanner.wasm');

const mtime = (p: string) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};

export async function buildScannerWasm(): Promise<void> {
  if (mtime(SCANNER_WASM) >= mtime(SCANNER_SOURCE)) return;
  mkdirSync(dirname(SCANNER_WASM), { recursive: true });
  const asc = (await import('assemblyscript/asc')).default;
  let log = '';
  const sink = { write: (s: string | Uint8Array) => ((log += String(s)), true) };
  // SIMD (simd128) for the string and value skips; no runtime: the scanner allocates nothing.
  const { error } = await asc.main([SCANNER_SOURCE, '--outFile', SCANNER_WASM, '-O3', '--runtime', 'stub', '--enable', 'simd', '--noAssert', '--initialMemory', '16'], { stdout: sink, stderr: sink });
  if (error) throw new Error(`AssemblyScript build of ${SCANNER_SOURCE} failed: ${error.message}\n${log}`);
}

/** Builds the scanner, and serves `…/eventScanner.wasm?inline` as a base64 data URL (build, dev, vitest, workers). */
export function scannerWasm(): Plugin {
  return {
    name: 'tracelane-scanner-wasm',
    enforce: 'pre',
    async config() {
      await buildScannerWasm();
    },
    async load(id) {
      if (!id.endsWith('eventScanner.wasm?inline')) return null;
      await buildScannerWasm();
      const base64 = readFileSync(SCANNER_WASM).toString('base64');
      return `export default ${JSON.stringify(`data:application/wasm;base64,${base64}`)};`;
    },
  };
}
