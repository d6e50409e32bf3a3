import { PageHeading } from "../components/PageHeading";

/** Placeholder while the screen is built. */
export function CategoriesPage() {
  return <PageHeading title="Categories" intro="Coming in this change." />;
}
