import { defineConfig } from 'vite';
import { scannerWasm } from './build/wasm.ts';

// The index writer's Node bundle (bin/tracelane.mjs, issue 24): the same ingest, lane-mapping
// and index modules as the trace worker, bundled with their dependencies for Node ≥ 20.
export default defineConfig({
  plugins: [scannerWasm()],
  publicDir: false,
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: 'bin/src/tracelane.ts',
    outDir: 'bin',
    emptyOutDir: false,
    target: 'node20',
    sourcemap: false,
    rollupOptions: { output: { entryFileNames: 'tracelane.mjs', format: 'es' } },
  },
});
