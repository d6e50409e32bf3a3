import { PageHeading } from "../components/PageHeading";

/** Customer groups: create, rename, delete, members (placeholder: filled in by the customer groups work). */
export function CustomerGroupsPage() {
  return <PageHeading title="Customer groups" />;
}
