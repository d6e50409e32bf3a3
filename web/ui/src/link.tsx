import type { ComponentType, ReactNode } from "react";

/** Props a router-aware link component must accept (e.g. a wrapper around react-router's Link). */
export interface LinkComponentProps {
  href: string;
  className?: string;
  children?: ReactNode;
  "aria-current"?: "page";
}

export type LinkComponent = ComponentType<LinkComponentProps>;

/** A plain anchor, used when no router link component is given. */
export function DefaultLink({ href, children, ...rest }: LinkComponentProps) {
  return (
    <a href={href} {...rest}>
      {children}
    </a>
  );
}
