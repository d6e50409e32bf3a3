import type { ProductListQuery } from "@bazaar/sdk/src/types";
import { infiniteQueryOptions, QueryClient, queryOptions } from "@tanstack/react-query";
import { api, isApiError } from "./api";

export const PAGE_SIZE = 24;

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 60_000,
      refetchOnWindowFocus: false,
      // Client errors (404, 400) will not get better by asking again.
      retry: (failureCount, error) =>
        !(isApiError(error) && error.status >= 400 && error.status < 500) && failureCount < 2,
    },
  },
});

export const categoriesQuery = () =>
  queryOptions({
    queryKey: ["categories"],
    queryFn: ({ signal }) => api.categories(signal),
    staleTime: 5 * 60_000,
  });

export const categoryQuery = (slug: string) =>
  queryOptions({
    queryKey: ["category", slug],
    queryFn: ({ signal }) => api.category(slug, signal),
  });

export const productQuery = (slug: string) =>
  queryOptions({
    queryKey: ["product", slug],
    queryFn: ({ signal }) => api.product(slug, signal),
  });

/** One page of products (e.g. the home page's newest). */
export const productListQuery = (query: ProductListQuery) =>
  queryOptions({
    queryKey: ["products", "list", query],
    queryFn: ({ signal }) => api.products(query, signal),
  });

/** Cursor-paginated products ("Load more"). */
export const productPagesQuery = (query: Omit<ProductListQuery, "cursor">) =>
  infiniteQueryOptions({
    queryKey: ["products", "pages", query],
    queryFn: ({ pageParam, signal }) => api.products({ ...query, cursor: pageParam ?? undefined }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
