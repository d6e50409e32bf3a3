import type { ReactNode } from "react";
import { Link } from "react-router";
import { isExternal } from "../../content";

/**
 * A link staff set (menus, banners, the announcement bar): a path of the shop goes through the router,
 * an http(s) URL leaves the shop as a plain link.
 */
export function ContentLink({
  url,
  className,
  children,
}: {
  url: string;
  className?: string;
  children: ReactNode;
}) {
  if (isExternal(url) || url.startsWith("#"))
    return (
      <a href={url} className={className} {...(isExternal(url) ? { rel: "noopener" } : {})}>
        {children}
      </a>
    );
  return (
    <Link to={url} className={className}>
      {children}
    </Link>
  );
}
