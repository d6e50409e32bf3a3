import { PageHeading } from "../components/PageHeading";

/** Placeholder while the screen is built. */
export function InventoryPage() {
  return <PageHeading title="Inventory" intro="Coming in this change." />;
}
