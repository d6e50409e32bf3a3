import { useLocation } from "react-router";
import { useStoreName } from "../shop";

/** Plain text of catalog HTML, whitespace collapsed. */
export function textFromHtml(html: string): string {
  if (!html) return "";
  const text = new DOMParser().parseFromString(html, "text/html").body.textContent ?? "";
  return text.replace(/\s+/g, " ").trim();
}

export interface PageHeadProps {
  /** Page title without the store name; omit for the store's own title. */
  title?: string;
  description?: string;
  /** schema.org data rendered as a JSON-LD script. */
  jsonLd?: object;
  noindex?: boolean;
}

/**
 * Title ("<title> | <store name>", the name set in the admin), meta description, canonical link and optional JSON-LD, matching
 * what the server renders into the HTML head. React 19 hoists title/meta/link into <head>.
 */
export function PageHead({ title, description, jsonLd, noindex }: PageHeadProps) {
  const { pathname } = useLocation();
  const storeName = useStoreName();
  return (
    <>
      <title>{title ? `${title} | ${storeName}` : `${storeName}: sportswear, gear and training`}</title>
      {description && <meta name="description" content={description} />}
      {noindex ? (
        <meta name="robots" content="noindex" />
      ) : (
        <link rel="canonical" href={`${window.location.origin}${pathname}`} />
      )}
      {jsonLd && (
        <script
          type="application/ld+json"
          // "<" is escaped so that catalog text cannot close the script element.
          dangerouslySetInnerHTML={{ __html: JSON.stringify(jsonLd).replace(/</g, "\\u003c") }}
        />
      )}
    </>
  );
}
