import type { Category } from "@bazaar/sdk";

const MAX_PRIMARY = 6;

/**
 * Splits the top-level categories into the main navigation and the rest ("More").
 * The tree also carries categories that are not meant for the menu (merchandising collections
 * such as "Erin Recommends"). If the API marks them (`includeInMenu: false`), that decides;
 * otherwise departments (categories with subcategories) come first, then the largest categories.
 * Both lists keep the API's order; empty categories are left out.
 */
export function menuCategories(items: Category[]): { primary: Category[]; more: Category[] } {
  const visible = items.filter((c) => c.productCount > 0 || c.children.length > 0);
  const flagged = visible.filter((c) => "includeInMenu" in c);
  if (flagged.length > 0) {
    const inMenu = (c: Category) => (c as Category & { includeInMenu?: boolean }).includeInMenu !== false;
    return { primary: visible.filter(inMenu), more: visible.filter((c) => !inMenu(c)) };
  }
  if (visible.length <= MAX_PRIMARY + 1) return { primary: visible, more: [] };
  const ranked = [...visible].sort(
    (a, b) =>
      Number(b.children.length > 0) - Number(a.children.length > 0) || b.productCount - a.productCount,
  );
  const chosen = new Set(ranked.slice(0, MAX_PRIMARY).map((c) => c.id));
  return {
    primary: visible.filter((c) => chosen.has(c.id)),
    more: visible.filter((c) => !chosen.has(c.id)),
  };
}
