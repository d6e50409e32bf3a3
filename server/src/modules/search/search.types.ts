import { type Static, Type } from "typebox";
import { MoneySchema } from "../../platform/money.schema.ts";
import { ProductSummarySchema } from "../catalog/index.ts";

/** Longest query accepted, in characters (longer ones are refused with 400 on field `q`). */
export const maxQueryLength = 256;

export const searchSorts = ["relevance", "price_asc", "price_desc", "newest", "rating"] as const;
export type SearchSort = (typeof searchSorts)[number];

const filterValues = (description: string, pattern?: string) =>
  Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 200, ...(pattern ? { pattern } : {}) }), {
      maxItems: 50,
      description,
    }),
  );

/** Query string of `GET /api/store/search`. Repeat a filter parameter for alternatives. */
export const SearchQuerySchema = Type.Object(
  {
    q: Type.String({
      maxLength: maxQueryLength,
      default: "",
      description:
        'What the shopper typed (web search syntax: "exact phrase", -exclude, or). Empty browses everything.',
    }),
    category: filterValues("Category slugs (a category includes its subcategories)"),
    brand: filterValues("Brands"),
    price: filterValues(
      "Price ranges `min-max` in minor units on the lowest current price, max exclusive, either end open: `2500-5000`, `10000-`",
      "^\\d{0,12}-\\d{0,12}$",
    ),
    option: filterValues("Option values as `code:value`, e.g. `color:Red`", "^[^:]{1,50}:.+$"),
    attr: filterValues(
      "Filterable attribute values as `code:value`, e.g. `material:Cotton`",
      "^[^:]{1,50}:.+$",
    ),
    inStock: Type.Optional(Type.Boolean({ description: "Only products that can be bought now" })),
    sort: Type.Union(
      searchSorts.map((s) => Type.Literal(s)),
      { default: "relevance" },
    ),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 24, description: "Page size, 1 to 100" }),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: "nextCursor of the previous page" })),
  },
  { additionalProperties: false },
);

const FacetValueSchema = Type.Object({
  value: Type.String({ description: "Send back in the facet's `param` to filter" }),
  label: Type.String(),
  count: Type.Integer({ description: "Products matching with this value and every other active filter" }),
  selected: Type.Boolean(),
  parent: Type.Optional(
    Type.Union([Type.String(), Type.Null()], { description: "Category facets: parent slug" }),
  ),
});

export const FacetSchema = Type.Object({
  code: Type.String({ description: "`category`, `brand`, `price`, `option:<code>` or `attr:<code>`" }),
  param: Type.Union([
    Type.Literal("category"),
    Type.Literal("brand"),
    Type.Literal("price"),
    Type.Literal("option"),
    Type.Literal("attr"),
  ]),
  label: Type.String(),
  values: Type.Array(FacetValueSchema, {
    description: "At most 100 values, those with the most matches first",
  }),
});

export const SearchHitSchema = Type.Object({
  ...ProductSummarySchema.properties,
  sku: Type.String({ description: "The product's SKU" }),
  highlight: Type.Object(
    {
      name: Type.String(),
      snippet: Type.String(),
    },
    { description: "HTML-escaped name and description snippet with matched words in <mark>" },
  ),
});

export const SearchResultSchema = Type.Object({
  items: Type.Array(SearchHitSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  total: Type.Integer(),
  facets: Type.Array(FacetSchema),
  correctedQuery: Type.Union([Type.String(), Type.Null()], {
    description: "Nothing matched as typed: the spelling-corrected query these results are for",
  }),
  didYouMean: Type.Union([Type.String(), Type.Null()], { description: "A better-spelt query to offer" }),
  partialMatch: Type.Boolean({
    description: "No product has every word of the query: these results have some of them, most first",
  }),
  queryId: Type.String({ description: "Name it when reporting a click or conversion on a result" }),
});

export const SuggestQuerySchema = Type.Object(
  { q: Type.String({ maxLength: maxQueryLength, description: "What the shopper has typed so far" }) },
  { additionalProperties: false },
);

export const SuggestionsSchema = Type.Object({
  queries: Type.Array(Type.Object({ query: Type.String() })),
  categories: Type.Array(Type.Object({ name: Type.String(), slug: Type.String(), path: Type.String() })),
  products: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      slug: Type.String(),
      price: MoneySchema,
      thumbnailUrl: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const SearchEventBodySchema = Type.Object(
  {
    queryId: Type.String({ pattern: "^srq_[0-9A-Z]{26}$" }),
    productId: Type.String({ minLength: 1, maxLength: 64 }),
    type: Type.Union([Type.Literal("click"), Type.Literal("conversion")]),
    position: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);

const QueryStatsSchema = Type.Object({
  query: Type.String(),
  searches: Type.Integer(),
  averageResults: Type.Integer(),
  clickThroughRate: Type.Number(),
  conversionRate: Type.Number(),
  lastSearchedAt: Type.String({ format: "date-time" }),
});

export const SearchAnalyticsSchema = Type.Object({
  from: Type.String({ format: "date-time" }),
  to: Type.String({ format: "date-time" }),
  searches: Type.Integer(),
  zeroResultSearches: Type.Integer(),
  zeroResultRate: Type.Number(),
  clickThroughRate: Type.Number(),
  conversionRate: Type.Number(),
  topQueries: Type.Array(QueryStatsSchema),
  zeroResultQueries: Type.Array(QueryStatsSchema),
});

export const SynonymSchema = Type.Object({
  id: Type.String(),
  terms: Type.Array(Type.String()),
  updatedAt: Type.String({ format: "date-time" }),
});

export const SynonymBodySchema = Type.Object(
  { terms: Type.Array(Type.String({ maxLength: 64 }), { minItems: 2, maxItems: 20 }) },
  { additionalProperties: false },
);

export const SearchSettingsSchema = Type.Object({
  language: Type.String(),
  languages: Type.Array(Type.String()),
});

export type SearchResultDto = Static<typeof SearchResultSchema>;
export type SuggestionsDto = Static<typeof SuggestionsSchema>;
export type SearchAnalyticsDto = Static<typeof SearchAnalyticsSchema>;
export type FacetDto = Static<typeof FacetSchema>;
