DROP INDEX "orders_email_idx";--> statement-breakpoint
CREATE INDEX "orders_ip_idx" ON "orders" USING btree ("ip_address","placed_at");--> statement-breakpoint
CREATE INDEX "payments_card_idx" ON "payments" USING btree ("card_fingerprint","created_at");--> statement-breakpoint
CREATE INDEX "orders_email_idx" ON "orders" USING btree ("email","placed_at");