import { sql } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import { type Db, queryRows } from "../../platform/db.ts";
import { searchCategories, summarize } from "../catalog/index.ts";
import { popularQueries } from "./search.analytics.ts";
import { searchDocuments } from "./search.schema.ts";
import { cleanQuery, fold } from "./search.text.ts";

export interface Suggestions {
  /** Popular queries starting with (each word of) what was typed, most searched first. */
  queries: { query: string }[];
  categories: { name: string; slug: string; path: string }[];
  products: {
    id: string;
    name: string;
    slug: string;
    price: { amount: number; currency: string };
    thumbnailUrl: string | null;
  }[];
}

interface SuggestState {
  popular: { query: string; folded: string }[];
  categories: { name: string; slug: string; path: string; folded: string }[];
  at: number;
}

/**
 * Autocomplete: answers from memory where it can (popular queries and category names, refreshed
 * every `refreshMs`) and from the index's prefix words for products; whole answers are cached for
 * `ttlMs` per typed prefix, so a burst of keystrokes costs one query each at most.
 */
export class Suggester {
  private state: SuggestState | null = null;
  private loading: Promise<SuggestState> | null = null;
  private readonly answers: LRUCache<string, Suggestions>;

  constructor(
    private readonly db: Db,
    private readonly refreshMs = 60_000,
    ttlMs = 10_000,
  ) {
    this.answers = new LRUCache({ max: 5000, ttl: ttlMs });
  }

  private async load(): Promise<SuggestState> {
    const [popular, categories] = await Promise.all([popularQueries(this.db), searchCategories(this.db)]);
    const byId = new Map(categories.map((c) => [c.id, c]));
    const pathOf = (id: string): string => {
      const names: string[] = [];
      const seen = new Set<string>();
      for (let c = byId.get(id); c && !seen.has(c.id); c = c.parentId ? byId.get(c.parentId) : undefined) {
        seen.add(c.id);
        names.unshift(c.name);
      }
      return names.join(" › ");
    };
    return {
      popular: popular.map((p) => ({ query: p.query, folded: fold(p.query) })),
      categories: categories
        .filter((c) => c.isActive && c.parentId !== null)
        .map((c) => ({ name: c.name, slug: c.slug, path: pathOf(c.id), folded: fold(c.name) })),
      at: Date.now(),
    };
  }

  private async current(): Promise<SuggestState> {
    if (this.state && Date.now() - this.state.at < this.refreshMs) return this.state;
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    const state = await this.loading;
    this.state = state;
    return state;
  }

  /** Forgets cached answers and lists (after catalog changes in tests). */
  reset(): void {
    this.state = null;
    this.answers.clear();
  }

  /**
   * Suggestions for what a shopper has typed so far: up to 5 popular queries, 4 categories and 6
   * products whose words (name, brand, categories) start with every typed word (accents and case
   * ignored). Products whose name matches come first, then the most popular in stock. Prices are minor units.
   */
  async suggest(typed: string): Promise<Suggestions> {
    const q = fold(cleanQuery(typed));
    const words = q
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean)
      .slice(0, 8);
    if (words.length === 0) return { queries: [], categories: [], products: [] };
    const key = words.join(" ");
    const cached = this.answers.get(key);
    if (cached) return cached;
    const matchesAll = (text: string) => {
      const textWords = text.split(/[^\p{L}\p{N}]+/u);
      return words.every((w) => textWords.some((t) => t.startsWith(w)));
    };
    const [state, products] = await Promise.all([this.current(), this.products(words)]);
    const answer: Suggestions = {
      queries: state.popular
        .filter((p) => p.folded.startsWith(q) || matchesAll(p.folded))
        .slice(0, 5)
        .map((p) => ({ query: p.query })),
      categories: state.categories
        .filter((c) => matchesAll(c.folded))
        .slice(0, 4)
        .map(({ name, slug, path }) => ({ name, slug, path })),
      products,
    };
    this.answers.set(key, answer);
    return answer;
  }

  private async products(words: string[]): Promise<Suggestions["products"]> {
    const rows = await queryRows<{ id: string }>(
      this.db,
      sql`with q as (select string_agg(quote_literal(w) || ':*', ' & ')::tsquery as tq
          from unnest(${sql.param(words)}::text[]) w)
        select d.product_id as id from ${searchDocuments} d, q where d.words @@ q.tq
        order by to_tsvector('simple', unaccent(d.name)) @@ q.tq desc, d.in_stock desc, d.popularity desc,
          d.review_count desc, d.name limit 6`,
    );
    const summaries = await summarize(
      this.db,
      rows.map((r) => r.id),
    );
    return rows.flatMap((r) => {
      const s = summaries.get(r.id);
      return s
        ? [
            {
              id: s.id,
              name: s.name,
              slug: s.slug,
              price: s.price,
              thumbnailUrl: s.thumbnail?.srcset[0]?.url ?? s.thumbnail?.url ?? null,
            },
          ]
        : [];
    });
  }
}
