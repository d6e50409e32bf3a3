import { type BodyOf, type Cart, done, type Item, ok, type WishlistMergeResult } from "@bazaar/sdk";
import { queryOptions } from "@tanstack/react-query";
import { client } from "./api";
import { queryClient, setCart } from "./queries";

// ---------------------------------------------------------------------------------------------------
// The wishlist API (/api/store/wishlists)

const list = (wishlistId: string) => ({ params: { path: { wishlistId } } });
const item = (wishlistId: string, itemId: string) => ({ params: { path: { wishlistId, itemId } } });

/** The signed-in customer's wishlists. `listId` may be "default" (the list the heart button fills). */
export const wishlistApi = {
  lists: (signal?: AbortSignal) => ok(client.GET("/api/store/wishlists", { signal })),
  list: (listId: string, signal?: AbortSignal) =>
    ok(client.GET("/api/store/wishlists/{wishlistId}", { ...list(listId), signal })),
  create: (title: string) => ok(client.POST("/api/store/wishlists", { body: { title } })),
  update: (listId: string, patch: { title?: string; isDefault?: true }) =>
    ok(client.PATCH("/api/store/wishlists/{wishlistId}", { ...list(listId), body: patch })),
  remove: (listId: string) => done(client.DELETE("/api/store/wishlists/{wishlistId}", list(listId))),
  add: (listId: string, productId: string, variantId: string | null) =>
    ok(
      client.POST("/api/store/wishlists/{wishlistId}/items", {
        ...list(listId),
        body: { productId, variantId },
      }),
    ),
  removeItem: (listId: string, itemId: string) =>
    done(client.DELETE("/api/store/wishlists/{wishlistId}/items/{itemId}", item(listId, itemId))),
  productIds: (listId: string, signal?: AbortSignal) =>
    ok(client.GET("/api/store/wishlists/{wishlistId}/products", { ...list(listId), signal })),
  removeProduct: (listId: string, productId: string) =>
    done(
      client.DELETE("/api/store/wishlists/{wishlistId}/products/{productId}", {
        params: { path: { wishlistId: listId, productId } },
      }),
    ),
  moveToCart: (listId: string, itemId: string, variantId?: string) =>
    ok(
      client.POST("/api/store/wishlists/{wishlistId}/items/{itemId}/move-to-cart", {
        ...item(listId, itemId),
        body: { quantity: 1, ...(variantId ? { variantId } : {}) },
      }),
    ),
  share: (listId: string) => ok(client.POST("/api/store/wishlists/{wishlistId}/share", list(listId))),
  unshare: (listId: string) => done(client.DELETE("/api/store/wishlists/{wishlistId}/share", list(listId))),
  shared: (token: string, signal?: AbortSignal) =>
    ok(client.GET("/api/store/wishlists/shared/{token}", { params: { path: { token } }, signal })),
  merge: (items: GuestWish[]) => ok(client.POST("/api/store/wishlists/merge", { body: { items } })),
  preview: (items: GuestWish[], signal?: AbortSignal) =>
    ok(
      client.GET("/api/store/wishlists/preview", {
        params: {
          query: {
            items: items.map((i) => (i.variantId ? `${i.productId}:${i.variantId}` : i.productId)).join(","),
          },
        },
        signal,
      }),
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

/** A product (or one variant of it) a guest wishes for, as the merge at sign-in takes it (`addedAt` ISO 8601 UTC). */
export type GuestWish = Required<Item<BodyOf<"/api/store/wishlists/merge">>>;

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
