import { PageHeading } from "../components/PageHeading";

/** Placeholder while the screen is built. */
export function TransfersPage() {
  return <PageHeading title="Import and export" intro="Coming in this change." />;
}
