// Damage to an Nsight Systems SQLite export at the level of its rows and values, done
// with sql.js on a real export: random bytes would mostly break the page format and
// never reach the importer's reading of rows. What old, new or hand-edited exports and
// other tools' writers give: NULLs, wrong types, values out of range, missing or
// duplicated rows, dropped tables, backwards intervals, dangling string ids.

import fc from 'fast-check';
import type { Database, SqlJsStatic } from 'sql.js';

export type SqlMutation =
  | { kind: 'set'; table: number; column: number; every: number; value: number }
  | { kind: 'delete'; table: number; every: number }
  | { kind: 'duplicate'; table: number; every: number }
  | { kind: 'drop'; table: number }
  | { kind: 'backwards'; table: number; every: number };

const frac = fc.integer({ min: 0, max: 999_999 }).map((x) => x / 1e6);
/** 1 = every row, larger = every k-th row (by rowid). */
const every = fc.constantFrom(1, 2, 3, 7, 101);

export const sqlMutation: fc.Arbitrary<SqlMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), table: frac, column: frac, every, value: fc.integer({ min: 0, max: 11 }) }) },
  fc.record({ kind: fc.constant('delete' as const), table: frac, every }),
  fc.record({ kind: fc.constant('duplicate' as const), table: frac, every }),
  fc.record({ kind: fc.constant('drop' as const), table: frac }),
  fc.record({ kind: fc.constant('backwards' as const), table: frac, every }),
);

/** SQL literals a column may end up holding. */
const VALUES = ['NULL', '-1', '0', '9223372036854775807', '-9223372036854775808', '1e308', "'text'", "X'00ff80'", "''", `'${'x'.repeat(100_000)}'`, "CAST(X'c328ff' AS TEXT)", '4503599627370497'];

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
const pick = <T>(list: T[], f: number): T => list[Math.min(list.length - 1, Math.floor(f * list.length))];

function tables(db: Database): string[] {
  return (db.exec(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)[0]?.values ?? []).map((r) => String(r[0]));
}

function columns(db: Database, table: string): string[] {
  return (db.exec(`PRAGMA table_info(${quote(table)})`)[0]?.values ?? []).map((r) => String(r[1]));
}

/**
 * The seed export with the mutations applied, as file bytes. NOT NULL is taken out of the
 * schema first, as a writer that ignored it would have (the stored records do not change).
 * A mutation SQLite refuses (a duplicate key) is left out.
 */
export function mutateExport(SQL: SqlJsStatic, seed: Uint8Array, mutations: SqlMutation[]): Uint8Array {
  const db = new SQL.Database(relaxed(SQL, seed));
  try {
    for (const m of mutations) {
      try {
        apply(db, m);
      } catch {
        // e.g. UNIQUE on StringIds' id when duplicating: the file stays as it was.
      }
    }
    return db.export();
  } finally {
    db.close();
  }
}

/** The schema text edited, then the file re-read, so SQLite uses the relaxed definitions. */
function relaxed(SQL: SqlJsStatic, seed: Uint8Array): Uint8Array {
  const db = new SQL.Database(seed);
  try {
    db.run('PRAGMA writable_schema = ON');
    db.run(`UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL', '') WHERE type = 'table'`);
    db.run('PRAGMA writable_schema = OFF');
    return db.export();
  } finally {
    db.close();
  }
}

function apply(db: Database, m: SqlMutation): void {
  const all = tables(db);
  if (all.length === 0) return;
  const table = pick(all, m.table);
  const t = quote(table);
  const rows = 'every' in m && m.every > 1 ? ` WHERE rowid % ${m.every} = 0` : '';
  switch (m.kind) {
    case 'set': {
      const col = pick(columns(db, table), m.column);
      db.run(`UPDATE ${t} SET ${quote(col)} = ${VALUES[m.value]}${rows}`);
      return;
    }
    case 'delete':
      db.run(`DELETE FROM ${t}${rows}`);
      return;
    case 'duplicate':
      db.run(`INSERT INTO ${t} SELECT * FROM ${t}${rows}`);
      return;
    case 'drop':
      db.run(`DROP TABLE ${t}`);
      return;
    case 'backwards': {
      const cols = columns(db, table);
      if (cols.includes('start') && cols.includes('end')) db.run(`UPDATE ${t} SET start = "end", "end" = start${rows}`);
      return;
    }
  }
}
