import type { Suggestions } from "@bazaar/sdk";
import { cn, decodeEntities, formatMoney } from "@bazaar/ui";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import {
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
  useEffect,
  useId,
  useRef,
  useState,
} from "react";
import { useLocation, useNavigate } from "react-router";
import { MAX_QUERY_LENGTH, searchHref, suggestQuery } from "../search";
import { categoryHref, productHref } from "./AppLink";

const DEBOUNCE_MS = 150;

/** One choice of the autocomplete list, in display order. */
type Option =
  | { kind: "query"; key: string; label: string; href: string }
  | { kind: "category"; key: string; label: string; path: string; href: string }
  | { kind: "product"; key: string; label: string; href: string; product: Suggestions["products"][number] };

const GROUPS: { kind: Option["kind"]; label: string }[] = [
  { kind: "query", label: "Popular searches" },
  { kind: "category", label: "Categories" },
  { kind: "product", label: "Products" },
];

function optionsOf(data: Suggestions | undefined): Option[] {
  if (!data) return [];
  return [
    ...data.queries.map(
      (q): Option => ({ kind: "query", key: `q:${q.query}`, label: q.query, href: searchHref(q.query) }),
    ),
    ...data.categories.map(
      (c): Option => ({
        kind: "category",
        key: `c:${c.slug}`,
        label: c.name,
        // "Men › Tops › Jackets" -> "Men › Tops": where the category sits.
        path: c.path.split(" › ").slice(0, -1).join(" › "),
        href: categoryHref(c.slug),
      }),
    ),
    ...data.products.map(
      (p): Option => ({
        kind: "product",
        key: `p:${p.id}`,
        label: decodeEntities(p.name),
        href: productHref(p.slug),
        product: p,
      }),
    ),
  ];
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** `text` with the first occurrence of what was typed in bold. */
function emphasise(text: string, typed: string): ReactNode {
  const needle = typed.trim().toLowerCase();
  const at = needle ? text.toLowerCase().indexOf(needle) : -1;
  if (at < 0) return text;
  return (
    <>
      {text.slice(0, at)}
      <strong className="font-semibold text-neutral-950">{text.slice(at, at + needle.length)}</strong>
      {text.slice(at + needle.length)}
    </>
  );
}

const focusRing = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600";

/**
 * The header's product search with autocomplete (WAI-ARIA combobox with a grouped listbox):
 * ArrowDown/ArrowUp move through the suggestions, Enter opens the active one or searches for what
 * was typed, Escape closes the list (or clears the box when it is closed). The input has
 * `data-testid="search-box"`.
 */
export function SearchBox({ className }: { className?: string }) {
  const id = useId();
  const listboxId = `${id}-listbox`;
  const inputRef = useRef<HTMLInputElement>(null);
  const navigate = useNavigate();
  const location = useLocation();
  const [value, setValue] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);

  // The box shows the search the results page is showing, and empties on other pages.
  const urlQuery =
    location.pathname === "/search" ? (new URLSearchParams(location.search).get("q") ?? "") : "";
  useEffect(() => {
    setValue(urlQuery);
    setOpen(false);
    setActive(-1);
  }, [urlQuery, location.pathname]);

  const typed = useDebounced(value.trim(), DEBOUNCE_MS);
  const suggestions = useQuery({
    ...suggestQuery(typed),
    enabled: open && typed.length > 0,
    placeholderData: keepPreviousData,
  });
  const options = typed.length > 0 && value.trim().length > 0 ? optionsOf(suggestions.data) : [];
  const expanded = open && options.length > 0;
  const activeOption = expanded && active >= 0 ? options[active] : undefined;
  const optionId = (index: number) => `${id}-option-${index}`;

  const close = () => {
    setOpen(false);
    setActive(-1);
  };

  const go = (href: string) => {
    close();
    inputRef.current?.blur();
    navigate(href);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (activeOption) {
      go(activeOption.href);
      return;
    }
    const q = value.trim();
    if (!q) {
      inputRef.current?.focus();
      return;
    }
    go(searchHref(q));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) {
          setOpen(true);
          setActive(event.altKey ? -1 : 0);
        } else if (options.length > 0) {
          setActive((i) => (i + 1 >= options.length ? 0 : i + 1));
        }
        break;
      case "ArrowUp":
        event.preventDefault();
        if (!open) {
          setOpen(true);
          setActive(options.length - 1);
        } else if (options.length > 0) {
          setActive((i) => (i <= 0 ? options.length - 1 : i - 1));
        }
        break;
      case "Escape":
        if (expanded) {
          event.preventDefault();
          close();
        } else if (value) {
          event.preventDefault();
          setValue("");
        }
        break;
      case "Tab":
        close();
        break;
    }
  };

  // Keep the active option in view when moving through a long list with the keyboard.
  useEffect(() => {
    if (activeOption) document.getElementById(optionId(active))?.scrollIntoView({ block: "nearest" });
  });

  let index = -1;
  return (
    <search className={cn("relative block", className)}>
      <form onSubmit={submit} action="/search" method="get" className="relative">
        <label htmlFor={`${id}-input`} className="sr-only">
          Search products
        </label>
        <svg
          aria-hidden="true"
          viewBox="0 0 20 20"
          className="pointer-events-none absolute top-1/2 left-3 size-5 -translate-y-1/2 text-neutral-500"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.8"
        >
          <circle cx="8.5" cy="8.5" r="5.5" />
          <path d="M13 13l4.5 4.5" strokeLinecap="round" />
        </svg>
        <input
          ref={inputRef}
          id={`${id}-input`}
          name="q"
          type="search"
          role="combobox"
          data-testid="search-box"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          enterKeyHint="search"
          maxLength={MAX_QUERY_LENGTH}
          placeholder="Search products"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listboxId}
          aria-activedescendant={activeOption ? optionId(active) : undefined}
          value={value}
          onChange={(event) => {
            setValue(event.target.value);
            setOpen(true);
            setActive(-1);
          }}
          onFocus={() => setOpen(true)}
          onBlur={close}
          onKeyDown={onKeyDown}
          className={cn(
            "h-10 w-full rounded-full border border-neutral-300 bg-neutral-50 pr-12 pl-10 text-base text-neutral-900 placeholder:text-neutral-500 hover:border-neutral-400 focus:bg-white sm:text-sm",
            "[&::-webkit-search-cancel-button]:hidden",
            focusRing,
          )}
        />
        <button
          type="submit"
          className={cn(
            "absolute top-1/2 right-1 inline-flex h-8 -translate-y-1/2 items-center rounded-full bg-accent-700 px-3 text-sm font-medium text-white hover:bg-accent-800",
            focusRing,
          )}
        >
          <span className="sr-only">Search</span>
          <svg
            aria-hidden="true"
            viewBox="0 0 20 20"
            className="size-4"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
          >
            <path d="M4 10h12M11 5l5 5-5 5" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </button>
      </form>

      <div
        id={listboxId}
        role="listbox"
        aria-label="Search suggestions"
        hidden={!expanded}
        // Clicking an option must not blur the input first (that would close the list).
        onMouseDown={(event) => event.preventDefault()}
        className="absolute top-[calc(100%+0.375rem)] right-0 left-0 z-30 max-h-[min(32rem,70vh)] overflow-y-auto overscroll-contain rounded-xl border border-neutral-200 bg-white py-2 shadow-lg sm:right-auto sm:w-full sm:max-w-xl xl:right-0 xl:left-auto xl:w-[max(100%,26rem)]"
      >
        {GROUPS.map((group) => {
          const items = options.filter((o) => o.kind === group.kind);
          if (items.length === 0) return null;
          const labelId = `${id}-group-${group.kind}`;
          return (
            // biome-ignore lint/a11y/useSemanticElements: a listbox groups its options with role=group, not fieldsets.
            <div key={group.kind} role="group" aria-labelledby={labelId} className="py-1">
              <div
                role="presentation"
                id={labelId}
                className="px-4 pt-1 pb-1 text-xs font-semibold tracking-wide text-neutral-600 uppercase"
              >
                {group.label}
              </div>
              {items.map((option) => {
                index += 1;
                const i = index;
                const isActive = i === active;
                return (
                  // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox input handles the keyboard (aria-activedescendant).
                  <div
                    key={option.key}
                    id={optionId(i)}
                    role="option"
                    aria-selected={isActive}
                    tabIndex={-1}
                    data-testid={`search-suggestion-${option.kind}`}
                    onClick={() => go(option.href)}
                    onMouseMove={() => {
                      if (!isActive) setActive(i);
                    }}
                    className={cn(
                      "flex cursor-pointer items-center gap-3 px-4 py-2 text-sm text-neutral-800",
                      isActive && "bg-accent-50 text-neutral-950",
                    )}
                  >
                    {option.kind === "query" && (
                      <>
                        <svg
                          aria-hidden="true"
                          viewBox="0 0 20 20"
                          className="size-4 shrink-0 text-neutral-500"
                          fill="none"
                          stroke="currentColor"
                          strokeWidth="1.8"
                        >
                          <circle cx="8.5" cy="8.5" r="5.5" />
                          <path d="M13 13l4.5 4.5" strokeLinecap="round" />
                        </svg>
                        <span className="truncate">{emphasise(option.label, value)}</span>
                      </>
                    )}
                    {option.kind === "category" && (
                      <span className="min-w-0">
                        <span className="block truncate">{emphasise(option.label, value)}</span>
                        {option.path && (
                          <span className="block truncate text-xs text-neutral-600">in {option.path}</span>
                        )}
                      </span>
                    )}
                    {option.kind === "product" && (
                      <>
                        <span className="size-12 shrink-0 overflow-hidden rounded-md bg-neutral-100">
                          {option.product.thumbnailUrl && (
                            <img
                              src={option.product.thumbnailUrl}
                              alt=""
                              width={48}
                              height={48}
                              loading="lazy"
                              className="size-full object-contain mix-blend-multiply"
                            />
                          )}
                        </span>
                        <span className="min-w-0 flex-1 truncate">{emphasise(option.label, value)}</span>
                        <span className="shrink-0 font-medium text-neutral-900">
                          {formatMoney(option.product.price)}
                        </span>
                      </>
                    )}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
      <p className="sr-only" aria-live="polite">
        {expanded
          ? `${options.length} ${options.length === 1 ? "suggestion" : "suggestions"} available.`
          : ""}
      </p>
    </search>
  );
}
