import type { Category } from "@bazaar/sdk";
import { cn } from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FocusEvent, useEffect, useId, useRef, useState } from "react";
import { Link, NavLink, useLocation, useNavigate } from "react-router";
import { authApi } from "../api";
import { isExternal, isPreview, layoutQuery, type Menu } from "../content";
import { menuCategories } from "../menu";
import { cartQuery, categoriesQuery, queryClient, sessionQuery } from "../queries";
import { useShop } from "../shop";
import { categoryHref } from "./AppLink";
import { useCartUi } from "./cart/CartUi";
import { SearchBox } from "./SearchBox";
import { WishlistHeaderLink } from "./WishlistButton";

const focusRing = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600";

/** One link of the main navigation, with its dropdown (two levels for categories, one for a menu). */
interface NavEntry {
  key: string;
  label: string;
  /** None for the "More" item, which only opens its dropdown. */
  href?: string;
  children: NavEntry[];
}

function categoryEntries(items: Category[]): NavEntry[] {
  return items.map((c) => ({
    key: c.id,
    label: c.name,
    href: categoryHref(c.slug),
    children: categoryEntries(c.children),
  }));
}

function menuEntries(menu: Menu): NavEntry[] {
  return menu.items.map((item, i) => ({
    key: `${i}:${item.url}`,
    label: item.label,
    href: item.url,
    children: (item.children ?? []).map((child, j) => ({
      key: `${i}.${j}:${child.url}`,
      label: child.label,
      href: child.url,
      children: [],
    })),
  }));
}

/**
 * The main navigation: the main menu staff published, or else the category tree (departments, their
 * subcategories, and "More" for the rest).
 */
function useNavEntries(): NavEntry[] {
  const { search } = useLocation();
  const layout = useQuery(layoutQuery(isPreview(search)));
  const { data } = useQuery(categoriesQuery());
  const mainMenu = layout.data?.mainMenu;
  if (mainMenu) return menuEntries(mainMenu);
  // Until the layout answers, nothing: the categories would flash and be replaced by the menu.
  if (layout.isPending) return [];
  const { primary, more } = menuCategories(data?.items ?? []);
  return [
    ...categoryEntries(primary),
    ...(more.length > 0
      ? [{ key: "more", label: "More", children: categoryEntries(more).map((c) => ({ ...c, children: [] })) }]
      : []),
  ];
}

export function Header() {
  const entries = useNavEntries();
  const shop = useShop();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  const navId = useId();

  // Close the phone menu when the page changes.
  useEffect(() => {
    setMenuOpen(false);
  }, [location.pathname]);

  return (
    <header className="relative z-20 border-b border-neutral-200 bg-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-8 px-4 sm:px-6 lg:px-8">
        <div className="flex h-16 items-center gap-3">
          <button
            type="button"
            className={cn(
              "-ml-2 inline-flex size-10 items-center justify-center rounded-lg text-neutral-800 hover:bg-neutral-100 lg:hidden",
              focusRing,
            )}
            aria-expanded={menuOpen}
            aria-controls={navId}
            onClick={() => setMenuOpen((open) => !open)}
          >
            <span className="sr-only">Menu</span>
            <svg
              aria-hidden="true"
              viewBox="0 0 24 24"
              className="size-6"
              fill="none"
              stroke="currentColor"
              strokeWidth="2"
            >
              {menuOpen ? <path d="M6 6l12 12M18 6L6 18" /> : <path d="M4 7h16M4 12h16M4 17h16" />}
            </svg>
          </button>
          <Link
            to="/"
            className={cn(
              "flex items-center gap-2 rounded-md text-xl font-bold tracking-tight text-neutral-900",
              focusRing,
            )}
          >
            {shop.logoUrl ? (
              <img src={shop.logoUrl} alt="" className="h-8 w-auto max-w-32 object-contain" />
            ) : (
              <svg aria-hidden="true" viewBox="0 0 32 32" className="size-8">
                <rect width="32" height="32" rx="8" className="fill-accent-700" />
                <path
                  d="M9 12h14l-1.5 12h-11z"
                  fill="none"
                  stroke="#fff"
                  strokeWidth="2.2"
                  strokeLinejoin="round"
                />
                <path d="M12.5 12V10a3.5 3.5 0 0 1 7 0v2" fill="none" stroke="#fff" strokeWidth="2.2" />
              </svg>
            )}
            {shop.name}
          </Link>
        </div>
        <nav
          id={navId}
          aria-label="Main"
          className={cn(
            "order-last -mx-4 w-[calc(100%+2rem)] border-t border-neutral-200 sm:-mx-6 sm:w-[calc(100%+3rem)] lg:order-none lg:mx-0 lg:block lg:w-auto lg:border-0",
            menuOpen ? "block" : "hidden",
          )}
        >
          <ul className="flex flex-col px-4 py-2 sm:px-6 lg:flex-row lg:items-center lg:gap-1 lg:px-0 lg:py-0">
            {entries.map((entry) => (
              <NavItem key={entry.key} label={entry.label} href={entry.href} items={entry.children} />
            ))}
          </ul>
        </nav>
        <SearchBox className="order-last w-full pb-3 xl:order-none xl:w-auto xl:max-w-sm xl:flex-1 xl:pb-0" />
        <div className="ml-auto flex h-16 items-center gap-1">
          <AccountLinks />
          <WishlistHeaderLink />
          <CartButton />
        </div>
      </div>
    </header>
  );
}

