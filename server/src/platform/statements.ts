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

/**
 * A write owned by one module that travels inside another module's statement as a CTE, so that writes
 * of several modules in one transaction cost one round trip (DESIGN: a module never writes another's
 * tables, so the owner builds the part and the host only places it). `text` numbers its parameters
 * from $1 and ends with a `returning` clause; it may read the CTEs that the host documents. `read`
 * turns the rows it returned (decoded from JSON: timestamps as ISO strings) into the owner's values.
 */
export interface SqlPart<R = unknown> {
  /**
   * Helper CTEs the part needs, placed before it (`a as (...), b as (...)`, same parameter numbering),
   * named after the owning module so that they cannot clash with the host's or another part's.
   */
  ctes?: string;
  text: string;
  params: unknown[];
  read(rows: Record<string, unknown>[]): R;
}

/** What a host statement's parts read, by part name. */
export type PartResults<P extends Record<string, SqlPart>> = { [K in keyof P]: ReturnType<P[K]["read"]> };

const shifted = new Map<string, string>();

/** A part's text with its parameters renumbered to follow `offset` host parameters ($1 -> $<offset+1>). */
function shiftParams(text: string, offset: number): string {
  if (offset === 0) return text;
  const key = `${offset}|${text}`;
  let result = shifted.get(key);
  if (result === undefined) {
    result = text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    shifted.set(key, result);
  }
  return result;
}

/**
 * Places parts in a host statement: `ctes` is `, <name> as (<part>)` for each (append it to the host's
 * `with` list), `selects` is `, (<rows as JSON>) as "<name>"` for each (append it to the host's final
 * select list), `params` follow the host's `offset` parameters. `read` decodes the host's result row.
 * Part names must not clash with the host's own CTE names.
 */
export function placeParts<P extends Record<string, SqlPart>>(
  parts: P,
  offset: number,
): {
  ctes: string;
  selects: string;
  params: unknown[];
  read(row: Record<string, unknown>): PartResults<P>;
} {
  let ctes = "";
  let selects = "";
  const params: unknown[] = [];
  for (const [name, part] of Object.entries(parts)) {
    const first = offset + params.length;
    if (part.ctes) ctes += `, ${shiftParams(part.ctes, first)}`;
    ctes += `, ${name} as (${shiftParams(part.text, first)})`;
    selects += `, (select coalesce(json_agg(${name}), '[]'::json) from ${name}) as "${name}"`;
    params.push(...part.params);
  }
  return {
    ctes,
    selects,
    params,
    read: (row) =>
      Object.fromEntries(
        Object.entries(parts).map(([name, part]) => [
          name,
          part.read((row[name] as Record<string, unknown>[] | null) ?? []),
        ]),
      ) as PartResults<P>,
  };
}

/** Runs a part on its own (its module's plain function). */
export async function runPart<R>(db: Db, part: SqlPart<R>): Promise<R> {
  const text = part.ctes ? `with ${part.ctes} ${part.text}` : part.text;
  return part.read(await runSql(db, text, part.params));
}
