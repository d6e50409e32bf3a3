import { errorMessage } from "@bazaar/sdk";
import { cn, decodeEntities } from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState, useSyncExternalStore } from "react";
import { NavLink } from "react-router";
import { sessionQuery } from "../queries";
import {
  addGuestWish,
  type GuestWish,
  guestWishes,
  invalidateWishlists,
  mergeGuestWishlist,
  removeGuestWish,
  subscribeGuestWishes,
  wishedProductsQuery,
  wishlistApi,
} from "../wishlist";

const focusRing = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600";

const noWishes: GuestWish[] = [];

/** The guest wishlist kept in this browser, re-rendered when it changes (also from other tabs). */
export function useGuestWishes() {
  return useSyncExternalStore(subscribeGuestWishes, guestWishes, () => noWishes);
}

export function HeartIcon({ filled, className }: { filled: boolean; className?: string }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 24 24"
      className={className ?? "size-5"}
      fill={filled ? "currentColor" : "none"}
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinejoin="round"
    >
      <path d="M12 20.5s-7.5-4.6-7.5-10.2A4.3 4.3 0 0 1 12 7.6a4.3 4.3 0 0 1 7.5 2.7c0 5.6-7.5 10.2-7.5 10.2z" />
    </svg>
  );
}

/**
 * Whether a product is wished (signed in: in the default list on the server; guest: in this
 * browser's list), and a toggle: add the product (or the chosen variant), or remove it altogether.
 */
export function useWishlistToggle(productId: string, variantId: string | null) {
  const session = useQuery(sessionQuery());
  const signedIn = Boolean(session.data);
  const wished = useQuery({ ...wishedProductsQuery(), enabled: signedIn });
  const guest = useGuestWishes();
  const pressed = signedIn
    ? (wished.data?.productIds.includes(productId) ?? false)
    : guest.some((w) => w.productId === productId);
  const toggle = useMutation({
    mutationFn: async (add: boolean) => {
      if (!signedIn) {
        if (add) addGuestWish(productId, variantId);
        else removeGuestWish(productId);
        return;
      }
      if (add) await wishlistApi.add("default", productId, variantId);
      else await wishlistApi.removeProduct("default", productId);
    },
    onSuccess: () => (signedIn ? invalidateWishlists() : undefined),
  });
  return {
    pressed: toggle.isPending ? (toggle.variables ?? pressed) : pressed,
    // The heart waits for the session so that a click goes to the right list.
    ready: !session.isPending && (!signedIn || !wished.isPending),
    signedIn,
    toggle,
  };
}

export interface WishlistButtonProps {
  productId: string;
  /** The variant chosen on the product page (wished as that SKU); null for the product as a whole. */
  variantId?: string | null;
  productName: string;
  /** `icon`: a round heart over a product card; `full`: a labelled button (product page). */
  look?: "icon" | "full";
  className?: string;
}

/**
 * "Add to wishlist": a toggle button (aria-pressed) with a heart. Signed in, it fills the default
 * list on the server; a guest's wishes are kept in this browser until they sign in.
 */
export function WishlistButton({
  productId,
  variantId = null,
  productName,
  look = "icon",
  className,
}: WishlistButtonProps) {
  const { pressed, ready, signedIn, toggle } = useWishlistToggle(productId, variantId);
  const [message, setMessage] = useState("");
  const name = decodeEntities(productName);
  const onClick = () => {
    if (!ready || toggle.isPending) return;
    const add = !pressed;
    toggle.mutate(add, {
      onSuccess: () =>
        setMessage(
          add
            ? `${name} saved to your wishlist${signedIn ? "" : " on this device"}.`
            : `${name} removed from your wishlist.`,
        ),
      onError: (error) => setMessage(errorMessage(error)),
    });
  };
  return (
    <>
      <button
        type="button"
        aria-pressed={pressed}
        aria-label={look === "icon" ? `Save ${name} to wishlist` : undefined}
        aria-disabled={!ready || toggle.isPending || undefined}
        onClick={onClick}
        data-testid="wishlist-button"
        className={cn(
          look === "icon"
            ? "inline-flex size-10 items-center justify-center rounded-full bg-white/90 shadow-sm ring-1 ring-neutral-200 hover:bg-white"
            : "inline-flex h-12 items-center justify-center gap-2 rounded-lg border border-neutral-300 bg-white px-4 text-base font-medium text-neutral-900 hover:bg-neutral-50",
          pressed ? "text-red-700" : "text-neutral-700 hover:text-red-700",
          focusRing,
          className,
        )}
      >
        <HeartIcon filled={pressed} />
        {look === "full" && <span>Save to wishlist</span>}
      </button>
      <span role="status" aria-live="polite" className="sr-only">
        {message}
      </span>
    </>
  );
}

/**
 * The header's wishlist link (the account's lists when signed in, this browser's list for a guest).
 * When a guest with wishes signs in (any way: password, social, sign-up), their list is merged into
 * the account's default list.
 */
export function WishlistHeaderLink() {
  const session = useQuery(sessionQuery());
  const guest = useGuestWishes();
  const signedIn = Boolean(session.data);
  useEffect(() => {
    if (signedIn && guest.length > 0) void mergeGuestWishlist().catch(() => undefined);
  }, [signedIn, guest.length]);
  const count = signedIn ? null : guest.length;
  return (
    <NavLink
      to={signedIn ? "/account/wishlists" : "/wishlist"}
      aria-label={count ? `Wishlist, ${count} ${count === 1 ? "item" : "items"}` : "Wishlist"}
      data-testid="wishlist-link"
      className={({ isActive }) =>
        cn(
          "relative inline-flex size-11 items-center justify-center rounded-lg text-neutral-800 hover:bg-neutral-100 hover:text-accent-700",
          isActive && "text-accent-700",
          focusRing,
        )
      }
    >
      <HeartIcon filled={false} className="size-6" />
      {count ? (
        <span
          aria-hidden="true"
          className="absolute top-0.5 right-0.5 inline-flex min-w-5 items-center justify-center rounded-full bg-accent-700 px-1 text-xs leading-5 font-semibold text-white"
        >
          {count > 99 ? "99+" : count}
        </span>
      ) : null}
    </NavLink>
  );
}
