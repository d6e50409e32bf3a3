import {
  errorMessage,
  fieldErrors,
  isApiError,
  type Wishlist,
  type WishlistShareLink,
  type WishlistSummary,
} from "@bazaar/sdk";
import { Button, cn, decodeEntities, Spinner } from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { Link, Navigate, useLocation, useSearchParams } from "react-router";
import { productHref } from "../components/AppLink";
import { primaryLink } from "../components/cart/CartDrawer";
import { useCartUi } from "../components/cart/CartUi";
import { Alert, Field, Notice, textLink } from "../components/forms";
import { PageHead } from "../components/PageHead";
import { needsVariantChoice, WishlistItems, type WishRowItem } from "../components/WishlistItems";
import { queryClient, sessionQuery } from "../queries";
import { requireSession, signInHref } from "../session";
import { invalidateWishlists, moveToCart, wishlistApi, wishlistQuery, wishlistsQuery } from "../wishlist";

export const loader = requireSession;

/** The signed-in customer's wishlists: the lists, the chosen list's items, sharing and settings. */
export function Component() {
  const lists = useQuery(wishlistsQuery());
  const [params] = useSearchParams();
  const location = useLocation();

  if (lists.isError && isApiError(lists.error) && lists.error.status === 401) {
    queryClient.setQueryData(sessionQuery().queryKey, null);
    return <Navigate to={signInHref(location.pathname)} replace />;
  }
  const items = lists.data?.items ?? [];
  const chosen = params.get("list");
  const selected = items.find((l) => l.id === chosen) ?? items.find((l) => l.isDefault) ?? items[0] ?? null;

  return (
    <div className="mx-auto max-w-4xl px-4 py-10 sm:px-6 sm:py-14 lg:px-8">
      <PageHead title="Your wishlists" noindex />
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link to="/account" className={textLink}>
          Your account
        </Link>
      </nav>
      <h1 className="mt-2 text-3xl font-bold tracking-tight text-neutral-900">Your wishlists</h1>
      {lists.isPending ? (
        <Spinner className="mt-8" label="Loading your wishlists…" />
      ) : lists.isError ? (
        <Alert className="mt-8">{errorMessage(lists.error)}</Alert>
      ) : (
        <>
          {items.length === 0 ? (
            <div className="mt-8 rounded-2xl border border-neutral-200 bg-white p-8 text-center">
              <p className="text-neutral-700">
                Nothing saved yet. Use the heart on a product to save it to your wishlist.
              </p>
              <Link to="/" className={`${primaryLink} mt-6`}>
                Start shopping
              </Link>
            </div>
          ) : (
            <nav aria-label="Wishlists" className="mt-8">
              <ul className="flex flex-wrap gap-2">
                {items.map((list) => (
                  <li key={list.id}>
                    <Link
                      to={`?list=${encodeURIComponent(list.id)}`}
                      aria-current={list.id === selected?.id ? "page" : undefined}
                      className={cn(
                        "inline-flex items-center gap-2 rounded-full border px-4 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600",
                        list.id === selected?.id
                          ? "border-accent-700 bg-accent-700 text-white"
                          : "border-neutral-300 bg-white text-neutral-900 hover:bg-neutral-50",
                      )}
                    >
                      {list.title}
                      <span className="sr-only">, </span>
                      <span className="opacity-80">
                        {list.itemCount} {list.itemCount === 1 ? "item" : "items"}
                      </span>
                      {list.isDefault && <span className="sr-only">(default list)</span>}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {selected && <ListView key={selected.id} summary={selected} />}
          <NewListForm />
        </>
      )}
    </div>
  );
}

function NewListForm() {
  const [, setParams] = useSearchParams();
  const [title, setTitle] = useState("");
  const create = useMutation({
    mutationFn: (value: string) => wishlistApi.create(value),
    onSuccess: async (list) => {
      setTitle("");
      await invalidateWishlists();
      setParams({ list: list.id });
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!create.isPending) create.mutate(title);
  };
  return (
    <section aria-labelledby="new-list" className="mt-12 rounded-2xl border border-neutral-200 bg-white p-6">
      <h2 id="new-list" className="text-lg font-semibold text-neutral-900">
        New wishlist
      </h2>
      <form onSubmit={onSubmit} className="mt-4 flex flex-wrap items-end gap-3">
        <Field
          label="Name"
          name="title"
          value={title}
          maxLength={100}
          required
          onChange={(event) => setTitle(event.target.value)}
          error={create.isError ? (fieldErrors(create.error).title ?? errorMessage(create.error)) : undefined}
          className="min-w-56 flex-1"
        />
        <Button type="submit" aria-disabled={create.isPending || undefined}>
          {create.isPending ? "Creating…" : "Create list"}
        </Button>
      </form>
    </section>
  );
}

/** One list: its heading and settings, its share link, its items with move-to-cart and remove. */
function ListView({ summary }: { summary: WishlistSummary }) {
  const list = useQuery(wishlistQuery(summary.id));
  const headingRef = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  const { announce } = useCartUi();
  const [problem, setProblem] = useState<string | null>(null);

  const afterRowGone = async () => {
    await invalidateWishlists();
    headingRef.current?.focus();
  };
  const move = useMutation({
    mutationFn: (item: WishRowItem) => moveToCart(summary.id, item.key),
    onSuccess: async (_cart, item) => {
      setProblem(null);
      announce(`Moved ${decodeEntities(item.product?.name ?? "the item")} to your cart.`);
      await afterRowGone();
    },
    onError: (error) => setProblem(errorMessage(error)),
  });
  const remove = useMutation({
    mutationFn: (item: WishRowItem) => wishlistApi.removeItem(summary.id, item.key),
    onSuccess: async (_result, item) => {
      setProblem(null);
      announce(`Removed ${decodeEntities(item.product?.name ?? "the item")} from ${summary.title}.`);
      await afterRowGone();
    },
    onError: (error) => setProblem(errorMessage(error)),
  });
  const busy = move.isPending || remove.isPending;

  return (
    <section aria-labelledby={headingId} className="mt-8">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h2
          id={headingId}
          ref={headingRef}
          tabIndex={-1}
          className="text-2xl font-semibold tracking-tight text-neutral-900 outline-none"
        >
          {summary.title}
        </h2>
        <p className="text-sm text-neutral-600">
          {summary.isDefault ? "Your default list: the heart button saves here." : null}
        </p>
      </div>
      {problem && <Alert className="mt-4">{problem}</Alert>}
      <div className="mt-4">
        {list.isPending ? (
          <Spinner label="Loading the list…" />
        ) : list.isError ? (
          <Alert>{errorMessage(list.error)}</Alert>
        ) : list.data.items.length === 0 ? (
          <p className="rounded-2xl border border-neutral-200 bg-white p-6 text-neutral-700">
            This list is empty.
          </p>
        ) : (
          <WishlistItems
            label={`Items in ${summary.title}`}
            items={list.data.items.map((item) => ({ ...item, key: item.id }))}
            actions={(item) => {
              const name = decodeEntities(item.product?.name ?? "item");
              return (
                <>
                  {needsVariantChoice(item) && item.product ? (
                    <Link
                      to={productHref(item.product.slug)}
                      className="inline-flex h-10 items-center justify-center rounded-lg bg-accent-700 px-4 text-sm font-medium text-white hover:bg-accent-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
                      aria-label={`Choose options of ${name}`}
                    >
                      Choose options
                    </Link>
                  ) : (
                    <Button
                      size="sm"
                      onClick={() => !busy && move.mutate(item)}
                      aria-disabled={busy || !item.inStock || undefined}
                      disabled={!item.inStock}
                      aria-label={`Move to cart: ${name}`}
                    >
                      Move to cart
                    </Button>
                  )}
                  <Button
                    size="sm"
                    variant="secondary"
                    onClick={() => !busy && remove.mutate(item)}
                    aria-disabled={busy || undefined}
                    aria-label={`Remove ${name} from ${summary.title}`}
                  >
                    Remove
                  </Button>
                </>
              );
            }}
          />
        )}
      </div>
      {list.data && <SharePanel list={list.data} />}
      {list.data && <ListSettings list={list.data} />}
    </section>
  );
}

function SharePanel({ list }: { list: Wishlist }) {
  const [link, setLink] = useState<WishlistShareLink | null>(null);
  const [copied, setCopied] = useState(false);
  const linkId = useId();
  const share = useMutation({
    mutationFn: () => wishlistApi.share(list.id),
    onSuccess: async (made) => {
      setLink(made);
      setCopied(false);
      await invalidateWishlists();
    },
  });
  const unshare = useMutation({
    mutationFn: () => wishlistApi.unshare(list.id),
    onSuccess: async () => {
      setLink(null);
      await invalidateWishlists();
    },
  });
  const copy = async () => {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link.url);
      setCopied(true);
    } catch {
      document.getElementById(linkId)?.focus();
    }
  };
  return (
    <section aria-label="Share" className="mt-6 rounded-2xl border border-neutral-200 bg-white p-6">
      <h3 className="font-semibold text-neutral-900">Share this list</h3>
      <p className="mt-1 text-sm text-neutral-600">
        Anyone with the private link can see this list, but not change it.
        {list.shared &&
          !link &&
          " The link is shown only when it is made: make a new one to copy it again (the old link then stops working)."}
      </p>
      {link && (
        <div className="mt-4 flex flex-wrap items-end gap-3">
          <Field
            id={linkId}
            label="Share link"
            value={link.url}
            readOnly
            onFocus={(event) => event.currentTarget.select()}
            className="min-w-64 flex-1"
          />
          <Button variant="secondary" onClick={copy}>
            Copy link
          </Button>
        </div>
      )}
      <p role="status" className="mt-2 min-h-5 text-sm text-green-800">
        {copied ? "Link copied." : ""}
      </p>
      {(share.isError || unshare.isError) && (
        <Alert className="mt-2">{errorMessage(share.error ?? unshare.error)}</Alert>
      )}
      <div className="mt-2 flex flex-wrap gap-3">
        <Button
          variant={list.shared ? "secondary" : "primary"}
          onClick={() => !share.isPending && share.mutate()}
          aria-disabled={share.isPending || undefined}
        >
          {list.shared ? "Make a new link" : "Create share link"}
        </Button>
        {list.shared && (
          <Button
            variant="ghost"
            onClick={() => !unshare.isPending && unshare.mutate()}
            aria-disabled={unshare.isPending || undefined}
          >
            Stop sharing
          </Button>
        )}
      </div>
    </section>
  );
}

function ListSettings({ list }: { list: Wishlist }) {
  const [, setParams] = useSearchParams();
  const [title, setTitle] = useState(list.title);
  const [saved, setSaved] = useState(false);
  const rename = useMutation({
    mutationFn: (patch: { title?: string; isDefault?: true }) => wishlistApi.update(list.id, patch),
    onSuccess: async () => {
      setSaved(true);
      await invalidateWishlists();
    },
  });
  const remove = useMutation({
    mutationFn: () => wishlistApi.remove(list.id),
    onSuccess: async () => {
      setParams({});
      await invalidateWishlists();
    },
  });
  return (
    <section aria-label="List settings" className="mt-6 rounded-2xl border border-neutral-200 bg-white p-6">
      <h3 className="font-semibold text-neutral-900">List settings</h3>
      <form
        className="mt-4 flex flex-wrap items-end gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          setSaved(false);
          if (!rename.isPending) rename.mutate({ title });
        }}
      >
        <Field
          label="List name"
          name="title"
          value={title}
          maxLength={100}
          required
          onChange={(event) => setTitle(event.target.value)}
          error={rename.isError ? (fieldErrors(rename.error).title ?? errorMessage(rename.error)) : undefined}
          className="min-w-56 flex-1"
        />
        <Button type="submit" variant="secondary" aria-disabled={rename.isPending || undefined}>
          Rename
        </Button>
      </form>
      {saved && <Notice className="mt-3">Saved.</Notice>}
      <div className="mt-4 flex flex-wrap gap-3">
        {!list.isDefault && (
          <Button variant="secondary" onClick={() => !rename.isPending && rename.mutate({ isDefault: true })}>
            Make default list
          </Button>
        )}
        <Button
          variant="ghost"
          className="text-red-700"
          onClick={() => {
            if (!remove.isPending && window.confirm(`Delete the list "${list.title}" and its items?`))
              remove.mutate();
          }}
        >
          Delete list
        </Button>
      </div>
      {remove.isError && <Alert className="mt-3">{errorMessage(remove.error)}</Alert>}
    </section>
  );
}
