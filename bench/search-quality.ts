/**
 * Search relevance benchmark: `npm run bench -- search-quality [--judgments <file.csv>] [--json <file>]
 * [--worst <n>] [--luma <folder>]`.
 *
 * Imports the Luma catalog (`../shared/datasets/luma`, through the server's importer, in-process) into a
 * cached database (see search-support.ts: PGlite, or PostgreSQL when BENCH_DATABASE_URL is set), takes
 * a copy, rebuilds Bazaar's search index on it with the current code, and asks every judged query
 * (default bench/judgments/luma.csv: `query,sku,grade`, grades 0-3) of three systems over the same
 * products (active and visible in search):
 * - Bazaar: `GET /api/store/search?q=<query>&limit=10` (through app.inject), the results' product SKUs;
 *   zero results when `total` is 0;
 * - PostgreSQL ts_rank: `to_tsvector('english', name || ' ' || description)` matched with
 *   `websearch_to_tsquery('english', q)`, ordered by `ts_rank` (ties by SKU), top 10 (no index, no
 *   typo tolerance, description HTML left as is, as the plain baseline would);
 * - MiniSearch 7 BM25 over `name` and `description` (HTML stripped, entities decoded), default
 *   options: OR of the query's terms, no prefix or fuzzy matching, no field boosts, no stemming or
 *   stop words, BM25+ with k = 1.2, b = 0.7, d = 0.5; tokens split on spaces and punctuation, lower-cased.
 * It prints NDCG@10, MRR@10 (first result of grade >= 2) and the zero-result rate per system (metric
 * definitions in relevance.ts), then our worst queries by NDCG with the baselines' NDCG beside them and
 * our first results with their grades. `--json <file>` also writes every per-query score.
 */

import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import MiniSearch from "minisearch";
import type { AppContext } from "../server/src/platform/context.ts";
import { queryRows } from "../server/src/platform/db.ts";
import {
  type Answer,
  cutoff,
  type Judgments,
  parseJudgments,
  type RunScore,
  relevantGrade,
  scoreRun,
} from "./relevance.ts";
import {
  cliOptions,
  datasetsDir,
  lumaCatalog,
  openApp,
  productCounts,
  rebuildSearchIndex,
  repoRoot,
  runCopy,
  seconds,
  storageLabel,
  userPath,
} from "./search-support.ts";

interface System {
  name: string;
  answer(query: string): Promise<Answer>;
}

/** Bazaar's search through its HTTP route (in-process inject). */
function bazaarSystem(app: Awaited<ReturnType<typeof openApp>>["app"]): System {
  return {
    name: "Bazaar search",
    async answer(query) {
      const r = await app.inject({
        method: "GET",
        url: `/api/store/search?q=${encodeURIComponent(query)}&limit=${cutoff}`,
      });
      if (r.statusCode !== 200)
        throw new Error(`GET /api/store/search?q=${query}: ${r.statusCode} ${r.body}`);
      const body = r.json() as { items: { sku: string }[]; total: number };
      return { skus: body.items.map((i) => i.sku), total: body.total };
    },
  };
}

const searchable = sql`status = 'active' and visibility in ('everywhere', 'search')`;

/** Plain PostgreSQL full-text search over the products table. */
function tsRankSystem(ctx: AppContext): System {
  return {
    name: "PostgreSQL ts_rank",
    async answer(query) {
      const rows = await queryRows<{ sku: string; total: number }>(
        ctx.db,
        sql`select sku, count(*) over ()::int as total from products,
            to_tsvector('english', name || ' ' || description) doc, websearch_to_tsquery('english', ${query}) q
          where ${searchable} and doc @@ q
          order by ts_rank(doc, q) desc, sku
          limit ${cutoff}`,
      );
      return { skus: rows.map((r) => r.sku), total: Number(rows[0]?.total ?? 0) };
    },
  };
}

const entities: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  trade: "™",
  reg: "®",
  copy: "©",
  bull: "•",
  frac14: "¼",
  frac12: "½",
  deg: "°",
  ndash: "–",
  mdash: "—",
};

/** Text of an HTML fragment: tags become spaces, entities are decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]\w*);/gi, (whole, name: string) => {
      if (name[0] === "#")
        return String.fromCodePoint(
          name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : Number(name.slice(1)),
        );
      return entities[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, " ")
    .trim();
}

/** MiniSearch (BM25+) with its default options over the same products. */
async function miniSearchSystem(ctx: AppContext): Promise<System> {
  const products = await queryRows<{ id: string; sku: string; name: string; description: string }>(
    ctx.db,
    sql`select id, sku, name, description from products where ${searchable} order by id`,
  );
  const index = new MiniSearch<{ id: string; sku: string; name: string; description: string }>({
    fields: ["name", "description"],
    storeFields: ["sku"],
  });
  index.addAll(
    products.map((p) => ({
      id: p.id,
      sku: p.sku,
      name: htmlText(p.name),
      description: htmlText(p.description),
    })),
  );
  return {
    name: "MiniSearch BM25",
    async answer(query) {
      const results = index.search(query);
      return { skus: results.slice(0, cutoff).map((r) => r.sku as string), total: results.length };
    },
  };
}

