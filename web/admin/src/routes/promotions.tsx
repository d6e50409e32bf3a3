import { PageHeading } from "../components/PageHeading";

/** Placeholder while the screen is built. */
export function PromotionsPage() {
  return <PageHeading title="Promotions" intro="Coming in this change." />;
}
