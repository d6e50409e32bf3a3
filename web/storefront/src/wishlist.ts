import type {
  Problem,
  SharedWishlist,
  Wishlist,
  WishlistItem,
  WishlistMergeResult,
  WishlistPreviewItem,
  WishlistShareLink,
  WishlistSummary,
} from "@bazaar/sdk/src/types";
import { queryOptions } from "@tanstack/react-query";
import { ApiError } from "./api";
import type { Cart } from "./commerce";
import { queryClient, setCart } from "./queries";

// ---------------------------------------------------------------------------------------------------
// The wishlist API (/api/store/wishlists)

/** One JSON call; errors become `ApiError` with the server's problem+json. Null for 204. */
async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/store${path}`, {
      method,
      headers: {
        Accept: "application/json",
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError({
      type: "about:blank",
      title: "Network error",
      status: 0,
      detail: "The store could not be reached. Check your connection and try again.",
      code: "network_error",
    });
  }
  const data: unknown = /json/i.test(response.headers.get("content-type") ?? "")
    ? await response.json().catch(() => null)
    : null;
  if (!response.ok) {
    const problem = data as Partial<Problem> | null;
    throw new ApiError({
      type: problem?.type ?? "about:blank",
      title: problem?.title ?? (response.statusText || "Request failed"),
      status: response.status,
      detail: problem?.detail,
      code: problem?.code ?? (response.status === 404 ? "not_found" : "http_error"),
      errors: problem?.errors,
    });
  }
  return data as T;
}

const seg = encodeURIComponent;

/** The signed-in customer's wishlists. `listId` may be "default" (the list the heart button fills). */
export const wishlistApi = {
  lists: (signal?: AbortSignal) =>
    call<{ items: WishlistSummary[]; total: number }>("GET", "/wishlists", undefined, signal),
  list: (listId: string, signal?: AbortSignal) =>
    call<Wishlist>("GET", `/wishlists/${seg(listId)}`, undefined, signal),
  create: (title: string) => call<Wishlist>("POST", "/wishlists", { title }),
  update: (listId: string, patch: { title?: string; isDefault?: true }) =>
    call<Wishlist>("PATCH", `/wishlists/${seg(listId)}`, patch),
  remove: (listId: string) => call<null>("DELETE", `/wishlists/${seg(listId)}`),
  add: (listId: string, productId: string, variantId: string | null) =>
    call<WishlistItem>("POST", `/wishlists/${seg(listId)}/items`, { productId, variantId }),
  removeItem: (listId: string, itemId: string) =>
    call<null>("DELETE", `/wishlists/${seg(listId)}/items/${seg(itemId)}`),
  productIds: (listId: string, signal?: AbortSignal) =>
    call<{ productIds: string[] }>("GET", `/wishlists/${seg(listId)}/products`, undefined, signal),
  removeProduct: (listId: string, productId: string) =>
    call<null>("DELETE", `/wishlists/${seg(listId)}/products/${seg(productId)}`),
  moveToCart: (listId: string, itemId: string, variantId?: string) =>
    call<Cart>("POST", `/wishlists/${seg(listId)}/items/${seg(itemId)}/move-to-cart`, {
      ...(variantId ? { variantId } : {}),
    }),
  share: (listId: string) => call<WishlistShareLink>("POST", `/wishlists/${seg(listId)}/share`),
  unshare: (listId: string) => call<null>("DELETE", `/wishlists/${seg(listId)}/share`),
  shared: (token: string, signal?: AbortSignal) =>
    call<SharedWishlist>("GET", `/wishlists/shared/${seg(token)}`, undefined, signal),
  merge: (items: GuestWish[]) => call<WishlistMergeResult>("POST", "/wishlists/merge", { items }),
  preview: (items: GuestWish[], signal?: AbortSignal) =>
    call<{ items: WishlistPreviewItem[] }>(
      "GET",
      `/wishlists/preview?items=${seg(items.map((i) => (i.variantId ? `${i.productId}:${i.variantId}` : i.productId)).join(","))}`,
      undefined,
      signal,
    ),
};

// Under ["account"]: signing in or out forgets them (see refreshSession).
export const wishlistsQuery = () =>
  queryOptions({
    queryKey: ["account", "wishlists", "lists"],
    queryFn: ({ signal }) => wishlistApi.lists(signal),
    staleTime: 0,
  });

export const wishlistQuery = (listId: string) =>
  queryOptions({
    queryKey: ["account", "wishlists", "detail", listId],
    queryFn: ({ signal }) => wishlistApi.list(listId, signal),
    staleTime: 0,
  });

/** Products in the default list: the pressed state of every heart button. */
export const wishedProductsQuery = () =>
  queryOptions({
    queryKey: ["account", "wishlists", "default-products"],
    queryFn: ({ signal }) => wishlistApi.productIds("default", signal),
    staleTime: 60_000,
  });

export const sharedWishlistQuery = (token: string) =>
  queryOptions({
    queryKey: ["shared-wishlist", token],
    queryFn: ({ signal }) => wishlistApi.shared(token, signal),
    staleTime: 0,
  });

export const guestPreviewQuery = (items: GuestWish[]) =>
  queryOptions({
    queryKey: ["wishlist-preview", items.map((i) => `${i.productId}:${i.variantId ?? ""}`).join(",")],
    queryFn: ({ signal }) =>
      items.length ? wishlistApi.preview(items, signal) : Promise.resolve({ items: [] }),
    staleTime: 60_000,
  });

/** After a wishlist change: re-read every list and the hearts. */
export function invalidateWishlists(): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: ["account", "wishlists"] });
}

/** Moves an item to the cart; the cart the server answers replaces the cached one. */
export async function moveToCart(listId: string, itemId: string, variantId?: string): Promise<Cart> {
  const cart = await wishlistApi.moveToCart(listId, itemId, variantId);
  await setCart(cart);
  await invalidateWishlists();
  return cart;
}

// ---------------------------------------------------------------------------------------------------
// The guest wishlist, kept in this browser (localStorage) until sign-in merges it into the account

/** A product (or one variant of it) a guest wishes for. */
export interface GuestWish {
  productId: string;
  variantId: string | null;
  /** ISO 8601 UTC. */
  addedAt: string;
}

const storageKey = "bazaar.wishlist.v1";
const changeEvent = "bazaar:wishlist";
let cache: { raw: string | null; items: GuestWish[] } = { raw: null, items: [] };

function isWish(value: unknown): value is GuestWish {
  const w = value as GuestWish;
  return (
    typeof w === "object" &&
    w !== null &&
    typeof w.productId === "string" &&
    w.productId.length <= 64 &&
    (w.variantId === null || (typeof w.variantId === "string" && w.variantId.length <= 64)) &&
    typeof w.addedAt === "string"
  );
}

/** The guest's wishes, newest first (a stable array while unchanged, for useSyncExternalStore). */
export function guestWishes(): GuestWish[] {
  let raw: string | null = null;
  try {
    raw = window.localStorage.getItem(storageKey);
  } catch {
    // Storage blocked (private mode, policy): nothing kept.
  }
  if (raw === cache.raw) return cache.items;
  let items: GuestWish[] = [];
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    items = Array.isArray(parsed) ? parsed.filter(isWish).slice(0, 200) : [];
  } catch {
    items = [];
  }
  cache = { raw, items };
  return items;
}

function saveGuestWishes(items: GuestWish[]): void {
  try {
    if (items.length) window.localStorage.setItem(storageKey, JSON.stringify(items));
    else window.localStorage.removeItem(storageKey);
  } catch {
    // Storage full or blocked: the change lives until the page closes.
    cache = { raw: JSON.stringify(items), items };
  }
  window.dispatchEvent(new Event(changeEvent));
}

/** Subscribes to changes of the guest wishlist (this tab and others). */
export function subscribeGuestWishes(onChange: () => void): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === storageKey || event.key === null) onChange();
  };
  window.addEventListener(changeEvent, onChange);
  window.addEventListener("storage", onStorage);
  return () => {
    window.removeEventListener(changeEvent, onChange);
    window.removeEventListener("storage", onStorage);
  };
}

/** Whether the guest wishes for the product (any variant of it). */
export function guestWishesFor(productId: string): boolean {
  return guestWishes().some((w) => w.productId === productId);
}

/** Adds a product (or variant) to the guest wishlist; nothing when it is already there. */
export function addGuestWish(productId: string, variantId: string | null): void {
  const items = guestWishes();
  if (items.some((w) => w.productId === productId && w.variantId === variantId)) return;
  saveGuestWishes([{ productId, variantId, addedAt: new Date().toISOString() }, ...items].slice(0, 200));
}

/** Removes a product from the guest wishlist: one variant of it, or (variantId undefined) all of it. */
export function removeGuestWish(productId: string, variantId?: string | null): void {
  saveGuestWishes(
    guestWishes().filter(
      (w) => w.productId !== productId || (variantId !== undefined && w.variantId !== variantId),
    ),
  );
}

let merging: Promise<WishlistMergeResult | null> | null = null;

/**
 * Merges the guest wishlist into the signed-in customer's default list (idempotent on the server:
 * duplicates and unknown products are skipped), then forgets it here. Resolves null when there was
 * nothing to merge; a failed merge keeps the guest list for the next try.
 */
export function mergeGuestWishlist(): Promise<WishlistMergeResult | null> {
  const items = guestWishes();
  if (items.length === 0) return Promise.resolve(null);
  merging ??= wishlistApi
    .merge(items)
    .then(async (result) => {
      // Keep anything wished while the merge was on its way.
      const sent = new Set(items.map((w) => `${w.productId}:${w.variantId ?? ""}`));
      saveGuestWishes(guestWishes().filter((w) => !sent.has(`${w.productId}:${w.variantId ?? ""}`)));
      await invalidateWishlists();
      return result;
    })
    .finally(() => {
      merging = null;
    });
  return merging;
}
