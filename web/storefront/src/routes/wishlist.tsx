import { errorMessage } from "@bazaar/sdk";
import { Button, decodeEntities, Spinner } from "@bazaar/ui";
import { useQuery } from "@tanstack/react-query";
import { Link, Navigate } from "react-router";
import { productHref } from "../components/AppLink";
import { primaryLink } from "../components/cart/CartDrawer";
import { Alert, Notice, textLink } from "../components/forms";
import { PageHead } from "../components/PageHead";
import { useGuestWishes } from "../components/WishlistButton";
import { WishlistItems } from "../components/WishlistItems";
import { sessionQuery } from "../queries";
import { signInHref } from "../session";
import { guestPreviewQuery, removeGuestWish } from "../wishlist";

/**
 * /wishlist: a guest's wishlist, kept in this browser until they sign in (then it joins the
 * account's default list). Signed-in customers go to their lists.
 */
export function Component() {
  const session = useQuery(sessionQuery());
  const wishes = useGuestWishes();
  const preview = useQuery(guestPreviewQuery(wishes));

  if (session.data) return <Navigate to="/account/wishlists" replace />;
  const byKey = new Map(
    (preview.data?.items ?? []).map((item) => [`${item.productId}:${item.variantId ?? ""}`, item]),
  );
  const rows = wishes.flatMap((wish) => {
    const key = `${wish.productId}:${wish.variantId ?? ""}`;
    const item = byKey.get(key);
    return item ? [{ ...item, key, addedAt: wish.addedAt }] : [];
  });

  return (
    <div className="mx-auto max-w-4xl px-4 py-10 sm:px-6 sm:py-14 lg:px-8">
      <PageHead title="Your wishlist" noindex />
      <h1 className="text-3xl font-bold tracking-tight text-neutral-900">Your wishlist</h1>
      <Notice tone="info" className="mt-6">
        Your wishlist is kept on this device only.{" "}
        <Link to={signInHref("/account/wishlists")} className={textLink}>
          Sign in
        </Link>{" "}
        or{" "}
        <Link to="/sign-up?next=/account/wishlists" className={textLink}>
          create an account
        </Link>{" "}
        to keep it everywhere, make several lists, share them and hear about price drops.
      </Notice>
      <div className="mt-8">
        {session.isPending || (wishes.length > 0 && preview.isPending) ? (
          <Spinner label="Loading your wishlist…" />
        ) : preview.isError ? (
          <Alert>{errorMessage(preview.error)}</Alert>
        ) : rows.length === 0 ? (
          <div className="rounded-2xl border border-neutral-200 bg-white p-8 text-center">
            <p className="text-neutral-700">Nothing saved yet. Use the heart on a product to save it here.</p>
            <Link to="/" className={`${primaryLink} mt-6`}>
              Start shopping
            </Link>
          </div>
        ) : (
          <WishlistItems
            label="Items in your wishlist"
            items={rows}
            actions={(item) => {
              const name = decodeEntities(item.product?.name ?? "item");
              return (
                <>
                  {item.product && (
                    <Link
                      to={productHref(item.product.slug)}
                      className="inline-flex h-10 items-center justify-center rounded-lg bg-accent-700 px-4 text-sm font-medium text-white hover:bg-accent-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
                      aria-label={`View ${name}`}
                    >
                      View
                    </Link>
                  )}
                  <Button
                    size="sm"
                    variant="secondary"
                    onClick={() => removeGuestWish(item.productId, item.variantId)}
                    aria-label={`Remove ${name} from your wishlist`}
                  >
                    Remove
                  </Button>
                </>
              );
            }}
          />
        )}
      </div>
    </div>
  );
}
