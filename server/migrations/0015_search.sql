CREATE TABLE "search_documents" (
	"product_id" text PRIMARY KEY NOT NULL,
	"sku" text NOT NULL,
	"skus" text[] NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"brand" text DEFAULT '' NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"document" "tsvector" NOT NULL,
	"words" "tsvector" NOT NULL,
	"facets" text[] NOT NULL,
	"price_min" bigint,
	"price_max" bigint,
	"currency" text,
	"in_stock" boolean NOT NULL,
	"popularity" real DEFAULT 0 NOT NULL,
	"rating_average" real,
	"review_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"indexed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "search_events" (
	"query_id" text NOT NULL,
	"product_id" text NOT NULL,
	"type" text NOT NULL,
	"position" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "search_queries" (
	"id" text PRIMARY KEY NOT NULL,
	"query" text NOT NULL,
	"normalized" text NOT NULL,
	"result_count" integer NOT NULL,
	"corrected_query" text,
	"filters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"sort" text DEFAULT 'relevance' NOT NULL,
	"first_page" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "search_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"language" text DEFAULT 'english' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "search_synonym_rules" (
	"synonym_id" text NOT NULL,
	"target" "tsquery" NOT NULL,
	"substitute" "tsquery" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "search_synonyms" (
	"id" text PRIMARY KEY NOT NULL,
	"terms" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "search_terms" (
	"term" text PRIMARY KEY NOT NULL,
	"documents" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "search_synonym_rules" ADD CONSTRAINT "search_synonym_rules_synonym_id_search_synonyms_id_fk" FOREIGN KEY ("synonym_id") REFERENCES "public"."search_synonyms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "search_documents_document_idx" ON "search_documents" USING gin ("document");--> statement-breakpoint
CREATE INDEX "search_documents_words_idx" ON "search_documents" USING gin ("words");--> statement-breakpoint
CREATE INDEX "search_documents_facets_idx" ON "search_documents" USING gin ("facets");--> statement-breakpoint
CREATE INDEX "search_documents_skus_idx" ON "search_documents" USING gin ("skus");--> statement-breakpoint
CREATE UNIQUE INDEX "search_events_key" ON "search_events" USING btree ("query_id","product_id","type");--> statement-breakpoint
CREATE INDEX "search_events_created_idx" ON "search_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "search_queries_created_idx" ON "search_queries" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "search_queries_normalized_idx" ON "search_queries" USING btree ("normalized","created_at");--> statement-breakpoint
CREATE INDEX "search_synonym_rules_synonym_idx" ON "search_synonym_rules" USING btree ("synonym_id");--> statement-breakpoint
CREATE INDEX "search_terms_trgm_idx" ON "search_terms" USING gin ("term" gin_trgm_ops);--> statement-breakpoint
insert into "search_settings" ("id", "language") values (1, 'english') on conflict do nothing;