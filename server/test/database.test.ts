import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "../src/platform/db.ts";
import { freshDatabase } from "./helpers.ts";

describe("the PostgreSQL connection pool", () => {
  // JIT compilation took 640 ms before a 400 ms count of the staff product list at 100,000 products.
  it.runIf(Boolean(process.env.TEST_DATABASE_URL))("runs its sessions without JIT compilation", async () => {
    const database = await freshDatabase();
    try {
      // Every connection of the pool, not just the first: hold several at once.
      const settings = await Promise.all(
        Array.from({ length: 4 }, () =>
          queryRows<{ jit: string }>(database.db, sql`select pg_sleep(0.05), current_setting('jit') as jit`),
        ),
      );
      expect(settings.map((r) => r[0]!.jit)).toEqual(["off", "off", "off", "off"]);
    } finally {
      await database.close();
    }
  });
});
