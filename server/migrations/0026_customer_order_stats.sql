CREATE TABLE "customer_order_stats" (
	"user_id" text NOT NULL,
	"currency" text NOT NULL,
	"orders_count" integer NOT NULL,
	"total_spent" bigint NOT NULL,
	"last_order_at" timestamp with time zone NOT NULL,
	CONSTRAINT "customer_order_stats_user_id_currency_pk" PRIMARY KEY("user_id","currency")
);
--> statement-breakpoint
DROP INDEX "product_categories_category_idx";--> statement-breakpoint
CREATE INDEX "customer_order_stats_last_order_idx" ON "customer_order_stats" USING btree ("last_order_at");--> statement-breakpoint
CREATE INDEX "products_sku_prefix_idx" ON "products" USING btree (lower("sku") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "variants_sku_prefix_idx" ON "variants" USING btree (lower("sku") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "customer_profiles_subscribed_idx" ON "customer_profiles" USING btree ("user_id") WHERE "customer_profiles"."marketing_consent";--> statement-breakpoint
CREATE INDEX "product_categories_category_idx" ON "product_categories" USING btree ("category_id","product_id");
--> statement-breakpoint
-- One account's figures in one currency, from its orders (the statuses are orders.purchases.ts's
-- boughtStatuses: paid, not cancelled or wholly refunded). Spent: totals minus what was refunded.
CREATE FUNCTION "refresh_customer_order_stats"(uid text, cur text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  n integer;
  spent bigint;
  last timestamptz;
BEGIN
  IF uid IS NULL THEN
    RETURN;
  END IF;
  SELECT count(*)::int, coalesce(sum(total - refunded_total), 0), max(placed_at) INTO n, spent, last
    FROM "orders"
    WHERE user_id = uid AND currency = cur
      AND status IN ('processing', 'partially_shipped', 'shipped', 'ready_for_pickup', 'delivered', 'completed');
  IF n = 0 THEN
    DELETE FROM "customer_order_stats" WHERE user_id = uid AND currency = cur;
  ELSE
    INSERT INTO "customer_order_stats" (user_id, currency, orders_count, total_spent, last_order_at)
      VALUES (uid, cur, n, spent, last)
      ON CONFLICT (user_id, currency) DO UPDATE
        SET orders_count = excluded.orders_count, total_spent = excluded.total_spent,
          last_order_at = excluded.last_order_at;
  END IF;
END $$;
--> statement-breakpoint
CREATE FUNCTION "note_order_customer_stats"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM "refresh_customer_order_stats"(OLD.user_id, OLD.currency);
  END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR OLD.user_id IS DISTINCT FROM NEW.user_id
      OR OLD.currency IS DISTINCT FROM NEW.currency) THEN
    PERFORM "refresh_customer_order_stats"(NEW.user_id, NEW.currency);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "orders_note_customer_stats"
  AFTER INSERT OR DELETE OR UPDATE OF status, total, refunded_total, currency, user_id, placed_at ON "orders"
  FOR EACH ROW EXECUTE FUNCTION "note_order_customer_stats"();
--> statement-breakpoint
INSERT INTO "customer_order_stats" (user_id, currency, orders_count, total_spent, last_order_at)
  SELECT user_id, currency, count(*)::int, sum(total - refunded_total), max(placed_at) FROM "orders"
  WHERE user_id IS NOT NULL
    AND status IN ('processing', 'partially_shipped', 'shipped', 'ready_for_pickup', 'delivered', 'completed')
  GROUP BY user_id, currency;
