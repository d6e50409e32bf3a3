import { PageHeading } from "../components/PageHeading";

/** Placeholder while the screen is built. */
export function ReviewsPage() {
  return <PageHeading title="Reviews" intro="Coming in this change." />;
}
