#!/usr/bin/env node
// Tiny static file server, Node builtins only (no dependencies, runs before `npm ci`).
//
//   node scripts/serve.mjs            dist/ at / on http://localhost:$PORT (default 5173; bind address $TRACELANE_HOST, default 127.0.0.1)
//   node scripts/serve.mjs --e2e      dist/ at / and at /portal/tools/tracelane/, the trace corpus
//                                     (../shared/corpus or $CORPUS_DIR) at /corpus/, on $E2E_PORT (default 4321)
//   node scripts/serve.mjs --port 8080 --mount /x/=some/dir ...
//   node scripts/serve.mjs --no-ranges  every request answered 200 with the whole file (a server without ranges)
//   node scripts/serve.mjs --index DIR  also DIR (index folders of `npm run index`) at /index/, with
//                                     `Access-Control-Allow-Origin: *` there so a portal on another origin opens them, and
//                                     their content-named files (`…-<16 hex>.bin`) cached for good, manifests revalidated
//
// Library use (tests): `const s = await serveStatic({ mounts: { '/': 'dist' }, port: 0 }); ...; await s.close();`
//
// Deliberately plain: correct Content-Type and Content-Length, GET/HEAD only, no
// COOP/COEP, no compression negotiation. A single `Range: bytes=a-b` (also `a-`, `-n`) is
// answered `206` with `Content-Range` (`416` with `Content-Range: bytes */size` when it
// starts past the end); other Range values get the whole file (`200`). `ranges: false`
// (tests of servers without ranges) answers every request `200`. `.gz` files are served as application/gzip
// WITHOUT Content-Encoding so the app receives the raw gzip bytes and inflates them itself.
import { createReadStream, promises as fsp } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SUB_PATH = '/portal/tools/tracelane/';
/** Where `--index DIR` serves index folders (`npm start -- --index DIR`). */
export const INDEX_PATH = '/index/';
/**
 * Bytes per file read (and socket write). Node's default, 64 kB, made serving a 100 MB trace cost
 * ~140 ms of this process's CPU against ~80 ms with 1 MB (same run): on a 2-core machine the
 * server shares the cores with the app's parse.
 */
const READ_BYTES = 1 << 20;
/** An index folder's files named by a hash of their bytes (workers/indexFolder/format.ts: contentName). */
const CONTENT_NAMED = /-[0-9a-f]{16}\.bin$/;

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.gz': 'application/gzip',
  '.zip': 'application/zip',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

