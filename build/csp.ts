// Content-Security-Policy for the production build (issue 9): trace text is never
// HTML, and even if some were injected, no inline or foreign script could run.
// Added at build time only: the dev server injects inline scripts (React refresh).

import type { Plugin } from 'vite';

/**
 * - script-src: our own bundles; 'wasm-unsafe-eval' compiles WebAssembly (sql.js), not JS.
 * - worker-src: the trace workers (same origin; blob: for bundlers that inline them).
 * - connect-src *: `?url=` fetches traces from any server the user names.
 * - img-src blob: data:: PNG exports and canvas snapshots.
 * - style-src 'unsafe-inline': React sets element styles (widths, colours) inline.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  'connect-src *',
  "img-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/** Injects the policy as the first <meta> of index.html in `vite build`, and fails the build on inline scripts. */
export function contentSecurityPolicy(): Plugin {
  return {
    name: 'tracelane-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html)) throw new Error('index.html has an inline <script>, which the Content-Security-Policy forbids.');
        return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }];
      },
    },
  };
}
