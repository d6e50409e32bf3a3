import { PageHeading } from "../components/PageHeading";

/** Placeholder while the screen is built. */
export function ProductsPage() {
  return <PageHeading title="Products" intro="Coming in this change." />;
}