/** "Sign in" when signed out; "Account" and "Sign out" when signed in. */
function AccountLinks() {
  const session = useQuery(sessionQuery());
  const navigate = useNavigate();
  const signOut = useMutation({
    mutationFn: authApi.signOut,
    onSettled: () => {
      queryClient.setQueryData(sessionQuery().queryKey, null);
      queryClient.removeQueries({ queryKey: ["account"] });
      // The account's cart stays with the account; a signed-out shopper starts without one.
      void queryClient.invalidateQueries({ queryKey: cartQuery().queryKey });
      navigate("/");
    },
  });
  const linkClass = ({ isActive }: { isActive: boolean }) =>
    cn(
      "rounded-md px-2 py-2 text-sm font-medium text-neutral-800 hover:text-accent-700",
      isActive && "text-accent-700",
      focusRing,
    );

  return (
    <div className="flex items-center gap-2" data-testid="account-links">
      {session.isPending ? null : session.data ? (
        <>
          <NavLink to="/account" className={linkClass}>
            Account
          </NavLink>
          <button
            type="button"
            onClick={() => signOut.mutate()}
            disabled={signOut.isPending}
            className={cn(
              "rounded-md px-2 py-2 text-sm font-medium text-neutral-800 hover:text-accent-700",
              focusRing,
            )}
          >
            Sign out
          </button>
        </>
      ) : (
        <NavLink to="/sign-in" className={linkClass}>
          Sign in
        </NavLink>
      )}
    </div>
  );
}

/** The cart button with the number of items; opens the cart drawer. */
function CartButton() {
  const { data } = useQuery(cartQuery());
  const { openDrawer } = useCartUi();
  const count = data?.itemCount ?? 0;
  return (
    <button
      type="button"
      onClick={openDrawer}
      aria-haspopup="dialog"
      aria-label={`Cart, ${count} ${count === 1 ? "item" : "items"}`}
      data-testid="cart-button"
      className={cn(
        "relative -mr-2 inline-flex size-11 items-center justify-center rounded-lg text-neutral-800 hover:bg-neutral-100 hover:text-accent-700",
        focusRing,
      )}
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 24 24"
        className="size-6"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinejoin="round"
      >
        <path d="M5 8h14l-1.2 12H6.2z" />
        <path d="M9 8V6.5a3 3 0 0 1 6 0V8" />
      </svg>
      {count > 0 && (
        <span
          aria-hidden="true"
          data-testid="cart-count"
          className="absolute top-0.5 right-0.5 inline-flex min-w-5 items-center justify-center rounded-full bg-accent-700 px-1 text-xs leading-5 font-semibold text-white"
        >
          {count > 99 ? "99+" : count}
        </span>
      )}
    </button>
  );
}

/** A link of the navigation: through the router in the shop, a plain link to another site. */
function MenuLink({
  href,
  className,
  children,
}: {
  href: string;
  className: string | ((state: { isActive: boolean }) => string);
  children: React.ReactNode;
}) {
  if (isExternal(href))
    return (
      <a
        href={href}
        rel="noopener"
        className={typeof className === "function" ? className({ isActive: false }) : className}
      >
        {children}
      </a>
    );
  return (
    <NavLink to={href} end={href === "/"} className={className}>
      {children}
    </NavLink>
  );
}

