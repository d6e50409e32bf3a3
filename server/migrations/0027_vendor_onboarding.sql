ALTER TABLE "products" ADD COLUMN "vendor_id" text;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "vendor_active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "legal_name" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "tax_id" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "contact_email" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "contact_phone" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "address" jsonb;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "payout_country" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "payout_method" text;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "agreement_version" text;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "agreement_accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "submitted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "review_note" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "reviewed_by" text;--> statement-breakpoint
CREATE INDEX "products_vendor_idx" ON "products" USING btree ("vendor_id","updated_at") WHERE "products"."vendor_id" is not null;--> statement-breakpoint
CREATE INDEX "vendors_status_idx" ON "vendors" USING btree ("status","submitted_at");