CREATE TABLE "vendor_orders" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"vendor_id" text NOT NULL,
	"vendor_name" text NOT NULL,
	"number" text NOT NULL,
	"fulfillment_status" text NOT NULL,
	"currency" text NOT NULL,
	"subtotal" bigint NOT NULL,
	"discount_total" bigint NOT NULL,
	"tax_total" bigint NOT NULL,
	"shipping_total" bigint NOT NULL,
	"total" bigint NOT NULL,
	"commission_total" bigint NOT NULL,
	"payable_total" bigint NOT NULL,
	"placed_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "commission_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"vendor_id" text,
	"category_id" text,
	"rate_basis_points" integer NOT NULL,
	"fixed_per_unit" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commission_rules_rate_check" CHECK ("commission_rules"."rate_basis_points" between 0 and 10000),
	CONSTRAINT "commission_rules_fixed_check" CHECK ("commission_rules"."fixed_per_unit" >= 0)
);
--> statement-breakpoint
ALTER TABLE "fulfillments" ADD COLUMN "vendor_id" text;--> statement-breakpoint
ALTER TABLE "order_line_items" ADD COLUMN "vendor_id" text;--> statement-breakpoint
ALTER TABLE "order_line_items" ADD COLUMN "commission_amount" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "order_line_items" ADD COLUMN "commission_rule" jsonb;--> statement-breakpoint
ALTER TABLE "vendor_orders" ADD CONSTRAINT "vendor_orders_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_rules" ADD CONSTRAINT "commission_rules_vendor_id_vendors_id_fk" FOREIGN KEY ("vendor_id") REFERENCES "public"."vendors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "vendor_orders_order_vendor_key" ON "vendor_orders" USING btree ("order_id","vendor_id");--> statement-breakpoint
CREATE INDEX "vendor_orders_vendor_idx" ON "vendor_orders" USING btree ("vendor_id","placed_at");--> statement-breakpoint
CREATE INDEX "vendor_orders_vendor_status_idx" ON "vendor_orders" USING btree ("vendor_id","fulfillment_status","placed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "commission_rules_scope_key" ON "commission_rules" USING btree (coalesce("vendor_id", ''),coalesce("category_id", ''));--> statement-breakpoint
-- The platform's default commission until staff set their own: 10 % of the net line amount, no fixed fee.
INSERT INTO "commission_rules" ("id", "rate_basis_points", "fixed_per_unit") VALUES ('com_default', 1000, 0) ON CONFLICT DO NOTHING;
