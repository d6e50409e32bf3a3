import { type Column, getTableColumns, getTableName, type Table } from "drizzle-orm";
import type { Db } from "./db.ts";

/**
 * Fixed-text SQL for the hot paths (cart reads, checkout, payment settlement). Drizzle's query builder
 * rebuilds a statement's text on every call, which cost more Node CPU per checkout than the rest of
 * the request; here the text is built once per statement shape and cached, rows are mapped with the
 * table's own column codecs, and PostgreSQL prepares each text once per connection (StatementNamer).
 * Everything else keeps using Drizzle.
 */

interface PgQueryable {
  query(config: { text: string; values: unknown[] }): Promise<{ rows: Record<string, unknown>[] }>;
}
interface PgliteQueryable {
  query(text: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

interface SessionView {
  session: {
    client: PgQueryable | PgliteQueryable;
    logger: { logQuery(query: string, params: unknown[]): void };
  };
}

/** node-postgres pools and pooled clients (not PGlite instances or transactions). */
function isNodePg(client: object): client is PgQueryable {
  return "release" in client || "totalCount" in client;
}

/**
 * Runs fixed SQL text with positional parameters ($1, $2, ...) on a database or transaction handle,
 * counted like every other statement. Returns the rows as the driver parses them (column names as
 * written in the SQL).
 */
export async function runSql<T = Record<string, unknown>>(
  db: Db,
  text: string,
  params: unknown[],
): Promise<T[]> {
  const { session } = db as unknown as SessionView;
  session.logger.logQuery(text, params);
  const client = session.client;
  const result = isNodePg(client)
    ? await client.query({ text, values: params })
    : await (client as PgliteQueryable).query(text, params);
  return result.rows as T[];
}

interface TableCodec {
  name: string;
  /** Quoted column list of the whole table. */
  columnList: string;
  /** [property name, column] in declaration order. */
  columns: [string, Column][];
  byProperty: Map<string, Column>;
}

const codecs = new WeakMap<Table, TableCodec>();

function codecOf(table: Table): TableCodec {
  let codec = codecs.get(table);
  if (!codec) {
    const columns = Object.entries(getTableColumns(table)) as [string, Column][];
    codec = {
      name: getTableName(table),
      columnList: columns.map(([, c]) => quote(c.name)).join(", "),
      columns,
      byProperty: new Map(columns),
    };
    codecs.set(table, codec);
  }
  return codec;
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** Turns raw rows (`select *` / `returning *`) into the table's row objects, as Drizzle would. */
export function mapRows<T extends Table>(table: T, rows: Record<string, unknown>[]): T["$inferSelect"][] {
  const { columns } = codecOf(table);
  return rows.map((raw) => {
    const row: Record<string, unknown> = {};
    for (const [property, column] of columns) {
      const value = raw[column.name];
      row[property] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return row as T["$inferSelect"];
  });
}

/** Column list of `returning` / `select` for a whole table. */
export function allColumns(table: Table): string {
  return codecOf(table).columnList;
}

const insertTexts = new Map<string, string>();

/**
 * `insert into <table> (<columns>) values (...), (...)` for rows that all give the same properties
 * (left-out columns take their defaults; `expressions` puts fixed SQL in place of a property's value,
 * e.g. `nextval(...)`), with parameters numbered from `$<firstParam>`. The text is cached per shape.
 */
export function insertValues<T extends Table>(
  table: T,
  rows: Partial<T["$inferInsert"]>[],
  options: { expressions?: Record<string, string>; firstParam?: number } = {},
): { text: string; params: unknown[] } {
  const codec = codecOf(table);
  const first = rows[0] as Record<string, unknown>;
  const properties = Object.keys(first).filter((p) => first[p] !== undefined);
  const expressions = options.expressions ?? {};
  const expressionKeys = Object.keys(expressions);
  const firstParam = options.firstParam ?? 1;
  const key = [
    codec.name,
    properties.join(","),
    expressionKeys.map((k) => `${k}=${expressions[k]}`).join(","),
    rows.length,
    firstParam,
  ].join("|");
  let text = insertTexts.get(key);
  if (!text) {
    const names = [...properties, ...expressionKeys].map((p) => {
      const column = codec.byProperty.get(p);
      if (!column) throw new Error(`${codec.name} has no column for "${p}"`);
      return quote(column.name);
    });
    let n = firstParam - 1;
    const tuples = rows.map(
      () =>
        `(${[...properties.map(() => `$${++n}`), ...expressionKeys.map((k) => expressions[k]!)].join(", ")})`,
    );
    text = `insert into ${quote(codec.name)} (${names.join(", ")}) values ${tuples.join(", ")}`;
    insertTexts.set(key, text);
  }
  const params: unknown[] = [];
  for (const row of rows) {
    for (const p of properties) {
      const value = (row as Record<string, unknown>)[p];
      params.push(
        value === null || value === undefined ? null : codec.byProperty.get(p)!.mapToDriverValue(value),
      );
    }
  }
  return { text, params };
}

/**
 * Inserts rows into `table` with one statement (see `insertValues`). Returns the inserted rows when
 * `returning` is set, mapped like Drizzle's.
 */
export async function insertRows<T extends Table>(
  db: Db,
  table: T,
  rows: Partial<T["$inferInsert"]>[],
  options: { returning?: boolean; onConflictDoNothing?: boolean; expressions?: Record<string, string> } = {},
): Promise<T["$inferSelect"][]> {
  if (rows.length === 0) return [];
  const { text, params } = insertValues(table, rows, { expressions: options.expressions });
  const statement =
    text +
    (options.onConflictDoNothing ? " on conflict do nothing" : "") +
    (options.returning ? ` returning ${allColumns(table)}` : "");
  const result = await runSql(db, statement, params);
  return options.returning ? mapRows(table, result) : [];
}

const updateTexts = new Map<string, string>();

/**
 * `update <table> set <changes> where <where>` with the text cached per set of changed properties.
 * `where` is fixed SQL whose parameters are numbered from `$1` and given in `whereParams`; the
 * changes' parameters follow them.
 */
export function updateSet<T extends Table>(
  table: T,
  changes: Partial<T["$inferInsert"]>,
  where: string,
  whereParams: unknown[],
): { text: string; params: unknown[] } {
  const codec = codecOf(table);
  const properties = Object.keys(changes).filter(
    (p) => (changes as Record<string, unknown>)[p] !== undefined,
  );
  const key = `${codec.name}|${properties.join(",")}|${where}|${whereParams.length}`;
  let text = updateTexts.get(key);
  if (!text) {
    const sets = properties.map((p, i) => {
      const column = codec.byProperty.get(p);
      if (!column) throw new Error(`${codec.name} has no column for "${p}"`);
      return `${quote(column.name)} = $${whereParams.length + i + 1}`;
    });
    text = `update ${quote(codec.name)} set ${sets.join(", ")} where ${where}`;
    updateTexts.set(key, text);
  }
  const params = [...whereParams];
  for (const p of properties) {
    const value = (changes as Record<string, unknown>)[p];
    params.push(value === null ? null : codec.byProperty.get(p)!.mapToDriverValue(value));
  }
  return { text, params };
}

/** Runs `updateSet` and returns the changed rows, mapped like Drizzle's. */
export async function updateRows<T extends Table>(
  db: Db,
  table: T,
  changes: Partial<T["$inferInsert"]>,
  where: string,
  whereParams: unknown[],
): Promise<T["$inferSelect"][]> {
  const { text, params } = updateSet(table, changes, where, whereParams);
  return mapRows(table, await runSql(db, `${text} returning ${allColumns(table)}`, params));
}
