// sql.js (SQLite compiled to wasm) for importers of SQLite files. In the browser the
// wasm comes from the build itself through a relative URL (Vite `?url`), so it works
// from any sub-path and needs only CSP 'wasm-unsafe-eval'; under Node (unit tests)
// sql.js finds its wasm next to its own module.

import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';

let sqlJs: Promise<SqlJsStatic> | null = null;

const inNode = typeof process !== 'undefined' && !!process.versions?.node;

function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs(inNode ? {} : { locateFile: () => wasmUrl });
  return sqlJs;
}

export async function openSqlite(bytes: Uint8Array): Promise<Database> {
  const SQL = await loadSqlJs();
  return new SQL.Database(bytes);
}

/** "SQLite format 3\0": the first 16 bytes of every SQLite database file. */
export function isSqlite(head: Uint8Array): boolean {
  const magic = 'SQLite format 3\0';
  if (head.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (head[i] !== magic.charCodeAt(i)) return false;
  return true;
}

export type { Database };
