CREATE TABLE "recommendation_neighbours" (
	"product_id" text NOT NULL,
	"kind" text NOT NULL,
	"rank" integer NOT NULL,
	"neighbour_id" text NOT NULL,
	"score" real NOT NULL,
	CONSTRAINT "recommendation_neighbours_product_id_kind_rank_pk" PRIMARY KEY("product_id","kind","rank")
);
--> statement-breakpoint
CREATE TABLE "recommendation_popular" (
	"scope" text NOT NULL,
	"rank" integer NOT NULL,
	"product_id" text NOT NULL,
	"score" real NOT NULL,
	CONSTRAINT "recommendation_popular_scope_rank_pk" PRIMARY KEY("scope","rank")
);
--> statement-breakpoint
CREATE TABLE "recommendation_state" (
	"id" text PRIMARY KEY NOT NULL,
	"trained_at" timestamp with time zone NOT NULL,
	"stats" jsonb NOT NULL
);
