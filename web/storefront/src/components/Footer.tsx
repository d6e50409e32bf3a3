import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { menuCategories } from "../menu";
import { categoriesQuery } from "../queries";
import { categoryHref } from "./AppLink";

export function Footer() {
  const { data } = useQuery(categoriesQuery());
  const { primary: categories } = menuCategories(data?.items ?? []);
  return (
    <footer className="mt-16 border-t border-neutral-200 bg-neutral-50">
      <div className="mx-auto grid max-w-7xl gap-8 px-4 py-10 sm:px-6 md:grid-cols-[1fr_2fr] lg:px-8">
        <div>
          <p className="text-lg font-bold text-neutral-900">Bazaar</p>
          <p className="mt-2 max-w-xs text-sm text-neutral-600">
            Sportswear and gear for every workout. Powered by Bazaar, the open-source e-commerce platform.
          </p>
          <p className="mt-4 text-sm">
            <Link to="/orders/lookup" className="rounded-sm font-medium text-accent-700 hover:underline">
              Find an order
            </Link>
          </p>
        </div>
        {categories.length > 0 && (
          <nav aria-label="Footer">
            <h2 className="text-sm font-semibold text-neutral-900">Shop</h2>
            <ul className="mt-3 grid grid-cols-2 gap-2 text-sm sm:grid-cols-3">
              {categories.map((category) => (
                <li key={category.id}>
                  <Link
                    to={categoryHref(category.slug)}
                    className="rounded-sm text-neutral-700 hover:text-accent-700 hover:underline"
                  >
                    {category.name}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </div>
      <div className="border-t border-neutral-200">
        <p className="mx-auto max-w-7xl px-4 py-4 text-xs text-neutral-600 sm:px-6 lg:px-8">
          © {new Date().getFullYear()} Bazaar. Demo store with the Magento Luma sample catalog.
        </p>
      </div>
    </footer>
  );
}
