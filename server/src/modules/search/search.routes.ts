import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { ValidationError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { type AuditedRequest, recordStaffAction } from "../audit/index.ts";
import { recordSearchEvent, searchAnalytics } from "./search.analytics.ts";
import type { SearchRuntime } from "./search.runtime.ts";
import type { SearchFilters, SearchResult } from "./search.service.ts";
import {
  createSynonym,
  deleteSynonym,
  getSearchSettings,
  listSynonyms,
  reindexRequestedTopic,
  setSearchLanguage,
  updateSynonym,
} from "./search.settings.ts";
import {
  SearchAnalyticsSchema,
  SearchEventBodySchema,
  SearchQuerySchema,
  SearchResultSchema,
  SearchSettingsSchema,
  SuggestionsSchema,
  SuggestQuerySchema,
  SynonymBodySchema,
  SynonymSchema,
} from "./search.types.ts";

/** `["color:Red", "size:M"]` -> `{ color: ["Red"], size: ["M"] }`. */
function codeValues(values: string[] | undefined): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const v of values ?? []) {
    const colon = v.indexOf(":");
    const code = v.slice(0, colon);
    const list = result[code] ?? [];
    list.push(v.slice(colon + 1));
    result[code] = list;
  }
  return result;
}

/** `"2500-5000"` -> `{ min: 2500, max: 5000 }` (empty ends are open). @throws ValidationError (field `price`). */
function priceRanges(values: string[] | undefined): SearchFilters["price"] {
  return (values ?? []).map((v) => {
    const [lo = "", hi = ""] = v.split("-");
    const min = lo === "" ? null : Number(lo);
    const max = hi === "" ? null : Number(hi);
    if ((min !== null && !Number.isSafeInteger(min)) || (max !== null && !Number.isSafeInteger(max)))
      throw new ValidationError([{ field: "price", message: `"${v}" is not a range of minor units` }]);
    if (min !== null && max !== null && max <= min)
      throw new ValidationError([{ field: "price", message: `"${v}": the end must be above the start` }]);
    return { min, max };
  });
}

/**
 * Public search API under /api/store: search with facets, autocomplete, and the shopper's click /
 * conversion reports for search analytics.
 */
/** Stands for the queryId in a serialized answer (query ids are `srq_` + 26 characters of Crockford base 32). */
const queryIdPlaceholder = "srq_QUERYIDPLACEHOLDER0000000";
/** Serialized answers, per answer object (the runtime's cache hands out the same object for a repeated search). */
const serializedAnswers = new WeakMap<SearchResult, string>();

export function storeSearchRoutes(ctx: AppContext, runtime: SearchRuntime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/search",
      {
        schema: {
          summary: "Search products",
          description:
            "Full-text search of the catalog with typo tolerance, synonyms, prefix matching of the last word and exact " +
            'SKU match first. Syntax: `"exact phrase"`, `-exclude`, `or`. Facets (category, brand, price ranges, ' +
            "option values, filterable attributes) count each value with every OTHER active filter applied " +
            "(disjunctive), so a shopper can widen a choice. Filters repeat for alternatives " +
            "(`brand=Sony&brand=LG`); different filters combine with AND. Prices in minor units. The `queryId` " +
            "names this search when reporting a click or conversion. Errors: 400 VALIDATION_FAILED naming the " +
            "parameter (`q` longer than 256 characters, a bad `cursor`, `price`, `option`...).",
          tags: ["store"],
          querystring: SearchQuerySchema,
          response: { 200: SearchResultSchema, 400: ProblemSchema },
        },
      },
      async (request, reply) => {
        const query = request.query;
        const filters: SearchFilters = {
          ...(query.category && { category: query.category }),
          ...(query.brand && { brand: query.brand }),
          ...(query.price && { price: priceRanges(query.price) }),
          ...(query.option && { options: codeValues(query.option) }),
          ...(query.attr && { attributes: codeValues(query.attr) }),
          ...(query.inStock !== undefined && { inStock: query.inStock }),
        };
        const result = await runtime.search({
          q: query.q,
          filters,
          sort: query.sort,
          limit: query.limit,
          ...(query.cursor && { cursor: query.cursor }),
        });
        const queryId = runtime.recorder.record({
          query: query.q,
          resultCount: result.total,
          correctedQuery: result.correctedQuery,
          filters: filters as Record<string, unknown>,
          sort: query.sort,
          firstPage: !query.cursor,
        });
        // A cached answer is serialized once (with a placeholder for the per-request queryId).
        let json = serializedAnswers.get(result);
        if (json === undefined) {
          json = reply.serialize({ ...result, queryId: queryIdPlaceholder }) as string;
          serializedAnswers.set(result, json);
        }
        const at = json.lastIndexOf(`"${queryIdPlaceholder}"`);
        const body = `${json.slice(0, at)}"${queryId}"${json.slice(at + queryIdPlaceholder.length + 2)}`;
        // Already serialized by the route's own response serializer: sent as it is.
        return reply.type("application/json; charset=utf-8").send(body as never);
      },
    );

    app.get(
      "/search/suggest",
      {
        schema: {
          summary: "Autocomplete",
          description:
            "Suggestions for what the shopper has typed so far: popular queries, categories and products whose words " +
            "start with every typed word (accents and case ignored). Prices in minor units.",
          tags: ["store"],
          querystring: SuggestQuerySchema,
          response: { 200: SuggestionsSchema, 400: ProblemSchema },
        },
      },
      async (request) => runtime.suggester.suggest(request.query.q),
    );

    app.post(
      "/search/events",
      {
        schema: {
          summary: "Report a click or conversion on a search result",
          description:
            "`click`: the shopper opened a product from the results of search `queryId`; `conversion`: they added it " +
            "to the cart after finding it by that search. Idempotent (one of each per search and product). 204.",
          tags: ["store"],
          body: SearchEventBodySchema,
          response: { 204: Type.Null(), 400: ProblemSchema },
        },
        config: { rateLimit: { max: 120, timeWindow: "1 minute" } },
      },
      async (request, reply) => {
        await recordSearchEvent(ctx.db, request.body);
        return reply.code(204).send(null);
      },
    );
  };
}

