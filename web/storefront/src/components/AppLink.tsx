import type { LinkComponentProps } from "@bazaar/ui";
import { Link } from "react-router";

/** Adapts react-router's Link to the `linkComponent` prop of @bazaar/ui components. */
export function AppLink({ href, ...rest }: LinkComponentProps) {
  return <Link to={href} {...rest} />;
}

export const categoryHref = (slug: string) => `/categories/${encodeURIComponent(slug)}`;
export const productHref = (slug: string) => `/products/${encodeURIComponent(slug)}`;
