/** Every table of every module, for Drizzle's typed queries and drizzle-kit's migrations. */

export * from "../modules/audit/audit.schema.ts";
export * from "../modules/cart/cart.schema.ts";
export * from "../modules/catalog/catalog.schema.ts";
export * from "../modules/customers/customers.schema.ts";
export * from "../modules/inventory/inventory.schema.ts";
export * from "../modules/orders/orders.schema.ts";
export * from "../modules/payments/payments.schema.ts";
export * from "../modules/pricing/pricing.schema.ts";
export * from "../modules/recommendations/recommendations.schema.ts";
export * from "../modules/reviews/reviews.schema.ts";
export * from "../modules/search/search.schema.ts";
export * from "../modules/shipping/shipping.schema.ts";
export * from "../modules/staff/staff.schema.ts";
export * from "../modules/vendors/vendors.schema.ts";
export * from "../modules/wishlists/wishlists.schema.ts";
export * from "./outbox.schema.ts";
