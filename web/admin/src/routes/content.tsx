import { PageHeading } from "../components/PageHeading";

/** Placeholder while the screen is built. */
export function ContentPage() {
  return <PageHeading title="Content" intro="Coming in this change." />;
}
