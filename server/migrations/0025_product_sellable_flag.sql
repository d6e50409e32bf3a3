CREATE TABLE "product_stock_changes" (
	"product_id" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "sellable" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "products_sold_out_idx" ON "products" USING btree ("id") WHERE not "products"."sellable";--> statement-breakpoint
-- Can some variant of each product be sold now? (inventory's purchasableVariantCondition)
UPDATE "products" p SET "sellable" = EXISTS (
  SELECT 1 FROM "variants" v JOIN "inventory_levels" il ON il.variant_id = v.id
    JOIN "stock_locations" sl ON sl.id = il.location_id AND sl.is_active
  WHERE v.product_id = p.id
    AND (NOT il.manage_stock OR il.allow_backorder OR il.stocked_quantity - il.reserved_quantity > 0));
--> statement-breakpoint
-- A stock level whose sellability flips (or that appears sellable, or goes) notes its product. Updates that
-- leave it as it was (most reservations) return at once.
CREATE FUNCTION "note_level_sellable"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was boolean := false;
  now_sellable boolean := false;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    was := NOT OLD.manage_stock OR OLD.allow_backorder OR OLD.stocked_quantity - OLD.reserved_quantity > 0;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    now_sellable := NOT NEW.manage_stock OR NEW.allow_backorder OR NEW.stocked_quantity - NEW.reserved_quantity > 0;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF was = now_sellable AND OLD.variant_id = NEW.variant_id AND OLD.location_id = NEW.location_id THEN
      RETURN NULL;
    END IF;
    INSERT INTO "product_stock_changes" (product_id) SELECT product_id FROM "variants" WHERE id = OLD.variant_id;
    IF OLD.variant_id <> NEW.variant_id THEN
      INSERT INTO "product_stock_changes" (product_id) SELECT product_id FROM "variants" WHERE id = NEW.variant_id;
    END IF;
  ELSIF TG_OP = 'INSERT' THEN
    IF now_sellable THEN
      INSERT INTO "product_stock_changes" (product_id) SELECT product_id FROM "variants" WHERE id = NEW.variant_id;
    END IF;
  ELSIF was THEN
    INSERT INTO "product_stock_changes" (product_id) SELECT product_id FROM "variants" WHERE id = OLD.variant_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "inventory_levels_note_sellable" AFTER INSERT OR UPDATE OR DELETE ON "inventory_levels"
  FOR EACH ROW EXECUTE FUNCTION "note_level_sellable"();
--> statement-breakpoint
-- A variant that goes, or moves to another product, changes what its products can sell.
CREATE FUNCTION "note_variant_sellable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "product_stock_changes" (product_id) VALUES (OLD.product_id);
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO "product_stock_changes" (product_id) VALUES (NEW.product_id);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "variants_note_sellable" AFTER DELETE OR UPDATE OF product_id ON "variants"
  FOR EACH ROW EXECUTE FUNCTION "note_variant_sellable"();
--> statement-breakpoint
-- A stock location switched on or off changes every product stocked there.
CREATE FUNCTION "note_location_sellable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.is_active IS DISTINCT FROM NEW.is_active THEN
    INSERT INTO "product_stock_changes" (product_id)
      SELECT DISTINCT v.product_id FROM "inventory_levels" il JOIN "variants" v ON v.id = il.variant_id
      WHERE il.location_id = NEW.id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "stock_locations_note_sellable" AFTER UPDATE OF is_active ON "stock_locations"
  FOR EACH ROW EXECUTE FUNCTION "note_location_sellable"();
