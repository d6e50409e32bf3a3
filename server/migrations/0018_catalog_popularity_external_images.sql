ALTER TABLE "images" ALTER COLUMN "storage_key" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "images" ALTER COLUMN "sha256" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "images" ALTER COLUMN "bytes" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "source_url" text;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "popularity" real DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "images_source_url_key" ON "images" USING btree ("source_url");--> statement-breakpoint
ALTER TABLE "images" ADD CONSTRAINT "images_file_or_url" CHECK (("images"."storage_key" is not null and "images"."sha256" is not null and "images"."bytes" is not null) or "images"."source_url" is not null);