/**
 * Staff search API under /api/admin: analytics (analytics:read), synonyms and language
 * (catalog:write; audited), reindex (catalog:write).
 */
export function adminSearchRoutes(ctx: AppContext, runtime: SearchRuntime): FastifyPluginAsyncTypebox {
  return async (app) => {
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
    const tags = ["admin", "search"];
    const audit = (
      request: AuditedRequest,
      action: string,
      targetId: string,
      metadata: Record<string, unknown> = {},
    ) => recordStaffAction(ctx.db, request, { action, targetType: "search", targetId, metadata });

    app.get(
      "/search/analytics",
      {
        config: { permission: "analytics:read" },
        schema: {
          summary: "Search analytics",
          description:
            "Over [from, to) (ISO 8601 UTC; default the last 30 days): searches (first result pages), zero-result " +
            "rate, click-through rate (searches with a click on a result / searches), conversion rate, the top " +
            "queries and the top zero-result queries.",
          tags,
          querystring: Type.Object(
            {
              from: Type.Optional(Type.String({ format: "date-time" })),
              to: Type.Optional(Type.String({ format: "date-time" })),
              limit: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: SearchAnalyticsSchema, ...errors },
        },
      },
      async (request) => {
        await runtime.recorder.flush();
        const to = request.query.to ? new Date(request.query.to) : new Date();
        const from = request.query.from
          ? new Date(request.query.from)
          : new Date(to.getTime() - 30 * 86_400_000);
        if (!(from < to)) throw new ValidationError([{ field: "from", message: "must be before to" }]);
        return searchAnalytics(ctx.db, { from, to }, request.query.limit);
      },
    );

    app.get(
      "/search/synonyms",
      {
        config: { permission: "catalog:read" },
        schema: {
          summary: "Synonym groups",
          tags,
          response: { 200: Type.Object({ items: Type.Array(SynonymSchema) }), ...errors },
        },
      },
      async () => ({ items: await listSynonyms(ctx.db) }),
    );

    app.post(
      "/search/synonyms",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Add a synonym group",
          description:
            "Two-way: searching any term also finds products with the others (e.g. tee, t-shirt). Takes effect on the " +
            "next search. Errors: 400 naming `terms`.",
          tags,
          body: SynonymBodySchema,
          response: { 201: SynonymSchema, ...errors },
        },
      },
      async (request, reply) => {
        const synonym = await createSynonym(ctx.db, request.body.terms);
        runtime.forget();
        await audit(request, "search.synonym.create", synonym.id, { terms: synonym.terms });
        return reply.code(201).send(synonym);
      },
    );

    app.put(
      "/search/synonyms/:id",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Replace a synonym group's terms",
          tags,
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          body: SynonymBodySchema,
          response: { 200: SynonymSchema, ...errors },
        },
      },
      async (request) => {
        const synonym = await updateSynonym(ctx.db, request.params.id, request.body.terms);
        runtime.forget();
        await audit(request, "search.synonym.update", synonym.id, { terms: synonym.terms });
        return synonym;
      },
    );

    app.delete(
      "/search/synonyms/:id",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Delete a synonym group",
          tags,
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await deleteSynonym(ctx.db, request.params.id);
        runtime.forget();
        await audit(request, "search.synonym.delete", request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      "/search/settings",
      {
        config: { permission: "catalog:read" },
        schema: { summary: "Search settings", tags, response: { 200: SearchSettingsSchema, ...errors } },
      },
      async () => getSearchSettings(ctx.db),
    );

    app.put(
      "/search/settings",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Set the search language",
          description:
            "A PostgreSQL text search configuration (stemming and stop words): `english` (default), `german`, " +
            "`french`, ... or `simple` (no stemming). Changing it rebuilds the index in the background. Errors: 400 " +
            "naming `language`.",
          tags,
          body: Type.Object({ language: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
          response: { 200: SearchSettingsSchema, ...errors },
        },
      },
      async (request) => {
        const settings = await setSearchLanguage(ctx.db, request.body.language);
        runtime.forget();
        await audit(request, "search.settings.update", "language", { language: settings.language });
        return settings;
      },
    );

    app.post(
      "/search/reindex",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Rebuild the search index",
          description: "Queues a full rebuild from the catalog (run by the outbox worker). 202.",
          tags,
          response: { 202: Type.Object({ queued: Type.Boolean() }), ...errors },
        },
      },
      async (request, reply) => {
        await enqueue(ctx.db, reindexRequestedTopic, {});
        await audit(request, "search.reindex", "index");
        runtime.forget();
        return reply.code(202).send({ queued: true });
      },
    );
  };
}
