import {
  type AttributeValue,
  errorMessage,
  type ProductDetail,
  type ProductSummary,
  type Variant,
} from "@bazaar/sdk";
import {
  Breadcrumbs,
  Button,
  cn,
  decodeEntities,
  Icon,
  moneyToDecimalString,
  Price,
  Rating,
  showImagePlaceholder,
} from "@bazaar/ui";
import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import { Link, type LoaderFunctionArgs, useParams } from "react-router";
import { cartApi } from "../api";
import { AppLink, categoryHref, productHref } from "../components/AppLink";
import { useCartUi } from "../components/cart/CartUi";
import { clampQuantity } from "../components/cart/QuantityStepper";
import { useCartWrite } from "../components/cart/useCart";
import { Alert } from "../components/forms";
import { Gallery } from "../components/Gallery";
import { PageHead, textFromHtml } from "../components/PageHead";
import { ProductRow } from "../components/ProductGrid";
import { ProductRecommendations } from "../components/RecommendationRows";
import { Reviews } from "../components/Reviews";
import { VariantPicker } from "../components/VariantPicker";
import { WishlistButton } from "../components/WishlistButton";
import { cartQuery, productQuery, queryClient } from "../queries";
import { reportSearchConversion } from "../search";
import { findVariant, imageForSelection, initialSelection, type Selection } from "../variants";
import { vendorHref } from "../vendors";

export async function loader({ params }: LoaderFunctionArgs) {
  // Unknown slugs reject with a 404 ApiError, which the route error boundary shows as the 404 page.
  await queryClient.ensureQueryData(productQuery(params.slug ?? ""));
  return null;
}

export function Component() {
  const { slug = "" } = useParams();
  const { data: product } = useSuspenseQuery(productQuery(slug));
  // Names may carry HTML entities from the catalog import ("CoolTech&trade;").
  return <ProductView key={product.id} product={{ ...product, name: decodeEntities(product.name) }} />;
}

function stockText(variant: Variant | null, product: ProductDetail): { text: string; tone: string } {
  if (!variant) {
    return product.inStock
      ? { text: "In stock", tone: "text-green-800" }
      : { text: "Out of stock", tone: "text-red-700" };
  }
  if (variant.stockStatus === "out_of_stock") return { text: "Out of stock", tone: "text-red-700" };
  if (variant.stockStatus === "low_stock" && variant.availableQuantity > 0) {
    return { text: `Only ${variant.availableQuantity} left`, tone: "text-amber-800" };
  }
  return { text: "In stock", tone: "text-green-800" };
}

function formatAttribute(value: AttributeValue["value"]): string {
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (Array.isArray(value)) return value.map(decodeEntities).join(", ");
  return decodeEntities(String(value));
}

/** Shown in the details table: flags that are off and empty values say nothing to shoppers. */
const shownAttribute = (a: AttributeValue) =>
  a.value !== false && a.value !== "" && !(Array.isArray(a.value) && a.value.length === 0);

/**
 * schema.org Product data. `offers` is an Offer with `price`, or for a price range an AggregateOffer
 * with lowPrice/highPrice (and `price`, the lowest), as the server renders it.
 */
function productJsonLd(product: ProductDetail) {
  const origin = window.location.origin;
  const url = new URL(productHref(product.slug), origin).href;
  const currency = product.price.currency;
  const availability = product.inStock ? "https://schema.org/InStock" : "https://schema.org/OutOfStock";
  const range = product.maxPrice.amount !== product.price.amount;
  return {
    "@context": "https://schema.org",
    "@type": "Product",
    name: product.name,
    sku: product.sku,
    description: textFromHtml(product.description).slice(0, 5000),
    image: product.images.map((image) => new URL(image.url, origin).href),
    url,
    offers: range
      ? {
          "@type": "AggregateOffer",
          price: moneyToDecimalString(product.price),
          lowPrice: moneyToDecimalString(product.price),
          highPrice: moneyToDecimalString(product.maxPrice),
          offerCount: product.variants.length,
          priceCurrency: currency,
          availability,
          url,
        }
      : {
          "@type": "Offer",
          price: moneyToDecimalString(product.price),
          priceCurrency: currency,
          availability,
          url,
        },
    ...(product.reviewCount > 0 && product.ratingAverage != null
      ? {
          aggregateRating: {
            "@type": "AggregateRating",
            ratingValue: product.ratingAverage,
            reviewCount: product.reviewCount,
          },
        }
      : {}),
  };
}