const fmt = (n: number | null, digits = 3) => (n === null ? "-" : n.toFixed(digits));

export async function searchQuality(): Promise<void> {
  const options = cliOptions();
  const judgmentsFile = userPath(
    typeof options.get("judgments") === "string"
      ? (options.get("judgments") as string)
      : path.join(repoRoot, "bench/judgments/luma.csv"),
  );
  const lumaPath =
    typeof options.get("luma") === "string"
      ? userPath(options.get("luma") as string)
      : path.join(datasetsDir, "luma");
  const worst = Number(typeof options.get("worst") === "string" ? options.get("worst") : 10);
  const jsonFile = options.get("json");
  if (jsonFile === true) throw new Error("--json needs a file name");
  for (const name of options.keys())
    if (!["judgments", "luma", "worst", "json"].includes(name)) throw new Error(`Unknown option --${name}`);
  const judgments: Judgments = parseJudgments(fs.readFileSync(judgmentsFile, "utf8"), judgmentsFile);

  console.log(
    `Search quality: ${judgments.size} judged queries from ${path.relative(process.env.INIT_CWD ?? process.cwd(), judgmentsFile)}; ${storageLabel()}`,
  );
  const started = performance.now();
  const cached = await lumaCatalog(lumaPath);
  const run = await runCopy(cached);
  const { app, ctx } = await openApp(run);
  const scores: { system: string; score: RunScore; ms: number }[] = [];
  let counts = { products: 0, searchable: 0 };
  try {
    counts = await productCounts(ctx);
    await rebuildSearchIndex(ctx, "luma");
    console.log(
      `Catalog ready in ${seconds(started)}: ${counts.products} products, ${counts.searchable} searchable.`,
    );
    const systems = [bazaarSystem(app), tsRankSystem(ctx), await miniSearchSystem(ctx)];
    for (const system of systems) {
      // One unmeasured pass warms caches and JIT so the ms/query column compares like with like.
      await system.answer([...judgments.keys()][0]!);
      const answers = new Map<string, Answer>();
      const t0 = performance.now();
      for (const query of judgments.keys()) answers.set(query, await system.answer(query));
      const ms = (performance.now() - t0) / judgments.size;
      scores.push({ system: system.name, score: scoreRun(judgments, answers), ms });
    }
  } finally {
    await app.close();
    await run.dispose();
  }

  const [ours, ...baselines] = scores;
  const first = ours!.score;
  console.log(
    `\nSearch relevance on the Luma catalog (${counts.searchable} products), ${first.queries} judged queries: ` +
      `NDCG@${cutoff} over the ${first.ndcgQueries} with a judged item above grade 0, ` +
      `MRR@${cutoff} (first result of grade >= ${relevantGrade}) over the ${first.mrrQueries} with one, ` +
      "zero-result rate over all. ms/query: in-process, one query at a time (Bazaar through app.inject).",
  );
  console.table(
    scores.map((s) => ({
      system: s.system,
      [`NDCG@${cutoff}`]: Number(s.score.ndcg.toFixed(3)),
      [`MRR@${cutoff}`]: Number(s.score.mrr.toFixed(3)),
      "zero-result rate": `${(s.score.zeroResultRate * 100).toFixed(1)}%`,
      "ms/query": Number(s.ms.toFixed(2)),
    })),
  );

  const byQuery = (score: RunScore) => new Map(score.perQuery.map((q) => [q.query, q]));
  const baselineScores = baselines.map((b) => byQuery(b.score));
  const worstQueries = first.perQuery
    .filter((q) => q.ndcg !== null)
    .sort((a, b) => a.ndcg! - b.ndcg! || a.query.localeCompare(b.query))
    .slice(0, worst);
  console.log(
    `\nOur ${worstQueries.length} worst queries by NDCG@${cutoff} (our first results with their grades):`,
  );
  console.table(
    worstQueries.map((q) => {
      const grades = judgments.get(q.query)!;
      return {
        query: q.query,
        ours: fmt(q.ndcg),
        ...Object.fromEntries(
          baselines.map((b, i) => [b.system, fmt(baselineScores[i]!.get(q.query)?.ndcg ?? null)]),
        ),
        total: q.total,
        "our top 5": q.top
          .slice(0, 5)
          .map((sku) => `${sku}(${grades.get(sku) ?? "-"})`)
          .join(" "),
      };
    }),
  );
  const losses = first.perQuery.filter((q) =>
    baselineScores.some((b) => q.ndcg !== null && (b.get(q.query)?.ndcg ?? 0) > q.ndcg + 0.1),
  );
  if (losses.length)
    console.log(
      `Queries where a baseline's NDCG beats ours by more than 0.1: ${losses.map((q) => JSON.stringify(q.query)).join(", ")}`,
    );

  if (typeof jsonFile === "string") {
    const file = userPath(jsonFile);
    fs.writeFileSync(
      file,
      `${JSON.stringify(
        {
          catalog: "luma",
          products: counts.searchable,
          judgments: judgmentsFile,
          cutoff,
          relevantGrade,
          systems: scores.map((s) => ({ system: s.system, msPerQuery: s.ms, ...s.score })),
        },
        null,
        2,
      )}\n`,
    );
    console.log(`Per-query scores written to ${file}`);
  }
}