export function mimeType(file) {
  return MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

/** Normalise `{ prefix: dir }` into a longest-prefix-first list; dirs relative to `root`. */
function normaliseMounts(mounts, root) {
  return Object.entries(mounts)
    .map(([prefix, dir]) => {
      let p = prefix.startsWith('/') ? prefix : '/' + prefix;
      if (!p.endsWith('/')) p += '/';
      return { prefix: p, dir: path.resolve(root, dir) };
    })
    .sort((a, b) => b.prefix.length - a.prefix.length);
}

/** Is `child` inside (or equal to) `parent`? Both absolute, normalised. */
function isInside(parent, child) {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function send(res, status, body, headers = {}) {
  const buf = Buffer.from(body);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': buf.length, ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : buf);
}

/**
 * The byte range a `Range` header asks of a file of `size` bytes: `{ start, end }` (inclusive),
 * `'unsatisfiable'`, or null (no header, not `bytes=`, several ranges, malformed: serve it all).
 */
export function parseRange(header, size) {
  const m = /^bytes=(\d*)-(\d*)$/.exec(String(header ?? '').trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/**
 * Request handler serving `mounts` (`{ '/prefix/': 'dir' }`, dirs relative to `root`).
 * Longest prefix wins. `/prefix` (no slash) redirects to `/prefix/` so relative
 * asset URLs (Vite `base: './'`) resolve. Directories serve their index.html.
 */
export function createHandler({ root = repoRoot, mounts = { '/': 'dist' }, log = null, ranges = true, cors = [] } = {}) {
  const table = normaliseMounts(mounts, root);
  const corsMounts = new Set(normaliseMounts(Object.fromEntries(cors.map((p) => [p, '.'])), root).map((m) => m.prefix));
  return async function handler(req, res) {
    const done = (status, note = '') => log && log(`${status} ${req.method} ${req.url}${note}`);
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        done(405);
        return send(res, 405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
      }
      const rawPath = (req.url || '/').split(/[?#]/, 1)[0];
      let urlPath;
      try {
        urlPath = decodeURIComponent(rawPath);
      } catch {
        done(400);
        return send(res, 400, 'Bad Request\n');
      }
      if (!urlPath.startsWith('/') || urlPath.includes('\0') || urlPath.includes('\\')) {
        done(400);
        return send(res, 400, 'Bad Request\n');
      }

      // `/portal/tools/tracelane` -> `/portal/tools/tracelane/`
      const bare = table.find((m) => m.prefix !== '/' && urlPath === m.prefix.slice(0, -1));
      if (bare) {
        const q = (req.url || '').slice(rawPath.length);
        done(301);
        return send(res, 301, 'Moved Permanently\n', { Location: bare.prefix + q });
      }

      const mount = table.find((m) => urlPath.startsWith(m.prefix));
      if (!mount) {
        done(404);
        return send(res, 404, 'Not Found\n');
      }
      // Reject any `..` segment outright, then double-check the resolved path.
      const rest = urlPath.slice(mount.prefix.length);
      if (rest.split('/').some((seg) => seg === '..')) {
        done(403);
        return send(res, 403, 'Forbidden\n');
      }
      let file = path.resolve(mount.dir, '.' + path.posix.normalize('/' + rest));
      if (!isInside(mount.dir, file)) {
        done(403);
        return send(res, 403, 'Forbidden\n');
      }

      let st = await fsp.stat(file).catch(() => null);
      if (st && st.isDirectory()) {
        if (!urlPath.endsWith('/')) {
          const q = (req.url || '').slice(rawPath.length);
          done(301);
          return send(res, 301, 'Moved Permanently\n', { Location: rawPath + '/' + q });
        }
        file = path.join(file, 'index.html');
        st = await fsp.stat(file).catch(() => null);
      }
      if (!st || !st.isFile()) {
        done(404);
        return send(res, 404, 'Not Found\n');
      }
      // Symlinks must not escape the mount either.
      const real = await fsp.realpath(file);
      const realDir = await fsp.realpath(mount.dir);
      if (!isInside(realDir, real)) {
        done(403);
        return send(res, 403, 'Forbidden\n');
      }

      const headers = { 'Content-Type': mimeType(file), 'Last-Modified': st.mtime.toUTCString() };
      if (ranges) headers['Accept-Ranges'] = 'bytes';
      if (corsMounts.has(mount.prefix)) {
        headers['Access-Control-Allow-Origin'] = '*';
        headers['Cache-Control'] = CONTENT_NAMED.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache';
      }
      const range = ranges ? parseRange(req.headers.range, st.size) : null;
      if (range === 'unsatisfiable') {
        done(416);
        return send(res, 416, 'Range Not Satisfiable\n', { 'Content-Range': `bytes */${st.size}` });
      }
      if (range) {
        res.writeHead(206, { ...headers, 'Content-Length': range.end - range.start + 1, 'Content-Range': `bytes ${range.start}-${range.end}/${st.size}` });
        done(206, ` bytes=${range.start}-${range.end}`);
      } else {
        res.writeHead(200, { ...headers, 'Content-Length': st.size });
        done(200);
      }
      if (req.method === 'HEAD') return res.end();
      const length = range ? range.end - range.start + 1 : st.size;
      const stream = createReadStream(file, { highWaterMark: Math.max(1, Math.min(READ_BYTES, length)), ...(range ? { start: range.start, end: range.end } : {}) });
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    } catch (err) {
      done(500);
      if (!res.headersSent) send(res, 500, 'Internal Server Error\n');
      else res.destroy();
      if (log) log(String(err && err.stack ? err.stack : err));
    }
  };
}

/**
 * Start a server. Resolves once listening:
 *   { server, port, url, close() }   (url = http://localhost:<port>/)
 * `port: 0` picks a free port.
 */
export function serveStatic({ root = repoRoot, mounts = { '/': 'dist' }, port = 5173, host = '127.0.0.1', log = null, ranges = true, cors = [] } = {}) {
  const server = http.createServer(createHandler({ root, mounts, log, ranges, cors }));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = server.address().port;
      resolve({
        server,
        port: actual,
        url: `http://localhost:${actual}/`,
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** Mounts used by the e2e tests: the production build at / and at the portal sub-path, plus the corpus. */
export function e2eMounts() {
  // TRACELANE_DIST lets parallel work trees test their own build without racing on dist/.
  const dist = process.env.TRACELANE_DIST || 'dist';
  return {
    '/': dist,
    [SUB_PATH]: dist,
    '/corpus/': process.env.CORPUS_DIR || '../shared/corpus',
  };
}

async function main(argv) {
  const e2e = argv.includes('--e2e');
  const mounts = e2e ? e2eMounts() : { '/': 'dist' };
  let port = Number(e2e ? process.env.E2E_PORT || 4321 : process.env.PORT || 5173);
  const host = process.env.TRACELANE_HOST || '127.0.0.1';
  let custom = null;
  const cors = [];
  let ranges = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') port = Number(argv[++i]);
    else if (a === '--no-ranges') ranges = false;
    else if (a === '--index') {
      (custom ||= { ...mounts })[INDEX_PATH] = argv[++i];
      cors.push(INDEX_PATH);
    }
    else if (a === '--mount') {
      const [prefix, dir] = argv[++i].split('=');
      (custom ||= {})[prefix] = dir;
    } else if (a === '--help' || a === '-h') {
      console.log('usage: node scripts/serve.mjs [--e2e] [--port N] [--mount /prefix/=dir ...] [--index DIR] [--no-ranges]');
      return;
    }
  }
  const finalMounts = custom ? { ...(e2e ? mounts : {}), ...custom } : mounts;

  for (const [prefix, dir] of Object.entries(finalMounts)) {
    const abs = path.resolve(repoRoot, dir);
    const ok = await fsp.stat(abs).then((s) => s.isDirectory(), () => false);
    if (!ok) console.warn(`[serve] warning: ${abs} (mounted at ${prefix}) does not exist${dir === 'dist' ? ' - run `npx vite build` first' : ''}`);
  }
  let s;
  try {
    s = await serveStatic({ mounts: finalMounts, port, host, cors, ranges, log: process.env.SERVE_LOG ? (m) => console.log(`[serve] ${m}`) : null });
  } catch (err) {
    if (err && err.code === 'EADDRINUSE') {
      console.error(`[serve] port ${port} is already in use; set ${e2e ? 'E2E_PORT' : 'PORT'}=<another port>`);
      process.exit(1);
    }
    throw err;
  }
  const shown = host === '127.0.0.1' || host === '::1' || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  for (const [prefix, dir] of Object.entries(finalMounts)) {
    console.log(`[serve] ${path.relative(repoRoot, path.resolve(repoRoot, dir)) || '.'} -> http://${shown}:${s.port}${prefix}`);
  }
  console.log(`\n  tracelane is running at http://${shown}:${s.port}/\n`);
  if (cors.length) console.log(`  open an index folder DIR/<trace>/ with http://${shown}:${s.port}/?index=${INDEX_PATH.slice(1)}<trace file name>/\n`);
  const stop = () => s.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return s;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

export { main };
