import { useQuery } from "@tanstack/react-query";
import { Link, useLocation } from "react-router";
import { isPreview, layoutQuery, type MenuItem } from "../content";
import { menuCategories } from "../menu";
import { categoriesQuery } from "../queries";
import { useShop } from "../shop";
import { categoryHref } from "./AppLink";
import { ContentLink } from "./content/ContentLink";

const linkClass = "rounded-sm text-neutral-700 hover:text-accent-700 hover:underline";

/**
 * The footer: the shop's blurb, and the footer menu staff published (links, and columns for links
 * with sub-links) or else the top-level categories.
 */
export function Footer() {
  const { search } = useLocation();
  const shop = useShop();
  const layout = useQuery(layoutQuery(isPreview(search)));
  const { data } = useQuery(categoriesQuery());
  const { primary: categories } = menuCategories(data?.items ?? []);
  const footerMenu = layout.data?.footerMenu;
  return (
    <footer className="mt-16 border-t border-neutral-200 bg-neutral-50">
      <div className="mx-auto grid max-w-7xl gap-8 px-4 py-10 sm:px-6 md:grid-cols-[1fr_2fr] lg:px-8">
        <div>
          <p className="text-lg font-bold text-neutral-900">{shop.name}</p>
          <p className="mt-2 max-w-xs text-sm text-neutral-600">
            Sportswear and gear for every workout. Powered by Bazaar, the open-source e-commerce platform.
          </p>
          {shop.supportPhone && (
            <p className="mt-2 text-sm text-neutral-700">
              Questions? Call{" "}
              <a
                href={`tel:${shop.supportPhone.replace(/[^+\d]/g, "")}`}
                className="font-medium text-accent-700 hover:underline"
              >
                {shop.supportPhone}
              </a>
            </p>
          )}
          <ul className="mt-4 space-y-2 text-sm">
            <li>
              <Link to="/orders/lookup" className="rounded-sm font-medium text-accent-700 hover:underline">
                Find an order
              </Link>
            </li>
            <li>
              <Link to="/sell" className="rounded-sm font-medium text-accent-700 hover:underline">
                Sell on {shop.name}
              </Link>
            </li>
          </ul>
        </div>
        {footerMenu ? (
          <FooterMenu items={footerMenu.items} />
        ) : (
          !layout.isPending &&
          categories.length > 0 && (
            <nav aria-label="Footer">
              <h2 className="text-sm font-semibold text-neutral-900">Shop</h2>
              <ul className="mt-3 grid grid-cols-2 gap-2 text-sm sm:grid-cols-3">
                {categories.map((category) => (
                  <li key={category.id}>
                    <Link to={categoryHref(category.slug)} className={linkClass}>
                      {category.name}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
          )
        )}
      </div>
      <div className="border-t border-neutral-200">
        <p className="mx-auto max-w-7xl px-4 py-4 text-xs text-neutral-600 sm:px-6 lg:px-8">
          © {new Date().getFullYear()} {shop.name}. Demo store with the Magento Luma sample catalog.
        </p>
      </div>
    </footer>
  );
}

/** Links without sub-links in one list; a link with sub-links heads its own column. */
function FooterMenu({ items }: { items: MenuItem[] }) {
  const plain = items.filter((i) => !i.children?.length);
  const columns = items.filter((i) => i.children?.length);
  return (
    <nav aria-label="Footer" className="grid gap-8 sm:grid-cols-2 lg:grid-cols-3">
      {plain.length > 0 && (
        <ul className="space-y-2 text-sm" data-testid="footer-links">
          {plain.map((item) => (
            <li key={`${item.label}:${item.url}`}>
              <ContentLink url={item.url} className={linkClass}>
                {item.label}
              </ContentLink>
            </li>
          ))}
        </ul>
      )}
      {columns.map((column) => (
        <div key={`${column.label}:${column.url}`}>
          <h2 className="text-sm font-semibold text-neutral-900">
            <ContentLink url={column.url} className="rounded-sm hover:text-accent-700 hover:underline">
              {column.label}
            </ContentLink>
          </h2>
          <ul className="mt-3 space-y-2 text-sm">
            {(column.children ?? []).map((child) => (
              <li key={`${child.label}:${child.url}`}>
                <ContentLink url={child.url} className={linkClass}>
                  {child.label}
                </ContentLink>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}
