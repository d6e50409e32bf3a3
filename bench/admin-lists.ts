/**
 * `npm run bench -- admin-lists`: the staff product list and customer list at 100,000 rows each,
 * with 10 staff members working at once (BENCH_STAFF), BENCH_SECONDS (default 10) per scenario.
 *
 * - Products: the generated 100,000-product catalog of the search benchmark (Best Buy data
 *   recombined, see search-catalog.ts), cached between runs.
 * - Customers: 100,000 accounts added to a copy of it (names recombined from a small list, e-mails
 *   numbered, a quarter opted in to marketing), a third of them with one to three paid orders.
 *
 * Each scenario is one kind of list request a merchant makes (the first page, a search, a filter, a
 * sort, a deep page reached by cursor); every staff member sends them back to back on its own
 * keep-alive connection, authenticated with an API key. Nothing is cached on the admin API: this is
 * the uncached path. Recommendations are not trained meanwhile. Prints a table: requests/s, latency p50 / p95 / p99 in milliseconds, errors.
 * Runs on PostgreSQL when BENCH_DATABASE_URL is set, else on PGlite.
 */

import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { createApiKey } from "../server/src/modules/staff/api-keys.service.ts";
import { permissions } from "../server/src/modules/staff/index.ts";
import { migrationsFolder, queryRows } from "../server/src/platform/db.ts";
import { indexedCatalog } from "./search.ts";
import {
  cachedCatalog,
  seconds as elapsed,
  inputsKey,
  openApp,
  repoRoot,
  runCopy,
  startServer,
  storageLabel,
} from "./search-support.ts";

const duration = Number(process.env.BENCH_SECONDS ?? 10);
const staffCount = Number(process.env.BENCH_STAFF ?? 10);
const customerCount = Number(process.env.BENCH_CUSTOMERS ?? 100_000);

interface Row {
  list: string;
  request: string;
  "req/s": number;
  "p50 ms": number;
  "p95 ms": number;
  "p99 ms": number;
  errors: number;
}

/** Adds `customerCount` accounts, profiles and paid orders with plain SQL (fast, deterministic). */
async function addCustomers(target: { databaseUrl: string | null; dataDir: string }): Promise<void> {
  const { app, ctx } = await openApp(target);
  try {
    const started = performance.now();
    const first = [
      "Ada",
      "Grace",
      "Linus",
      "Marie",
      "Alan",
      "Rosalind",
      "Tim",
      "Barbara",
      "Edsger",
      "Frances",
    ];
    const last = [
      "Byron",
      "Hopper",
      "Pauling",
      "Curie",
      "Turing",
      "Franklin",
      "Berners-Lee",
      "Liskov",
      "Dijkstra",
      "Allen",
    ];
    const batch = 10_000;
    for (let from = 0; from < customerCount; from += batch) {
      const to = Math.min(customerCount, from + batch);
      await ctx.db.execute(sql`
        insert into users (id, name, email, email_verified, created_at, updated_at)
        select 'usr_bench' || lpad(i::text, 7, '0'),
          (${sql.param(first)}::text[])[1 + i % 10] || ' ' || (${sql.param(last)}::text[])[1 + (i / 10) % 10],
          'customer' || i || '@example.com', i % 3 = 0,
          now() - (i || ' minutes')::interval, now()
        from generate_series(${from}::int, ${to - 1}::int) as i`);
      await ctx.db.execute(sql`
        insert into customer_profiles (user_id, marketing_consent, marketing_consent_at)
        select 'usr_bench' || lpad(i::text, 7, '0'), i % 4 = 0, case when i % 4 = 0 then now() end
        from generate_series(${from}::int, ${to - 1}::int) as i`);
      await ctx.db.execute(sql`
        insert into orders (id, number, status, payment_status, fulfillment_status, currency, email, user_id,
          prices_include_tax, subtotal, discount_total, shipping_total, shipping_discount, shipping_tax, tax_total,
          total, paid_total, placed_at)
        select 'ord_bench' || lpad(i::text, 7, '0') || '_' || k, 'B' || i || '-' || k,
          case when k = 3 then 'cancelled' else 'completed' end, 'paid', 'fulfilled', 'USD',
          'customer' || i || '@example.com', 'usr_bench' || lpad(i::text, 7, '0'),
          false, 2000 + (i % 50) * 100, 0, 500, 0, 0, 0, 2500 + (i % 50) * 100, 2500 + (i % 50) * 100,
          now() - ((i + k * 7) || ' hours')::interval
        from generate_series(${from}::int, ${to - 1}::int) as i, generate_series(1, 1 + i % 3) as k
        where i % 3 = 0`);
    }
    await ctx.db.execute(sql`analyze`);
    console.log(`  added ${customerCount.toLocaleString("en-US")} customers in ${elapsed(started)}`);
    // The steady state of a live shop: autovacuum has set the visibility map (index-only scans) and
    // fresh statistics after a bulk load; the copies each run measures start from here.
    await ctx.db.execute(sql`vacuum analyze`);
  } finally {
    await app.close();
  }
}

/** One GET on `agent`; resolves with its status and duration. */
function getOnce(agent: http.Agent, url: string, key: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const request = http.get(url, { agent, headers: { authorization: `Bearer ${key}` } }, (response) => {
      response.resume();
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }),
      );
      response.on("error", () => resolve({ status: 0, ms: performance.now() - started }));
    });
    request.on("error", () => resolve({ status: 0, ms: performance.now() - started }));
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! * 10) / 10;
}