/**
 * A top-level link plus, when it has children, a disclosure button for its dropdown.
 * Without `href` (the "More" item) the button itself carries the label.
 */
function NavItem({ label, href, items }: { label: string; href?: string; items: NavEntry[] }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const itemRef = useRef<HTMLLIElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const location = useLocation();
  const hasChildren = items.length > 0;
  const nested = items.some((entry) => entry.children.length > 0);

  useEffect(() => {
    setOpen(false);
  }, [location.pathname]);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!itemRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  const onBlur = (event: FocusEvent<HTMLLIElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOpen(false);
  };

  const chevron = (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      className={cn("size-4 shrink-0 transition-transform", open && "rotate-180")}
      fill="none"
      stroke="currentColor"
      strokeWidth="1.75"
    >
      <path d="M4 6l4 4 4-4" />
    </svg>
  );

  return (
    <li
      ref={itemRef}
      className="relative"
      onBlur={onBlur}
      onKeyDown={(event) => {
        if (event.key === "Escape" && open) {
          setOpen(false);
          buttonRef.current?.focus();
        }
      }}
    >
      <div className="flex items-center justify-between">
        {href ? (
          <MenuLink
            href={href}
            className={({ isActive }) =>
              cn(
                "block flex-1 rounded-md px-2 py-3 text-sm font-medium text-neutral-800 hover:text-accent-700 lg:px-3",
                isActive && "text-accent-700",
                focusRing,
              )
            }
          >
            {label}
          </MenuLink>
        ) : (
          <button
            ref={buttonRef}
            type="button"
            aria-expanded={open}
            aria-controls={panelId}
            onClick={() => setOpen((o) => !o)}
            className={cn(
              "flex flex-1 items-center justify-between gap-1 rounded-md py-3 pl-2 text-sm font-medium text-neutral-800 hover:text-accent-700 lg:px-3",
              focusRing,
            )}
          >
            {label}
            <span className="inline-flex size-10 items-center justify-center text-neutral-600 lg:size-auto">
              {chevron}
            </span>
          </button>
        )}
        {href && hasChildren && (
          <button
            ref={buttonRef}
            type="button"
            aria-expanded={open}
            aria-controls={panelId}
            aria-label={`${label} subcategories`}
            onClick={() => setOpen((o) => !o)}
            className={cn(
              "inline-flex size-10 items-center justify-center rounded-md text-neutral-600 hover:bg-neutral-100 hover:text-neutral-900 lg:-ml-2 lg:size-7",
              focusRing,
            )}
          >
            {chevron}
          </button>
        )}
      </div>
      {hasChildren && (
        <div
          id={panelId}
          hidden={!open}
          className="pb-3 pl-4 lg:absolute lg:top-[calc(100%+0.625rem)] lg:left-0 lg:z-30 lg:min-w-64 lg:rounded-xl lg:border lg:border-neutral-200 lg:bg-white lg:p-4 lg:shadow-lg"
        >
          <ul
            className={cn(
              "grid gap-x-8",
              nested ? "gap-y-3 lg:grid-flow-col" : "gap-y-1",
              !nested && items.length > 6 && "lg:w-max lg:grid-cols-2",
            )}
          >
            {items.map((child) => (
              <li key={child.key} className="min-w-40">
                <MenuLink
                  href={child.href ?? "/"}
                  className={cn(
                    "block rounded-sm py-1 text-sm hover:text-accent-700",
                    nested ? "font-semibold text-neutral-900" : "text-neutral-800",
                    focusRing,
                  )}
                >
                  {child.label}
                </MenuLink>
                {child.children.length > 0 && (
                  <ul className="mt-1 space-y-0.5">
                    {child.children.map((grandchild) => (
                      <li key={grandchild.key}>
                        <MenuLink
                          href={grandchild.href ?? "/"}
                          className={cn(
                            "block rounded-sm py-1 text-sm text-neutral-700 hover:text-accent-700",
                            focusRing,
                          )}
                        >
                          {grandchild.label}
                        </MenuLink>
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
          {href && (
            <MenuLink
              href={href}
              className={cn(
                "mt-3 inline-block rounded-sm text-sm font-medium text-accent-700 hover:underline",
                focusRing,
              )}
            >
              {href.startsWith("/categories/") ? `Shop all ${label}` : `View ${label}`}
            </MenuLink>
          )}
        </div>
      )}
    </li>
  );
}
