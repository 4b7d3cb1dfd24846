import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { scannerWasm } from './build/wasm.ts';

/**
 * Modules of the browser code that have a faster Node twin in bin/src, keeping their exports:
 * where the browser has only a JS implementation, Node has a native one.
 */
const NODE_TWINS: Record<string, string> = {
  'workers/ingest/rawDeflate.ts': 'bin/src/nodeRawDeflate.ts',
};

function nodeTwins(): Plugin {
  const root = fileURLToPath(new URL('.', import.meta.url));
  return {
    name: 'tracelane-node-twins',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const twin = resolved && resolved.id.startsWith(root) ? NODE_TWINS[resolved.id.slice(root.length)] : undefined;
      return twin ? root + twin : resolved;
    },
  };
}

// The index writer's Node bundle (bin/tracelane.mjs, issue 24): the same ingest, lane-mapping
// and index modules as the trace worker, bundled with their dependencies for Node ≥ 20.
export default defineConfig({
  plugins: [nodeTwins(), scannerWasm()],
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