function ProductView({ product }: { product: ProductDetail }) {
  const [initial] = useState<Selection>(() => initialSelection(product));
  const [selection, setSelection] = useState<Selection>(initial);
  const [imageId, setImageId] = useState<string | null>(
    () => imageForSelection(product, initial) ?? product.images[0]?.id ?? null,
  );
  const [quantity, setQuantity] = useState("1");
  const quantityId = useId();
  const hintId = useId();
  const stockHintId = useId();
  const { openDrawer } = useCartUi();
  const cart = useQuery(cartQuery());

  const variant = findVariant(product, selection);
  const attributes = product.attributes.filter(shownAttribute);
  const needsChoice = product.options.length > 0 || product.variants.length > 1;
  const purchasable = variant ? variant.stockStatus !== "out_of_stock" : !needsChoice && product.inStock;
  const stock = stockText(variant, product);
  // Units of this variant already in the cart count against its stock.
  const inCart = variant ? (cart.data?.lines.find((l) => l.variantId === variant.id)?.quantity ?? 0) : 0;
  const maxQuantity =
    variant && variant.availableQuantity > 0 ? Math.max(0, variant.availableQuantity - inCart) : null;
  const add = useCartWrite(
    ({ variantId, quantity: n }: { variantId: string; quantity: number }) => cartApi.addLine(variantId, n),
    ({ quantity: n }) => {
      const options = variant ? Object.values(variant.options).join(", ") : "";
      return `Added ${n} × ${product.name}${options ? ` (${options})` : ""} to your cart.`;
    },
  );
  const missing = product.options.filter((option) => selection[option.code] === undefined).map((o) => o.name);

  const description = useMemo(
    () =>
      product.metaDescription || textFromHtml(product.shortDescription || product.description).slice(0, 160),
    [product],
  );
  const jsonLd = useMemo(() => productJsonLd(product), [product]);

  const select = (code: string, value: string) => {
    const next = { ...selection, [code]: value };
    setSelection(next);
    add.reset();
    const image = imageForSelection(product, next);
    if (image) setImageId(image);
  };

  const trail = [
    { label: "Home", href: "/" },
    ...product.breadcrumbs.map((crumb) => ({ label: crumb.name, href: categoryHref(crumb.slug) })),
    { label: product.name },
  ];

  return (
    <div className="mx-auto max-w-7xl px-4 py-6 sm:px-6 lg:px-8">
      <PageHead title={product.metaTitle || product.name} description={description} jsonLd={jsonLd} />

      <Breadcrumbs items={trail} linkComponent={AppLink} />

      <div className="mt-6 grid grid-cols-1 gap-8 lg:grid-cols-2 lg:gap-12">
        <Gallery
          images={product.images}
          activeId={imageId}
          onSelect={setImageId}
          productName={product.name}
        />

        <div className="lg:sticky lg:top-6 lg:self-start">
          <h1 className="text-2xl font-bold tracking-tight text-neutral-900 sm:text-3xl">{product.name}</h1>
          {product.soldBy && (
            <p className="mt-1 text-sm text-neutral-700" data-testid="sold-by">
              Sold by{" "}
              <AppLink
                href={vendorHref(product.soldBy.slug)}
                className="rounded-sm font-medium text-accent-700 underline underline-offset-2 hover:text-accent-800"
              >
                {product.soldBy.name}
              </AppLink>
            </p>
          )}
          {product.reviewCount > 0 && product.ratingAverage != null && (
            <Rating value={product.ratingAverage} count={product.reviewCount} className="mt-2" />
          )}
          <div className="mt-4">
            {variant ? (
              <Price
                price={variant.price}
                compareAtPrice={variant.compareAtPrice}
                size="lg"
                data-testid="product-price"
              />
            ) : (
              <Price
                price={product.price}
                maxPrice={product.maxPrice}
                compareAtPrice={product.compareAtPrice}
                size="lg"
                data-testid="product-price"
              />
            )}
          </div>
          <div className="mt-3 flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
            <p className={cn("flex items-center gap-1.5 font-medium", stock.tone)}>
              <span aria-hidden="true" className="inline-block size-2 rounded-full bg-current" />
              <span data-testid="stock-status">{stock.text}</span>
            </p>
            <p className="text-neutral-600">
              SKU: <span data-testid="variant-sku">{variant?.sku ?? product.sku}</span>
            </p>
          </div>

          {product.shortDescription && (
            <div
              className="rich-text mt-5 text-sm"
              dangerouslySetInnerHTML={{ __html: product.shortDescription }}
            />
          )}

          <div className="mt-6">
            <VariantPicker
              product={product}
              selection={selection}
              onSelect={select}
              canClear={Object.keys(selection).length > Object.keys(initial).length}
              onClear={() => {
                setSelection(initial);
                add.reset();
              }}
            />
          </div>

          <form
            className="mt-6 flex flex-wrap items-end gap-3"
            onSubmit={(event) => {
              event.preventDefault();
              if (!variant || !purchasable || add.isPending) return;
              const n = clampQuantity(Number(quantity), 1, maxQuantity, 1);
              setQuantity(String(n));
              add.mutate(
                { variantId: variant.id, quantity: n },
                {
                  onSuccess: () => {
                    openDrawer();
                    reportSearchConversion(product.id);
                  },
                },
              );
            }}
          >
            <div>
              <label htmlFor={quantityId} className="mb-1 block text-sm font-medium text-neutral-900">
                Quantity
              </label>
              <input
                id={quantityId}
                type="number"
                inputMode="numeric"
                min={1}
                max={maxQuantity ?? undefined}
                step={1}
                value={quantity}
                onChange={(event) => setQuantity(event.target.value)}
                onBlur={() => setQuantity(String(clampQuantity(Number(quantity), 1, maxQuantity, 1)))}
                aria-describedby={stockHintId}
                className="h-12 w-24 rounded-lg border border-neutral-300 px-3 text-base text-neutral-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
              />
            </div>
            <Button
              type="submit"
              size="lg"
              className="min-w-48 flex-1 sm:flex-none"
              disabled={!purchasable || maxQuantity === 0}
              // Not disabled while adding, so that focus stays on the button (and returns to it).
              aria-disabled={add.isPending || undefined}
              aria-describedby={!purchasable ? hintId : maxQuantity === 0 ? stockHintId : undefined}
            >
              {add.isPending ? "Adding…" : "Add to cart"}
            </Button>
            <WishlistButton
              productId={product.id}
              variantId={variant?.id ?? null}
              productName={product.name}
              look="full"
            />
          </form>
          <p id={hintId} className="mt-2 min-h-5 text-sm text-neutral-600">
            {!purchasable &&
              (missing.length > 0
                ? `Choose ${missing.join(" and ").toLowerCase()} to add this product to your cart.`
                : "This product is out of stock.")}
          </p>
          <p id={stockHintId} className="text-sm text-neutral-600" data-testid="in-cart-hint">
            {inCart > 0 &&
              (maxQuantity === 0
                ? `All ${inCart} available are in your cart.`
                : `${inCart} already in your cart.`)}
          </p>
          {add.isError && <Alert className="mt-2">{errorMessage(add.error)}</Alert>}

          {product.categories.length > 0 && (
            <p className="mt-4 text-sm text-neutral-600">
              <span>Categories: </span>
              {product.categories.map((category, index) => (
                <span key={category.slug}>
                  {index > 0 && ", "}
                  <Link
                    to={categoryHref(category.slug)}
                    className="rounded-sm text-neutral-800 underline underline-offset-2 hover:text-accent-700"
                  >
                    {category.name}
                  </Link>
                </span>
              ))}
            </p>
          )}
        </div>
      </div>

      <div className="mt-14 grid grid-cols-1 gap-12 lg:grid-cols-[3fr_2fr]">
        {product.description && (
          <section aria-labelledby="product-description">
            <h2 id="product-description" className="text-xl font-semibold tracking-tight text-neutral-900">
              Description
            </h2>
            <div className="rich-text mt-4" dangerouslySetInnerHTML={{ __html: product.description }} />
          </section>
        )}
        {attributes.length > 0 && (
          <section aria-labelledby="product-details">
            <h2 id="product-details" className="text-xl font-semibold tracking-tight text-neutral-900">
              Details
            </h2>
            <table className="mt-4 w-full text-left text-sm">
              <tbody className="divide-y divide-neutral-200">
                {attributes.map((attribute) => (
                  <tr key={attribute.code}>
                    <th scope="row" className="w-2/5 py-2.5 pr-4 align-top font-medium text-neutral-900">
                      {attribute.label}
                    </th>
                    <td className="py-2.5 text-neutral-700">{formatAttribute(attribute.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </div>

      {product.bundleOptions.length > 0 && (
        <section aria-labelledby="bundle-options" className="mt-14">
          <h2 id="bundle-options" className="text-xl font-semibold tracking-tight text-neutral-900">
            What's in the kit
          </h2>
          <div className="mt-4 grid gap-4 md:grid-cols-2">
            {product.bundleOptions.map((option) => (
              <div key={option.title} className="rounded-xl border border-neutral-200 p-4">
                <h3 className="font-semibold text-neutral-900">
                  {option.title}{" "}
                  <span className="text-sm font-normal text-neutral-600">
                    ({option.required ? "required" : "optional"}
                    {option.type === "checkbox" ? ", choose any" : ", choose one"})
                  </span>
                </h3>
                <ItemList items={option.items} />
              </div>
            ))}
          </div>
        </section>
      )}

      {product.groupedItems.length > 0 && (
        <section aria-labelledby="grouped-items" className="mt-14">
          <h2 id="grouped-items" className="text-xl font-semibold tracking-tight text-neutral-900">
            Included in this set
          </h2>
          <div className="mt-4 rounded-xl border border-neutral-200 p-4">
            <ItemList items={product.groupedItems} />
          </div>
        </section>
      )}

      {product.downloads.length > 0 && (
        <section aria-labelledby="downloads" className="mt-14">
          <h2 id="downloads" className="text-xl font-semibold tracking-tight text-neutral-900">
            Downloads
          </h2>
          <p className="mt-1 text-sm text-neutral-600">Available to download after purchase.</p>
          <ul className="mt-4 divide-y divide-neutral-200 rounded-xl border border-neutral-200">
            {product.downloads.map((download) => (
              <li key={download.title} className="flex items-center gap-3 px-4 py-3 text-sm text-neutral-900">
                <Icon
                  d="M8 2v8M4.5 6.5L8 10l3.5-3.5M3 13h10"
                  className="size-4 text-neutral-600"
                  strokeWidth={1.5}
                />
                {download.title}
              </li>
            ))}
          </ul>
        </section>
      )}

      <Reviews productId={product.id} productName={product.name} />
      <ProductRow title="Related products" products={product.related} />
      <ProductRow title="You may also like" products={product.upsell} />
      <ProductRecommendations productId={product.id} />
    </div>
  );
}

function ItemList({ items }: { items: { product: ProductSummary; defaultQuantity: number }[] }) {
  return (
    <ul className="mt-3 divide-y divide-neutral-200">
      {items.map(({ product, defaultQuantity }) => (
        <li key={product.id} className="flex items-center gap-3 py-3">
          <div className="size-14 shrink-0 overflow-hidden rounded-lg bg-neutral-100">
            {product.thumbnail && (
              <img
                src={product.thumbnail.srcset[0]?.url ?? product.thumbnail.url}
                alt=""
                width={56}
                height={56}
                loading="lazy"
                onError={showImagePlaceholder}
                className="size-full object-contain mix-blend-multiply"
              />
            )}
          </div>
          <div className="min-w-0 flex-1">
            <Link
              to={productHref(product.slug)}
              className="rounded-sm text-sm font-medium text-neutral-900 hover:text-accent-700 hover:underline"
            >
              {decodeEntities(product.name)}
            </Link>
            <p className="text-xs text-neutral-600">
              {defaultQuantity > 0 ? `Qty ${defaultQuantity}` : "Optional"}
              {!product.inStock && " · Out of stock"}
            </p>
          </div>
          <Price price={product.price} compareAtPrice={product.compareAtPrice} size="sm" />
        </li>
      ))}
    </ul>
  );
}
