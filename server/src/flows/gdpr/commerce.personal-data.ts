import { sql } from "drizzle-orm";
import { queryRows } from "../../platform/db.ts";
import type { PersonalDataSource } from "../../platform/personal-data.ts";

/** The address kept on an erased order: where tax was due (country, region, postcode), nothing personal. */
const anonymisedAddress = (column: string) =>
  sql.raw(`case when ${column} is null then null else jsonb_build_object(
    'firstName', 'Erased', 'lastName', '', 'company', null, 'line1', '', 'line2', null, 'city', '',
    'region', ${column}->'region', 'postalCode', ${column}->'postalCode', 'country', ${column}->'country', 'phone', null) end`);

/**
 * Personal data in carts, orders, payments and coupon use. Erasure keeps every order with its lines,
 * amounts and tax (bookkeeping law requires them) but without the person: the e-mail becomes
 * `erased+<order id>@erased.invalid`, addresses keep only the tax jurisdiction (country, region,
 * postcode), the IP address and card fingerprints are removed; carts are deleted; coupon use stops
 * naming the customer.
 */
export const commercePersonalData: PersonalDataSource = {
  columns: {
    carts: ["email", "shipping_address", "billing_address"],
    orders: [
      "number",
      "email",
      "ip_address",
      "shipping_address",
      "billing_address",
      "total",
      "currency",
      "placed_at",
    ],
  },
  async export(db, { userId, email }) {
    const [carts, orders, lines] = await Promise.all([
      queryRows<Record<string, unknown>>(
        db,
        sql`select id, status, email, shipping_address, billing_address, coupon_codes, created_at, updated_at
          from carts where user_id = ${userId} or lower(email) = lower(${email}) order by created_at`,
      ),
      queryRows<Record<string, unknown>>(
        db,
        sql`select id, number, status, payment_status, fulfillment_status, email, ip_address, shipping_address,
          billing_address, subtotal, discount_total, shipping_total, tax_total, total, currency, placed_at
          from orders where user_id = ${userId} or lower(email) = lower(${email}) order by placed_at`,
      ),
      queryRows<Record<string, unknown>>(
        db,
        sql`select l.order_id, l.sku, l.product_name, l.variant_title, l.quantity, l.unit_price, l.total
          from order_line_items l join orders o on o.id = l.order_id
          where o.user_id = ${userId} or lower(o.email) = lower(${email}) order by o.placed_at, l.position`,
      ),
    ]);
    return { carts, orders, order_line_items: lines };
  },
  async erase(db, { userId, email }) {
    const mine = sql`(user_id = ${userId} or lower(email) = lower(${email}))`;
    await db.execute(
      sql`update payments set card_fingerprint = null
        where order_id in (select id from orders where ${mine})`,
    );
    const keys = [userId, `email:${email.toLowerCase()}`];
    await db.execute(
      sql`update coupon_customer_usage set customer_key = 'erased:' || md5(random()::text || customer_key)
        where customer_key = any(${sql.param(keys)}::text[])`,
    );
    await db.execute(
      sql`update coupon_redemptions set customer_key = 'erased'
        where customer_key = any(${sql.param(keys)}::text[])`,
    );
    await db.execute(sql`delete from carts where ${mine}`);
    await db.execute(sql`update orders set
        email = 'erased+' || id || '@erased.invalid',
        user_id = null,
        ip_address = null,
        shipping_address = ${anonymisedAddress("shipping_address")},
        billing_address = ${anonymisedAddress("billing_address")},
        updated_at = now()
      where ${mine}`);
  },
};
