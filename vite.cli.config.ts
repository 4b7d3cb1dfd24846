import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { assemblyScriptWasm } from './build/wasm.ts';

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
// and index modules as the trace worker, bundled with their dependencies for Node ≥ 20, and its
// fragment worker thread (bin/fragment-thread.mjs); what both use goes to bin/tracelane-*.mjs.
export default defineConfig({
  plugins: [nodeTwins(), assemblyScriptWasm()],
  publicDir: false,
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: true,
    outDir: 'bin',
    emptyOutDir: false,
    target: 'node20',
    sourcemap: false,
    rollupOptions: {
      input: { tracelane: 'bin/src/tracelane.ts', 'fragment-thread': 'bin/src/fragmentThread.ts' },
      // No hashes: a new build overwrites the last one's files instead of adding to them.
      output: { entryFileNames: '[name].mjs', chunkFileNames: 'tracelane-[name].mjs', format: 'es' },
    },
  },
});
