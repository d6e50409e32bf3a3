import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { Logger } from "drizzle-orm/logger";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";

/**
 * A Drizzle database or transaction. Modules query their own tables (their `*.schema.ts`) with the
 * query builder; the relational query API (`db.query.x`), which would need every module's tables
 * here, is not used, so the platform knows no module.
 */
export type Db = PgDatabase<PgQueryResultHKT>;

export const migrationsFolder = path.resolve(import.meta.dirname, "../../migrations");

/** Counts SQL statements sent, so tests can prove a page costs a constant number of queries. */
export class QueryCounter implements Logger {
  count = 0;
  logQuery(): void {
    this.count++;
  }
}

/** An open database: the Drizzle handle plus what the platform needs to run and stop it. */
export interface Database {
  kind: "pglite" | "postgres";
  db: Db;
  queries: QueryCounter;
  /** Applies the committed SQL migrations (idempotent; serialised across processes on PostgreSQL). */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The embedded PGlite instance (tests clone it), null on PostgreSQL. */
  pglite: PGlite | null;
  /**
   * Runs SQL text as given (outside Drizzle), for a library bringing its own statements (the job
   * queue): with `values`, one parameterised statement; without, any number of statements.
   */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * `column = any($1::text[])` with the ids bound as ONE array parameter, unlike `inArray`, which binds
 * one parameter per id: cheaper to send, parse and plan for the long id lists of listing pages.
 */
export function anyText(column: SQLWrapper, values: string[]): SQL {
  return sql`${column} = any(${sql.param(values)}::text[])`;
}

/**
 * Runs a raw SQL query and returns its rows typed as `T`. On PostgreSQL it runs as a named prepared
 * statement, like every parameterised statement (see `openPostgres`).
 */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * Refreshes the planner's statistics of every table (ANALYZE): for bulk loads, whose tables the
 * planner otherwise takes for empty until autovacuum analyzes them.
 */
export async function analyzeDatabase(db: Db): Promise<void> {
  await db.execute(sql`analyze`);
}

/**
 * Names parameterised statements by their SQL text so that each connection prepares a statement once
 * and then only binds and executes it: PostgreSQL skips parsing, and planning once its plan cache
 * settles. Bounded: past `limit` distinct texts (odd filter combinations), statements run unnamed, so
 * neither this map nor the server's per-connection statement caches grow without end.
 * Statements without parameters (BEGIN, COMMIT, migrations of several statements) are left unnamed.
 */
export class StatementNamer {
  private readonly names = new Map<string, string>();
  constructor(private readonly limit = 1000) {}

  /** The name for `text`, or undefined when it should run unnamed. */
  nameOf(text: string): string | undefined {
    let name = this.names.get(text);
    if (!name && this.names.size < this.limit) {
      name = `bz_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
      this.names.set(text, name);
    }
    return name;
  }

  /** Makes `client` name its parameterised statements (called for each new pool connection). */
  attach(client: pg.PoolClient): void {
    type Query = (config: unknown, values?: unknown, callback?: unknown) => unknown;
    const target = client as unknown as { query: Query };
    const query: Query = target.query.bind(client);
    target.query = (config, values, callback) => {
      if (config !== null && typeof config === "object" && !("submit" in config)) {
        const c = config as { text?: unknown; name?: unknown; values?: unknown };
        const params = Array.isArray(values) ? values : c.values;
        if (typeof c.text === "string" && c.name === undefined && Array.isArray(params) && params.length) {
          const name = this.nameOf(c.text);
          if (name) config = { ...c, name };
        }
      }
      return query(config, values, callback);
    };
  }
}

/**
 * The PostgreSQL extensions the embedded database loads (search: trigram similarity for typo
 * tolerance and autocomplete, accent folding); the migrations `create extension` them.
 */
export const pgliteExtensions = { pg_trgm, unaccent };

/** Opens an embedded PGlite database stored in `dataDir` (created if missing), or in memory when null. */
export async function openPglite(dataDir: string | null, existing?: PGlite): Promise<Database> {
  if (dataDir) fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  // The options-only form: `new PGlite(undefined, options)` ignores the options.
  const client =
    existing ??
    new PGlite(dataDir ? { dataDir, extensions: pgliteExtensions } : { extensions: pgliteExtensions });
  await client.waitReady;
  const queries = new QueryCounter();
  const db = drizzlePglite(client, { logger: queries }) as unknown as Db;
  return {
    kind: "pglite",
    db,
    queries,
    pglite: client,
    async executeSql(text, values) {
      if (values?.length) return { rows: (await client.query(text, values)).rows };
      // Statements of several parts may open their own transaction (BEGIN ... COMMIT): run them in
      // one, so that a failure is rolled back instead of leaving the only connection aborted.
      const results = await client.transaction((tx) => tx.exec(text));
      return { rows: results.at(-1)?.rows ?? [] };
    },
    async migrate() {
      await migratePglite(drizzlePglite(client), { migrationsFolder });
    },
    async ping() {
      await client.query("select 1");
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

/**
 * Opens a PostgreSQL connection pool of at most `poolSize` connections. Its sessions run with JIT
 * compilation off: the API's statements are short, and PostgreSQL's JIT (on by default, "beneficial
 * primarily for long-running CPU-bound queries", https://www.postgresql.org/docs/current/jit-decision.html)
 * compiled for 640 ms before a 400 ms count of the staff product list at 100,000 products.
 */
export async function openPostgres(url: string, poolSize = 20): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    idleTimeoutMillis: 30_000,
    options: "-c jit=off",
  });
  pool.on("error", () => {
    // An idle client lost its connection; the pool replaces it. Queries in flight report their own errors.
  });
  const namer = new StatementNamer();
  pool.on("connect", (client) => namer.attach(client));
  const queries = new QueryCounter();
  const db = drizzleNodePg(pool, { logger: queries }) as unknown as Db;
  let closed = false;
  return {
    kind: "postgres",
    db,
    queries,
    pglite: null,
    async executeSql(text, values) {
      if (values?.length) return { rows: (await pool.query(text, values)).rows };
      // Statements of several parts may open their own transaction (BEGIN ... COMMIT): a failure is
      // rolled back before the connection goes back to the pool, never left aborted for the next user.
      const connection = await pool.connect();
      try {
        const result = (await connection.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
        return { rows: Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows };
      } catch (error) {
        await connection.query("rollback").catch(() => {});
        throw error;
      } finally {
        connection.release();
      }
    },
    async migrate() {
      const client = await pool.connect();
      try {
        // One migrator at a time across every process starting against this database.
        await client.query("select pg_advisory_lock(727274)");
        try {
          await migrateNodePg(drizzleNodePg(client), { migrationsFolder });
        } finally {
          await client.query("select pg_advisory_unlock(727274)");
        }
      } finally {
        client.release();
      }
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** Opens the database the configuration names: PostgreSQL when `databaseUrl` is set, else PGlite in `dataDir/db`. */
export function openDatabase(config: { databaseUrl: string | null; dataDir: string; dbPoolSize: number }) {
  return config.databaseUrl
    ? openPostgres(config.databaseUrl, config.dbPoolSize)
    : openPglite(path.join(config.dataDir, "db"));
}
