import { PageHeading } from "../components/PageHeading";

/** Placeholder while the screen is built. */
export function ProductEditorPage() {
  return <PageHeading title="Product" intro="Coming in this change." />;
}
