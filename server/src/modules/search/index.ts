/** Search: the product search index, queries with facets, autocomplete, synonyms and search analytics. Other code imports only from here. */

export { type SearchAnalytics, searchAnalytics } from "./search.analytics.ts";
export { MemorySearchEngine } from "./search.engine.ts";
export {
  countDocuments,
  indexProducts,
  pruneIndexChanges,
  type ReindexProgress,
  reindexAll,
  syncStockFlags,
} from "./search.indexer.ts";
export { MemoryIndex } from "./search.memory.ts";
export { adminSearchRoutes, storeSearchRoutes } from "./search.routes.ts";
export {
  createSearchRuntime,
  ensureSearchIndex,
  type SearchRuntime,
} from "./search.runtime.ts";
export {
  correctQuery,
  type Facet,
  type MemoryBackend,
  type SearchFilters,
  type SearchHit,
  type SearchParams,
  type SearchResult,
  searchProducts,
} from "./search.service.ts";
export {
  createSynonym,
  deleteSynonym,
  listSynonyms,
  setSearchLanguage,
  updateSynonym,
} from "./search.settings.ts";
export type { SearchSort } from "./search.types.ts";
