CREATE TABLE "search_changes" (
	"version" bigint PRIMARY KEY NOT NULL,
	"product_ids" text[],
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "search_changes_created_idx" ON "search_changes" USING btree ("created_at");