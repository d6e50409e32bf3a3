import type { ProductListQuery } from "@bazaar/sdk/src/types";
import { infiniteQueryOptions, QueryClient, queryOptions } from "@tanstack/react-query";
import { accountApi, api, authApi, cartApi, checkoutApi, isApiError } from "./api";
import type { Cart } from "./commerce";

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

/** The signed-in session, or null when signed out (header links, account guard). */
export const sessionQuery = () =>
  queryOptions({
    queryKey: ["session"],
    queryFn: ({ signal }) => authApi.session(signal),
    staleTime: 30_000,
  });

export const accountQuery = () =>
  queryOptions({
    queryKey: ["account", "profile"],
    queryFn: ({ signal }) => accountApi.profile(signal),
    staleTime: 0,
  });

export const addressesQuery = () =>
  queryOptions({
    queryKey: ["account", "addresses"],
    queryFn: ({ signal }) => accountApi.addresses(signal),
    staleTime: 0,
  });

export const deviceSessionsQuery = () =>
  queryOptions({
    queryKey: ["account", "sessions"],
    queryFn: ({ signal }) => authApi.listSessions(signal),
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
    queryFn: ({ signal }) => cartApi.get(signal),
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
    queryFn: ({ signal }) => checkoutApi.paymentMethods(signal),
    staleTime: 5 * 60_000,
  });

/** The signed-in customer's orders, newest first ("Load more" pages). */
export const myOrdersQuery = () =>
  infiniteQueryOptions({
    queryKey: ["account", "orders", "list"],
    queryFn: ({ pageParam, signal }) => checkoutApi.myOrders(pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 0,
  });

/** One of the signed-in customer's orders. */
export const myOrderQuery = (number: string) =>
  queryOptions({
    queryKey: ["account", "orders", "detail", number],
    queryFn: ({ signal }) => checkoutApi.myOrder(number, signal),
    staleTime: 0,
  });
