import { type Cart, isApiError, ok, type ProductListQuery } from "@bazaar/sdk";
import { infiniteQueryOptions, QueryClient, queryOptions } from "@tanstack/react-query";
import { client } from "./api";

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

/** Query of `GET /api/store/products`; option filters go as `option.<code>=a,b`. */
function productsQuery(query: ProductListQuery) {
  const { options, ...rest } = query;
  const optionParams: Record<string, string> = {};
  for (const [code, values] of Object.entries(options ?? {})) {
    if (values.length > 0) optionParams[`option.${code}`] = values.join(",");
  }
  return {
    ...rest,
    limit: rest.limit ?? PAGE_SIZE,
    sort: rest.sort ?? "relevance",
    inStock: rest.inStock || undefined,
    ...optionParams,
  };
}

const products = (query: ProductListQuery, signal: AbortSignal) =>
  ok(client.GET("/api/store/products", { params: { query: productsQuery(query) }, signal }));

export const categoriesQuery = () =>
  queryOptions({
    queryKey: ["categories"],
    queryFn: ({ signal }) => ok(client.GET("/api/store/categories", { signal })),
    staleTime: 5 * 60_000,
  });

export const categoryQuery = (slug: string) =>
  queryOptions({
    queryKey: ["category", slug],
    queryFn: ({ signal }) =>
      ok(client.GET("/api/store/categories/{slug}", { params: { path: { slug } }, signal })),
  });

export const productQuery = (slug: string) =>
  queryOptions({
    queryKey: ["product", slug],
    queryFn: ({ signal }) =>
      ok(client.GET("/api/store/products/{slug}", { params: { path: { slug } }, signal })),
  });

/** One page of products (e.g. the home page's newest). */
export const productListQuery = (query: ProductListQuery) =>
  queryOptions({
    queryKey: ["products", "list", query],
    queryFn: ({ signal }) => products(query, signal),
  });

/** Cursor-paginated products ("Load more"). */
export const productPagesQuery = (query: Omit<ProductListQuery, "cursor">) =>
  infiniteQueryOptions({
    queryKey: ["products", "pages", query],
    queryFn: ({ pageParam, signal }) => products({ ...query, cursor: pageParam ?? undefined }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

/** The signed-in session, or null when signed out (header links, account guard). */
export const sessionQuery = () =>
  queryOptions({
    queryKey: ["session"],
    queryFn: ({ signal }) => ok(client.GET("/api/auth/get-session", { signal })),
    staleTime: 30_000,
  });

export const accountQuery = () =>
  queryOptions({
    queryKey: ["account", "profile"],
    queryFn: ({ signal }) => ok(client.GET("/api/store/account/", { signal })),
    staleTime: 0,
  });

export const addressesQuery = () =>
  queryOptions({
    queryKey: ["account", "addresses"],
    queryFn: ({ signal }) => ok(client.GET("/api/store/account/addresses", { signal })),
    staleTime: 0,
  });

export const deviceSessionsQuery = () =>
  queryOptions({
    queryKey: ["account", "sessions"],
    queryFn: async ({ signal }) => (await ok(client.GET("/api/auth/list-sessions", { signal }))) ?? [],
    staleTime: 0,
  });

/** After signing in or out: forget everything tied to the previous session and reload it. */
export async function refreshSession(): Promise<void> {
  queryClient.removeQueries({ queryKey: ["account"] });
  // Signing in merges the guest cart into the account's; signing out leaves the account's behind.
  void queryClient.invalidateQueries({ queryKey: cartQuery().queryKey });
  await queryClient.fetchQuery({ ...sessionQuery(), staleTime: 0 });
}

/** The shopper's cart (re-priced by the server on every read). */
export const cartQuery = () =>
  queryOptions({
    queryKey: ["cart"],
    queryFn: ({ signal }) => ok(client.GET("/api/store/cart", { signal })),
    staleTime: 30_000,
  });

/**
 * Stores the cart a write answered (every cart write answers the whole cart), after cancelling any
 * read in flight so that an older answer cannot overwrite it.
 */
export async function setCart(cart: Cart): Promise<void> {
  await queryClient.cancelQueries({ queryKey: cartQuery().queryKey });
  queryClient.setQueryData(cartQuery().queryKey, cart);
}

export const paymentMethodsQuery = () =>
  queryOptions({
    queryKey: ["payment-methods"],
    queryFn: ({ signal }) => ok(client.GET("/api/store/payment-methods", { signal })),
    staleTime: 5 * 60_000,
  });

/** The signed-in customer's orders, newest first ("Load more" pages). */
export const myOrdersQuery = () =>
  infiniteQueryOptions({
    queryKey: ["account", "orders", "list"],
    queryFn: ({ pageParam, signal }) =>
      ok(
        client.GET("/api/store/orders", {
          params: { query: { limit: 20, cursor: pageParam ?? undefined } },
          signal,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 0,
  });

/** One of the signed-in customer's orders. */
export const myOrderQuery = (number: string) =>
  queryOptions({
    queryKey: ["account", "orders", "detail", number],
    queryFn: ({ signal }) =>
      ok(client.GET("/api/store/orders/{number}", { params: { path: { number } }, signal })),
    staleTime: 0,
  });
