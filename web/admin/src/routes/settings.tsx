import { PageHeading } from "../components/PageHeading";

/** Placeholder while the screen is built. */
export function SettingsPage() {
  return <PageHeading title="Settings" intro="Coming in this change." />;
}
