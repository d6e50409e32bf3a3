/**
 * Recently viewed products, kept in this browser only (localStorage, no server storage): the last
 * 12 product ids, most recent first. Their card data comes from POST /api/store/products/summaries.
 */
const key = "bazaar.recentlyViewed";
const max = 12;

/** Ids of the recently viewed products, most recent first (empty when storage is unavailable). */
export function recentlyViewed(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? "[]");
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string").slice(0, max) : [];
  } catch {
    return [];
  }
}

/** Records a product view: moves the id to the front and keeps the last 12. */
export function rememberViewed(productId: string): void {
  try {
    const ids = [productId, ...recentlyViewed().filter((id) => id !== productId)].slice(0, max);
    localStorage.setItem(key, JSON.stringify(ids));
  } catch {
    // Private mode or storage full: the list is a convenience only.
  }
}
