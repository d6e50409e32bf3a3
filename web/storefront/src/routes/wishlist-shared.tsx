import { errorMessage, isNotFoundError } from "@bazaar/sdk";
import { Spinner } from "@bazaar/ui";
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { primaryLink } from "../components/cart/CartDrawer";
import { Alert } from "../components/forms";
import { PageHead } from "../components/PageHead";
import { WishlistItems } from "../components/WishlistItems";
import { sharedWishlistQuery } from "../wishlist";

/** /wishlists/shared/:token: a wishlist someone shared by its private link, read-only. */
export function Component() {
  const { token = "" } = useParams();
  const list = useQuery(sharedWishlistQuery(token));
  return (
    <div className="mx-auto max-w-4xl px-4 py-10 sm:px-6 sm:py-14 lg:px-8">
      <PageHead title={list.data ? list.data.title : "Shared wishlist"} noindex />
      {list.isPending ? (
        <Spinner label="Loading the wishlist…" />
      ) : list.isError ? (
        isNotFoundError(list.error) ? (
          <div className="rounded-2xl border border-neutral-200 bg-white p-8 text-center">
            <h1 className="text-2xl font-bold tracking-tight text-neutral-900">This link no longer works</h1>
            <p className="mt-2 text-neutral-700">
              The wishlist was unshared or its link was replaced. Ask for a new link.
            </p>
            <Link to="/" className={`${primaryLink} mt-6`}>
              Visit the shop
            </Link>
          </div>
        ) : (
          <Alert>{errorMessage(list.error)}</Alert>
        )
      ) : (
        <>
          <p className="text-sm font-medium text-neutral-600">Shared wishlist</p>
          <h1 className="mt-1 text-3xl font-bold tracking-tight text-neutral-900">{list.data.title}</h1>
          <p className="mt-2 text-neutral-600">
            {list.data.itemCount} {list.data.itemCount === 1 ? "item" : "items"}
          </p>
          <div className="mt-8">
            {list.data.items.length === 0 ? (
              <p className="rounded-2xl border border-neutral-200 bg-white p-6 text-neutral-700">
                This list is empty.
              </p>
            ) : (
              <WishlistItems
                label={`Items in ${list.data.title}`}
                items={list.data.items.map((item) => ({ ...item, key: item.id }))}
              />
            )}
          </div>
        </>
      )}
    </div>
  );
}
