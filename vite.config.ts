import { defineConfig } from 'vite';
import { contentSecurityPolicy } from './build/csp.ts';
import { assemblyScriptWasm } from './build/wasm.ts';
import { earlyTraceWorker } from './build/earlyTraceWorker.ts';

// `base: './'` keeps every asset URL relative, so the same build works from any
// sub-path of any plain static server (an internal portal) with no rewrites.
export default defineConfig({
  base: './',
  plugins: [assemblyScriptWasm(), contentSecurityPolicy(), earlyTraceWorker()],
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 1500 },
  worker: { format: 'es', plugins: () => [assemblyScriptWasm()] },
  server: { port: 5173 },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
} as never);
