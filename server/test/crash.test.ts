import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { sweepExpired } from "../src/modules/checkout/checkout.expiry.ts";
import { openPglite, openPostgres } from "../src/platform/db.ts";
import { michigan, seedShop } from "./commerce-fixtures.ts";
import { freshDatabaseUrl, lumaPath, startServerProcess } from "./helpers.ts";

/**
 * Crash safety: a client places orders in a loop while the server process is killed with SIGKILL and
 * restarted three times. Every order the client saw acknowledged must exist exactly once, nothing may
 * stay reserved for an unpaid order once the expiry job ran, and no captured payment may lack its order.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-crash-"));
let pgDatabase: Awaited<ReturnType<typeof freshDatabaseUrl>> = null;

afterAll(async () => {
  await pgDatabase?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function dbEnv(): Record<string, string> {
  return pgDatabase ? { DATABASE_URL: pgDatabase.url } : { DATA_DIR: dataDir };
}

/** Opens the app in this process on the same database (to seed, then to inspect after the run). */
async function openInProcess() {
  const database = pgDatabase
    ? await openPostgres(pgDatabase.url, 4)
    : await openPglite(path.join(dataDir, "db"));
  await database.migrate();
  const config = loadConfig(
    { NODE_ENV: "test" },
    {
      dataDir,
      storageDir: path.join(dataDir, "storage"),
      lumaPath,
      seedDemo: false,
      serveStorefront: false,
      cacheTtlMs: 0,
    },
  );
  return buildApp(config, { database, ownsDatabase: true });
}

function startServer() {
  return startServerProcess({
    RESERVATION_SWEEP_MINUTES: "1440",
    FRAUD_VELOCITY_PER_HOUR: "0",
    FRAUD_IP_VELOCITY_PER_HOUR: "0",
    FRAUD_CARD_VELOCITY_PER_HOUR: "0",
    ...dbEnv(),
  });
}

describe("crash safety", () => {
  it("orders survive three SIGKILLs: acknowledged exactly once, no leaked reservation, no orphan capture", async () => {
    pgDatabase = await freshDatabaseUrl();
    {
      const { app, ctx } = await openInProcess();
      await app.ready();
      await seedShop(ctx);
      await app.close();
    }
    let server = await startServer();
    const acknowledged = new Map<string, string>();
    let attempts = 0;
    let done = false;

    const call = async (
      method: string,
      url: string,
      token: string | null,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const response = await fetch(`${server.url}${url}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(token ? { "x-cart-token": token } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      return {
        status: response.status,
        token: response.headers.get("x-cart-token"),
        json: (await response.json()) as Record<string, unknown>,
      };
    };
    /** Retries a step across restarts (the server may be down for a moment). */
    const retrying = async <T>(step: () => Promise<T>): Promise<T> => {
      for (;;) {
        try {
          return await step();
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };

    const shopper = async (n: number) => {
      while (!done) {
        attempts++;
        const variantIds = await retrying(() => call("GET", "/api/store/products/camp-mug", null));
        const variantId = (variantIds.json.variants as { id: string }[])[0]!.id;
        const first = await retrying(() =>
          call("POST", "/api/store/cart/lines", null, { variantId, quantity: 1 }),
        );
        const token = first.token!;
        await retrying(() => call("PUT", "/api/store/cart/email", token, { email: `crash${n}@example.com` }));
        const cart = await retrying(() => call("PUT", "/api/store/cart/shipping-address", token, michigan));
        const method = (cart.json.shippingOptions as { id: string; code: string }[]).find(
          (o) => o.code === "best_way",
        )!;
        await retrying(() =>
          call("PUT", "/api/store/cart/shipping-method", token, { shippingMethodId: method.id }),
        );
        const key = `crash-${n}-${attempts}`;
        // The same key is retried until the server answers: a crash mid-checkout must not lose or double the order.
        const placed = await retrying(() =>
          call(
            "POST",
            "/api/store/checkout",
            token,
            { payment: { provider: "test", data: { cardNumber: "4242424242424242" } } },
            { "idempotency-key": key },
          ),
        );
        if (placed.status === 200 || placed.status === 201) acknowledged.set(key, placed.json.id as string);
      }
    };

    const shoppers = Array.from({ length: 4 }, (_, i) => shopper(i));
    /** Waits until the shoppers have had `count` more orders acknowledged (or 60 s passed). */
    const moreOrders = async (count: number) => {
      const target = acknowledged.size + count;
      const until = Date.now() + 60_000;
      while (acknowledged.size < target && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    };
    const killTimes: number[] = [];
    for (let crash = 0; crash < 3; crash++) {
      // Kill while orders are flowing, at a random moment, so some checkouts are cut mid-way.
      await moreOrders(3);
      await new Promise((r) => setTimeout(r, Math.random() * 400));
      killTimes.push(acknowledged.size);
      server.child.kill("SIGKILL");
      await new Promise((r) => server.child.once("exit", r));
      server = await startServer();
    }
    await moreOrders(3);
    done = true;
    await Promise.all(shoppers);
    server.child.kill("SIGTERM");
    await new Promise((r) => server.child.once("exit", r));

    const { app, ctx } = await openInProcess();
    await app.ready();
    try {
      const rows = async <T>(query: string) =>
        ((await ctx.db.execute(query)) as unknown as { rows: T[] }).rows;
      expect(acknowledged.size).toBeGreaterThanOrEqual(12);
      expect(killTimes).toHaveLength(3);
      const ids = [...acknowledged.values()];
      expect(new Set(ids).size).toBe(ids.length);
      const found = await rows<{ id: string; status: string }>(
        `select id, status from orders where id in (${ids.map((id) => `'${id}'`).join(",")})`,
      );
      expect(found).toHaveLength(ids.length);
      for (const order of found) expect(order.status).toBe("processing");
      // One order per cart at most among live orders.
      const doubled = await rows(
        `select cart_id from orders where status <> 'cancelled' group by cart_id having count(*) > 1`,
      );
      expect(doubled).toEqual([]);

      await sweepExpired(ctx, new Date(Date.now() + 24 * 3600_000));
      const leaked = await rows(
        `select r.id from reservations r join orders o on o.id = r.order_id where r.status = 'active' and o.status <> 'processing'`,
      );
      expect(leaked).toEqual([]);
      const mismatch = await rows(
        `select il.variant_id from inventory_levels il
          left join (select variant_id, location_id, sum(quantity)::int as q from reservations where status = 'active' group by 1, 2) r
            on r.variant_id = il.variant_id and r.location_id = il.location_id
          where il.reserved_quantity <> coalesce(r.q, 0)`,
      );
      expect(mismatch).toEqual([]);
      const orphans = await rows(
        `select p.id from payments p left join orders o on o.id = p.order_id
          where p.status = 'captured' and (o.id is null or o.status <> 'processing')`,
      );
      expect(orphans).toEqual([]);
      const pending = await rows(`select id from orders where status = 'pending_payment'`);
      expect(pending).toEqual([]);
    } finally {
      await app.close();
    }
  }, 240_000);
});
