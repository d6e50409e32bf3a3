import type { PersonalDataSource } from "../../platform/personal-data.ts";
import { deleteWishlistsOf, wishlistsOf } from "./wishlists.service.ts";

/**
 * A customer's wishlists (titles they chose, what they wish for): exported with the rest of their
 * data and deleted on erasure. Share tokens are kept only as hashes and not exported.
 */
export const wishlistsPersonalData: PersonalDataSource = {
  columns: { wishlists: ["title", "created_at"], wishlist_items: ["product_id", "added_at"] },
  export: (db, { userId }) => wishlistsOf(db, userId),
  erase: (db, { userId }) => deleteWishlistsOf(db, userId),
};