/** `staffCount` staff members sending `urls` (round robin) back to back for `seconds`. */
async function drive(urls: string[], key: string, seconds: number) {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: staffCount }, async (_, member) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      for (let i = member; performance.now() < until; i++) {
        const { status, ms } = await getOnce(agent, urls[i % urls.length]!, key);
        latencies.push(ms);
        if (status !== 200) errors++;
      }
      agent.destroy();
    }),
  );
  const sorted = Float64Array.from(latencies).sort();
  return {
    "req/s": Math.round(latencies.length / seconds),
    "p50 ms": percentile(sorted, 0.5),
    "p95 ms": percentile(sorted, 0.95),
    "p99 ms": percentile(sorted, 0.99),
    errors,
  };
}

/** Cursors of pages `pages` deep, following `nextCursor` from the first page. */
async function deepCursors(base: string, list: string, key: string, pages: number): Promise<string[]> {
  const cursors: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < pages; i++) {
    const url = `${base}${list}${list.includes("?") ? "&" : "?"}limit=50${cursor ? `&cursor=${cursor}` : ""}`;
    const body = (await (await fetch(url, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      nextCursor: string | null;
    };
    if (!body.nextCursor) break;
    cursor = body.nextCursor;
    if (i % 20 === 19) cursors.push(cursor);
  }
  return cursors;
}

export async function adminLists(): Promise<void> {
  // With its search index built, so the API starts at once (the admin lists do not use it).
  const products = await indexedCatalog("generated");
  const catalog = await cachedCatalog(
    `admin-lists-${customerCount}`,
    inputsKey(
      [migrationsFolder, path.join(repoRoot, "bench/admin-lists.ts")],
      [products.database ?? products.dir!],
    ),
    async (target) => {
      console.log(`Adding ${customerCount.toLocaleString("en-US")} customers (cached for the next runs) ...`);
      await addCustomers(target);
    },
    products,
  );
  const target = await runCopy(catalog);
  let key: string;
  let counts: { products: number; customers: number; category: string };
  {
    const { app, ctx } = await openApp(target);
    try {
      const [owner] = await queryRows<{ id: string }>(
        ctx.db,
        sql`select id from users order by created_at limit 1`,
      );
      key = (
        await createApiKey(
          ctx.db,
          { name: "bench", permissions: ["catalog:read", "customers:read"] },
          { userId: owner!.id, permissions: new Set(permissions) },
        )
      ).secret;
      const [row] = await queryRows<{ products: number; customers: number; category: string }>(
        ctx.db,
        sql`select (select count(*)::int from products) as products, (select count(*)::int from users) as customers,
          (select category_id from product_categories group by category_id order by count(*) desc limit 1) as category`,
      );
      counts = row!;
    } finally {
      await app.close();
    }
  }
  // Like the search benchmark: no recommendation training in the measured server (at 100,000 products
  // it takes minutes of CPU; `contentNeighboursInSlices` keeps requests answered, but slower).
  const server = await startServer(target, 1, { RECOMMENDATIONS_TRAIN_HOURS: "0" });
  const rows: Row[] = [];
  try {
    const base = server.base;
    const p = (q: string) => `${base}/api/admin/products?limit=50${q}`;
    const c = (q: string) => `${base}/api/admin/customers?limit=50${q}`;
    const productDeep = (await deepCursors(base, "/api/admin/products", key, 100)).map((cur) =>
      p(`&cursor=${cur}`),
    );
    const customerDeep = (await deepCursors(base, "/api/admin/customers", key, 100)).map((cur) =>
      c(`&cursor=${cur}`),
    );
    const scenarios: [string, string, string[]][] = [
      ["products", "first page (recently updated)", [p("")]],
      [
        "products",
        "search by name word",
        ["samsung", "laptop", "black", "wireless", "cable"].map((w) => p(`&q=${w}`)),
      ],
      ["products", "search by SKU start", ["GEN00012", "GEN0042", "GEN09"].map((s) => p(`&q=${s}`))],
      ["products", "filter: category, sort by name", [p(`&categoryId=${counts.category}&sort=name`)]],
      ["products", "filter: sold out", [p("&stock=sold_out")]],
      ["products", "pages 20-100 by cursor", productDeep.length ? productDeep : [p("")]],
      ["customers", "first page (newest)", [c("")]],
      [
        "customers",
        "search name or e-mail",
        ["hopper", "customer4242", "turing", "ada b"].map((w) => c(`&q=${encodeURIComponent(w)}`)),
      ],
      ["customers", "filter: has ordered, subscribed", [c("&hasOrdered=true&marketingConsent=true")]],
      ["customers", "sort by e-mail", [c("&sort=email")]],
      ["customers", "pages 20-100 by cursor", customerDeep.length ? customerDeep : [c("")]],
    ];
    for (const [list, request, urls] of scenarios) {
      await drive(urls, key, 2); // warm-up
      rows.push({ list, request, ...(await drive(urls, key, duration)) });
      console.log(`  ${list}: ${request} done`);
    }
  } finally {
    await server.stop();
    await target.dispose();
  }
  console.log(
    `\nAdmin lists: ${counts.products.toLocaleString("en-US")} products, ${counts.customers.toLocaleString("en-US")} accounts, ` +
      `${staffCount} staff at once, ${duration} s each, ${storageLabel()}, ${os.availableParallelism()} cores, no cache`,
  );
  console.table(rows);
}
