import { errorMessage } from "@bazaar/sdk";
import { Spinner } from "@bazaar/ui";
import { Alert } from "./forms";

/** The loading or error state of a query, or nothing once it has data. */
export function QueryState({
  query,
  label,
}: {
  query: { isPending: boolean; error: unknown };
  label: string;
}) {
  if (query.error) return <Alert>{errorMessage(query.error)}</Alert>;
  if (query.isPending) return <Spinner label={`Loading ${label}…`} />;
  return null;
}
